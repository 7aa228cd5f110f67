// A campaign's statement on its page (#/campaign/<id>): every entry in a table with its day,
// kind, what it moved in or out and the balance after it, newest first; filters by kind, day
// and amount; the CSV download; and the totals the lines add up to. The lines and totals are
// computed by ledger-rows.js; this module only draws them.

import { CURRENCIES, parseLocalAmount, describeAmountError } from '../amount.js';
import { t } from '../i18n.js';
import { h, clear, section } from './dom.js';
import {
  money, integer, dateText, kindLabel, label, donorName,
} from './format.js';
import { lineMatches } from './ledger-rows.js';
import { API_BASE } from './server.js';
import { reversedMark } from './reversal.js';

const SHOWN = 50; // table rows drawn at first, and added by "Show more"

/** `+amount`, `−amount` or nothing, for a table cell. */
const signed = (sign, units, currency) => (units > 0n ? `${sign}${money(units, currency)}` : '');

/** The words under an entry's kind in the statement: who, what, and whether it was reversed. */
export function lineDetails(line, bySeq) {
  const e = line.entry;
  const b = e.body || {};
  const out = [];
  switch (e.kind) {
    case 'donation':
      out.push(t('from_donor', { donor: donorName(b.donor) }));
      if (b.in_kind) out.push(h('span', { class: 'tag goods' }, t('goods_tag')), ' ', h('span', { class: 'prewrap' }, b.in_kind.description));
      break;
    case 'disbursement':
      out.push(t('to_recipient', { recipient: b.recipient }), ': ', h('span', { class: 'prewrap' }, b.purpose));
      break;
    case 'transfer':
      out.push(t('transfer_from_to', { from: b.from, to: b.to }));
      if (b.reason !== undefined) out.push(': ', h('span', { class: 'prewrap' }, b.reason));
      break;
    case 'reversal':
      out.push(h('a', { href: `#/entry/${b.reverses}` }, t('reverses', { seq: b.reverses })), `: ${label('reason', b.reason)}`);
      break;
    case 'campaign.close':
      if (b.note !== undefined) out.push(h('span', { class: 'prewrap' }, b.note));
      break;
    case 'update':
      out.push(h('span', { class: 'prewrap' }, b.title));
      break;
    case 'budget':
      out.push(t('bud_row', { n: (b.lines ?? []).length }));
      if (b.note !== undefined) out.push(': ', h('span', { class: 'prewrap' }, b.note));
      break;
    case 'pledge':
      out.push(t('pl_row', { donor: donorName(b.donor), amount: money(b.amount, b.currency) }));
      break;
    case 'pledge.cancel':
      out.push(h('a', { href: `#/entry/${b.pledge}` }, t('pl_row_cancel', { seq: b.pledge })), ': ', h('span', { class: 'prewrap' }, b.reason));
      break;
    // A platform registry's entries (SPEC.md §22): the organisation, and why when a reason is given.
    case 'org.register':
      out.push(`${b.name} (${b.slug})`);
      break;
    case 'org.accounts':
    case 'org.key':
    case 'org.resume':
      out.push(b.org);
      if (b.note !== undefined) out.push(': ', h('span', { class: 'prewrap' }, b.note));
      break;
    case 'org.suspend':
    case 'org.close':
      out.push(b.org, ': ', h('span', { class: 'prewrap' }, b.reason));
      break;
    default:
      break;
  }
  if (line.reversedBy !== null && line.reversedBy !== undefined) out.push(reversedMark(line.reversedBy, bySeq.get(line.reversedBy) ?? { body: line.reversal ?? {} }));
  return out;
}

function row(line, currency, bySeq) {
  const e = line.entry;
  // One wrapper per cell: on a phone a cell is a grid of its label and its content.
  const cell = (key, ...children) => h('td', { 'data-label': t(key), role: 'cell' }, h('div', {}, ...children));
  return h(
    'tr',
    {
      'data-seq': String(line.seq), 'data-kind': e.kind, class: line.reversedBy !== null ? 'reversed' : undefined, role: 'row',
    },
    cell('col_date', dateText(line.day)),
    cell('col_entry', h('a', { href: `#/entry/${line.seq}` }, t('entry_n', { seq: line.seq })), ' ', h('span', { class: 'kind' }, kindLabel(e.kind))),
    cell('col_details', ...lineDetails(line, bySeq)),
    h('td', { class: 'amount plus moved', 'data-label': t('col_in'), 'data-field': 'in', role: 'cell' }, h('span', {}, signed('+', line.in, currency))),
    h('td', { class: 'amount minus moved', 'data-label': t('col_out'), 'data-field': 'out', role: 'cell' }, h('span', {}, signed('−', line.out, currency))),
    h('td', { class: 'amount', 'data-label': t('col_balance'), 'data-field': 'balance', role: 'cell' }, money(line.balance, currency)),
  );
}

/** A labelled field of the filter form. */
function field(id, key, input) {
  return h('div', { class: 'filter' }, h('label', { for: id }, t(key)), input);
}

/**
 * The statement section of campaign `c` (the API's campaign) from its `lines` (newest
 * first); `complete` says whether they reach back to the opening.
 */
