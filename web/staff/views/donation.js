// Record a donation: campaign, amount, day, channel (a gift of goods with its description
// and declared value), bank reference, the name published or "Anonymous", the donor's private
// details with their consent, and a public memo. Once recorded: the entry, its receipt code,
// the QR code of the receipt's address, print / share buttons, and "record another".

import { h, clear } from '../../views/dom.js';
import { t } from '../i18n.js';
import { isAdmin } from '../session.js';
import {
  field, amountField, radioGroup, appendFlow, formOf, applyChecks, readAmountField,
} from '../form.js';
import {
  checkShort, checkLong, checkDay, checkPersonal, todayLocal,
} from '../checks.js';
import { money, label, dayText } from '../format.js';
import {
  loadCampaigns, campaignById, campaignOption, noCampaign,
} from '../data.js';
import { receiptCard } from '../receipt.js';
import { pledgeChoice } from '../plans.js';

const CHANNELS = ['bank_transfer', 'cash', 'card', 'mobile_money', 'in_kind', 'other'];

/** The screen: a donation form for the open campaigns. */
export async function viewDonation(out) {
  const campaigns = (await loadCampaigns()).filter((c) => c.status === 'open');
  out.append(h('h1', {}, t('donation_title')), h('p', { class: 'lead' }, t('donation_lead')));
  if (campaigns.length === 0) {
    out.append(noCampaign(isAdmin()));
    return;
  }
  const host = h('div', { class: 'flow' });
  out.append(host);
  donationForm(host, campaigns);
}

