// Form pieces every screen of the console uses: labelled fields with a hint and an error
// slot, an amount field that shows back what it read, and the append flow: check every field,
// review exactly what will be published, then record once.
//
// The append flow makes one Idempotency-Key when the form is filled in and sends it with
// every attempt of it (a double click, an automatic retry after a lost answer, "Record" again
// after an error): the server records the entry once, whatever reaches it how many times.

import {
  h, clear, dl, append as appendAll,
} from '../views/dom.js';
import { t } from './i18n.js';
import {
  append, newIdempotencyKey, ApiError, NetworkError,
} from './api.js';
import {
  money, checkText, amountText, errorText,
} from './format.js';
import { readAmount } from './checks.js';

let lastId = 0;
const nextId = (name) => `f-${String(name).replace(/[^a-zA-Z0-9_-]/g, '-')}-${++lastId}`;

/**
 * A labelled field. `kind`: text, textarea, select, date, password, email, tel, number or
 * checkbox; `options` for a select: [value, label] pairs; `hint`: a line under the label;
 * `attrs`: more attributes of the input. Returns `{ name, el, input, value, setError(text),
 * focus() }`; `value` reads and writes the input's value (a boolean for a checkbox).
 */
export function field({
  name, label, kind = 'text', hint, required = false, options = [], value, attrs = {},
}) {
  const id = nextId(name);
  const hintId = `${id}-hint`;
  const errId = `${id}-err`;
  let input;
  if (kind === 'textarea') {
    input = h('textarea', { id, name, rows: 3, ...attrs });
  } else if (kind === 'select') {
    input = h('select', { id, name, ...attrs }, options.map(([v, l]) => h('option', { value: v }, l)));
  } else {
    input = h('input', {
      id, name, type: kind, ...(kind === 'text' || kind === 'textarea' ? { autocomplete: 'off' } : {}), ...attrs,
    });
  }
  if (required) input.setAttribute('aria-required', 'true');
  const describedBy = [hint ? hintId : null, errId].filter(Boolean).join(' ');
  input.setAttribute('aria-describedby', describedBy);
  const error = h('p', { class: 'field-error', id: errId, hidden: true });
  const labelEl = h('label', { for: id }, label, required ? h('span', { class: 'req' }, ` (${t('required')})`) : null);
  const el = kind === 'checkbox'
    ? h('div', { class: 'field check', 'data-field': name }, input, ' ', labelEl, hint ? h('p', { class: 'hint', id: hintId }, hint) : null, error)
    : h('div', { class: 'field', 'data-field': name }, labelEl, hint ? h('p', { class: 'hint', id: hintId }, hint) : null, input, error);
  const f = {
    name,
    el,
    input,
    label,
    get value() {
      return kind === 'checkbox' ? input.checked : input.value;
    },
    set value(v) {
      if (kind === 'checkbox') input.checked = Boolean(v);
      else input.value = v;
    },
    setError(text) {
      error.textContent = text || '';
      error.hidden = !text;
      if (text) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
    },
    focus() {
      input.focus();
    },
  };
  if (value !== undefined) f.value = value;
  return f;
}

/**
 * A group of radio buttons in a fieldset: `options` are [value, label, hint?] triples.
 * Returns a field-like `{ name, el, value, setError(text), focus(), onChange(fn) }`.
 */
export function radioGroup({
  name, legend, options, value, hint,
}) {
  const id = nextId(name);
  const errId = `${id}-err`;
  const error = h('p', { class: 'field-error', id: errId, hidden: true });
  const inputs = [];
  const items = options.map(([v, l, more], i) => {
    const input = h('input', {
      type: 'radio', id: `${id}-${i}`, name: id, value: v, 'aria-describedby': more ? `${id}-${i}-hint ${errId}` : errId,
    });
    if (v === value) input.checked = true;
    inputs.push(input);
    return h('div', { class: 'radio' }, input, ' ', h('label', { for: `${id}-${i}` }, l), more ? h('p', { class: 'hint', id: `${id}-${i}-hint` }, more) : null);
  });
  const el = h('fieldset', { class: 'field radios', 'data-field': name }, h('legend', {}, legend), hint ? h('p', { class: 'hint' }, hint) : null, items, error);
  return {
    name,
    el,
    label: legend,
    input: inputs[0],
    get value() {
      return inputs.find((i) => i.checked)?.value ?? '';
    },
    set value(v) {
      for (const i of inputs) i.checked = i.value === v;
    },
    setError(text) {
      error.textContent = text || '';
      error.hidden = !text;
      for (const i of inputs) {
        if (text) i.setAttribute('aria-invalid', 'true');
        else i.removeAttribute('aria-invalid');
      }
    },
    focus() {
      (inputs.find((i) => i.checked) ?? inputs[0]).focus();
    },
    onChange(fn) {
      for (const i of inputs) i.addEventListener('change', fn);
    },
  };
}

