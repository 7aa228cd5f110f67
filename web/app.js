// fundtrail public page: views and routing (location.hash). Every piece of text that comes
// from the ledger is put on the page with textContent / createElement, never as HTML.

import * as V from './verify.js';
import * as History from './history.js';
import { historyAlert } from './history-view.js';
import { evidenceCheck } from './evidence.js';
import { viewReceipt } from './receipt.js';
import {
  t, lang, setLang, locale, has,
} from './i18n.js';

const API = '/api/v1';
const PAGE = 1000; // entries per request when verifying everything (the API's largest page)
const AHEAD = 3; // requests in flight while verifying everything

const $main = document.getElementById('main');
const $alerts = document.getElementById('alerts');

// ---------------------------------------------------------------------------------------
// DOM helpers

/** Creates an element. attrs: properties/attributes; `on`: event listeners. Children: nodes or text. */
function h(tag, attrs = {}, ...children) {
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

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
}

const code = (text, cls = 'hash') => h('code', { class: cls }, text);

function dl(rows, cls = 'facts') {
  const list = h('dl', { class: cls });
  for (const row of rows) {
    if (!row) continue;
    const [label, value] = row;
    if (value === undefined || value === null || value === '') continue;
    list.append(h('div', { class: 'row' }, h('dt', {}, label), h('dd', {}, value)));
  }
  return list;
}

function section(title, ...children) {
  return h('section', { class: 'card' }, h('h2', {}, title), ...children);
}

function message(kind, text, ...more) {
  return h('div', { class: `msg ${kind}`, role: kind === 'bad' ? 'alert' : 'status' }, h('p', {}, text), ...more);
}

const nextFrame = () => new Promise((r) => { setTimeout(r, 0); });

// ---------------------------------------------------------------------------------------
// Formatting

function money(units, currency) {
  try {
    return V.formatMoney(units, currency, locale());
  } catch {
    return `${units} ${currency}`;
  }
}

function integer(n) {
  try {
    return new Intl.NumberFormat(locale()).format(typeof n === 'bigint' ? n : BigInt(n));
  } catch {
    return String(n);
  }
}

function shortHash(hex) {
  return typeof hex === 'string' && hex.length > 16 ? `${hex.slice(0, 16)}…` : String(hex);
}

function timeEl(recordedAt) {
  if (!recordedAt) return h('span', {}, t('never'));
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,3})?\d*Z$/.exec(recordedAt);
  let shown = recordedAt;
  if (m) {
    const d = new Date(`${m[1]}${m[2] ?? ''}Z`);
    if (!Number.isNaN(d.getTime())) {
      shown = new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(d);
    }
  }
  return h('time', { datetime: recordedAt, title: `${recordedAt} (UTC)` }, shown);
}

function dateText(ymd) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd || '');
  if (!m) return ymd;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeZone: 'UTC' }).format(d);
}

function kindLabel(kind) {
  const k = `kind_${String(kind).replace('.', '_')}`;
  return has(k) ? t(k) : String(kind);
}

function label(prefix, value) {
  const k = `${prefix}_${value}`;
  return has(k) ? t(k) : String(value);
}

// ---------------------------------------------------------------------------------------
// Network

class HttpError extends Error {
  constructor(status, text) {
    super(`HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ''}`);
    this.status = status;
  }
}

async function request(path, accept) {
  const r = await fetch(API + path, { headers: { accept }, cache: 'no-store' });
  if (!r.ok) {
    let text = '';
    try {
      text = await r.text();
    } catch {
      // ignore
    }
    throw new HttpError(r.status, text);
  }
  return r;
}

const getJSON = async (path) => (await request(path, 'application/json')).json();
const getBytes = async (path) => new Uint8Array(await (await request(path, 'application/x-ndjson')).arrayBuffer());

let infoCache = null;
async function getInfo(fresh = false) {
  if (!infoCache || fresh) infoCache = await getJSON('/info');
  return infoCache;
}

// ---------------------------------------------------------------------------------------
// Errors in words

function describe(err) {
  if (err instanceof V.VerifyError) {
    const params = {
      seq: err.seq, prev: err.seq - 1, field: err.field ?? '', size: err.prefixSize ?? '',
    };
    const k = `err_${err.code}`;
    if (err.seq !== undefined && has(k)) return t(k, params);
    if (err.seq !== undefined) return `${t('entry_n', { seq: err.seq })}: ${err.problem ?? err.message}`;
    if (has(k)) return t(k, params);
    return err.message;
  }
  if (err instanceof HttpError || (err && err.name === 'TypeError')) return t('err_network');
  return t('err_other');
}

