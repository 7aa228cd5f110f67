// An admin declares a campaign's two-person approval rule (SPEC.md §17.1) on the Approvals
// screen: the campaign, how many approvers besides the proposer, and the smallest payment the
// rule covers (read back as an amount before the review). Recorded as a signed entry; a rule
// of 0 approvers lifts the campaign's rule. Ledger-wide rules are declared through the API.

import { h, clear } from '../../views/dom.js';
import { t } from '../i18n.js';
import {
  field, amountField, appendFlow, formOf, readAmountField,
} from '../form.js';
import { money } from '../format.js';
import { loadCampaigns, campaignById, campaignOption } from '../data.js';

/** The rule form, in `host`, for the campaigns of `campaigns`. */
export function ruleForm(host, campaigns) {
  clear(host);
  if (campaigns.length === 0) return;
  const campaign = field({
    name: 'campaign', label: t('campaign'), kind: 'select', required: true, options: campaigns.map(campaignOption),
  });
  const approvers = field({
    name: 'approvers', label: t('appr_rule_approvers'), kind: 'number', required: true, value: '2', hint: t('appr_rule_approvers_hint'), attrs: { min: '0', max: '20', step: '1' },
  });
  const currencyOf = () => campaignById(campaigns, campaign.value)?.currency;
  const threshold = amountField({ name: 'threshold', label: t('appr_rule_threshold'), currencyOf });
  campaign.input.addEventListener('change', () => threshold.refresh());
  const fields = [campaign, approvers, threshold];
  const form = formOf('approval-rule-form', [campaign.el, approvers.el, threshold]);
  appendFlow(host, {
    form,
    fields,
    review() {
      const c = campaignById(campaigns, campaign.value);
      const n = Number(approvers.value);
      let ok = true;
      if (!Number.isInteger(n) || n < 0 || n > 20 || approvers.value.trim() === '') {
        approvers.setError(t('appr_rule_approvers_hint'));
        ok = false;
      }
      const a = readAmountField(threshold);
      if (!c || !a || !ok) return null;
      return {
        path: 'approval-policies',
        json: {
          campaign: c.id, approvers: n, threshold: a.canonical, currency: c.currency,
        },
        rows: [
          [t('campaign'), `${c.title} (${c.id})`],
          [t('appr_rule_approvers'), String(n)],
          [t('appr_rule_threshold'), h('strong', { class: 'amount', 'data-review': 'threshold' }, money(a.minor, c.currency))],
          [t('appr_needs'), n > 0 ? t('appr_rule_campaign', { n, amount: money(a.minor, c.currency) }) : t('appr_rule_lifted')],
        ],
      };
    },
    done: (ack) => h(
      'div',
      { class: 'done', 'data-seq': String(ack.seq) },
      h('h2', {}, t('appr_rule_recorded')),
      h('p', {}, t('recorded_as'), ' ', h('a', { href: `#/entry/${ack.seq}`, 'data-entry-link': '' }, t('entry_n', { seq: ack.seq }))),
      h('div', { class: 'buttons' }, h('button', {
        type: 'button', class: 'primary', 'data-action': 'again', on: { click: async () => ruleForm(host, await loadCampaigns()) },
      }, t('record_another'))),
    ),
  });
}
