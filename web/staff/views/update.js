// A campaign update (SPEC.md §20.1): a title, a short text and photos or documents showing
// what was done with the money, recorded in the signed ledger and shown on the campaign's
// page between its entries. Allowed for closed campaigns too (a final report).

import { h, clear } from '../../views/dom.js';
import { t } from '../i18n.js';
import { isAdmin } from '../session.js';
import {
  field, appendFlow, formOf, applyChecks,
} from '../form.js';
import { checkShort, checkLong, checkDay, todayLocal } from '../checks.js';
import { dayText } from '../format.js';
import { loadCampaigns, campaignById, campaignOption, noCampaign } from '../data.js';
import { evidencePicker } from '../evidence.js';
import { entryFacts } from '../entries.js';

/** The screen: an update form for any campaign. */
export async function viewUpdate(out) {
  const campaigns = await loadCampaigns();
  out.append(h('h1', {}, t('upd_title')), h('p', { class: 'lead' }, t('upd_lead')));
  if (campaigns.length === 0) {
    out.append(noCampaign(isAdmin()));
    return;
  }
  const host = h('div', { class: 'flow' });
  out.append(host);
  updateForm(host, campaigns);
}

function updateForm(host, campaigns) {
  clear(host);
  const campaign = field({
    name: 'campaign', label: t('campaign'), kind: 'select', required: true, options: campaigns.map(campaignOption),
  });
  const title = field({
    name: 'title', label: t('upd_headline'), required: true, hint: t('upd_headline_hint'),
  });
  const text = field({
    name: 'text', label: t('upd_text'), kind: 'textarea', required: true, hint: t('upd_text_hint'),
  });
  const date = field({
    name: 'date', label: t('upd_date'), kind: 'date', required: true, value: todayLocal(),
  });
  const evidence = evidencePicker();
  const fields = [campaign, title, text, date, evidence];
  const form = formOf('update-form', [campaign.el, title, text, date, evidence]);

  appendFlow(host, {
    form,
    fields,
    async review() {
      const c = campaignById(campaigns, campaign.value);
      const ok = applyChecks([
        [title, (v) => checkShort(v.trim())],
        [text, (v) => checkLong(v.trim())],
        [date, (v) => checkDay(v)],
      ]);
      if (!c || !ok) return null;
      let stored;
      try {
        stored = await evidence.upload();
      } catch {
        return null; // the evidence field says why
      }
      const json = {
        campaign: c.id, title: title.value.trim(), text: text.value.trim(), date: date.value, evidence: stored,
      };
      return {
        path: 'updates',
        json,
        rows: [
          [t('campaign'), `${c.title} (${c.id})`],
          [t('upd_headline'), h('span', { class: 'prewrap' }, json.title)],
          [t('upd_text'), h('span', { class: 'prewrap' }, json.text)],
          [t('upd_date'), dayText(json.date)],
          [t('evidence'), stored.length ? h('ul', { class: 'plain' }, stored.map((s) => h('li', {}, s.name ?? s.media_type, ' · ', h('code', { class: 'hash' }, s.sha256)))) : t('no_evidence')],
        ],
      };
    },
    done: (ack) => h(
      'div',
      { class: 'done', 'data-seq': String(ack.seq) },
      h('h2', {}, t('upd_recorded')),
      ack.replayed ? h('p', { class: 'msg info' }, t('replayed_note')) : null,
      h('p', {}, t('recorded_as'), ' ', h('a', { href: `#/entry/${ack.seq}`, 'data-entry-link': '' }, t('entry_n', { seq: ack.seq }))),
      entryFacts(ack.entry),
      h('div', { class: 'buttons' }, h('button', {
        type: 'button', class: 'primary', 'data-action': 'again', on: { click: async () => updateForm(host, await loadCampaigns()) },
      }, t('record_another'))),
    ),
  });
}
