// An admin declares a two-person approval rule (SPEC.md §17.1) on the Approvals screen: for
// one campaign, or for the whole ledger in one currency (every campaign in that currency);
// how many approvers besides the proposer, and the smallest payment the rule covers (read
// back as an amount before the review). Recorded as a signed entry; a rule of 0 approvers
// lifts it. Above the form, the rules in force: the campaigns' own (GET /campaigns) and the
// ledger-wide ones in every currency (GET /approval-policies).

import { h, clear } from '../../views/dom.js';
import { CURRENCIES } from '../../amount.js';
import { t } from '../i18n.js';
import {
  field, radioGroup, amountField, appendFlow, formOf, readAmountField,
} from '../form.js';
import { money } from '../format.js';
import { loadCampaigns, campaignById, campaignOption } from '../data.js';

/** Currency codes for a ledger-wide rule: those of the campaigns first, then every other. */
function currencyCodes(campaigns) {
  const used = [...new Set(campaigns.map((c) => c.currency))];
  return [...used, ...Object.keys(CURRENCIES).filter((c) => !used.includes(c)).sort()];
}

/**
 * The rules in force: each campaign's own (from `campaigns`, as GET /campaigns lists them),
 * then every ledger-wide rule once (from `ledgerRules`, as GET /approval-policies lists them),
 * including one in a currency no campaign uses yet.
 */
export function rulesInForce(campaigns, ledgerRules = []) {
  const items = [];
  for (const c of campaigns) {
    for (const r of c.approval_rules ?? []) {
      if (r.scope === 'ledger') continue;
      items.push(h('li', { 'data-rule': 'campaign', 'data-campaign': c.id }, t('appr_rule_in_force_campaign', {
        campaign: `${c.title} (${c.id})`, amount: money(BigInt(r.threshold), c.currency), n: r.approvers, seq: r.since,
      })));
    }
  }
  for (const r of ledgerRules) {
    items.push(h('li', { 'data-rule': 'ledger', 'data-currency': r.currency }, t('appr_rule_in_force_ledger', {
      currency: r.currency, amount: money(BigInt(r.threshold), r.currency), n: r.approvers, seq: r.since,
    })));
  }
  return h(
    'section',
    { class: 'card', 'data-rules-in-force': '' },
    h('h2', {}, t('appr_rules_in_force')),
    items.length ? h('ul', { class: 'plain' }, items) : h('p', { class: 'note', 'data-no-rule': '' }, t('appr_rules_none')),
  );
}

/** The rule form, in `host`, for the campaigns of `campaigns`; `recorded()` is told after each rule. */
export function ruleForm(host, campaigns, recorded = () => {}) {
  clear(host);
  const scope = radioGroup({
    name: 'scope',
    legend: t('appr_rule_scope'),
    value: campaigns.length ? 'campaign' : 'ledger',
    options: [
      ['campaign', t('appr_rule_scope_campaign')],
      ['ledger', t('appr_rule_scope_ledger'), t('appr_rule_scope_ledger_hint')],
    ],
  });
  const campaign = field({
    name: 'campaign', label: t('campaign'), kind: 'select', required: true, options: campaigns.map(campaignOption),
  });
  const currency = field({
    name: 'currency', label: t('currency'), kind: 'select', required: true, options: currencyCodes(campaigns).map((c) => [c, c]),
  });
  const approvers = field({
    name: 'approvers', label: t('appr_rule_approvers'), kind: 'number', required: true, value: '2', hint: t('appr_rule_approvers_hint'), attrs: { min: '0', max: '20', step: '1' },
  });
  const ledgerWide = () => scope.value === 'ledger';
  const currencyOf = () => (ledgerWide() ? currency.value : campaignById(campaigns, campaign.value)?.currency);
  const threshold = amountField({ name: 'threshold', label: t('appr_rule_threshold'), currencyOf });
  const showScope = () => {
    campaign.el.hidden = ledgerWide();
    currency.el.hidden = !ledgerWide();
    threshold.refresh();
  };
  scope.onChange(showScope);
  campaign.input.addEventListener('change', () => threshold.refresh());
  currency.input.addEventListener('change', () => threshold.refresh());
  showScope();
  const fields = () => [scope, ledgerWide() ? currency : campaign, approvers, threshold];
  const form = formOf('approval-rule-form', [scope, campaign.el, currency.el, approvers.el, threshold]);
  appendFlow(host, {
    form,
    fields,
    fieldOf: (name) => ({
      campaign, currency, approvers, threshold,
    })[name],
    review() {
      const c = ledgerWide() ? null : campaignById(campaigns, campaign.value);
      const code = currencyOf();
      const n = Number(approvers.value);
      let ok = true;
      if (!ledgerWide() && !c) {
        campaign.setError(t('no_campaign_to_choose'));
        ok = false;
      }
      if (!Number.isInteger(n) || n < 0 || n > 20 || approvers.value.trim() === '') {
        approvers.setError(t('appr_rule_approvers_hint'));
        ok = false;
      }
      const a = code ? readAmountField(threshold) : null;
      if (!code || !a || !ok) return null;
      const amount = money(a.minor, code);
      let needs = t('appr_rule_lifted');
      if (n > 0) needs = c ? t('appr_rule_campaign', { n, amount }) : t('appr_rule_ledger', { n, amount, currency: code });
      return {
        path: 'approval-policies',
        json: c
          ? { campaign: c.id, approvers: n, threshold: a.canonical, currency: code }
          : { approvers: n, threshold: a.canonical, currency: code },
        rows: [
          [t('appr_rule_scope'), h('span', { 'data-review': 'scope' }, c ? `${c.title} (${c.id})` : t('appr_rule_scope_label', { currency: code }))],
          [t('appr_rule_approvers'), String(n)],
          [t('appr_rule_threshold'), h('strong', { class: 'amount', 'data-review': 'threshold' }, amount)],
          [t('appr_needs'), needs],
        ],
      };
    },
    done: (ack) => {
      recorded();
      return h(
        'div',
        { class: 'done', 'data-seq': String(ack.seq) },
        h('h2', {}, t('appr_rule_recorded')),
        h('p', {}, t('recorded_as'), ' ', h('a', { href: `#/entry/${ack.seq}`, 'data-entry-link': '' }, t('entry_n', { seq: ack.seq }))),
        h('div', { class: 'buttons' }, h('button', {
          type: 'button',
          class: 'primary',
          'data-action': 'again',
          on: { click: async () => ruleForm(host, (await loadCampaigns()).filter((x) => x.status === 'open'), recorded) },
        }, t('record_another'))),
      );
    },
  });
}
