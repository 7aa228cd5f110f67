// The list of the platform's organisations: name, kind, status and official accounts (as the
// server lists them; the registry records each, and the account check proves them), each
// linking to its own ledger.

import { t } from './i18n.js';
import { h, clear } from '../views/dom.js';
import { listOrgs, orgUrl } from './api.js';

const STATUSES = ['active', 'suspended', 'closed'];
const KINDS = ['ngo', 'individual', 'local_authority'];

/** One organisation of the list. */
function orgCard(o) {
  const status = STATUSES.includes(o.status) ? o.status : 'closed';
  const accounts = Array.isArray(o.accounts) ? o.accounts : [];
  return h(
    'li',
    { class: 'campaign pf-org', 'data-org': String(o.slug ?? ''), 'data-status': status },
    h(
      'h3',
      {},
      h('a', { href: orgUrl(String(o.slug ?? '')) }, String(o.name ?? o.slug ?? '')),
      ' ',
      h('span', { class: `badge ${status === 'active' ? 'open' : 'closed'}` }, t(`pf_status_${status}`)),
    ),
    KINDS.includes(o.kind) ? h('p', { class: 'note' }, t(`pf_kind_${o.kind}`)) : null,
    accounts.length === 0
      ? h('p', { class: 'note' }, t('pf_no_accounts'))
      : h(
        'details',
        { class: 'tech' },
        h('summary', {}, `${t('pf_accounts')} (${accounts.length})`),
        h('ul', { class: 'accounts' }, accounts.map((a) => h('li', {}, `${String(a.bank ?? '')} · ${String(a.number ?? '')} · ${String(a.holder ?? '')}`))),
      ),
  );
}

/** The "organisations" section, filled once the list arrives. */
export function orgsSection() {
  const out = h('div', { id: 'pf-orgs-result' }, h('p', { class: 'loading' }, t('pf_loading')));
  listOrgs().then((answer) => {
    const list = Array.isArray(answer?.orgs) ? answer.orgs : [];
    clear(out);
    out.append(list.length === 0 ? h('p', {}, t('pf_orgs_none')) : h('ul', { class: 'campaigns', id: 'pf-orgs' }, list.map(orgCard)));
  }).catch((e) => {
    clear(out);
    out.append(h('div', { class: 'msg bad', role: 'alert' }, h('p', {}, t('pf_load_failed', { reason: e.message }))));
  });
  return h(
    'section',
    { class: 'card', id: 'orgs', 'aria-labelledby': 'orgs-title' },
    h('h2', { id: 'orgs-title' }, t('pf_orgs_title')),
    out,
  );
}
