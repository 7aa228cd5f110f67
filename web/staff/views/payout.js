// Pay out (a disbursement): campaign, amount, recipient, purpose, day, and the evidence
// documents. A payment larger than the campaign's balance is refused before the review, with
// the balance; the server refuses it again (409 insufficient_balance) if the balance fell in
// the meantime.

import { h, clear } from '../../views/dom.js';
import { t } from '../i18n.js';
import { isAdmin } from '../session.js';
import {
  field, amountField, appendFlow, formOf, applyChecks, readAmountField,
} from '../form.js';
import { checkShort, checkLong, checkDay, todayLocal } from '../checks.js';
import { money, dayText } from '../format.js';
import {
  loadCampaigns, campaignById, campaignOption, noCampaign,
} from '../data.js';
import { evidencePicker } from '../evidence.js';
import { entryFacts } from '../entries.js';
import { approversNeeded, proposedDone } from './approvals.js';
import { budgetLineChoice } from '../plans.js';

/** The screen: a payment form for the campaigns that hold money. */
export async function viewPayout(out) {
  const campaigns = await loadCampaigns();
  out.append(h('h1', {}, t('payout_title')), h('p', { class: 'lead' }, t('payout_lead')));
  if (campaigns.length === 0) {
    out.append(noCampaign(isAdmin()));
    return;
  }
  const host = h('div', { class: 'flow' });
  out.append(host);
  payoutForm(host, campaigns);
}

function payoutForm(host, campaigns) {
  clear(host);
  const campaign = field({
    name: 'campaign', label: t('campaign'), kind: 'select', required: true, options: campaigns.map(campaignOption),
  });
  const currencyOf = () => campaignById(campaigns, campaign.value)?.currency;
  const amount = amountField({ label: t('amount'), currencyOf });
  const recipient = field({
    name: 'recipient', label: t('recipient'), required: true, hint: t('recipient_hint'),
  });
  const purpose = field({
    name: 'purpose', label: t('purpose'), kind: 'textarea', required: true, hint: t('payout_purpose_hint'),
  });
  const paid = field({
    name: 'paid_at', label: t('paid_at'), kind: 'date', required: true, value: todayLocal(),
  });
  const evidence = evidencePicker();
  const line = budgetLineChoice();
  const balanceNote = h('p', { class: 'note', 'data-balance-note': '' });
  const sync = () => {
    const c = campaignById(campaigns, campaign.value);
    balanceNote.textContent = c ? t('campaign_currency', { currency: c.currency, balance: money(c.balance, c.currency) }) : '';
    amount.refresh();
  };
  campaign.input.addEventListener('change', () => {
    sync();
    line.load(campaignById(campaigns, campaign.value));
  });
  sync();
  line.load(campaignById(campaigns, campaign.value));
  const fields = [campaign, amount, line, recipient, purpose, paid, evidence];
  const form = formOf('payout-form', [campaign.el, balanceNote, amount, line, recipient, purpose, paid, evidence]);

  appendFlow(host, {
    form,
    fields,
    async review() {
      const c = campaignById(campaigns, campaign.value);
      const ok = applyChecks([
        [recipient, (v) => checkShort(v.trim())],
        [purpose, (v) => checkLong(v.trim())],
        [paid, (v) => checkDay(v)],
      ]);
      const a = readAmountField(amount);
      if (a && c && a.minor > BigInt(c.balance)) {
        amount.setError(t('overdraw', { balance: money(c.balance, c.currency), amount: money(a.minor, c.currency) }));
        return null;
      }
      if (!c || !a || !ok) return null;
      let stored;
      try {
        stored = await evidence.upload();
      } catch {
        return null; // the evidence field says why
      }
      const json = {
        campaign: c.id,
        amount: a.canonical,
        currency: c.currency,
        recipient: recipient.value.trim(),
        purpose: purpose.value.trim(),
        paid_at: paid.value,
        evidence: stored,
      };
      const needed = approversNeeded(c, a.minor);
      const chosen = (line.data?.lines ?? []).find((l) => l.id === line.value);
      if (chosen) json.budget_line = chosen.id;
      return {
        path: needed ? 'proposals' : 'disbursements',
        json: needed ? { disbursement: json } : json,
        rows: [
          needed ? [t('appr_needs'), h('strong', { 'data-review': 'approval' }, t('appr_needs_n', { n: needed }))] : null,
          [t('campaign'), `${c.title} (${c.id})`],
          [t('amount'), h('strong', { class: 'amount', 'data-review': 'amount' }, money(a.minor, c.currency))],
          [t('balance_after'), money(BigInt(c.balance) - a.minor, c.currency)],
          [t('bud_line_choice'), chosen ? h('span', { 'data-review': 'budget_line' }, t('bud_line_after', {
            label: chosen.label, paid: money(BigInt(chosen.paid) + a.minor, c.currency), planned: money(chosen.planned, c.currency),
          })) : t('bud_no_line')],
          [t('recipient'), h('span', { class: 'prewrap' }, json.recipient)],
          [t('purpose'), h('span', { class: 'prewrap' }, json.purpose)],
          [t('paid_at'), dayText(json.paid_at)],
          [t('evidence'), stored.length ? h('ul', { class: 'plain' }, stored.map((s) => h('li', {}, s.name ?? s.media_type, ' · ', h('code', { class: 'hash' }, s.sha256)))) : t('no_evidence')],
        ],
      };
    },
    done: (ack, request) => (request.path === 'proposals' ? proposedDone(ack, () => viewAgain(host)) : h(
      'div',
      { class: 'done', 'data-seq': String(ack.seq) },
      h('h2', {}, t('payout_recorded')),
      ack.replayed ? h('p', { class: 'msg info' }, t('replayed_note')) : null,
      h('p', {}, t('recorded_as'), ' ', h('a', { href: `#/entry/${ack.seq}`, 'data-entry-link': '' }, t('entry_n', { seq: ack.seq }))),
      entryFacts(ack.entry),
      h('div', { class: 'buttons' }, h('button', {
        type: 'button', class: 'primary', 'data-action': 'again', on: { click: () => viewAgain(host) },
      }, t('record_another'))),
    )),
  });
}

/** A new payment form, with the balances as they are now. */
async function viewAgain(host) {
  payoutForm(host, await loadCampaigns());
}
