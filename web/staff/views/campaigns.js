// Admin: open a campaign (title, id, purpose, currency, goal, last day, the official bank
// accounts donors may pay into) and close one (it then takes no more donations or transfers
// in; what it holds can still be paid out or moved).

import { h, clear } from '../../views/dom.js';
import { CURRENCIES } from '../../amount.js';
import { t } from '../i18n.js';
import {
  field, amountField, appendFlow, formOf, applyChecks, readAmountField,
} from '../form.js';
import {
  checkShort, checkLong, checkSlug, checkEndsOn, slugFrom,
} from '../checks.js';
import { money, dayText } from '../format.js';
import {
  loadCampaigns, campaignById, campaignOption,
} from '../data.js';
import { entryFacts } from '../entries.js';

const COMMON = ['VND', 'USD', 'EUR'];
const MAX_ACCOUNTS = 20;

/** The screen: open a campaign. */
export async function viewCampaignOpen(out) {
  const existing = await loadCampaigns();
  out.append(h('h1', {}, t('open_title')), h('p', { class: 'lead' }, t('open_lead')));
  const host = h('div', { class: 'flow' });
  out.append(host);
  openForm(host, existing);
}

/** One official account's three fields, and a button removing them. */
function accountFields(n, onRemove) {
  const bank = field({ name: `accounts.${n}.bank`, label: t('bank'), required: true });
  const number = field({ name: `accounts.${n}.number`, label: t('account_number'), required: true });
  const holder = field({ name: `accounts.${n}.holder`, label: t('holder'), required: true });
  const el = h(
    'fieldset',
    { class: 'group account', 'data-account': String(n) },
    h('legend', {}, t('account_n', { n: n + 1 })),
    bank.el,
    number.el,
    holder.el,
    h('button', { type: 'button', class: 'secondary', on: { click: onRemove } }, t('account_remove')),
  );
  return {
    el, bank, number, holder, fields: [bank, number, holder],
  };
}

function openForm(host, existing) {
  clear(host);
  const title = field({
    name: 'title', label: t('title'), required: true, hint: t('title_hint'),
  });
  const id = field({
    name: 'id', label: t('campaign_id'), required: true, hint: t('campaign_id_hint'), attrs: { spellcheck: 'false', autocapitalize: 'none' },
  });
  const purpose = field({
    name: 'purpose', label: t('purpose'), kind: 'textarea', required: true, hint: t('campaign_purpose_hint'),
  });
  const codes = [...COMMON, ...Object.keys(CURRENCIES).filter((c) => !COMMON.includes(c)).sort()];
  const currency = field({
    name: 'currency', label: t('currency'), kind: 'select', required: true, options: codes.map((c) => [c, c]), hint: t('currency_hint'),
  });
  const goal = amountField({
    name: 'goal', label: t('goal'), required: false, hint: t('goal_hint'), currencyOf: () => currency.value,
  });
  const endsOn = field({
    name: 'ends_on', label: t('ends_on'), kind: 'date', hint: t('ends_on_hint'),
  });
  let idTouched = false;
  id.input.addEventListener('input', () => { idTouched = true; });
  title.input.addEventListener('input', () => {
    if (!idTouched) id.value = slugFrom(title.value);
  });
  currency.input.addEventListener('change', () => goal.refresh());

  const accounts = [];
  const accountList = h('div', { class: 'accounts' });
  const addButton = h('button', { type: 'button', class: 'secondary', 'data-action': 'add-account' }, t('account_add'));
  const addAccount = () => {
    if (accounts.length >= MAX_ACCOUNTS) return;
    const a = accountFields(accounts.length, () => {
      accounts.splice(accounts.indexOf(a), 1);
      a.el.remove();
      accounts.forEach((x, i) => { x.el.querySelector('legend').textContent = t('account_n', { n: i + 1 }); });
      addButton.focus();
    });
    accounts.push(a);
    accountList.append(a.el);
  };
  addButton.addEventListener('click', () => {
    addAccount();
    accounts[accounts.length - 1].bank.focus();
  });
  addAccount();
  const accountSet = h('fieldset', { class: 'group', 'data-field': 'accounts' }, h('legend', {}, t('accounts')), h('p', { class: 'hint' }, t('accounts_hint')), accountList, addButton);
  const fields = () => [title, id, purpose, currency, goal, endsOn, ...accounts.flatMap((a) => a.fields)];
  const form = formOf('open-form', [title, id, purpose, currency, goal, endsOn, accountSet]);

  appendFlow(host, {
    form,
    fields,
    review() {
      const ok = applyChecks([
        [title, (v) => checkShort(v.trim())],
        [id, (v) => checkSlug(v.trim())],
        [purpose, (v) => checkLong(v.trim())],
        [endsOn, (v) => checkEndsOn(v)],
        ...accounts.flatMap((a) => a.fields.map((f) => [f, (v) => checkShort(v.trim())])),
      ]);
      if (ok && campaignById(existing, id.value.trim())) {
        id.setError(t('campaign_id_taken'));
        return null;
      }
      let g = null;
      if (goal.value.trim() !== '') {
        g = readAmountField(goal);
        if (!g) return null;
      }
      if (!ok) return null;
      const json = {
        id: id.value.trim(), title: title.value.trim(), purpose: purpose.value.trim(), currency: currency.value,
      };
      if (g) json.goal = g.canonical;
      if (endsOn.value) json.ends_on = endsOn.value;
      json.accounts = accounts.map((a) => ({ bank: a.bank.value.trim(), number: a.number.value.trim(), holder: a.holder.value.trim() }));
      return {
        path: 'campaigns',
        json,
        rows: [
          [t('title'), h('span', { 'data-review': 'title' }, json.title)],
          [t('campaign_id'), h('code', {}, json.id)],
          [t('purpose'), h('span', { class: 'prewrap' }, json.purpose)],
          [t('currency'), json.currency],
          [t('goal'), g ? money(g.minor, json.currency) : t('no_goal')],
          [t('ends_on'), json.ends_on ? dayText(json.ends_on) : t('no_end')],
          [t('accounts'), json.accounts.length ? h('ul', { class: 'plain' }, json.accounts.map((a) => h('li', {}, `${a.bank} · ${a.number} · ${a.holder}`))) : t('no_accounts')],
        ],
      };
    },
    fieldOf(name) {
      const simple = {
        title, id, purpose, currency, goal, ends_on: endsOn,
      };
      if (Object.hasOwn(simple, name)) return simple[name];
      const m = /^accounts\.(bank|number|holder)$/.exec(name);
      return m && accounts.length ? accounts[0][m[1]] : undefined;
    },
    done: (ack) => h(
      'div',
      { class: 'done', 'data-seq': String(ack.seq) },
      h('h2', {}, t('open_recorded')),
      ack.replayed ? h('p', { class: 'msg info' }, t('replayed_note')) : null,
      entryFacts(ack.entry),
      h('p', {}, h('a', { href: '#/' }, t('back_dashboard'))),
    ),
  });
}

