// The budget editor (SPEC.md §18): a campaign's budget in force against what was paid per
// line, and a form for the next budget. A revision starts from the budget in force: lines
// already paid against keep their id, label, category and sector (shown, not editable) and
// may not be planned below what was paid; other lines may be changed, added or removed. Every
// amount is shown back as read before anything is recorded.

import { h, clear } from '../../views/dom.js';
import { t } from '../i18n.js';
import {
  field, amountField, appendFlow, formOf, applyChecks, readAmountField,
} from '../form.js';
import { checkShort, checkLong, checkSlug } from '../checks.js';
import { money } from '../format.js';
import { loadCampaigns, campaignById, campaignOption, noCampaign } from '../data.js';
import { isAdmin } from '../session.js';
import { entryFacts } from '../entries.js';
import { loadBudget, CATEGORIES, categoryText } from '../plans.js';

/** The screen: choose a campaign, see its budget against what was paid, record the next. */
export async function viewBudget(out, route) {
  const campaigns = (await loadCampaigns()).filter((c) => c.status === 'open');
  out.append(h('h1', {}, t('bud_title')), h('p', { class: 'lead' }, t('bud_lead')));
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
    host.append(h('p', { class: 'note' }, t('bud_loading')));
    const budget = await loadBudget(c.id);
    if (campaign.value !== c.id) return;
    clear(host);
    host.append(statusTable(budget, c.currency));
    budgetForm(host, c, budget, show);
  };
  campaign.input.addEventListener('change', show);
  await show();
}

