// Budgets and pledges as the console reads them (GET /campaigns/{id}/budget and /pledges,
// SPEC.md §18, §19), and the two choices the payment and donation forms add: the budget line
// a payment is paid against, the pledge a gift fulfils. Each choice reloads when the form's
// campaign changes; an answer for a campaign no longer chosen is dropped.

import { getJson } from './api.js';
import { field } from './form.js';
import { t } from './i18n.js';
import { money } from './format.js';

const path = (id, what) => `campaigns/${encodeURIComponent(id)}/${what}`;

/** The budget in force of campaign `id`, with planned and paid per line. */
export const loadBudget = (id) => getJson(path(id, 'budget'));

/** The pledges of campaign `id`, with received, outstanding and cancelled. */
export const loadPledges = (id) => getJson(path(id, 'pledges'));

/** The fixed categories (SPEC.md §18.1) with the IATI sector code suggested for each. */
export const CATEGORIES = [
  ['food', '72040'], ['water', '14030'], ['shelter', '72010'], ['health', '72011'], ['education', '72012'],
  ['cash', ''], ['logistics', '72050'], ['reconstruction', '73010'], ['administration', '91010'], ['other', ''],
];

/** A category in words: a fixed one's label, or a custom one's name without its `x-`. */
export function categoryText(category) {
  const fixed = CATEGORIES.find(([c]) => c === category);
  return fixed ? t(`bud_cat_${category}`) : String(category).replace(/^x-/, '');
}

/**
 * A select of `options(data)` after a "none" choice, reloaded by `load(campaign)` from
 * `loader(id)`; hidden while there is nothing to choose.
 */
function planChoice({
  name, label, hint, none, loader, options,
}) {
  const f = field({
    name, label, hint, kind: 'select', options: [['', none]],
  });
  let wanted = null;
  f.data = null;
  f.load = async (campaign) => {
    wanted = campaign?.id ?? null;
    f.data = null;
    f.input.replaceChildren(new Option(none, ''));
    f.el.hidden = true;
    if (!campaign) return;
    let data;
    try {
      data = await loader(campaign.id);
    } catch {
      return; // the choice stays hidden: the form works without it
    }
    if (wanted !== campaign.id) return;
    f.data = data;
    const list = options(data, campaign.currency);
    for (const [v, l] of list) f.input.append(new Option(l, v));
    f.el.hidden = list.length === 0;
  };
  return f;
}

/** The budget line a payment is paid against: the lines of the budget in force. */
export function budgetLineChoice() {
  return planChoice({
    name: 'budget_line',
    label: t('bud_line_choice'),
    hint: t('bud_line_choice_hint'),
    none: t('bud_no_line'),
    loader: loadBudget,
    options: (b, currency) => (b.lines ?? []).map((l) => [l.id, t('bud_line_option', {
      label: l.label, paid: money(l.paid, currency), planned: money(l.planned, currency),
    })]),
  });
}

/** The pledge a donation fulfils: the pledges of the campaign still outstanding. */
export function pledgeChoice() {
  return planChoice({
    name: 'pledge',
    label: t('pl_choice'),
    hint: t('pl_choice_hint'),
    none: t('pl_none'),
    loader: loadPledges,
    options: (p, currency) => (p.list ?? []).filter((x) => x.outstanding !== '0').map((x) => [String(x.seq), t('pl_option', {
      donor: x.donor, seq: x.seq, outstanding: money(x.outstanding, currency),
    })]),
  });
}
