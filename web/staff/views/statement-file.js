// A bank's camt.053 (XML) or MT940 file on the statement screen (SPEC.md §16): the dry run of
// POST /statements/file shown as the statement it would record (account, period, balances),
// the donations it would add for credit lines no donation names, and the payments out no
// disbursement names; lines to leave out (interest, fees, returned transfers) typed as
// `4:interest,5:fee`, previewed again, then recorded. Labels in both languages, kept here.

import { h, clear } from '../../views/dom.js';
import { lang } from '../i18n.js';
import { money, dayText, errorText } from '../format.js';
import { request } from '../api.js';

const STRINGS = {
  en: {
    title: 'Bank statement {from} to {to}: what would be recorded',
    account: 'Account {number} at {bank}: opening {opening}, closing {closing}, {lines} lines',
    donations: 'Donations to record ({n}): credit lines no donation names yet',
    debits: 'Payments out no disbursement names ({n}): record them as disbursements with the bank reference',
    none: 'None.',
    exclude: 'Lines no entry should name (line:reason, such as 4:interest,5:fee; reasons: interest, fee, returned_transfer, own_account, bank_correction)',
    again: 'Preview again',
    confirm: 'Record the statement and {n} donations',
    forever: 'The statement and its lines become part of the public ledger and cannot be changed.',
    done: 'Recorded: statement entry {seq}, {n} donations.',
    not_recorded: 'Not recorded (they stay unmatched in the reconciliation until recorded): {lines}',
    line: 'Line', date: 'Day', reference: 'Bank reference', amount: 'Amount',
  },
  vi: {
    title: 'Sao kê ngân hàng {from} đến {to}: những gì sẽ được ghi',
    account: 'Tài khoản {number} tại {bank}: số dư đầu {opening}, số dư cuối {closing}, {lines} dòng',
    donations: 'Khoản ủng hộ sẽ ghi ({n}): các dòng tiền vào chưa có khoản ủng hộ nào',
    debits: 'Khoản chi chưa có bút toán chi ({n}): hãy ghi chúng là khoản chi kèm mã giao dịch ngân hàng',
    none: 'Không có.',
    exclude: 'Các dòng không cần bút toán (dòng:lý do, ví dụ 4:interest,5:fee; lý do: interest, fee, returned_transfer, own_account, bank_correction)',
    again: 'Xem trước lại',
    confirm: 'Ghi sao kê và {n} khoản ủng hộ',
    forever: 'Sao kê và các dòng của nó sẽ thuộc sổ cái công khai và không thể sửa.',
    done: 'Đã ghi: bút toán sao kê {seq}, {n} khoản ủng hộ.',
    not_recorded: 'Chưa ghi được (vẫn là chênh lệch trong đối soát cho đến khi được ghi): {lines}',
    line: 'Dòng', date: 'Ngày', reference: 'Mã giao dịch', amount: 'Số tiền',
  },
};

function s(key, params = {}) {
  const text = (STRINGS[lang()] ?? STRINGS.en)[key] ?? STRINGS.en[key];
  return text.replace(/\{(\w+)\}/g, (m, k) => (Object.hasOwn(params, k) ? String(params[k]) : m));
}

/** Whether `file` is a camt.053 or MT940 file (by its name), and which. */
export function bankFormat(file) {
  const name = (file?.name ?? '').toLowerCase();
  if (name.endsWith('.xml')) return 'camt053';
  if (name.endsWith('.sta') || name.endsWith('.mt940') || name.endsWith('.940')) return 'mt940';
  return null;
}

async function send(q, dryRun) {
  const params = new URLSearchParams({ campaign: q.campaign, format: q.format, dry_run: String(dryRun) });
  if (q.exclude) params.set('exclude', q.exclude);
  if (q.payers) params.set('publish_names', 'true');
  for (const key of ['account', 'from', 'to', 'opening', 'closing']) if (q[key]) params.set(key, q[key]);
  const { data } = await request('POST', `statements/file?${params}`, { body: q.file, contentType: 'application/octet-stream' });
  return data;
}

function rows(list, currency, idKey) {
  if (list.length === 0) return h('p', {}, s('none'));
  return h('table', { class: 'lines' }, h('thead', {}, h('tr', {}, [s('line'), s('date'), s('reference'), s('amount')].map((c) => h('th', { scope: 'col' }, c)))), h('tbody', {}, list.map((l) => h(
    'tr',
    { 'data-line': String(l.line) },
    h('td', {}, String(l.line)),
    h('td', {}, dayText(l.date)),
    h('td', {}, h('code', { class: 'ref' }, String(l[idKey] ?? ''))),
    h('td', { class: 'amount' }, money(String(l.amount).replace('-', ''), currency)),
  ))));
}

/** Previews the file `q.file` in `report`, then lets the recorder record it. */
export async function previewBankFile(report, q) {
  const dry = await send(q, true);
  const p = dry.preview;
  const st = p.statement;
  clear(report);
  const exclude = h('input', { type: 'text', id: 'statement-exclude', value: q.exclude ?? '' });
  const again = h('button', { type: 'button', 'data-action': 'again' }, s('again'));
  const status = h('p', { class: 'review-status', role: 'status', 'aria-live': 'polite' });
  const confirm = h('button', { type: 'button', class: 'primary', 'data-action': 'record' }, s('confirm', { n: p.donations_count }));
  const section = h(
    'section',
    { class: 'card', 'data-dry-run': '' },
    h('h2', { tabindex: '-1' }, s('title', { from: dayText(st.from), to: dayText(st.to) })),
    h('p', {}, s('account', {
      number: st.account.number, bank: st.account.bank, opening: st.opening, closing: st.closing, lines: st.lines,
    })),
    h('h3', {}, s('donations', { n: p.donations_count })),
    rows(p.donations, st.currency, 'reference'),
    h('h3', {}, s('debits', { n: p.unnamed_debits_count })),
    rows(p.unnamed_debits, st.currency, 'id'),
    h('label', { for: 'statement-exclude' }, s('exclude')),
    exclude,
    h('div', { class: 'buttons' }, again),
    h('p', { class: 'forever' }, s('forever')),
    status,
    h('div', { class: 'buttons' }, confirm),
  );
  report.append(section);
  section.querySelector('h2').focus();
  again.addEventListener('click', async () => {
    try {
      await previewBankFile(report, { ...q, exclude: exclude.value.trim() });
    } catch (e) {
      status.className = 'review-status bad';
      status.textContent = errorText(e);
    }
  });
  confirm.addEventListener('click', async () => {
    confirm.disabled = true;
    try {
      const done = await send({ ...q, exclude: exclude.value.trim() }, false);
      clear(report);
      const result = h('section', { class: 'card done', 'data-imported': String(done.recorded) }, h('p', {}, s('done', { seq: done.statement_seq, n: done.recorded })));
      if (done.not_recorded.length) result.append(h('p', { class: 'bad-text' }, s('not_recorded', { lines: done.not_recorded.map((x) => x.line).join(', ') })));
      report.append(result);
    } catch (e) {
      status.className = 'review-status bad';
      status.textContent = errorText(e);
      confirm.disabled = false;
    }
  });
}