function failureBox(err, prefixKey = 'verify_failed') {
  return h(
    'div',
    { class: 'verdict bad', role: 'alert' },
    h('p', { class: 'verdict-text' }, t(prefixKey, { what: describe(err) })),
    h('details', {}, h('summary', {}, t('verify_details')), h('p', {}, h('code', { class: 'wrap' }, String(err && err.message ? err.message : err)))),
  );
}

// ---------------------------------------------------------------------------------------
// History check on every visit: the remembered checkpoint must be a prefix of today's
// (history.js decides, history-view.js shows the verdict).

const historyServer = {
  info: () => getInfo(),
  consistency: (from, to) => getJSON(`/proof/consistency?from=${from}&to=${to}`),
  inclusion: (index, size) => getJSON(`/proof/inclusion?index=${index}&size=${size}`),
};

async function checkHistory() {
  const verdict = await History.checkHistory(History.loadRemembered(), historyServer, { site: location.origin });
  showHistory(verdict);
}

/** Shows a history verdict, replacing the previous one. */
function showHistory(verdict) {
  for (const old of $alerts.querySelectorAll('[data-history]')) old.remove();
  const el = historyAlert(verdict, {
    h, t, integer, shortHash, retry: () => { infoCache = null; checkHistory(); },
  });
  if (el) $alerts.append(el);
}

// ---------------------------------------------------------------------------------------
// Header and routing

function renderChrome(orgName) {
  const brand = document.getElementById('brand');
  brand.textContent = orgName || 'fundtrail';
  document.getElementById('tagline').textContent = t('tagline');
  document.getElementById('skip').textContent = t('skip');
  const nav = document.getElementById('nav');
  clear(nav);
  const route = parseRoute();
  for (const [href, key, name] of [['#/', 'nav_overview', 'overview'], ['#/find', 'nav_find', 'find'], ['#/verify', 'nav_verify', 'verify']]) {
    nav.append(h('a', { href, 'aria-current': route.name === name ? 'page' : undefined }, t(key)));
  }
  const sw = document.getElementById('lang');
  sw.textContent = t('lang_switch');
  sw.setAttribute('aria-label', t('lang_switch_label'));
  sw.setAttribute('lang', lang() === 'vi' ? 'en' : 'vi');
  document.documentElement.lang = lang();
  document.getElementById('footer-text').textContent = t('footer');
  document.getElementById('api-link').textContent = t('api_link');
}

function parseRoute() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [pathPart, query = ''] = raw.split('?');
  const parts = pathPart.split('/').filter(Boolean).map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });
  const params = new URLSearchParams(query);
  if (parts.length === 0) return { name: 'overview' };
  if (parts[0] === 'campaign' && parts[1]) return { name: 'campaign', id: parts[1] };
  if (parts[0] === 'entry' && /^\d+$/.test(parts[1] || '')) return { name: 'entry', seq: Number(parts[1]) };
  if (parts[0] === 'find') return { name: 'find', ref: params.get('ref') ?? '' };
  if (parts[0] === 'verify') return { name: 'verify' };
  if (parts[0] === 'receipt') return { name: 'receipt', code: parts[1] ?? '' };
  return { name: 'missing' };
}

let renderToken = 0;

async function render() {
  const token = ++renderToken;
  const route = parseRoute();
  renderChrome(infoCache?.name);
  clear($main);
  $main.append(h('p', { class: 'loading', role: 'status' }, t('loading')));
  const view = {
    overview: viewOverview, campaign: viewCampaign, entry: viewEntry, find: viewFind, verify: viewVerify, missing: viewMissing,
    receipt: (o, r) => viewReceipt(o, r, {
      h, t, section, message, checklist, entryBody, kindLabel, getInfo, integer,
    }),
  }[route.name];
  const out = h('div', { class: 'view' });
  try {
    await view(out, route);
  } catch (e) {
    out.append(message('bad', t('load_failed', { what: route.name, error: describe(e) }), h('p', {}, h('code', { class: 'wrap' }, e.message)), h('button', { type: 'button', on: { click: render } }, t('retry'))));
  }
  if (token !== renderToken) return; // a newer navigation won
  clear($main);
  $main.append(out);
  try {
    const inf = await getInfo();
    if (token !== renderToken) return;
    renderChrome(inf.name);
    document.title = `${inf.name} · fundtrail`;
  } catch {
    // no server (or it is down): the page still works for bundles from disk
  }
}

// ---------------------------------------------------------------------------------------
// Overview

