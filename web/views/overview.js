// The overview (#/), made for a phone: the organisation and its promise, "Find my donation",
// and the campaigns with their progress. The signed checkpoint itself is on the Verify page;
// here a small badge says whether its signature checked out in this browser.

import { verifyPublishedCheckpoint } from '../verify.js';
import { t } from '../i18n.js';
import { h, section } from './dom.js';
import { getInfo, getJSON } from './server.js';
import { campaignCard } from './cards.js';
import { findForm } from './find.js';

/** The overview (`#/`): promise, search box, campaigns (open ones first). */
export async function viewOverview(out) {
  const [inf, totals] = await Promise.all([getInfo(true), getJSON('/totals')]);
  out.append(h('h1', {}, inf.name));
  out.append(h('p', { class: 'promise' }, t('promise')));
  out.append(await verifiedBadge(inf));

  const find = section(t('find_title'));
  find.classList.add('find-box');
  find.append(findForm('', 'home-q'));
  out.append(find);

  const camp = section(t('campaigns'));
  const all = totals.campaigns || [];
  if (all.length === 0) camp.append(h('p', {}, t('no_campaigns')));
  const list = h('ul', { class: 'campaigns' });
  const open = all.filter((c) => c.status !== 'closed');
  for (const c of [...open, ...all.filter((c) => c.status === 'closed')]) list.append(campaignCard(c));
  camp.append(list);
  out.append(camp);
}

/** "Verified ✓" when today's signed checkpoint verifies with the published key, a warning if not. */
async function verifiedBadge(inf) {
  try {
    await verifyPublishedCheckpoint(inf);
    return h('p', { class: 'verified-line' }, h('a', { href: '#/verify', class: 'verified good', 'data-verified': 'true' }, t('verified_badge')), ' ', h('span', { class: 'note' }, t('verified_badge_note')));
  } catch {
    return h('p', { class: 'verified-line' }, h('a', { href: '#/verify', class: 'verified bad', 'data-verified': 'false' }, t('verified_badge_bad')));
  }
}
