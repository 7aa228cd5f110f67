// The combined index of open campaigns across the platform's organisations, searchable by name
// and place (the server matches title, purpose and organisation name, accents and case
// ignored). Each links to its page on its organisation's ledger, which checks it.

import { t } from './i18n.js';
import { h, clear } from '../views/dom.js';
import { searchCampaigns, orgUrl } from './api.js';

/** One campaign of the index. */
function campaignCard(c) {
  const href = orgUrl(String(c.org ?? ''), String(c.id ?? ''));
  return h(
    'li',
    { class: 'campaign', 'data-org': String(c.org ?? ''), 'data-campaign': String(c.id ?? '') },
    h('h3', {}, h('a', { href }, String(c.title ?? '')), ' ', h('span', { class: `badge ${c.open === false ? 'closed' : 'open'}` }, t(c.open === false ? 'pf_closed' : 'pf_open'))),
    h('p', { class: 'note' }, t('pf_by_org', { org: String(c.org_name ?? c.org ?? '') })),
    c.purpose ? h('p', { class: 'pf-purpose' }, String(c.purpose)) : null,
  );
}

/** Fills `out` with the open campaigns matching `q`. */
async function showCampaigns(out, q) {
  clear(out);
  out.append(h('p', { class: 'loading' }, t('pf_loading')));
  let answer;
  try {
    answer = await searchCampaigns(q);
  } catch (e) {
    clear(out);
    out.append(h('div', { class: 'msg bad', role: 'alert' }, h('p', {}, t('pf_load_failed', { reason: e.message }))));
    return;
  }
  const list = Array.isArray(answer?.campaigns) ? answer.campaigns : [];
  clear(out);
  if (list.length === 0) {
    out.append(h('p', { id: 'pf-campaigns-none' }, t('pf_campaigns_none')));
    return;
  }
  out.append(
    h('p', { class: 'note', id: 'pf-campaigns-count' }, t('pf_campaigns_found', { n: list.length })),
    h('ul', { class: 'campaigns', id: 'pf-campaigns' }, list.map(campaignCard)),
  );
}

/** The "open campaigns" section; `state.q` keeps the search across a change of language. */
export function campaignsSection(state) {
  const out = h('div', { id: 'pf-campaigns-result', 'aria-live': 'polite' });
  const input = h('input', {
    type: 'search', id: 'pf-search', name: 'q', value: state.q ?? '', autocomplete: 'off', 'aria-describedby': 'pf-search-hint',
  });
  const form = h(
    'form',
    {
      class: 'find pf-search', role: 'search',
      on: {
        submit: (ev) => {
          ev.preventDefault();
          state.q = input.value.trim();
          showCampaigns(out, state.q);
        },
      },
    },
    h('label', { for: 'pf-search' }, t('pf_search_label')),
    h('p', { class: 'note', id: 'pf-search-hint' }, t('pf_search_hint')),
    h('div', { class: 'inline' }, input, h('button', { type: 'submit' }, t('pf_search_button'))),
  );
  showCampaigns(out, state.q ?? '');
  return h(
    'section',
    { class: 'card', id: 'campaigns', 'aria-labelledby': 'campaigns-title' },
    h('h2', { id: 'campaigns-title' }, t('pf_campaigns_title')),
    h('p', {}, t('pf_campaigns_intro')),
    form,
    out,
  );
}