async function viewOverview(out) {
  const [inf, totals] = await Promise.all([getInfo(true), getJSON('/totals')]);
  out.append(h('h1', {}, inf.name));
  out.append(await checkpointCard(inf));

  const cur = section(t('totals'), h('p', { class: 'note' }, t('totals_note')));
  const codes = Object.keys(totals.currencies || {});
  if (codes.length === 0) cur.append(h('p', {}, t('no_campaigns')));
  const grid = h('div', { class: 'grid' });
  for (const c of codes) {
    const x = totals.currencies[c];
    grid.append(h(
      'div',
      { class: 'currency', 'data-currency': c },
      h('h3', {}, c),
      dl([
        [t('donated'), h('span', { class: 'amount', 'data-field': 'donated' }, money(x.donated, c))],
        [t('disbursed'), h('span', { class: 'amount', 'data-field': 'disbursed' }, money(x.disbursed, c))],
        [t('balance'), h('span', { class: 'amount strong', 'data-field': 'balance' }, money(x.balance, c))],
        [t('reversed'), h('span', { class: 'amount', 'data-field': 'reversed' }, money(x.reversed, c))],
      ]),
    ));
  }
  cur.append(grid);
  out.append(cur);

  const camp = section(t('campaigns'));
  if (!totals.campaigns || totals.campaigns.length === 0) camp.append(h('p', {}, t('no_campaigns')));
  const list = h('ul', { class: 'campaigns' });
  for (const c of totals.campaigns || []) list.append(campaignCard(c));
  camp.append(list);
  out.append(camp);
}

async function checkpointCard(inf) {
  const box = section(t('checkpoint'));
  let cp = null;
  let status;
  try {
    cp = await V.verifyCheckpoint(inf.checkpoint, inf.key);
    if (cp.size !== inf.size || cp.root !== inf.root) throw new V.VerifyError('checkpoint', 'the signed checkpoint differs from the size and root the server reports');
    status = h('p', { class: 'ok-line' }, h('span', { 'aria-hidden': 'true' }, '✓ '), t('cp_sig_ok'));
  } catch (e) {
    status = message('bad', t('cp_sig_bad', { error: e.message }));
  }
  box.append(dl([
    [t('cp_size'), h('span', { 'data-field': 'size' }, integer(cp ? cp.size : inf.size))],
    [t('cp_root'), code(cp ? cp.root : inf.root)],
    [t('cp_time'), timeEl(inf.last_recorded_at)],
    [t('cp_key'), code(inf.key, 'hash key')],
  ]));
  box.append(status);
  return box;
}

function goalProgress(donated, goal, currency) {
  const g = V.parseTotal(String(goal));
  const d = V.parseTotal(String(donated)) ?? 0n;
  if (!g) return h('p', { class: 'note' }, t('no_goal'));
  const permille = (d * 1000n) / g;
  const pct = new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 1 }).format(Number(permille) / 1000);
  const text = t('goal_progress', { pct, goal: money(goal, currency) });
  const id = `g-${Math.random().toString(36).slice(2)}`;
  return h(
    'div',
    { class: 'goal' },
    h('progress', {
      max: '1000', value: String(permille > 1000n ? 1000n : permille), 'aria-labelledby': id,
    }),
    h('p', { id, class: 'note' }, text),
  );
}

function campaignCard(c) {
  const href = `#/campaign/${encodeURIComponent(c.id)}`;
  return h(
    'li',
    { class: 'campaign', 'data-campaign': c.id },
    h('h3', {}, h('a', { href }, c.title), ' ', h('span', { class: `badge ${c.status}` }, label('status', c.status))),
    dl([
      [t('donated'), h('span', { class: 'amount', 'data-field': 'donated' }, money(c.donated, c.currency))],
      [t('disbursed'), h('span', { class: 'amount', 'data-field': 'disbursed' }, money(c.disbursed, c.currency))],
      [t('balance'), h('span', { class: 'amount strong', 'data-field': 'balance' }, money(c.balance, c.currency))],
    ]),
    goalProgress(c.donated, c.goal, c.currency),
    h('p', {}, h('a', { href }, t('view_campaign'))),
  );
}

// ---------------------------------------------------------------------------------------
// Campaign

