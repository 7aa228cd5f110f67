// Move money between two campaigns of the same currency: from a campaign that holds it, to
// an open campaign, with the reason in words. More than the balance is refused before the
// review.

import { h, clear } from '../../views/dom.js';
import { t } from '../i18n.js';
import { isAdmin } from '../session.js';
import {
  field, amountField, appendFlow, formOf, applyChecks, readAmountField,
} from '../form.js';
import { checkLong } from '../checks.js';
import { money } from '../format.js';
import {
  loadCampaigns, campaignById, campaignOption, noCampaign,
} from '../data.js';
import { entryFacts } from '../entries.js';
import { approversNeeded, proposedDone } from './approvals.js';

/** The screen: a transfer form. */
export async function viewTransfer(out) {
  const campaigns = await loadCampaigns();
  out.append(h('h1', {}, t('transfer_title')), h('p', { class: 'lead' }, t('transfer_lead')));
  if (campaigns.length < 2) {
    out.append(noCampaign(isAdmin()));
    return;
  }
  const host = h('div', { class: 'flow' });
  out.append(host);
  transferForm(host, campaigns);
}

function transferForm(host, campaigns) {
  clear(host);
  const from = field({
    name: 'from', label: t('from_campaign'), kind: 'select', required: true, options: campaigns.map(campaignOption),
  });
  const to = field({
    name: 'to', label: t('to_campaign'), kind: 'select', required: true, options: campaigns.filter((c) => c.status === 'open').map(campaignOption),
  });
  const currencyOf = () => campaignById(campaigns, from.value)?.currency;
  const amount = amountField({ label: t('amount'), currencyOf });
  const reason = field({
    name: 'reason', label: t('reason'), kind: 'textarea', required: true, hint: t('transfer_reason_hint'),
  });
  const note = h('p', { class: 'note', 'data-balance-note': '' });
  const sync = () => {
    const c = campaignById(campaigns, from.value);
    note.textContent = c ? t('campaign_currency', { currency: c.currency, balance: money(c.balance, c.currency) }) : '';
    amount.refresh();
  };
  from.input.addEventListener('change', sync);
  if (to.input.options.length > 1 && to.value === from.value) to.input.selectedIndex = 1;
  sync();
  const fields = [from, to, amount, reason];
  const form = formOf('transfer-form', [from.el, note, to, amount, reason]);

  appendFlow(host, {
    form,
    fields,
    review() {
      const src = campaignById(campaigns, from.value);
      const dst = campaignById(campaigns, to.value);
      let ok = applyChecks([[reason, (v) => checkLong(v.trim())]]);
      if (!dst || (src && src.id === dst.id)) {
        to.setError(t('transfer_same'));
        ok = false;
      } else if (src && src.currency !== dst.currency) {
        to.setError(t('transfer_currency', { from: src.currency, to: dst.currency }));
        ok = false;
      }
      const a = readAmountField(amount);
      if (a && src && a.minor > BigInt(src.balance)) {
        amount.setError(t('overdraw', { balance: money(src.balance, src.currency), amount: money(a.minor, src.currency) }));
        return null;
      }
      if (!src || !dst || !a || !ok) return null;
      const json = {
        from: src.id, to: dst.id, amount: a.canonical, currency: src.currency, reason: reason.value.trim(),
      };
      const needed = approversNeeded(src, a.minor);
      return {
        path: needed ? 'proposals' : 'transfers',
        json: needed ? { transfer: json } : json,
        rows: [
          needed ? [t('appr_needs'), h('strong', { 'data-review': 'approval' }, t('appr_needs_n', { n: needed }))] : null,
          [t('from_campaign'), `${src.title} (${src.id})`],
          [t('to_campaign'), `${dst.title} (${dst.id})`],
          [t('amount'), h('strong', { class: 'amount', 'data-review': 'amount' }, money(a.minor, src.currency))],
          [t('reason'), h('span', { class: 'prewrap' }, json.reason)],
        ],
      };
    },
    fieldOf(name) {
      const byName = {
        from, to, amount, reason, currency: amount, campaign: from,
      };
      return Object.hasOwn(byName, name) ? byName[name] : undefined;
    },
    done: (ack, request) => (request.path === 'proposals' ? proposedDone(ack, async () => transferForm(host, await loadCampaigns())) : h(
      'div',
      { class: 'done', 'data-seq': String(ack.seq) },
      h('h2', {}, t('transfer_recorded')),
      ack.replayed ? h('p', { class: 'msg info' }, t('replayed_note')) : null,
      h('p', {}, t('recorded_as'), ' ', h('a', { href: `#/entry/${ack.seq}`, 'data-entry-link': '' }, t('entry_n', { seq: ack.seq }))),
      entryFacts(ack.entry),
      h('div', { class: 'buttons' }, h('button', {
        type: 'button', class: 'primary', 'data-action': 'again', on: { click: async () => transferForm(host, await loadCampaigns()) },
      }, t('record_another'))),
    )),
  });
}