/**
 * An amount field in the currency `currencyOf()` gives: people type amounts their way
 * (`200.000`, `200,000`, `12,50`), and the field shows back, as they type, the amount it
 * reads in words of the currency (`= ₫200,000`), or why it reads none. `read()` returns
 * `{ minor, canonical }` or `{ error }` (an AmountError).
 */
export function amountField({ name = 'amount', label, hint, currencyOf, required = true }) {
  const f = field({
    name, label, hint: hint ?? t('amount_hint'), required, attrs: { inputmode: 'decimal', autocomplete: 'off', spellcheck: 'false' },
  });
  const echo = h('p', { class: 'amount-echo', 'aria-live': 'polite', 'data-echo': name });
  f.el.append(echo);
  f.read = () => readAmount(f.input.value, currencyOf());
  f.refresh = () => {
    const text = f.input.value.trim();
    const currency = currencyOf();
    echo.className = 'amount-echo';
    if (text === '' || !currency) {
      echo.textContent = '';
      return;
    }
    const r = f.read();
    if (r.error) {
      echo.textContent = amountText(r.error);
      echo.classList.add('bad');
    } else {
      echo.textContent = t('amount_reads', { amount: money(r.minor, currency) });
      echo.classList.add('good');
    }
  };
  f.input.addEventListener('input', () => {
    f.setError(null);
    f.refresh();
  });
  return f;
}

/**
 * Checks `fields` with `rules` ([field, check] pairs, `check(value)` giving a checks.js
 * refusal or null); shows each refusal next to its field. Returns whether all passed.
 */
export function applyChecks(rules) {
  let ok = true;
  for (const [f, check] of rules) {
    const refusal = check(f.value);
    f.setError(refusal ? checkText(refusal) : null);
    if (refusal) ok = false;
  }
  return ok;
}

/** Reads an amount field: `{ minor, canonical }`, or null after showing why next to it. */
export function readAmountField(f) {
  const r = f.read();
  if (r.error) {
    f.setError(amountText(r.error));
    return null;
  }
  return r;
}

/** The first field (in `fields`' order) showing an error, focused; null when none does. */
export function focusFirstError(fields) {
  const bad = fields.find((f) => f.input.getAttribute('aria-invalid') === 'true');
  if (bad) bad.focus();
  return bad ?? null;
}

/**
 * The append flow of one screen, in `host`:
 * - `form`: the screen's `<form>` (its submit button says "Review");
 * - `fields`: its fields, in order (errors are focused in that order), or a function giving
 *   them (for forms that grow);
 * - `review()`: checks every field (showing refusals) and returns (or resolves to) null, or
 *   what to record: `{ path, json, rows: [[label, value]...], privateRows?, notes?: [Node] }`;
 *   what it throws is shown above the form;
 * - `fieldOf(apiField)`: the field a server error names (default: the field of that name);
 * - `done(ack, request)`: the result to show once recorded (a Node);
 * - `onRefused(err)`: told of each server refusal before it is shown (optional).
 *
 * Returns `{ key }`: the form's Idempotency-Key.
 */