async function viewCampaign(out, route) {
  const id = route.id;
  const [c] = await Promise.all([getJSON(`/campaigns/${encodeURIComponent(id)}`), getInfo()]);
  out.append(h('p', { class: 'crumbs' }, h('a', { href: '#/' }, t('back_overview'))));
  out.append(h('h1', {}, c.title, ' ', h('span', { class: `badge ${c.status}` }, label('status', c.status))));
  out.append(section(t('purpose'), h('p', { class: 'prewrap' }, c.purpose)));

  const acc = section(t('accounts'));
  if (!c.accounts || c.accounts.length === 0) {
    acc.append(h('p', {}, t('no_accounts')));
  } else {
    acc.append(h('p', { class: 'note' }, t('accounts_note')));
    const ul = h('ul', { class: 'accounts' });
    for (const a of c.accounts) {
      ul.append(h('li', {}, dl([[t('bank'), a.bank], [t('account_number'), code(a.number, 'account')], [t('holder'), a.holder]])));
    }
    acc.append(ul);
  }
  out.append(acc);

  out.append(section(
    t('totals'),
    dl([
      [t('donated'), money(c.donated, c.currency)],
      [t('disbursed'), money(c.disbursed, c.currency)],
      [t('transferred_in'), money(c.transferred_in, c.currency)],
      [t('transferred_out'), money(c.transferred_out, c.currency)],
      [t('reversed'), money(c.reversed, c.currency)],
      [t('balance'), h('strong', {}, money(c.balance, c.currency))],
      [t('donations'), integer(c.donations)],
      [t('disbursements'), integer(c.disbursements)],
    ]),
    goalProgress(c.donated, c.goal, c.currency),
  ));

  out.append(section(t('dates'), dl([
    [t('kind_campaign_open'), h('span', {}, c.opened_at ? [timeEl(c.opened_at), ' · '] : null, h('a', { href: `#/entry/${c.opened_seq}` }, t('opened_in', { seq: c.opened_seq })))],
    c.ends_on ? [t('ends_on'), dateText(c.ends_on)] : null,
  ])));

  const entries = section(t('entries'));
  const list = h('ol', { class: 'entries', reversed: true });
  const more = h('div', { class: 'more' });
  entries.append(list, more);
  out.append(entries);

  const load = async (before) => {
    clear(more);
    const q = before === undefined ? '' : `&before=${before}`;
    const page = await getJSON(`/campaigns/${encodeURIComponent(id)}/entries?limit=20${q}`);
    if (page.entries.length === 0 && before === undefined) list.replaceWith(h('p', {}, t('no_entries')));
    for (const item of page.entries) list.append(h('li', {}, entryCard(item)));
    if (page.next_before !== null && page.next_before !== undefined) {
      const btn = h('button', {
        type: 'button',
        on: {
          click: async () => {
            btn.disabled = true;
            try {
              await load(page.next_before);
            } catch (e) {
              more.append(message('bad', t('load_failed', { what: t('entries'), error: describe(e) })));
              btn.disabled = false;
            }
          },
        },
      }, t('older'));
      more.append(btn);
    } else if (before !== undefined) {
      more.append(h('p', { class: 'note' }, t('end_of_list')));
    }
  };
  await load(undefined);
}

/** A summary card of one entry ({seq, leaf_hash, entry}). */
function entryCard(item) {
  const e = item.entry || {};
  const b = e.body || {};
  const seq = item.seq ?? e.seq;
  const head = h(
    'p',
    { class: 'entry-head' },
    h('a', { href: `#/entry/${seq}` }, t('entry_n', { seq })),
    ' · ',
    h('span', { class: `kind k-${String(e.kind).replace('.', '-')}` }, kindLabel(e.kind)),
    ' · ',
    timeEl(e.recorded_at),
  );
  const card = h('article', { class: 'entry', 'data-seq': String(seq) }, head);
  card.append(...entryBody(e.kind, b));
  return card;
}

function entryBody(kind, b) {
  const out = [];
  switch (kind) {
    case 'donation':
      out.push(h('p', { class: 'amount-line' }, h('strong', { class: 'amount plus' }, `+${money(b.amount, b.currency)}`), ' ', t('from_donor', { donor: b.donor })));
      out.push(dl([
        [t('reference'), b.reference !== undefined ? code(b.reference, 'ref') : undefined],
        [t('channel'), label('channel', b.channel)],
        [t('received_at'), dateText(b.received_at)],
        [t('in_kind'), b.in_kind ? h('span', { class: 'prewrap' }, b.in_kind.description) : undefined],
        [t('memo'), b.memo !== undefined ? h('span', { class: 'prewrap' }, b.memo) : undefined],
      ]));
      break;
    case 'disbursement':
      out.push(h('p', { class: 'amount-line' }, h('strong', { class: 'amount minus' }, `−${money(b.amount, b.currency)}`), ' ', t('to_recipient', { recipient: b.recipient })));
      out.push(dl([
        [t('purpose'), h('span', { class: 'prewrap' }, b.purpose)],
        [t('paid_at'), dateText(b.paid_at)],
      ]));
      out.push(evidenceList(b.evidence));
      break;
    case 'transfer':
      out.push(h('p', { class: 'amount-line' }, h('strong', { class: 'amount' }, money(b.amount, b.currency)), ' ', t('transfer_from_to', { from: b.from, to: b.to })));
      out.push(dl([[t('reason'), h('span', { class: 'prewrap' }, b.reason)]]));
      break;
    case 'reversal':
      out.push(h('p', {}, h('a', { href: `#/entry/${b.reverses}` }, t('reverses', { seq: b.reverses })), ` (${label('reason', b.reason)})`));
      if (b.note !== undefined) out.push(h('p', { class: 'prewrap' }, b.note));
      break;
    case 'campaign.open':
      out.push(h('p', {}, h('strong', {}, b.title), ` (${b.currency})`));
      break;
    case 'campaign.close':
      if (b.note !== undefined) out.push(h('p', { class: 'prewrap' }, b.note));
      break;
    default:
      break;
  }
  return out;
}

