// A campaign (#/campaign/<id>): its purpose, the accounts donations go to, its totals and goal,
// its dates, and its entries newest first, 20 at a time.

import { t } from '../i18n.js';
import {
  h, clear, code, dl, section, message,
} from './dom.js';
import {
  money, integer, timeEl, dateText, label, describe,
} from './format.js';
import { getInfo, getJSON } from './server.js';
import { goalProgress, entryCard } from './cards.js';

/** A campaign (`#/campaign/<id>`): purpose, accounts, totals, dates and its entries, newest first. */
export async function viewCampaign(out, route) {
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
