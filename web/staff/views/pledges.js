// Pledges (SPEC.md §19): a campaign's pledges with what was received against each, a form
// for a new pledge, and a cancellation (with its reason) of one still outstanding. A donation
// names the pledge it fulfils on the donation screen.

import { h, clear } from '../../views/dom.js';
import { t } from '../i18n.js';
import {
  field, amountField, appendFlow, formOf, applyChecks, readAmountField,
} from '../form.js';
import { checkShort, checkLong, isDay } from '../checks.js';
import { money, dayText } from '../format.js';
import { loadCampaigns, campaignById, campaignOption, noCampaign } from '../data.js';
import { isAdmin } from '../session.js';
import { entryFacts } from '../entries.js';
import { loadPledges } from '../plans.js';

/** The screen: choose a campaign, see its pledges, record or cancel one. */
export async function viewPledges(out, route) {
  const campaigns = (await loadCampaigns()).filter((c) => c.status === 'open');
  out.append(h('h1', {}, t('pl_title')), h('p', { class: 'lead' }, t('pl_lead')));
  if (campaigns.length === 0) {
    out.append(noCampaign(isAdmin()));
    return;
  }
  const campaign = field({
    name: 'campaign', label: t('campaign'), kind: 'select', required: true, options: campaigns.map(campaignOption),
  });
  if (route?.id && campaignById(campaigns, route.id)) campaign.value = route.id;
  const host = h('div', { class: 'flow' });
  out.append(h('div', { class: 'card' }, campaign.el), host);
  const show = async () => {
    const c = campaignById(campaigns, campaign.value);
    clear(host);
    const status = await loadPledges(c.id);
    if (campaign.value !== c.id) return;
    clear(host);
    const formHost = h('div', { class: 'flow' });
    host.append(pledgeTable(status, c, formHost, show), formHost);
    pledgeForm(formHost, c, show);
  };
  campaign.input.addEventListener('change', show);
  await show();
}

/** The totals and every pledge, each outstanding one with a button to cancel it. */
function pledgeTable(p, c, formHost, again) {
  const m = (x) => money(x, c.currency);
  const row = (x) => h(
    'tr',
    { 'data-pledge': String(x.seq) },
    h('td', {}, x.donor, h('span', { class: 'sub' }, t('entry_n', { seq: x.seq }))),
    h('td', { class: 'num', 'data-label': t('pl_amount') }, m(x.amount)),
    h('td', { class: 'num', 'data-label': t('pl_received') }, m(x.received)),
    x.cancelled_by !== undefined
      ? h('td', { 'data-label': t('pl_outstanding') }, t('pl_cancelled_by', { seq: x.cancelled_by }))
      : h('td', { class: 'num', 'data-label': t('pl_outstanding') }, m(x.outstanding)),
    h('td', {}, x.outstanding !== '0' ? h('button', {
      type: 'button', class: 'secondary', 'data-action': 'cancel-pledge', on: { click: () => cancelForm(formHost, c, x, again) },
    }, t('pl_cancel')) : (x.expected_on ? dayText(x.expected_on) : '')),
  );
  return h(
    'section',
    { class: 'card', 'data-pledges': String(p.pledges) },
    h('h2', {}, t('pl_status')),
    h('p', { 'data-pledge-totals': '' }, t('pl_totals', {
      pledged: m(p.pledged), received: m(p.received), outstanding: m(p.outstanding), cancelled: m(p.cancelled),
    })),
    p.list.length ? h('div', { class: 'table-wrap' }, h(
      'table',
      { class: 'lines pledge-list' },
      h('thead', {}, h('tr', {}, [t('pl_donor'), t('pl_amount'), t('pl_received'), t('pl_outstanding'), ''].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, p.list.map(row)),
    )) : h('p', { class: 'note' }, t('pl_none_yet')),
  );
}

function pledgeForm(host, c, again) {
  clear(host);
  const donor = field({ name: 'donor', label: t('pl_donor'), required: true, hint: t('pl_donor_hint') });
  const amount = amountField({ label: t('pl_amount'), currencyOf: () => c.currency });
  const expected = field({ name: 'expected_on', label: t('pl_expected'), kind: 'date', hint: t('pl_expected_hint') });
  const note = field({ name: 'note', label: t('pl_note'), kind: 'textarea' });
  const fields = [donor, amount, expected, note];
  appendFlow(host, {
    form: formOf('pledge-form', [h('h2', {}, t('pl_new')), ...fields.map((f) => f.el)]),
    fields,
    review() {
      const ok = applyChecks([
        [donor, (v) => checkShort(v.trim())],
        [expected, (v) => (v === '' || isDay(v) ? null : { key: 'check_date', params: {} })],
        [note, (v) => checkLong(v.trim(), true)],
      ]);
      const a = readAmountField(amount);
      if (!a || !ok) return null;
      const json = {
        campaign: c.id, amount: a.canonical, currency: c.currency, donor: donor.value.trim(),
      };
      if (expected.value) json.expected_on = expected.value;
      if (note.value.trim()) json.note = note.value.trim();
      return {
        path: 'pledges',
        json,
        rows: [
          [t('campaign'), `${c.title} (${c.id})`],
          [t('pl_donor'), json.donor],
          [t('pl_amount'), h('strong', { class: 'amount', 'data-review': 'amount' }, money(a.minor, c.currency))],
          [t('pl_expected'), json.expected_on ? dayText(json.expected_on) : ''],
          [t('pl_note'), json.note],
        ],
      };
    },
    done: (ack) => recorded(ack, t('pl_recorded'), again),
  });
}

function cancelForm(host, c, pledge, again) {
  clear(host);
  const reason = field({ name: 'reason', label: t('reason'), kind: 'textarea', required: true, hint: t('pl_cancel_hint') });
  appendFlow(host, {
    form: formOf('pledge-cancel-form', [h('h2', {}, t('pl_cancel_title', { seq: pledge.seq, donor: pledge.donor })), reason.el]),
    fields: [reason],
    review() {
      if (!applyChecks([[reason, (v) => checkLong(v.trim())]])) return null;
      return {
        path: `pledges/${pledge.seq}/cancel`,
        json: { reason: reason.value.trim() },
        rows: [
          [t('campaign'), `${c.title} (${c.id})`],
          [t('pl_donor'), pledge.donor],
          [t('pl_received'), money(pledge.received, c.currency)],
          [t('pl_given_up'), h('strong', { class: 'amount', 'data-review': 'given-up' }, money(pledge.outstanding, c.currency))],
          [t('reason'), h('span', { class: 'prewrap' }, reason.value.trim())],
        ],
      };
    },
    fieldOf: (name) => (name === 'reason' || name === 'seq' || name === 'pledge' ? reason : undefined),
    done: (ack) => recorded(ack, t('pl_cancel_recorded'), again),
  });
  reason.focus();
}

function recorded(ack, title, again) {
  return h(
    'div',
    { class: 'done', 'data-seq': String(ack.seq) },
    h('h2', {}, title),
    ack.replayed ? h('p', { class: 'msg info' }, t('replayed_note')) : null,
    h('p', {}, t('recorded_as'), ' ', h('a', { href: `#/entry/${ack.seq}`, 'data-entry-link': '' }, t('entry_n', { seq: ack.seq }))),
    entryFacts(ack.entry),
    h('div', { class: 'buttons' }, h('button', {
      type: 'button', class: 'primary', 'data-action': 'again', on: { click: again },
    }, t('pl_back'))),
  );
}
