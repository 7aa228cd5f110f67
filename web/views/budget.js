// A campaign's budget against what was paid, line by line, and its pledges: pledged, received,
// still outstanding, given up (SPEC.md §8.1, §18, §19). The figures come from the server's
// fold of the campaign's entries; "Verify everything" checks the same rules in the browser.
// Nothing is shown for a campaign without a budget or pledges.

import { t } from '../i18n.js';
import { h, section } from './dom.js';
import { money, dateText } from './format.js';
import { getJSON } from './server.js';

const FIXED = ['food', 'water', 'shelter', 'health', 'education', 'cash', 'logistics', 'reconstruction', 'administration', 'other'];

/** A category in words: a fixed one's label, a custom one's name without its `x-`. */
function categoryText(category) {
  return FIXED.includes(category) ? t(`bud_cat_${category}`) : String(category).replace(/^x-/, '');
}

/** Paid against planned as a bar (capped at full) with the words beside it. */
function bar(paid, planned) {
  const p = BigInt(paid);
  const q = BigInt(planned);
  const permille = q > 0n ? (p * 1000n) / q : 0n;
  return h('progress', { max: '1000', value: String(permille > 1000n ? 1000n : permille), 'aria-hidden': 'true' });
}

function budgetSection(b, currency) {
  if (b.in_force === undefined) return null;
  const m = (x) => money(x, currency);
  const rows = b.lines.map((l) => {
    const over = BigInt(l.paid) > BigInt(l.planned);
    return h(
      'tr',
      { 'data-line': l.id, class: over ? 'over' : '' },
      h('th', { scope: 'row' }, l.label, h('span', { class: 'note block' }, categoryText(l.category))),
      h('td', { class: 'num', 'data-label': t('bud_planned') }, m(l.planned)),
      h('td', { class: 'num', 'data-label': t('bud_paid') }, m(l.paid), bar(l.paid, l.planned), over ? h('span', { class: 'badge closed' }, t('bud_over')) : null),
    );
  });
  return section(
    t('bud_section'),
    h('p', { class: 'note' }, b.budgets > 1 ? t('bud_revised', { n: b.budgets, seq: b.in_force }) : t('bud_published', { seq: b.in_force })),
    h('div', { class: 'table-wrap' }, h(
      'table',
      { class: 'budget', 'data-budget': String(b.in_force) },
      h('thead', {}, h('tr', {}, [t('bud_line'), t('bud_planned'), t('bud_paid')].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, rows),
      h('tfoot', {}, h('tr', {}, h('th', { scope: 'row' }, t('bud_total')), h('td', { class: 'num', 'data-label': t('bud_planned') }, m(b.planned)), h('td', { class: 'num', 'data-label': t('bud_paid'), 'data-budget-paid': '' }, m(b.paid)))),
    )),
    BigInt(b.unbudgeted) > 0n ? h('p', { class: 'note', 'data-unbudgeted': '' }, t('bud_unbudgeted_paid', { amount: m(b.unbudgeted) })) : null,
  );
}

function pledgeSection(p, currency) {
  if (p.pledges === 0) return null;
  const m = (x) => money(x, currency);
  const figure = (key, value, name) => h('div', { class: 'figure', 'data-pledge-figure': name }, h('dt', {}, t(key)), h('dd', {}, m(value)));
  const item = (x) => h(
    'li',
    { 'data-pledge': String(x.seq) },
    h('strong', {}, x.donor),
    ' · ',
    t('pl_line', { received: m(x.received), amount: m(x.amount) }),
    x.cancelled_by !== undefined ? [' · ', h('span', { class: 'badge closed' }, t('pl_cancelled_badge'))]
      : (x.expected_on ? [' · ', t('pl_expected_on', { day: dateText(x.expected_on) })] : null),
  );
  return section(
    t('pl_section'),
    h('p', { class: 'note' }, t('pl_intro')),
    h(
      'dl',
      { class: 'figures' },
      figure('pl_pledged', p.pledged, 'pledged'),
      figure('pl_received', p.received, 'received'),
      figure('pl_outstanding', p.outstanding, 'outstanding'),
      figure('pl_cancelled', p.cancelled, 'cancelled'),
    ),
    h('ul', { class: 'plain pledges' }, p.list.map(item)),
  );
}

/** The budget and pledge cards of campaign `c` (none when it has neither, or on error). */
export async function planSections(c) {
  const id = encodeURIComponent(c.id);
  const [budget, pledges] = await Promise.all([
    getJSON(`/campaigns/${id}/budget`).catch(() => null),
    getJSON(`/campaigns/${id}/pledges`).catch(() => null),
  ]);
  return [budget && budgetSection(budget, c.currency), pledges && pledgeSection(pledges, c.currency)].filter(Boolean);
}
