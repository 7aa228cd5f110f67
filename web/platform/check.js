// "Check an account before you transfer": a bank account number (and its bank) in, and either
// "registered: <organisation>, campaign <title> (open/closed)", said only once the registry
// proof has been checked in this browser (verify/account-check.js), or plainly "not registered here:
// be careful". Text from the server only ever goes in as text.

import { t } from './i18n.js';
import { h, clear } from '../views/dom.js';
import { verifyAccountCheck } from '../verify/account-check.js';
import {
  checkAccount, registryEntry, orgUrl, registryUrl,
} from './api.js';

/** The reason of an error `e`, in words for the visitor (the API's message when it has one). */
const reasonOf = (e) => (e && e.message ? e.message : String(e));

/** The campaigns of an answer, each as a line linking to its page on the organisation's ledger. */
function campaignList(slug, campaigns) {
  const list = Array.isArray(campaigns) ? campaigns : [];
  if (list.length === 0) return h('p', {}, t('pf_no_campaign'));
  return [
    h('p', {}, t('pf_campaigns_of_account')),
    h('ul', { class: 'pf-campaigns' }, list.map((c) => h(
      'li',
      { 'data-campaign': String(c.id ?? '') },
      h('a', { href: orgUrl(slug, String(c.id ?? '')) }, t('pf_campaign_line', { title: String(c.title ?? '') })),
      ' ',
      h('span', { class: `badge ${c.open === true ? 'open' : 'closed'}` }, t(c.open === true ? 'pf_open' : 'pf_closed')),
    ))),
  ];
}

/** The warning of an organisation that is not active, or null. */
function statusWarning(status) {
  if (status === 'suspended') return h('p', { class: 'pf-status-warning' }, t('pf_org_suspended'));
  if (status === 'closed') return h('p', { class: 'pf-status-warning' }, t('pf_org_closed'));
  return null;
}

/** The verdict of a registered answer whose registry proof verified (`proved`). */
function registeredVerdict(answer, proved) {
  const org = answer.org ?? {};
  const name = String(org.name ?? org.slug);
  const active = org.status === 'active';
  return h(
    'div',
    { class: `verdict ${active ? 'good' : 'bad'}`, id: 'pf-verdict', 'data-registered': 'true', role: 'status' },
    h('p', { class: 'verdict-text' }, t('pf_registered', { org: name })),
    statusWarning(org.status),
    h('p', {}, t('pf_registered_account', {
      number: String(proved.account.number ?? ''), bank: String(proved.account.bank ?? ''), holder: String(proved.account.holder ?? ''), org: name,
    })),
    campaignList(String(org.slug), answer.campaigns),
    h('p', { class: 'pf-proof', 'data-proof': 'good' }, t('pf_proof_good', { seq: proved.seq, size: proved.size })),
    h('p', { class: 'note' }, t('pf_proof_limit')),
    h('p', {}, h('a', { class: 'button', href: orgUrl(String(org.slug)) }, t('pf_open_org', { org: name }))),
  );
}

/** The verdict of a registered answer whose registry proof did not verify. */
function unprovedVerdict(e) {
  return h(
    'div',
    { class: 'verdict bad', id: 'pf-verdict', 'data-registered': 'unproved', role: 'alert' },
    h('p', { class: 'verdict-text', 'data-proof': 'bad' }, t('pf_proof_bad')),
    h('p', {}, t('pf_proof_reason', { reason: reasonOf(e) })),
    h('p', {}, h('a', { href: registryUrl() }, t('pf_registry_link'))),
  );
}

/** The verdict of an account no organisation here registered. */
function notRegisteredVerdict() {
  return h(
    'div',
    { class: 'verdict bad', id: 'pf-verdict', 'data-registered': 'false', role: 'alert' },
    h('p', { class: 'verdict-text' }, t('pf_not_registered')),
    h('p', {}, t('pf_not_registered_more')),
  );
}

/**
 * What the check of `number` at `bank` concludes, as an element: `registryKey` is the
 * registry's verifier key (a promise; rejected when the platform's key could not be read).
 */
export async function checkVerdict(number, bank, registryKey) {
  let answer;
  try {
    answer = await checkAccount(number, bank);
  } catch (e) {
    return h('div', { class: 'msg bad', role: 'alert', id: 'pf-verdict' }, h('p', {}, t('pf_failed', { reason: reasonOf(e) })));
  }
  if (answer?.registered !== true) return notRegisteredVerdict();
  try {
    const proved = await verifyAccountCheck(answer, await registryKey, { number, bank, fetchEntry: registryEntry });
    return registeredVerdict(answer, proved);
  } catch (e) {
    return unprovedVerdict(e);
  }
}

/**
 * The "check an account" section: a form of the bank and the account number, and where its
 * verdict appears. `state` keeps what was typed and the last verdict's question across a
 * change of language ({bank, number, asked}); `registryKey` as for checkVerdict.
 */
export function checkSection(state, registryKey) {
  const out = h('div', { class: 'pf-result', id: 'pf-check-result', 'aria-live': 'polite' });
  const bank = h('input', {
    type: 'text', id: 'pf-bank', name: 'bank', autocomplete: 'off', value: state.bank ?? '', 'aria-describedby': 'pf-bank-hint',
  });
  const number = h('input', {
    type: 'text', id: 'pf-number', name: 'number', inputmode: 'numeric', autocomplete: 'off', value: state.number ?? '', required: true,
  });
  const error = h('p', { class: 'field-error', id: 'pf-number-error', hidden: true });
  const button = h('button', { type: 'submit', class: 'primary' }, t('pf_check_button'));
  const run = async (asked) => {
    button.disabled = true;
    clear(out);
    out.append(h('p', { class: 'loading' }, t('pf_checking')));
    const verdict = await checkVerdict(asked.number, asked.bank, registryKey);
    clear(out);
    out.append(verdict);
    button.disabled = false;
  };
  const form = h(
    'form',
    {
      class: 'find pf-check', novalidate: true,
      on: {
        submit: (ev) => {
          ev.preventDefault();
          state.bank = bank.value.trim();
          state.number = number.value.trim();
          if (state.number === '') {
            error.textContent = t('pf_number_missing');
            error.hidden = false;
            number.setAttribute('aria-invalid', 'true');
            number.setAttribute('aria-describedby', 'pf-number-error');
            number.focus();
            return;
          }
          error.hidden = true;
          number.removeAttribute('aria-invalid');
          number.removeAttribute('aria-describedby');
          state.asked = { number: state.number, bank: state.bank };
          run(state.asked);
        },
      },
    },
    h('label', { for: 'pf-number' }, t('pf_number')),
    number,
    error,
    h('label', { for: 'pf-bank' }, t('pf_bank')),
    bank,
    h('p', { class: 'note', id: 'pf-bank-hint' }, t('pf_bank_hint')),
    h('p', {}, button),
  );
  if (state.asked) run(state.asked);
  return h(
    'section',
    { class: 'card pf-check-card', id: 'check', 'aria-labelledby': 'check-title' },
    h('h2', { id: 'check-title' }, t('pf_check_title')),
    h('p', {}, t('pf_check_intro')),
    form,
    out,
  );
}
