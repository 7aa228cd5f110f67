// Admin: a donor's private data, looked up by the donation's entry number: shown, and erased
// for good after the admin types the entry number again. The ledger keeps the donation (and
// its commitment); only the personal data kept off the ledger is erased.

import { h, clear, dl } from '../../views/dom.js';
import { t } from '../i18n.js';
import { field, formOf } from '../form.js';
import { checkSeq } from '../checks.js';
import { timeEl, errorText, checkText } from '../format.js';
import { request, getJson, ApiError } from '../api.js';
import { entryFacts, receiptCode } from '../entries.js';
import { receiptCard } from '../receipt.js';

/** The screen; `route.seq` (from `#/donors?seq=N`) looks that donation up at once. */
export async function viewDonors(out, route) {
  out.append(h('h1', {}, t('donors_title')), h('p', { class: 'lead' }, t('donors_lead')));
  const seq = field({
    name: 'seq', label: t('entry_number'), required: true, hint: t('donors_seq_hint'), attrs: { inputmode: 'numeric', autocomplete: 'off' },
  });
  const form = formOf('donor-find', [seq], { submitLabel: t('find') });
  form.setAttribute('role', 'search');
  const result = h('div', { class: 'donor-result' });
  out.append(form, result);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    await lookUp(seq, result);
  });
  if (route.seq !== undefined) {
    seq.value = String(route.seq);
    await lookUp(seq, result);
  }
}

async function lookUp(seq, result) {
  clear(result);
  seq.setError(null);
  const refusal = checkSeq(seq.value);
  if (refusal) {
    seq.setError(checkText(refusal));
    seq.focus();
    return;
  }
  const n = seq.value.trim();
  let entry;
  try {
    entry = await getJson(`entries/${n}`);
  } catch (e) {
    seq.setError(e instanceof ApiError && e.status === 404 ? t('reversal_no_entry', { text: n }) : errorText(e));
    seq.focus();
    return;
  }
  if (entry.entry.kind !== 'donation') {
    seq.setError(t('donors_not_donation', { seq: n }));
    seq.focus();
    return;
  }
  const section = h('section', { class: 'card', 'data-donor-seq': n }, h('h2', { tabindex: '-1' }, t('donors_for', { seq: n })), entryFacts(entry.entry));
  result.append(section);
  try {
    const record = await getJson(`donors/${n}`);
    section.append(h('h3', {}, t('donors_private')), dl([
      [t('private_name'), text(record.name)],
      [t('private_email'), text(record.email)],
      [t('private_phone'), text(record.phone)],
      [t('private_address'), text(record.address)],
      [t('donors_identifier'), text(record.identifier)],
      [t('donors_consent'), record.consent_publish_name ? t('yes') : t('no')],
      [t('donors_consent_at'), timeEl(record.consent_recorded_at)],
    ], 'facts private-record'), eraseControl(n, section));
  } catch (e) {
    section.append(h('p', { class: 'msg info', 'data-no-private': '' }, e instanceof ApiError && e.status === 404 ? t('donors_none') : errorText(e)));
  }
  section.append(receiptCard(receiptCode(entry.seq, entry.leaf_hash)));
  section.querySelector('h2').focus();
}

const text = (v) => (v === undefined || v === null ? undefined : h('span', { class: 'prewrap' }, String(v)));

/** Erase, after typing the entry number. */
function eraseControl(seq, section) {
  const box = h('div', { class: 'erase' });
  const confirmField = field({
    name: 'confirm', label: t('donors_erase_type', { seq }), hint: t('donors_erase_hint'), attrs: { inputmode: 'numeric', autocomplete: 'off' },
  });
  const status = h('div', { class: 'review-status', role: 'status', 'aria-live': 'polite' });
  const form = formOf('donor-erase', [h('h3', {}, t('donors_erase')), confirmField], { submitLabel: t('donors_erase_button') });
  form.querySelector('button[type=submit]').classList.add('danger');
  form.append(status);
  let busy = false;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (busy) return;
    confirmField.setError(null);
    if (confirmField.value.trim() !== String(seq)) {
      confirmField.setError(t('donors_erase_mismatch', { seq }));
      confirmField.focus();
      return;
    }
    busy = true;
    try {
      const { status: code, data } = await request('DELETE', `donors/${seq}`);
      clear(section);
      section.append(
        h('h2', { tabindex: '-1' }, t('donors_erased_title', { seq })),
        h('p', { class: 'msg info', 'data-erased': code === 202 ? 'pending' : 'purged' }, code === 202 ? t('donors_erased_pending') : t('donors_erased')),
        data && data.message ? h('p', { class: 'note' }, data.message) : null,
      );
      section.querySelector('h2').focus();
    } catch (e) {
      status.className = 'review-status bad';
      status.textContent = errorText(e);
    } finally {
      busy = false;
    }
  });
  box.append(form);
  return box;
}