function evidenceList(evidence) {
  const wrap = h('div', { class: 'evidence' }, h('h4', {}, t('evidence')));
  if (!evidence || evidence.length === 0) {
    wrap.append(h('p', { class: 'note' }, t('no_evidence')));
    return wrap;
  }
  const ul = h('ul', {});
  for (const ev of evidence) {
    ul.append(h('li', {}, dl([
      [t('ev_name'), ev.name],
      [t('ev_type'), ev.media_type],
      [t('ev_size'), t('bytes', { n: integer(ev.size) })],
      [t('ev_sha'), code(ev.sha256)],
    ]), evidenceCheck(ev, t)));
  }
  wrap.append(ul);
  return wrap;
}

// ---------------------------------------------------------------------------------------
// Entry, with its inclusion proof checked on the spot

/**
 * Checks an /entries/{seq} answer: leaf hash, canonical form, checkpoint signature with the
 * published key, inclusion proof. Calls step(name, ok, detail) as it goes. Returns the decoded
 * entry and checkpoint, or throws.
 */
async function proveEntry(answer, key, step) {
  const leafBytes = V.utf8(answer.leaf);
  const hash = V.toHex(await V.leafHash(leafBytes));
  if (hash !== answer.leaf_hash || (answer.proof && answer.proof.leaf_hash !== undefined && answer.proof.leaf_hash !== hash)) {
    step('check_leaf_hash', false);
    throw new V.VerifyError('proof', `the leaf hashes to ${hash}, not to the published ${answer.leaf_hash}`);
  }
  step('check_leaf_hash', true);
  let entry;
  try {
    entry = V.decodeLeaf(leafBytes);
    if (entry.seq !== answer.seq) throw new V.VerifyError('malformed', `the leaf says seq ${entry.seq}, not ${answer.seq}`);
  } catch (e) {
    step('check_canonical', false);
    throw e;
  }
  step('check_canonical', true);
  let cp;
  try {
    cp = await V.verifyCheckpoint(answer.checkpoint, key);
  } catch (e) {
    step('check_signature', false);
    throw e;
  }
  step('check_signature', true);
  const p = answer.proof;
  try {
    if (!p || p.size !== cp.size || p.root !== cp.root || p.index !== answer.seq) {
      throw new V.VerifyError('proof', 'the proof is not for this entry and the signed checkpoint');
    }
    await V.verifyInclusion(answer.seq, cp.size, hash, p.proof, cp.root);
  } catch (e) {
    step('check_inclusion', false, { size: integer(cp.size) });
    throw e;
  }
  step('check_inclusion', true, { size: integer(cp.size) });
  return { entry, cp, hash };
}

function checklist() {
  const ul = h('ul', { class: 'checks' });
  const step = (name, ok, params = {}) => {
    ul.append(h(
      'li',
      { class: ok ? 'pass' : 'fail' },
      h('span', { class: 'mark', 'aria-hidden': 'true' }, ok ? '✓' : '✗'),
      ' ',
      t(name, params),
      ': ',
      h('strong', {}, ok ? t('check_ok') : t('check_failed')),
    ));
  };
  return { ul, step };
}

