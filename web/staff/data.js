// What several screens read from the public API: the campaigns with their balances
// (/campaigns), read fresh for each screen so that a balance check uses the balance as it is
// now.

import { getJson } from './api.js';
import { h } from '../views/dom.js';
import { t } from './i18n.js';

/** Every campaign (GET /campaigns), in opening order. */
export async function loadCampaigns() {
  return (await getJson('campaigns')).campaigns;
}

/** The campaign `id` in `list`, or undefined. */
export const campaignById = (list, id) => list.find((c) => c.id === id);

/** The label of campaign `c` in a list: its title, id and currency. */
export const campaignOption = (c) => [c.id, `${c.title} (${c.id}, ${c.currency})`];

/** A note saying there is no campaign to choose, with a link to open one. */
export function noCampaign(admin) {
  return h('div', { class: 'msg info', role: 'status' }, h('p', {}, t('no_campaign_to_choose')), admin ? h('p', {}, h('a', { href: '#/campaign-open' }, t('nav_campaign_open'))) : null);
}
