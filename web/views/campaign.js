// A campaign (#/campaign/<id>) as a statement a donor can read: what it is for and how to give
// (only while it is open), the totals that add up to its balance, where the money went (each
// payment with its documents), updates, and every entry in a table with filters and a CSV
// download. Entries are read 200 at a time, newest first, up to MAX_ENTRIES.

import { t } from '../i18n.js';
import { h } from './dom.js';
import { dateText, label, integer } from './format.js';
import { getInfo, getJSON } from './server.js';
import { goalProgress } from './cards.js';
import { statementLines, statementTotals } from './ledger-rows.js';
import { statementSection, totalsSection } from './statement.js';
import { paymentsSection, updatesSection } from './payments.js';
import { giveSection } from './give.js';
import { setCampaignMeta } from './campaign-meta.js';
import { approvalRules } from './approval.js';
import { planSections } from './budget.js';

/** The most entries a campaign's page reads (200 per request). */
export const MAX_ENTRIES = 5000;
const PAGE = 200;

/**
 * The campaign's entries, newest first, from the newest back to its opening or until
 * MAX_ENTRIES: `{ items, complete }`.
 */
async function campaignEntries(id) {
  const items = [];
  let before;
  for (;;) {
    const q = before === undefined ? '' : `&before=${before}`;
    const page = await getJSON(`/campaigns/${encodeURIComponent(id)}/entries?limit=${PAGE}${q}`);
    items.push(...page.entries);
    if (page.next_before === null || page.next_before === undefined) return { items, complete: true };
    if (items.length >= MAX_ENTRIES) return { items, complete: false };
    before = page.next_before;
  }
}

/** The entries reversals among `items` reverse that `items` do not hold (read one by one). */
async function missingTargets(items) {
  const have = new Set(items.map((it) => it.seq));
  const want = [...new Set(items.filter((it) => it.entry?.kind === 'reversal').map((it) => Number(it.entry.body?.reverses)))].filter((s) => !have.has(s));
  const targets = new Map();
  for (const seq of want) targets.set(seq, (await getJSON(`/entries/${seq}`)).entry);
  return targets;
}

/** A campaign (`#/campaign/<id>`): its statement, payments, updates and every entry. */
export async function viewCampaign(out, route) {
  const id = route.id;
  const [c, info] = await Promise.all([getJSON(`/campaigns/${encodeURIComponent(id)}`), getInfo()]);
  const { items, complete } = await campaignEntries(id);
  const targets = await missingTargets(items);
  const lines = statementLines(id, items, { targets, balanceNow: BigInt(c.balance), complete });

  out.append(h('p', { class: 'crumbs' }, h('a', { href: '#/' }, t('back_overview'))));
  out.append(h('h1', {}, c.title, ' ', h('span', { class: `badge ${c.status}` }, label('status', c.status))));
  out.append(h('p', { class: 'prewrap purpose' }, c.purpose));
  const dates = [c.opened_at ? t('opened_on', { day: dateText(String(c.opened_at).slice(0, 10)) }) : null, c.ends_on ? t('ends_on_day', { day: dateText(c.ends_on) }) : null].filter(Boolean);
  if (dates.length) out.append(h('p', { class: 'note' }, dates.join(' · ')));
  const rules = approvalRules(c);
  if (rules) out.append(rules);

  const totals = complete ? statementTotals(lines) : null;
  out.append(totalsSection(c, totals, complete, [goalProgress(c.donated, c.goal, c.currency), h('p', { class: 'note' }, t('counts', { donations: integer(c.donations), payments: integer(c.disbursements) }))]));
  out.append(...(await planSections(c)));
  out.append(await giveSection(c));
  out.append(paymentsSection(c, lines));
  const updates = updatesSection(lines);
  if (updates) out.append(updates);
  out.append(statementSection(c, lines, complete));
  out.append(h('p', { class: 'note feed-link' }, h('a', { href: `api/v1/campaigns/${encodeURIComponent(c.id)}/feed`, type: 'application/atom+xml' }, t('feed_link'))));
  setCampaignMeta(c, info?.name ?? '');
}