async function viewEntry(out, route) {
  const seq = route.seq;
  const [answer, inf] = await Promise.all([getJSON(`/entries/${seq}`), getInfo()]);
  out.append(h('p', { class: 'crumbs' }, h('a', { href: '#/' }, t('back_overview'))));
  out.append(h('h1', {}, t('entry_title', { seq })));
  const proofBox = section(t('proof_title'));
  const { ul, step } = checklist();
  proofBox.append(ul);
  let decoded = null;
  try {
    decoded = await proveEntry(answer, inf.key, step);
    proofBox.append(h('div', { class: 'verdict good', role: 'status' }, h('p', { class: 'verdict-text' }, t('proof_ok', { seq, size: integer(decoded.cp.size) }))));
  } catch (e) {
    proofBox.append(h('div', { class: 'verdict bad', role: 'alert' }, h('p', { class: 'verdict-text' }, t('proof_failed', { error: e.message }))));
  }
  // Show what was proved: the decoded leaf. If it could not be decoded, show the server's view.
  const e = decoded ? decoded.entry : answer.entry;
  out.append(h('article', { class: 'card entry-full', 'data-seq': String(seq) }, h('h2', {}, kindLabel(e.kind)), ...entryBody(e.kind, e.body || {})));
  out.append(proofBox);
  out.append(section(t('entry_fields'), fieldTable(e, answer.leaf_hash)));
  out.append(section(t('leaf_bytes'), h('pre', { class: 'leaf' }, answer.leaf)));
}

function fieldValue(key, value, currency) {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const ol = h('ol', { class: 'nested' });
    for (const v of value) ol.append(h('li', {}, fieldValue('', v, currency)));
    return ol;
  }
  if (value && typeof value === 'object') {
    return dl(Object.keys(value).map((k) => [k, fieldValue(k, value[k], currency)]), 'facts nested');
  }
  if (['amount', 'goal'].includes(key) && typeof value === 'string' && currency) {
    return h('span', {}, money(value, currency), ' ', h('span', { class: 'note' }, `(${value})`));
  }
  if (['prev', 'sha256', 'commitment'].includes(key)) return code(value);
  if (typeof value === 'string' && value.includes('\n')) return h('span', { class: 'prewrap' }, value);
  return String(value);
}

function fieldTable(e, leafHashHex) {
  const body = e.body || {};
  const rows = [
    ['seq', String(e.seq)],
    ['kind', `${e.kind} (${kindLabel(e.kind)})`],
    ['recorded_at', timeEl(e.recorded_at)],
    ['recorded_by', e.recorded_by],
    ['prev', code(e.prev)],
    ['v', String(e.v)],
    [t('leaf_hash'), code(leafHashHex)],
  ].map(([k, v]) => [k, v]);
  const bodyRows = Object.keys(body).sort().map((k) => [`body.${k}`, fieldValue(k, body[k], body.currency)]);
  return dl([...rows, ...bodyRows], 'facts fields');
}

// ---------------------------------------------------------------------------------------
// Find my donation

async function viewFind(out, route) {
  out.append(h('h1', {}, t('find_title')));
  const input = h('input', {
    id: 'ref', name: 'ref', type: 'search', value: route.ref, autocomplete: 'off', spellcheck: 'false', required: true, maxlength: '200',
  });
  const form = h(
    'form',
    { role: 'search', class: 'card find' },
    h('p', {}, t('find_help')),
    h('label', { for: 'ref' }, t('find_label')),
    h('div', { class: 'inline' }, input, h('button', { type: 'submit' }, t('find_button'))),
  );
  const results = h('div', { id: 'results', 'aria-live': 'polite' });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const ref = input.value.trim();
    const target = `#/find?ref=${encodeURIComponent(ref)}`;
    if (location.hash === target) runSearch(ref, results);
    else location.hash = target;
  });
  out.append(form, results);
  if (route.ref) await runSearch(route.ref.trim(), results);
}

async function runSearch(ref, results) {
  clear(results);
  if (!ref) {
    results.append(message('info', t('find_empty')));
    return;
  }
  results.append(h('p', { class: 'loading', role: 'status' }, t('loading')));
  let answer;
  let inf;
  try {
    [answer, inf] = await Promise.all([getJSON(`/search?reference=${encodeURIComponent(ref)}`), getInfo()]);
  } catch (e) {
    clear(results);
    results.append(message('bad', t('load_failed', { what: t('find_title'), error: describe(e) })));
    return;
  }
  clear(results);
  const found = answer.results || [];
  if (found.length === 0) {
    results.append(message('info', t('find_none', { ref })));
    return;
  }
  results.append(h('p', { role: 'status' }, found.length === 1 ? t('find_found_one') : t('find_found', { n: found.length })));
  for (const item of found) {
    const box = h('div', { class: 'card result' }, entryCard(item));
    const { ul, step } = checklist();
    box.append(h('h3', {}, t('proof_title')), ul);
    results.append(box);
    try {
      const full = await getJSON(`/entries/${item.seq}`);
      const r = await proveEntry(full, inf.key, step);
      box.append(h('div', { class: 'verdict good', role: 'status' }, h('p', { class: 'verdict-text' }, t('proof_ok', { seq: item.seq, size: integer(r.cp.size) }))));
    } catch (e) {
      box.append(h('div', { class: 'verdict bad', role: 'alert' }, h('p', { class: 'verdict-text' }, t('proof_failed', { error: e.message }))));
    }
  }
}