export function appendFlow(host, spec) {
  const key = newIdempotencyKey();
  const { form } = spec;
  const allFields = () => (typeof spec.fields === 'function' ? spec.fields() : spec.fields);
  const summary = h('div', { class: 'msg bad form-summary', role: 'alert', hidden: true });
  form.prepend(summary);
  const reviewBox = h('section', { class: 'card review', hidden: true, 'aria-labelledby': `${form.id || 'form'}-review-h` });
  host.append(form, reviewBox);
  const fieldOf = spec.fieldOf ?? ((name) => allFields().find((f) => f.name === name));
  let inFlight = false;

  const showSummary = (text) => {
    summary.textContent = text || '';
    summary.hidden = !text;
  };

  const backToForm = () => {
    reviewBox.hidden = true;
    form.hidden = false;
  };

  let checking = false;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (checking) return;
    checking = true;
    const submit = form.querySelector('button[type=submit]');
    if (submit) submit.disabled = true;
    showSummary(null);
    for (const f of allFields()) f.setError(null);
    let request = null;
    try {
      request = await spec.review();
    } catch (err) {
      showSummary(errorText(err));
      return;
    } finally {
      checking = false;
      if (submit) submit.disabled = false;
    }
    if (!request) {
      if (!focusFirstError(allFields())) return;
      showSummary(t('fix_fields'));
      return;
    }
    showReview(request);
  });

  function showReview(request) {
    clear(reviewBox);
    const headingId = `${form.id || 'form'}-review-h`;
    const status = h('div', { class: 'review-status', role: 'status', 'aria-live': 'polite' });
    const back = h('button', { type: 'button', class: 'secondary', 'data-action': 'back' }, t('review_back'));
    const confirm = h('button', { type: 'button', class: 'primary', 'data-action': 'confirm' }, t('review_confirm'));
    appendAll(reviewBox, [
      h('h2', { id: headingId, tabindex: '-1' }, t('review_title')),
      h('p', { class: 'forever' }, t('review_forever')),
      h('h3', {}, t('review_public')),
      dl(request.rows, 'facts review-rows'),
      request.privateRows && request.privateRows.some((r) => r && r[1]) ? [
        h('h3', {}, t('review_private')),
        h('p', { class: 'note' }, t('review_private_note')),
        dl(request.privateRows, 'facts review-private'),
      ] : null,
      ...(request.notes ?? []),
      status,
      h('div', { class: 'buttons' }, back, confirm),
    ]);
    form.hidden = true;
    reviewBox.hidden = false;
    reviewBox.querySelector('h2').focus();
    back.addEventListener('click', () => {
      if (inFlight) return;
      backToForm();
      allFields()[0]?.focus();
    });
    confirm.addEventListener('click', async () => {
      if (inFlight) return; // a second click while the first is on its way
      inFlight = true;
      confirm.disabled = true;
      back.disabled = true;
      status.className = 'review-status';
      status.textContent = t('recording');
      try {
        const ack = await append(request.path, request.json, key, (n) => {
          status.textContent = t('retrying', { n });
        });
        clear(host);
        host.append(spec.done(ack, request));
        const heading = host.querySelector('h2');
        if (heading) {
          heading.setAttribute('tabindex', '-1');
          heading.focus();
        }
      } catch (err) {
        refused(err, status);
      } finally {
        inFlight = false;
        confirm.disabled = false;
        back.disabled = false;
      }
    });
  }

  function refused(err, status) {
    if (spec.onRefused) spec.onRefused(err);
    const text = errorText(err);
    if (err instanceof ApiError && err.status === 401) {
      status.className = 'review-status bad';
      status.textContent = t('session_lost_retry');
      return;
    }
    const target = err instanceof ApiError && err.field ? fieldFor(err.field) : null;
    if (target) {
      backToForm();
      target.setError(text);
      showSummary(t('server_refused_field', { field: target.label }));
      target.focus();
      return;
    }
    status.className = 'review-status bad';
    status.textContent = err instanceof NetworkError ? t('err_network_lost_append') : text;
  }

  function fieldFor(apiField) {
    const name = String(apiField);
    const candidates = [name, name.replace(/\[\d+\]/g, ''), name.split(/[.[]/)[0]];
    for (const c of candidates) {
      const f = fieldOf(c);
      if (f) return f;
    }
    return null;
  }

  return { key };
}

/** A `<form>` with `fields` (their elements), more nodes and a submit button. */
export function formOf(id, fields, { submitLabel, more = [] } = {}) {
  return h(
    'form',
    { id, class: 'card staff-form', novalidate: true },
    fields.map((f) => (f.el ? f.el : f)),
    more,
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, submitLabel ?? t('review_button'))),
  );
}
