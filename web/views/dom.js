// Building the page's elements: every piece of text goes in as a text node (textContent /
// createTextNode), never as HTML, so that text from the ledger can never become markup.
// No dependencies.

/** Creates an element. attrs: properties/attributes; `on`: event listeners. Children: nodes or text. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'on') {
      for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    } else if (k === 'class') {
      el.className = v;
    } else if (k === 'text') {
      el.textContent = v;
    } else if (k in el && typeof v !== 'string') {
      el[k] = v;
    } else {
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

/** Appends `children` (nodes or text, nested lists flattened; null, undefined and false skipped). */
export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Removes every child of `el`. */
export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** A `<code>` element (class `hash` unless given). */
export const code = (text, cls = 'hash') => h('code', { class: cls }, text);

/** A definition list of [label, value] rows; rows that are null or have no value are left out. */
export function dl(rows, cls = 'facts') {
  const list = h('dl', { class: cls });
  for (const row of rows) {
    if (!row) continue;
    const [label, value] = row;
    if (value === undefined || value === null || value === '') continue;
    list.append(h('div', { class: 'row' }, h('dt', {}, label), h('dd', {}, value)));
  }
  return list;
}

/** A card with a heading. */
export function section(title, ...children) {
  return h('section', { class: 'card' }, h('h2', {}, title), ...children);
}

/** A message box: `kind` 'bad' is an alert, anything else ('info', 'good') a status. */
export function message(kind, text, ...more) {
  return h('div', { class: `msg ${kind}`, role: kind === 'bad' ? 'alert' : 'status' }, h('p', {}, text), ...more);
}

/** Resolves after the browser has had a chance to paint. */
export const nextFrame = () => new Promise((r) => { setTimeout(r, 0); });