function donationForm(host, campaigns) {
  clear(host);
  const campaign = field({
    name: 'campaign', label: t('campaign'), kind: 'select', required: true, options: campaigns.map(campaignOption),
  });
  const currencyOf = () => campaignById(campaigns, campaign.value)?.currency;
  const amount = amountField({ label: t('amount'), currencyOf });
  const received = field({
    name: 'received_at', label: t('received_at'), kind: 'date', required: true, value: todayLocal(),
  });
  const channel = field({
    name: 'channel', label: t('channel'), kind: 'select', options: CHANNELS.map((c) => [c, label('channel', c)]),
  });
  const inKind = field({
    name: 'in_kind_description', label: t('in_kind_description'), kind: 'textarea', hint: t('in_kind_hint'), required: true,
  });
  const reference = field({ name: 'reference', label: t('reference'), hint: t('reference_hint') });
  const separate = field({
    name: 'separate_gift', label: t('separate_gift'), kind: 'checkbox', hint: t('separate_gift_hint'),
  });
  const publish = radioGroup({
    name: 'publish_name',
    legend: t('publish_legend'),
    value: 'anonymous',
    options: [['anonymous', t('publish_anonymous'), t('publish_anonymous_hint')], ['name', t('publish_name_yes'), t('publish_name_yes_hint')]],
  });
  const donor = field({ name: 'donor', label: t('donor_public_name'), hint: t('donor_public_name_hint') });
  const pName = field({ name: 'donor_private.name', label: t('private_name'), attrs: { autocomplete: 'off' } });
  const pEmail = field({ name: 'donor_private.email', label: t('private_email'), kind: 'email', attrs: { autocomplete: 'off' } });
  const pPhone = field({ name: 'donor_private.phone', label: t('private_phone'), kind: 'tel', attrs: { autocomplete: 'off' } });
  const pAddress = field({ name: 'donor_private.address', label: t('private_address'), kind: 'textarea', attrs: { autocomplete: 'off' } });
  const consent = field({ name: 'consent', label: t('private_consent'), kind: 'checkbox' });
  const memo = field({
    name: 'memo', label: t('memo'), kind: 'textarea', hint: t('memo_hint'),
  });
  const currencyNote = h('p', { class: 'note', 'data-currency-note': '' });
  const pledge = pledgeChoice();
  campaign.input.addEventListener('change', () => pledge.load(campaignById(campaigns, campaign.value)));
  pledge.load(campaignById(campaigns, campaign.value));

  const sync = () => {
    const c = campaignById(campaigns, campaign.value);
    currencyNote.textContent = c ? t('campaign_currency', { currency: c.currency, balance: money(c.balance, c.currency) }) : '';
    const goods = channel.value === 'in_kind';
    inKind.el.hidden = !goods;
    amount.el.querySelector('label').firstChild.textContent = goods ? t('declared_value') : t('amount');
    donor.el.hidden = publish.value !== 'name';
    amount.refresh();
  };
  campaign.input.addEventListener('change', sync);
  channel.input.addEventListener('change', sync);
  publish.onChange(sync);
  separate.el.hidden = true;

  const privateSet = h(
    'fieldset',
    { class: 'group' },
    h('legend', {}, t('private_legend')),
    h('p', { class: 'hint' }, t('private_hint')),
    pName.el,
    pEmail.el,
    pPhone.el,
    pAddress.el,
    consent.el,
  );
  const fields = [campaign, amount, pledge, received, channel, inKind, reference, separate, publish, donor, pName, pEmail, pPhone, pAddress, consent, memo];
  const form = formOf('donation-form', [campaign.el, currencyNote, amount, pledge, received, channel, inKind, reference, separate, publish, donor, privateSet, memo]);
  sync();

  appendFlow(host, {
    form,
    fields,
    review() {
      const c = campaignById(campaigns, campaign.value);
      const goods = channel.value === 'in_kind';
      const named = publish.value === 'name';
      const anyPrivate = [pName, pEmail, pPhone, pAddress].some((f) => f.value.trim() !== '');
      let ok = applyChecks([
        [received, (v) => checkDay(v)],
        [reference, (v) => checkShort(v.trim(), true)],
        [memo, (v) => checkLong(v.trim(), true)],
        [pName, (v) => checkPersonal(v.trim(), 200)],
        [pEmail, (v) => checkPersonal(v.trim(), 320)],
        [pPhone, (v) => checkPersonal(v.trim(), 50)],
        [pAddress, (v) => checkPersonal(v.trim(), 2000, true)],
      ]);
      if (goods) ok = applyChecks([[inKind, (v) => checkLong(v.trim())]]) && ok;
      if (named) {
        ok = applyChecks([[donor, (v) => checkShort(v.trim(), true)]]) && ok;
        if (donor.value.trim() === '' && pName.value.trim() === '') {
          donor.setError(t('donor_name_needed'));
          ok = false;
        }
      }
      if (anyPrivate && !consent.value) {
        consent.setError(t('private_consent_needed'));
        ok = false;
      }
      const a = readAmountField(amount);
      if (!c || !a || !ok) return null;
      const promise = (pledge.data?.list ?? []).find((x) => String(x.seq) === pledge.value);
      if (promise && a.minor > BigInt(promise.outstanding)) {
        amount.setError(t('pl_over', { outstanding: money(promise.outstanding, c.currency), amount: money(a.minor, c.currency) }));
        return null;
      }
      const shownName = donor.value.trim() || pName.value.trim();
      const json = {
        campaign: c.id,
        amount: a.canonical,
        currency: c.currency,
        received_at: received.value,
        channel: channel.value,
        publish_name: named,
      };
      if (goods) json.in_kind_description = inKind.value.trim();
      if (reference.value.trim()) json.reference = reference.value.trim();
      if (separate.value && !separate.el.hidden) json.separate_gift = true;
      if (named && donor.value.trim()) json.donor = donor.value.trim();
      if (memo.value.trim()) json.memo = memo.value.trim();
      if (promise) json.pledge = promise.seq;
      if (anyPrivate) {
        json.donor_private = {};
        for (const [k, f] of [['name', pName], ['email', pEmail], ['phone', pPhone], ['address', pAddress]]) {
          if (f.value.trim()) json.donor_private[k] = f.value.trim();
        }
      }
      return {
        path: 'donations',
        json,
        rows: [
          [t('campaign'), `${c.title} (${c.id})`],
          [goods ? t('declared_value') : t('amount'), h('strong', { class: 'amount', 'data-review': 'amount' }, money(a.minor, c.currency))],
          promise ? [t('pl_choice'), h('span', { 'data-review': 'pledge' }, t('pl_option', {
            donor: promise.donor, seq: promise.seq, outstanding: money(BigInt(promise.outstanding) - a.minor, c.currency),
          }))] : null,
          [t('received_at'), dayText(json.received_at)],
          [t('channel'), label('channel', json.channel)],
          [t('in_kind'), goods ? h('span', { class: 'prewrap' }, json.in_kind_description) : undefined],
          [t('reference'), json.reference],
          [t('donor_shown_as'), h('span', { 'data-review': 'donor' }, named ? shownName : t('anonymous_published'))],
          [t('memo'), json.memo !== undefined ? h('span', { class: 'prewrap' }, json.memo) : undefined],
        ],
        privateRows: [
          [t('private_name'), json.donor_private?.name],
          [t('private_email'), json.donor_private?.email],
          [t('private_phone'), json.donor_private?.phone],
          [t('private_address'), json.donor_private?.address ? h('span', { class: 'prewrap' }, json.donor_private.address) : undefined],
        ],
      };
    },
    onRefused(err) {
      if (err.code === 'duplicate_reference') separate.el.hidden = false;
    },
    done: (ack) => recorded(ack, () => donationForm(host, campaigns)),
  });
}

/** What the staff member sees once the donation is recorded. */
function recorded(ack, again) {
  const e = ack.entry;
  const code = ack.receipt?.code;
  return h(
    'div',
    { class: 'done', 'data-seq': String(ack.seq) },
    h('h2', {}, t('donation_recorded')),
    ack.replayed ? h('p', { class: 'msg info' }, t('replayed_note')) : null,
    h('p', { class: 'amount-line' }, h('strong', { class: 'amount' }, money(e.body.amount, e.body.currency)), ' ', t('from_donor', { donor: e.body.donor })),
    h('p', {}, t('recorded_as'), ' ', h('a', { href: `#/entry/${ack.seq}`, 'data-entry-link': '' }, t('entry_n', { seq: ack.seq }))),
    code ? receiptCard(code, ack.receipt) : null,
    h('div', { class: 'buttons no-print' }, h('button', {
      type: 'button', class: 'primary', 'data-action': 'again', on: { click: again },
    }, t('record_another'))),
  );
}
