// Import a bank statement: choose the campaign and the bank's file, see the dry run as a
// table (new donations, lines already recorded, outgoing and returned money, each with its
// line number), confirm, and see what was recorded with links to the new entries. A file the
// server refuses is refused whole, naming the line and the column. A camt.053 or MT940 file, or
// a CSV export with its account, days and balances given, records the statement itself with its
// missing donations (statement-file.js, POST /statements/file).
//
// Importing twice is harmless: every line already in the ledger (by the bank's transaction
// id) is listed as already recorded, never recorded again.

import { h, clear } from '../../views/dom.js';
import { parseApiAmount, CURRENCIES } from '../../amount.js';
import { t } from '../i18n.js';
import { isAdmin } from '../session.js';
import { field, formOf } from '../form.js';
import { money, dayText, errorText } from '../format.js';
import { request, ApiError } from '../api.js';
import { loadCampaigns, campaignOption, noCampaign } from '../data.js';
import { bankFormat, previewBankFile } from './statement-file.js';

/** The most lines the table shows (the counts cover every line). */
export const MAX_ROWS_SHOWN = 500;
const OUTCOMES = ['record', 'already_recorded', 'duplicate_line', 'outgoing', 'returned_transfer'];

/** The screen. */
export async function viewStatement(out) {
  const campaigns = (await loadCampaigns()).filter((c) => c.status === 'open');
  out.append(h('h1', {}, t('statement_title')), h('p', { class: 'lead' }, t('statement_lead')));
  if (campaigns.length === 0) {
    out.append(noCampaign(isAdmin()));
    return;
  }
  const campaign = field({
    name: 'campaign', label: t('campaign'), kind: 'select', required: true, options: campaigns.map(campaignOption),
  });
  const file = field({
    name: 'file', label: t('statement_file'), kind: 'file', required: true, hint: t('statement_file_hint'), attrs: { accept: '.csv,text/csv,text/plain,.xml,.sta,.mt940,.940' },
  });
  const payerNames = field({
    name: 'publish_payer_names', label: t('statement_publish_payers'), kind: 'checkbox', hint: t('statement_publish_payers_hint'),
  });
  // A CSV export does not say which account, which days and which balances: given here, the
  // CSV takes the statement path too (the statement entry and its missing donations together).
  const account = field({ name: 'account', label: t('statement_account'), kind: 'text', hint: t('statement_account_hint') });
  const from = field({ name: 'from', label: t('statement_from'), kind: 'date' });
  const to = field({ name: 'to', label: t('statement_to'), kind: 'date' });
  const opening = field({ name: 'opening', label: t('statement_opening'), kind: 'text', attrs: { inputmode: 'numeric' } });
  const closing = field({ name: 'closing', label: t('statement_closing'), kind: 'text', attrs: { inputmode: 'numeric' } });
  const form = formOf('statement-form', [campaign, file, payerNames, account, from, to, opening, closing], { submitLabel: t('statement_preview') });
  const report = h('div', { class: 'statement-report' });
  out.append(form, report);
  let busy = false;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (busy) return;
    campaign.setError(null);
    file.setError(null);
    clear(report);
    const chosen = file.input.files?.[0];
    if (!chosen) {
      file.setError(t('statement_choose_file'));
      file.focus();
      return;
    }
    busy = true;
    const submit = form.querySelector('button[type=submit]');
    submit.disabled = true;
    report.append(h('p', { class: 'loading', role: 'status' }, t('statement_reading')));
    const query = { campaign: campaign.value, file: chosen, payers: payerNames.value };
    try {
      const format = bankFormat(chosen);
      if (format) {
        await previewBankFile(report, { ...query, format });
        return;
      }
      if (account.value.trim()) {
        await previewBankFile(report, {
          ...query,
          format: 'csv',
          account: account.value.trim(),
          from: from.value,
          to: to.value,
          opening: opening.value.trim(),
          closing: closing.value.trim(),
        });
        return;
      }
      const dry = await send(query, true);
      clear(report);
      showReport(report, dry, query);
    } catch (e) {
      clear(report);
      refused(report, e, { campaign, file });
    } finally {
      busy = false;
      submit.disabled = false;
    }
  });
}

/** POST /statements for `query`'s campaign and file (a dry run or the import). */
async function send(query, dryRun) {
  const params = new URLSearchParams({ campaign: query.campaign, dry_run: String(dryRun) });
  if (query.payers) params.set('publish_payer_names', 'true');
  const { data } = await request('POST', `statements?${params}`, { body: query.file, contentType: 'text/csv' });
  return data;
}

