// Two-person approval on the public page (SPEC.md §17): under a payment, who proposed it and
// how many staff approved it (staff ids, never names); on a campaign, the approval rules its
// payments keep now, each linking to the signed entry that declared it.

import { t } from '../i18n.js';
import { h } from './dom.js';
import { money } from './format.js';

/** The approval line of a payment body `b`, or null when it went through no approval. */
export function approvalLine(b) {
  const a = b && b.approval;
  if (!a || !Array.isArray(a.approved_by)) return null;
  return h(
    'p',
    { class: 'note approval', 'data-approval': '' },
    t('appr_approved_by_n', { n: a.approved_by.length, ids: a.approved_by.join(', ') }),
    ' · ',
    t('appr_proposed_by_id', { id: a.proposed_by }),
  );
}

/** The campaign's approval rules in force (`c.approval_rules` of the API), or null. */
export function approvalRules(c) {
  const rules = Array.isArray(c.approval_rules) ? c.approval_rules : [];
  if (rules.length === 0) return null;
  return h('ul', { class: 'plain approval-rules', 'data-approval-rules': '' }, rules.map((r) => h(
    'li',
    { class: 'note' },
    t(r.scope === 'ledger' ? 'appr_rule_ledger' : 'appr_rule_campaign', { n: r.approvers, amount: money(r.threshold, c.currency) }),
    ' ',
    h('a', { href: `#/entry/${r.since}` }, t('entry_n', { seq: r.since })),
  )));
}