// ---------------------------------------------------------------------------------------
// Verify everything, and bundles from disk

async function viewVerify(out) {
  out.append(h('h1', {}, t('verify_title')));
  const stored = History.loadRemembered();
  const box = section(t('verify_title'), h('p', {}, t('verify_intro')));
  if (stored) box.append(h('p', { class: 'note' }, t('verify_last', { size: integer(stored.size), root: shortHash(stored.root) })));
  const bar = h('progress', { id: 'verify-progress', max: '1', value: '0', hidden: true });
  const status = h('p', { id: 'verify-status', role: 'status', 'aria-live': 'polite' });
  const verdict = h('div', { id: 'verdict' });
  const btn = h('button', { type: 'button', id: 'verify-all', class: 'primary' }, t('verify_button'));
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    clear(verdict);
    bar.hidden = false;
    try {
      const r = await verifyEverything(bar, status);
      status.textContent = '';
      verdict.append(h(
        'div',
        { class: 'verdict good', role: 'status' },
        h('p', { class: 'verdict-text' }, t('verify_ok', { n: integer(r.size), root: r.root })),
      ));
    } catch (e) {
      status.textContent = '';
      verdict.append(failureBox(e));
    } finally {
      btn.disabled = false;
    }
  });
  box.append(h('div', { class: 'actions' }, btn), bar, status, verdict);
  out.append(box);

  // A bundle from disk: no request to the server at all.
  const file = h('input', {
    id: 'bundle-file', type: 'file', accept: '.txt,.bundle,text/plain',
  });
  const bbar = h('progress', { id: 'bundle-progress', max: '1', value: '0', hidden: true });
  const bstatus = h('p', { role: 'status', 'aria-live': 'polite' });
  const bverdict = h('div', { id: 'bundle-verdict' });
  file.addEventListener('change', async () => {
    const f = file.files && file.files[0];
    if (!f) return;
    clear(bverdict);
    file.disabled = true;
    bbar.hidden = false;
    bbar.max = Math.max(1, f.size);
    bbar.value = 0;
    try {
      const r = await verifyFile(f, bbar, bstatus);
      bstatus.textContent = '';
      const good = h('div', { class: 'verdict good', role: 'status' }, h('p', { class: 'verdict-text' }, t('bundle_ok', { n: integer(r.size), root: r.root, key: r.key })));
      bverdict.append(good);
      if (infoCache && infoCache.key) {
        good.append(h('p', {}, infoCache.key.trim() === r.key ? t('bundle_key_same') : t('bundle_key_other', { key: infoCache.key })));
      }
      bverdict.append(totalsView(r.totals));
    } catch (e) {
      bstatus.textContent = '';
      bverdict.append(failureBox(e));
    } finally {
      file.disabled = false;
    }
  });
  out.append(section(
    t('bundle_title'),
    h('p', {}, t('bundle_intro')),
    h('p', {}, h('a', { href: `${API}/export`, download: 'fundtrail-bundle.txt' }, t('bundle_download'))),
    h('label', { for: 'bundle-file' }, t('bundle_label')),
    file,
    bbar,
    bstatus,
    bverdict,
  ));
  getInfo().catch(() => {}); // to compare a bundle's key with the published one, when there is a server
}

function totalsView(totals) {
  const wrap = h('div', { class: 'bundle-totals' }, h('h3', {}, t('bundle_totals')));
  for (const [c, x] of Object.entries(totals.currencies)) {
    wrap.append(h('h4', {}, c), dl([
      [t('donated'), money(x.donated, c)],
      [t('disbursed'), money(x.disbursed, c)],
      [t('balance'), money(x.balance, c)],
      [t('reversed'), money(x.reversed, c)],
    ]));
  }
  const ul = h('ul', { class: 'campaigns' });
  for (const c of totals.campaigns) {
    ul.append(h('li', { class: 'campaign' }, h('h4', {}, c.title, ' ', h('span', { class: `badge ${c.status}` }, label('status', c.status))), dl([
      [t('donated'), money(c.donated, c.currency)],
      [t('disbursed'), money(c.disbursed, c.currency)],
      [t('balance'), money(c.balance, c.currency)],
    ])));
  }
  wrap.append(ul);
  return wrap;
}

