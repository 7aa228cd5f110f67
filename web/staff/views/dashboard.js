// The dashboard: what needs attention, what to do next, each campaign's balance, donations,
// payments and goal, and the latest entries.
//
// What needs attention, from what the API publishes: appends refused (read-only storage, a
// failed audit); an open campaign past its last day; a campaign that holds nothing (any
// payment from it will be refused); and, per open campaign, how long ago the newest bank
// transfer it holds was received, as a reminder to import newer statement lines. The server
// keeps no copy of bank statements, so which lines of the bank's own statement are not yet
// imported cannot be known here: the import's dry run lists them.

import { h, dl } from '../../views/dom.js';
import { t, locale } from '../i18n.js';
import { isAdmin } from '../session.js';
import { getJson, getNdjson, publicUrl } from '../api.js';
import { todayUtc } from '../checks.js';
import { money, dayText } from '../format.js';
import { entryLine } from '../entries.js';

/** How many days without a newer bank transfer make the dashboard suggest an import. */
export const STATEMENT_REMINDER_DAYS = 7;
const LAST_ENTRIES = 10;

/** Days from `from` to `to` (both YYYY-MM-DD). */
const daysBetween = (from, to) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/** The newest bank transfer received by campaign `id` among its latest 100 entries, or null. */
async function newestBankTransfer(id) {
  const page = await getJson(`campaigns/${encodeURIComponent(id)}/entries?limit=100`);
  let newest = null;
  for (const row of page.entries) {
    const b = row.entry?.body;
    if (row.entry?.kind === 'donation' && b.channel === 'bank_transfer' && b.campaign === id && (!newest || b.received_at > newest)) newest = b.received_at;
  }
  return newest;
}

/** A campaign's progress towards its goal (nothing when it has none). */
function goalBar(c) {
  if (!c.goal || c.goal === '0') return h('p', { class: 'note' }, t('no_goal'));
  const permille = (BigInt(c.donated) * 1000n) / BigInt(c.goal);
  const pct = new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 1 }).format(Number(permille) / 1000);
  const id = `goal-${c.id}`;
  return h(
    'div',
    { class: 'goal' },
    h('progress', { max: '1000', value: String(permille > 1000n ? 1000n : permille), 'aria-labelledby': id }),
    h('p', { id, class: 'note' }, t('goal_progress', { pct, goal: money(c.goal, c.currency) })),
  );
}

function attentionItems(info, campaigns, newest, today) {
  const items = [];
  const add = (kind, text, link) => items.push(h('li', { class: `attention ${kind}`, 'data-attention': kind }, h('span', {}, text), link ? [' ', link] : null));
  if (info.read_only) add('read-only', t('attn_read_only', { reason: info.read_only }));
  if (info.audit?.state === 'failed') add('audit', t('attn_audit', { seq: info.audit.failure?.seq ?? '?', message: info.audit.failure?.message ?? '' }));
  for (const c of campaigns) {
    if (c.status !== 'open') continue;
    if (c.ends_on && c.ends_on < today) {
      add('ended', t('attn_ended', { title: c.title, day: dayText(c.ends_on) }), isAdmin()
        ? h('a', { href: `#/campaign-close?id=${encodeURIComponent(c.id)}` }, t('attn_close_it'))
        : h('span', { class: 'note' }, t('attn_ask_admin')));
    }
    if (BigInt(c.balance) === 0n) add('empty', t('attn_empty', { title: c.title }));
    const last = newest.get(c.id);
    if (last === null) add('statement', t('attn_no_bank_transfer', { title: c.title }), h('a', { href: '#/statement' }, t('attn_import')));
    else if (last && daysBetween(last, today) >= STATEMENT_REMINDER_DAYS) {
      add('statement', t('attn_old_bank_transfer', { title: c.title, day: dayText(last), n: daysBetween(last, today) }), h('a', { href: '#/statement' }, t('attn_import')));
    }
  }
  return items;
}

function campaignCard(c, newest) {
  const last = newest.get(c.id);
  return h(
    'li',
    { class: 'campaign', 'data-campaign': c.id },
    h('h3', {}, h('a', { href: publicUrl(`#/campaign/${encodeURIComponent(c.id)}`) }, c.title), ' ', h('span', { class: `badge ${c.status}` }, t(`status_${c.status === 'closed' ? 'closed' : 'open'}`))),
    dl([
      [t('balance'), h('strong', { class: 'amount', 'data-field': 'balance' }, money(c.balance, c.currency))],
      [t('donated'), h('span', { class: 'amount', 'data-field': 'donated' }, money(c.donated, c.currency))],
      [t('disbursed'), h('span', { class: 'amount', 'data-field': 'disbursed' }, money(c.disbursed, c.currency))],
      [t('ends_on'), c.ends_on ? dayText(c.ends_on) : undefined],
      [t('dash_last_bank'), last ? dayText(last) : undefined],
    ]),
    goalBar(c),
  );
}

/** The screen. */
export async function viewDashboard(out) {
  const [info, list] = await Promise.all([getJson('info'), getJson('campaigns')]);
  const campaigns = list.campaigns;
  const start = Math.max(0, info.size - LAST_ENTRIES);
  const [latest, newestList] = await Promise.all([
    info.size > 0 ? getNdjson(`entries?start=${start}&limit=${LAST_ENTRIES}`) : [],
    Promise.all(campaigns.map((c) => (c.status === 'open' ? newestBankTransfer(c.id).catch(() => undefined) : undefined))),
  ]);
  const newest = new Map(campaigns.map((c, i) => [c.id, newestList[i]]));
  const today = todayUtc();
  out.append(h('h1', {}, t('dash_title')));

  const actions = [['#/donation', 'nav_donation'], ['#/payout', 'nav_payout'], ['#/statement', 'nav_statement'], ['#/transfer', 'nav_transfer'], ['#/reversal', 'nav_reversal']];
  if (isAdmin()) actions.push(['#/campaign-open', 'nav_campaign_open']);
  out.append(h('nav', { class: 'actions-grid', 'aria-label': t('dash_actions') }, actions.map(([href, key]) => h('a', { class: 'action', href }, t(key)))));

  const items = attentionItems(info, campaigns, newest, today);
  out.append(h(
    'section',
    { class: 'card attention-card', 'aria-labelledby': 'attn-h' },
    h('h2', { id: 'attn-h' }, t('dash_attention')),
    items.length ? h('ul', { class: 'attention-list' }, items) : h('p', { class: 'ok-line', 'data-attention': 'none' }, t('dash_all_good')),
    h('p', { class: 'note' }, t('dash_statement_note')),
  ));

  out.append(h(
    'section',
    { class: 'card', 'aria-labelledby': 'camp-h' },
    h('h2', { id: 'camp-h' }, t('campaigns')),
    campaigns.length ? h('ul', { class: 'campaigns' }, campaigns.map((c) => campaignCard(c, newest))) : h('p', {}, t('no_campaigns')),
  ));

  out.append(h(
    'section',
    { class: 'card', 'aria-labelledby': 'last-h' },
    h('h2', { id: 'last-h' }, t('dash_last_entries')),
    latest.length ? h('ol', { class: 'entry-lines plain', reversed: true }, latest.reverse().map((e) => entryLine(e))) : h('p', {}, t('no_entries')),
    h('p', {}, h('a', { href: publicUrl('#/') }, t('dash_public_page'))),
  ));
}