/** The screen: close a campaign; `route.id` preselects it. */
export async function viewCampaignClose(out, route) {
  const open = (await loadCampaigns()).filter((c) => c.status === 'open');
  out.append(h('h1', {}, t('close_title')), h('p', { class: 'lead' }, t('close_lead')));
  if (open.length === 0) {
    out.append(h('p', { class: 'msg info' }, t('close_none')));
    return;
  }
  const host = h('div', { class: 'flow' });
  out.append(host);
  const campaign = field({
    name: 'campaign', label: t('campaign'), kind: 'select', required: true, options: open.map(campaignOption),
  });
  if (route.id && campaignById(open, route.id)) campaign.value = route.id;
  const note = field({
    name: 'note', label: t('note'), kind: 'textarea', hint: t('close_note_hint'),
  });
  const state = h('p', { class: 'note', 'data-balance-note': '' });
  const sync = () => {
    const c = campaignById(open, campaign.value);
    state.textContent = c ? t('close_balance', { balance: money(c.balance, c.currency) }) : '';
  };
  campaign.input.addEventListener('change', sync);
  sync();
  const form = formOf('close-form', [campaign.el, state, note]);
  appendFlow(host, {
    form,
    fields: [campaign, note],
    review() {
      if (!applyChecks([[note, (v) => checkLong(v.trim(), true)]])) return null;
      const c = campaignById(open, campaign.value);
      if (!c) return null;
      const json = note.value.trim() ? { note: note.value.trim() } : {};
      return {
        path: `campaigns/${encodeURIComponent(c.id)}/close`,
        json,
        rows: [
          [t('campaign'), `${c.title} (${c.id})`],
          [t('balance'), money(c.balance, c.currency)],
          [t('note'), json.note !== undefined ? h('span', { class: 'prewrap' }, json.note) : undefined],
        ],
        notes: [h('p', { class: 'note' }, t('close_effect'))],
      };
    },
    done: (ack) => h(
      'div',
      { class: 'done', 'data-seq': String(ack.seq) },
      h('h2', {}, t('close_recorded')),
      ack.replayed ? h('p', { class: 'msg info' }, t('replayed_note')) : null,
      entryFacts(ack.entry),
      h('p', {}, h('a', { href: '#/' }, t('back_dashboard'))),
    ),
  });
}