/** A statement refused: the line and column it names, next to the file field. */
function refused(report, e, { campaign, file }) {
  const text = errorText(e);
  if (e instanceof ApiError && e.code === 'invalid_statement') {
    const m = /^line (\d+), column "(.*?)": (.*?)(?:; nothing was imported)?$/s.exec(e.message);
    const where = m ? t('statement_refused_at', { line: m[1], column: m[2] }) : '';
    file.setError(t('statement_refused'));
    report.append(h(
      'div',
      { class: 'msg bad', role: 'alert', 'data-refused': '' },
      h('p', {}, h('strong', {}, t('statement_refused'))),
      where ? h('p', { 'data-where': '' }, where) : null,
      h('p', {}, h('code', { class: 'wrap' }, m ? m[3] : e.message)),
      h('p', {}, t('statement_nothing_recorded')),
    ));
    file.focus();
    return;
  }
  if (e instanceof ApiError && e.field === 'campaign') {
    campaign.setError(text);
    campaign.focus();
    return;
  }
  report.append(h('div', { class: 'msg bad', role: 'alert' }, h('p', {}, text)));
}

/** An amount of the report (API decimal text) in words of `currency`. */
function amountOf(text, currency) {
  try {
    return money(parseApiAmount(text, CURRENCIES[currency] ?? 0), currency);
  } catch {
    return `${text} ${currency}`;
  }
}

/** The report's lines as a table (the first MAX_ROWS_SHOWN of them). */
function table(rep, withSeq) {
  const head = [t('st_line'), t('st_date'), t('st_direction'), t('amount'), t('reference'), t('st_outcome')];
  const rows = rep.lines.slice(0, MAX_ROWS_SHOWN);
  return h(
    'div',
    { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t('st_table') },
    h(
      'table',
      { class: 'lines' },
      h('caption', { class: 'visually-hidden' }, t('st_table')),
      h('thead', {}, h('tr', {}, head.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, rows.map((l) => h(
        'tr',
        { class: `o-${l.outcome}`, 'data-line': String(l.line), 'data-outcome': l.outcome },
        h('td', {}, String(l.line)),
        h('td', {}, dayText(l.date)),
        h('td', {}, t(`st_dir_${l.direction === 'out' ? 'out' : 'in'}`)),
        h('td', { class: 'amount' }, amountOf(l.amount, rep.currency)),
        h('td', {}, h('code', { class: 'ref' }, l.reference)),
        h(
          'td',
          {},
          h('strong', {}, t(`st_outcome_${OUTCOMES.includes(l.outcome) ? l.outcome : 'record'}`)),
          l.of_line ? ` ${t('st_of_line', { line: l.of_line })}` : '',
          l.error ? h('span', { class: 'bad-text' }, ` ${l.error}`) : '',
          withSeq && l.seq !== undefined ? [' ', h('a', { href: `#/entry/${l.seq}`, 'data-entry-link': '' }, t('entry_n', { seq: l.seq }))] : null,
        ),
      ))),
    ),
    rep.lines.length > rows.length ? h('p', { class: 'note' }, t('st_more_rows', { shown: rows.length, total: rep.lines.length })) : null,
  );
}

/** The counts of each outcome. */
function counts(rep) {
  const by = Object.fromEntries(OUTCOMES.map((o) => [o, 0]));
  for (const l of rep.lines) by[l.outcome] = (by[l.outcome] ?? 0) + 1;
  return h('ul', { class: 'counts' }, OUTCOMES.map((o) => h('li', { 'data-count': o }, h('strong', {}, String(by[o])), ' ', t(`st_count_${o}`))));
}

function showReport(report, dry, query) {
  const section = h(
    'section',
    { class: 'card', 'data-dry-run': '' },
    h('h2', { tabindex: '-1' }, t('statement_dry_title')),
    h('p', { class: 'amount-line' }, t('statement_to_record', { n: dry.to_record, amount: amountOf(dry.to_record_amount, dry.currency) })),
    counts(dry),
    table(dry, false),
  );
  report.append(section);
  section.querySelector('h2').focus();
  if (dry.to_record === 0) {
    section.append(h('p', { class: 'msg info' }, t('statement_nothing_new')));
    return;
  }
  const status = h('p', { class: 'review-status', role: 'status', 'aria-live': 'polite' });
  const confirm = h('button', { type: 'button', class: 'primary', 'data-action': 'import' }, t('statement_confirm', { n: dry.to_record }));
  section.append(h('p', { class: 'forever' }, t('statement_forever')), status, h('div', { class: 'buttons' }, confirm));
  let busy = false;
  confirm.addEventListener('click', async () => {
    if (busy) return;
    busy = true;
    confirm.disabled = true;
    status.className = 'review-status';
    status.textContent = t('statement_importing');
    try {
      const done = await send(query, false);
      clear(report);
      const result = h(
        'section',
        { class: 'card done', 'data-imported': String(done.recorded) },
        h('h2', { tabindex: '-1' }, t('statement_done_title')),
        h('p', { class: 'amount-line' }, t('statement_recorded', { n: done.recorded })),
        counts(done),
        table(done, true),
      );
      report.append(result);
      result.querySelector('h2').focus();
    } catch (e) {
      status.className = 'review-status bad';
      status.textContent = e instanceof ApiError ? errorText(e) : t('statement_lost');
      confirm.disabled = false;
    } finally {
      busy = false;
    }
  });
}