/** The budget in force against what was paid, per line (or a note that there is none). */
function statusTable(b, currency) {
  if (b.in_force === undefined) return h('p', { class: 'msg info', 'data-no-budget': '' }, t('bud_none_yet'));
  const row = (l) => h(
    'tr',
    { 'data-line': l.id },
    h('td', {}, l.label, h('span', { class: 'sub' }, categoryText(l.category), ' · ', h('code', {}, l.id))),
    h('td', { class: 'num' }, money(l.planned, currency)),
    h('td', { class: 'num' }, money(l.paid, currency)),
  );
  return h(
    'section',
    { class: 'card', 'data-budget-status': String(b.in_force) },
    h('h2', {}, t('bud_in_force', { seq: b.in_force })),
    h('div', { class: 'table-wrap' }, h(
      'table',
      { class: 'lines' },
      h('thead', {}, h('tr', {}, [t('bud_line'), t('bud_planned'), t('bud_paid')].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, b.lines.map(row)),
    )),
    h('p', { class: 'note' }, t('bud_unbudgeted', { amount: money(b.unbudgeted, currency) })),
  );
}

/** One line of the editor; `was`: the line of the budget in force it continues, if any. */
function lineEditor(currency, was, remove) {
  const paid = was ? BigInt(was.paid) : 0n;
  const locked = paid > 0n;
  const fixed = was ? CATEGORIES.some(([c]) => c === was.category) : true;
  const id = field({ name: 'lines.id', label: t('bud_line_id'), hint: t('bud_line_id_hint'), value: was?.id ?? '' });
  const label = field({ name: 'lines.label', label: t('bud_line_label'), required: true, value: was?.label ?? '' });
  const category = field({
    name: 'lines.category',
    label: t('bud_category'),
    kind: 'select',
    options: [...CATEGORIES.map(([c]) => [c, categoryText(c)]), ['custom', t('bud_cat_custom')]],
    value: was ? (fixed ? was.category : 'custom') : 'food',
  });
  const custom = field({ name: 'lines.custom', label: t('bud_custom_name'), hint: t('bud_custom_hint'), value: was && !fixed ? was.category.slice(2) : '' });
  const sector = field({
    name: 'lines.sector', label: t('bud_sector'), hint: t('bud_sector_hint'), value: was ? (was.sector ?? '') : '72040', attrs: { inputmode: 'numeric' },
  });
  const amount = amountField({ name: 'lines.amount', label: t('bud_planned'), currencyOf: () => currency });
  if (was) amount.input.value = String(BigInt(was.planned)); // minor units: whole đồng, or cents
  let sectorTouched = Boolean(was);
  sector.input.addEventListener('input', () => { sectorTouched = true; });
  const syncCategory = () => {
    custom.el.hidden = category.value !== 'custom';
    if (!sectorTouched) sector.value = CATEGORIES.find(([c]) => c === category.value)?.[1] ?? '';
  };
  category.input.addEventListener('change', syncCategory);
  syncCategory();
  for (const f of [id, label, category, custom, sector]) f.input.disabled = locked;
  const removeButton = h('button', {
    type: 'button', class: 'secondary', 'data-action': 'remove-line', disabled: locked, on: { click: remove },
  }, t('bud_remove_line'));
  const el = h(
    'fieldset',
    { class: 'field budget-line', 'data-line': was?.id ?? '' },
    h('legend', {}, was ? t('bud_line_was', { id: was.id }) : t('bud_new_line')),
    locked ? h('p', { class: 'note', 'data-paid': String(paid) }, t('bud_locked', { paid: money(paid, currency) })) : null,
    id.el, label.el, category.el, custom.el, sector.el, amount.el,
    h('div', { class: 'buttons' }, removeButton),
  );
  if (was?.planned) amount.refresh();
  const categoryValue = () => (category.value === 'custom' ? `x-${custom.value.trim()}` : category.value);
  return {
    el,
    fields: [id, label, category, custom, sector, amount],
    /** The line as the API takes it, or null after showing what is wrong. */
    read() {
      let ok = applyChecks([
        [id, (v) => checkSlug(v.trim())],
        [label, (v) => checkShort(v.trim())],
      ]);
      if (category.value === 'custom' && !/^[a-z0-9][a-z0-9-]{0,61}$/.test(custom.value.trim())) {
        custom.setError(t('check_slug'));
        ok = false;
      }
      if (sector.value.trim() !== '' && !/^[0-9]{5}$/.test(sector.value.trim())) {
        sector.setError(t('bud_sector_bad'));
        ok = false;
      }
      const a = readAmountField(amount);
      if (a && a.minor < paid) {
        amount.setError(t('bud_below_paid', { paid: money(paid, currency) }));
        return null;
      }
      if (!a || !ok) return null;
      const line = {
        id: id.value.trim(), label: label.value.trim(), category: categoryValue(), amount: a.canonical,
      };
      if (sector.value.trim()) line.sector = sector.value.trim();
      return { line, minor: a.minor, idField: id };
    },
  };
}

function budgetForm(host, c, budget, again) {
  const revises = budget.in_force;
  const editors = [];
  const list = h('div', { class: 'budget-lines' });
  const add = (was) => {
    const editor = lineEditor(c.currency, was, () => {
      editors.splice(editors.indexOf(editor), 1);
      editor.el.remove();
    });
    editors.push(editor);
    list.append(editor.el);
  };
  for (const l of budget.lines ?? []) add(l);
  if (editors.length === 0) add(null);
  const addButton = h('button', {
    type: 'button', class: 'secondary', 'data-action': 'add-line', on: { click: () => add(null) },
  }, t('bud_add_line'));
  const note = field({ name: 'note', label: t('bud_note'), kind: 'textarea', hint: revises === undefined ? t('bud_note_hint') : t('bud_note_revision_hint') });
  const fields = () => [...editors.flatMap((e) => e.fields), note];
  const form = formOf('budget-form', [
    h('h2', {}, revises === undefined ? t('bud_first') : t('bud_revision', { seq: revises })),
    list, h('div', { class: 'buttons' }, addButton), note,
  ]);
  appendFlow(host, {
    form,
    fields,
    review() {
      const read = editors.map((e) => e.read());
      let ok = read.every(Boolean) && applyChecks([[note, (v) => checkLong(v.trim(), true)]]);
      const seen = new Set();
      for (const r of read.filter(Boolean)) {
        if (seen.has(r.line.id)) {
          r.idField.setError(t('bud_id_twice'));
          ok = false;
        }
        seen.add(r.line.id);
      }
      if (!ok || read.length === 0) return null;
      const total = read.reduce((s, r) => s + r.minor, 0n);
      const json = { campaign: c.id, currency: c.currency, lines: read.map((r) => r.line) };
      if (revises !== undefined) json.revises = revises;
      if (note.value.trim()) json.note = note.value.trim();
      return {
        path: 'budgets',
        json,
        rows: [
          [t('campaign'), `${c.title} (${c.id})`],
          [t('bud_revises'), revises === undefined ? t('bud_first') : t('entry_n', { seq: revises })],
          ...read.map((r) => [`${r.line.label} (${r.line.id})`, h('span', { 'data-review': `line-${r.line.id}` }, `${categoryText(r.line.category)}${r.line.sector ? ` · ${r.line.sector}` : ''} · `, h('strong', { class: 'amount' }, money(r.minor, c.currency)))]),
          [t('bud_total'), h('strong', { class: 'amount', 'data-review': 'total' }, money(total, c.currency))],
          [t('bud_note'), json.note],
        ],
      };
    },
    fieldOf(name) {
      if (name === 'revises' || name === 'note') return note;
      const first = editors[0]?.fields ?? [];
      return first.find((f) => f.name === name) ?? (name.startsWith('lines') ? first[0] : undefined);
    },
    done: (ack) => h(
      'div',
      { class: 'done', 'data-seq': String(ack.seq) },
      h('h2', {}, t('bud_recorded')),
      ack.replayed ? h('p', { class: 'msg info' }, t('replayed_note')) : null,
      h('p', {}, t('recorded_as'), ' ', h('a', { href: `#/entry/${ack.seq}`, 'data-entry-link': '' }, t('entry_n', { seq: ack.seq }))),
      entryFacts(ack.entry),
      h('div', { class: 'buttons' }, h('button', {
        type: 'button', class: 'primary', 'data-action': 'again', on: { click: again },
      }, t('bud_revise_again'))),
    ),
  });
}
