// Pieces several views show: a campaign's summary card with its goal, an entry's summary card
// and body (with its evidence documents), and the checklist of proof steps the verifier reports.

import { parseTotal } from '../verify.js';
import { t, locale } from '../i18n.js';
import { h, code, dl } from './dom.js';
import {
  money, integer, timeEl, dateText, kindLabel, label, donorName,
} from './format.js';
import { evidenceList } from './evidence.js';
import { approvalLine } from './approval.js';
import { reversedMark } from './reversal.js';

/** A campaign's progress towards its goal (a note when it has none). */
export function goalProgress(donated, goal, currency) {
  const g = parseTotal(String(goal));
  const d = parseTotal(String(donated)) ?? 0n;
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

/** `value` (a total as digits) is more than zero. */
const positive = (value) => (parseTotal(String(value ?? '0')) ?? 0n) > 0n;

/**
 * A campaign's summary card on the overview: its progress, what came in, what went out,
 * money moved to or from other campaigns (only when there was some), and what it holds.
 */
export function campaignCard(c) {
  const href = `#/campaign/${encodeURIComponent(c.id)}`;
  const amount = (field, cls = 'amount') => h('span', { class: cls, 'data-field': field }, money(c[field], c.currency));
  return h(
    'li',
    { class: 'campaign', 'data-campaign': c.id },
    h('h3', {}, h('a', { href }, c.title), ' ', h('span', { class: `badge ${c.status}` }, label('status', c.status))),
    goalProgress(c.donated, c.goal, c.currency),
    dl([
      [t('donated'), amount('donated')],
      [t('disbursed'), amount('disbursed')],
      positive(c.transferred_in) ? [t('transferred_in'), amount('transferred_in')] : null,
      positive(c.transferred_out) ? [t('transferred_out'), amount('transferred_out')] : null,
      [t('balance'), amount('balance', 'amount strong')],
    ]),
    h('p', {}, h('a', { href }, t('view_campaign'))),
  );
}

/** A summary card of one entry ({seq, leaf_hash, entry}). */
export function entryCard(item) {
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
  if (item.reversed_by) card.append(reversedMark(item.reversed_by.seq, { body: item.reversed_by }));
  return card;
}

/** The body of an entry as the page shows it, by kind: a list of nodes. */
export function entryBody(kind, b) {
  const out = [];
  switch (kind) {
    case 'donation':
      out.push(h('p', { class: 'amount-line' }, h('strong', { class: 'amount plus' }, `+${money(b.amount, b.currency)}`), ' ', t('from_donor', { donor: donorName(b.donor) })));
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
      out.push(h('div', { class: 'evidence' }, h('p', { class: 'ev-title' }, t('evidence')), evidenceList(b.evidence)));
      if (approvalLine(b)) out.push(approvalLine(b));
      break;
    case 'transfer':
      out.push(h('p', { class: 'amount-line' }, h('strong', { class: 'amount' }, money(b.amount, b.currency)), ' ', t('transfer_from_to', { from: b.from, to: b.to })));
      out.push(dl([[t('reason'), h('span', { class: 'prewrap' }, b.reason)]]));
      if (approvalLine(b)) out.push(approvalLine(b));
      break;
    case 'approval.policy':
      out.push(h('p', { 'data-approval-policy': '' }, b.approvers > 0
        ? t(b.campaign ? 'appr_rule_campaign' : 'appr_rule_ledger', { n: b.approvers, amount: money(b.threshold, b.currency) })
        : t('appr_rule_lifted')));
      if (b.note !== undefined) out.push(h('p', { class: 'prewrap' }, b.note));
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

/**
 * The list of proof steps: `ul` to put on the page and `step(name, ok, params)`, the callback
 * the verifier's checks report to, which adds one line per check.
 */
export function checklist() {
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

/** `step` with the proof's tree size (`params.size`) shown as a formatted integer. */
export function withIntegerSize(step) {
  return (name, ok, params = {}) => step(name, ok, params.size === undefined ? params : { ...params, size: integer(params.size) });
}