export function statementSection(c, lines, complete) {
  const currency = c.currency;
  const exponent = CURRENCIES[currency] ?? 0;
  const bySeq = new Map(lines.map((l) => [l.seq, l.entry]));
  const box = section(t('statement_title'));
  box.id = 'statement';
  box.append(h('p', { class: 'note' }, t(complete ? 'statement_intro' : 'statement_partial', { n: integer(lines.length) })));
  box.append(h('p', {}, h('a', {
    class: 'button', id: 'csv-link', href: `${API_BASE}/export/csv?campaign=${encodeURIComponent(c.id)}`, download: '',
  }, t('csv_download'))));

  const kind = h('select', { id: 'f-kind' }, ...['', 'donation', 'disbursement', 'transfer', 'reversal', 'campaign'].map((k) => h('option', { value: k }, t(`filter_kind_${k || 'any'}`))));
  const from = h('input', { id: 'f-from', type: 'date' });
  const to = h('input', { id: 'f-to', type: 'date' });
  const min = h('input', {
    id: 'f-min', type: 'text', inputmode: 'decimal', autocomplete: 'off', 'aria-describedby': 'f-error',
  });
  const max = h('input', {
    id: 'f-max', type: 'text', inputmode: 'decimal', autocomplete: 'off', 'aria-describedby': 'f-error',
  });
  const error = h('p', { id: 'f-error', class: 'field-error', role: 'alert' });
  const form = h(
    'form',
    { class: 'filters', 'aria-label': t('filters') },
    field('f-kind', 'filter_kind', kind),
    field('f-from', 'filter_from', from),
    field('f-to', 'filter_to', to),
    field('f-min', 'filter_min', min),
    field('f-max', 'filter_max', max),
    error,
  );
  const count = h('p', { id: 'statement-count', class: 'note', role: 'status' });
  const body = h('tbody', {});
  const table = h(
    'table',
    { class: 'statement', role: 'table' },
    h('caption', { class: 'visually-hidden' }, t('statement_caption')),
    h('thead', {}, h('tr', { role: 'row' }, ...['col_date', 'col_entry', 'col_details', 'col_in', 'col_out', 'col_balance'].map((k) => h('th', { scope: 'col', role: 'columnheader' }, t(k))))),
    body,
  );
  const more = h('div', { class: 'more' });
  box.append(form, count, h('div', { class: 'table-wrap' }, table), more);

  let shown = SHOWN;
  const readAmount = (input) => {
    const text = input.value.trim();
    if (!text) return null;
    return parseLocalAmount(text, exponent).minor;
  };
  const draw = () => {
    error.textContent = '';
    let filters;
    try {
      filters = {
        kind: kind.value, from: from.value, to: to.value, min: readAmount(min), max: readAmount(max),
      };
    } catch (e) {
      error.textContent = e && e.code ? describeAmountError(e, t) : t('err_other');
      return;
    }
    const matching = lines.filter((l) => lineMatches(l, filters));
    clear(body);
    for (const l of matching.slice(0, shown)) body.append(row(l, currency, bySeq));
    count.textContent = t('statement_count', { n: integer(Math.min(shown, matching.length)), total: integer(matching.length) });
    clear(more);
    if (matching.length > shown) {
      more.append(h('button', {
        type: 'button',
        on: {
          click: () => {
            shown += SHOWN;
            draw();
          },
        },
      }, t('show_more')));
    }
  };
  form.addEventListener('input', () => {
    shown = SHOWN;
    draw();
  });
  form.addEventListener('submit', (ev) => ev.preventDefault());
  draw();
  return box;
}

/**
 * The totals section: what came in and went out by kind, reversals split by what they undid,
 * goods given in kind apart from money, adding up to the balance (from the whole statement
 * `totals` when it is `complete`, else the API's net totals of `c`).
 */
export function totalsSection(c, totals, complete, extra = []) {
  const cur = c.currency;
  const box = section(t('totals'));
  box.id = 'totals';
  const tbody = h('tbody', {});
  const line = (key, sign, units, opts = {}) => {
    if (units === 0n && !opts.always) return;
    tbody.append(h(
      'tr',
      { 'data-total': key, class: opts.cls },
      h('th', { scope: 'row' }, t(`total_${key}`, opts.params ?? {})),
      h('td', { class: `amount ${units > 0n && sign === '+' ? 'plus' : units > 0n && sign === '−' ? 'minus' : ''}` }, `${units > 0n || sign === '= ' ? sign : ''}${money(units, cur)}`),
    ));
  };
  if (complete) {
    line('donations_money', '+', totals.donations_money, { always: true });
    line('donations_goods', '+', totals.donations_goods);
    line('transfers_in', '+', totals.transfers_in);
    line('payments', '−', totals.payments, { always: true });
    line('transfers_out', '−', totals.transfers_out);
    line('reversed_donations', '−', totals.reversed_donations);
    line('reversed_payments', '+', totals.reversed_payments);
    line('reversed_transfers_in', '−', totals.reversed_transfers_in);
    line('reversed_transfers_out', '+', totals.reversed_transfers_out);
    line('balance', '= ', totals.balance, { always: true, cls: 'sum' });
    if (totals.goods > 0n) {
      line('goods_in_balance', '', totals.goods, { cls: 'part' });
      line('money_in_balance', '', totals.balance - totals.goods, { always: true, cls: 'part' });
    }
  } else {
    const big = (v) => BigInt(String(v ?? '0'));
    line('net_donated', '+', big(c.donated), { always: true });
    line('transfers_in', '+', big(c.transferred_in));
    line('net_disbursed', '−', big(c.disbursed), { always: true });
    line('transfers_out', '−', big(c.transferred_out));
    line('balance', '= ', big(c.balance), { always: true, cls: 'sum' });
  }
  box.append(h('table', { class: 'totals' }, h('caption', { class: 'visually-hidden' }, t('totals')), tbody));
  box.append(h('p', { class: 'note' }, t(complete ? 'totals_add_up' : 'totals_partial')));
  box.append(...extra);
  return box;
}