async function verifyEverything(bar, status) {
  let inf;
  let cp;
  let totals;
  for (let attempt = 0; ; attempt++) {
    inf = await getInfo(true);
    totals = await getJSON('/totals');
    cp = await V.verifyCheckpoint(inf.checkpoint, inf.key);
    if (totals.size === cp.size) break;
    if (attempt >= 3) throw new V.VerifyError('changed', t('verify_changed'));
    await new Promise((r) => { setTimeout(r, 500); });
  }
  const key = inf.key.trim();
  const stored = History.loadRemembered();
  const sameKey = stored && stored.key.trim() === key;
  if (stored && !sameKey) {
    showHistory({
      kind: 'key_changed', oldKey: stored.key, newKey: key, remembered: stored, current: { key, note: inf.checkpoint, size: cp.size, root: cp.root },
    });
  }
  if (sameKey && stored.size > cp.size) {
    throw new V.VerifyError('prefix', t('shrunk', { old: integer(stored.size), size: integer(cp.size) }), { prefixSize: stored.size });
  }
  const n = cp.size;
  bar.max = Math.max(1, n);
  bar.value = 0;
  status.textContent = t('verify_running', { n: integer(0), total: integer(n) });
  const v = new V.Verifier();
  // The next pages are requested while this one is verified (AHEAD requests in flight); a
  // page is used only if it starts where the verified entries end (a server may send fewer
  // entries than asked for: then the pages asked for ahead are dropped and asked for again).
  const fetchPage = (start) => {
    const promise = getBytes(`/entries?start=${start}&limit=${Math.min(PAGE, n - start)}`);
    promise.catch(() => {}); // a page fetched ahead and never used must not be an unhandled rejection
    return { start, end: Math.min(n, start + PAGE), promise };
  };
  let ahead = [];
  let shown = performance.now();
  while (v.size < n) {
    const start = v.size;
    if (ahead.length === 0 || ahead[0].start !== start) ahead = [fetchPage(start)];
    while (ahead.length < AHEAD && ahead[ahead.length - 1].end < n) ahead.push(fetchPage(ahead[ahead.length - 1].end));
    const page = ahead.shift();
    const bytes = await page.promise;
    const { leaves, texts } = V.splitLeafTexts(bytes);
    if (leaves.length === 0) throw new V.VerifyError('checkpoint_size', `the server sent no entries from ${start}, but the checkpoint covers ${n}`);
    const take = Math.min(leaves.length, n - start);
    for (let i = 0; i < take; i++) {
      v.pushLeafSync(leaves[i], texts ? texts[i] : undefined);
      if (sameKey && v.size === stored.size) {
        const r = v.rootSync();
        if (r !== stored.root) {
          throw new V.VerifyError('prefix', `entries 0..${stored.size - 1} have root ${r}, not the root ${stored.root} verified earlier`, { prefixSize: stored.size - 1 });
        }
      }
    }
    // Progress at most every 100 ms: each update and yield costs a frame.
    if (v.size >= n || performance.now() - shown >= 100) {
      bar.value = v.size;
      status.textContent = t('verify_running', { n: integer(v.size), total: integer(n) });
      await nextFrame();
      shown = performance.now();
    }
  }
  bar.value = v.size;
  const report = await v.finish({ note: inf.checkpoint, key }, totals);
  // A new key is remembered only when the visitor accepts it (the key-change alert).
  if (!stored || sameKey) await History.rememberCheckpoint(inf.checkpoint, key);
  return report;
}

async function* readChunks(file, onBytes) {
  if (typeof file.stream === 'function') {
    const reader = file.stream().getReader();
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      onBytes(total);
      yield value;
    }
  } else {
    const buf = new Uint8Array(await file.arrayBuffer());
    onBytes(buf.length);
    yield buf;
  }
}

async function verifyFile(f, bar, status) {
  let bytes = 0;
  const pct = () => new Intl.NumberFormat(locale(), { style: 'percent' }).format(f.size ? bytes / f.size : 1);
  return V.verifyBundle(readChunks(f, (n) => { bytes = n; }), {
    onProgress: async (n) => {
      bar.value = bytes;
      status.textContent = t('bundle_running', { n: integer(n), pct: pct() });
      await nextFrame();
    },
  });
}

async function viewMissing(out) {
  out.append(h('h1', {}, t('not_found')), h('p', {}, h('a', { href: '#/' }, t('back_overview'))));
}

// ---------------------------------------------------------------------------------------
// Start

document.getElementById('lang').addEventListener('click', () => {
  setLang(lang() === 'vi' ? 'en' : 'vi');
  render();
});
document.getElementById('skip').addEventListener('click', (ev) => {
  ev.preventDefault();
  $main.focus();
});
window.addEventListener('hashchange', () => {
  render().then(() => $main.focus({ preventScroll: false }));
});
render();
checkHistory();
