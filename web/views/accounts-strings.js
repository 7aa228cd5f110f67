// The reconciliation view's labels in English and Vietnamese (kept beside the view so the
// page's shared i18n.js is not edited for it; the language is i18n.js's).

import { lang } from '../i18n.js';

const STRINGS = {
  en: {
    title: 'Bank accounts, reconciled',
    intro: 'Each bank statement the charity recorded commits the ledger to every line of the account. Your browser fetched the published lines, checked them against what the ledger committed to, and matched every line with the donation, payment or stated reason that explains it.',
    none: 'No bank statement has been recorded yet.',
    account: '{bank} · {number} · {holder}',
    through: 'Reconciled through',
    not_reconciled: 'Not reconciled: the first statement already has a difference',
    bank_balance: 'Bank balance',
    ledger_balance: 'Explained by the ledger',
    difference: 'Difference',
    statements: 'Statements',
    lines: 'Lines checked',
    all_explained: 'Every line of every statement is accounted for.',
    differences: 'Differences, each with its statement, line and day',
    explained: 'Lines explained without a ledger entry (interest, fees, returned transfers…)',
    checking: 'Checking {n} statements…',
    line_title: 'Find your bank transfer',
    line_intro: 'Enter the transaction id on your bank slip, or the amount and the day. The page proves the line is in a statement the ledger committed to, and says whether a donation records it.',
    line_id: 'Bank transaction id',
    line_or: 'or',
    line_amount: 'Amount (đồng, digits only)',
    line_date: 'Day',
    line_find: 'Find my transfer',
    line_none: 'No recorded bank statement has such a line (yet).',
    line_failed: 'Could not check the line: {error}',
    line_what: '{date}: {amount} ({id}) on {bank} {number}, statement {statement}, line {line}.',
    line_proved: 'Proved in your browser: the line is in the statement, and the statement is in the ledger signed at {size} entries.',
    line_omission: 'This transfer is in the bank statement, but no donation in the ledger records it. The ledger itself committed to the bank having received it: a provable omission. Ask the charity, showing this page.',
    line_excluded: 'The statement explains this line as {reason}.',
    line_named: 'Recorded: donation (entry {entries}) names this transfer.',
  },
  vi: {
    title: 'Tài khoản ngân hàng, đối soát',
    intro: 'Mỗi sao kê ngân hàng mà tổ chức ghi vào sổ cam kết từng dòng của tài khoản. Trình duyệt của bạn đã tải các dòng được công bố, đối chiếu với những gì sổ đã cam kết, và ghép mỗi dòng với khoản ủng hộ, khoản chi hoặc lý do đã nêu giải thích nó.',
    none: 'Chưa có sao kê ngân hàng nào được ghi.',
    account: '{bank} · {number} · {holder}',
    through: 'Đã đối soát đến ngày',
    not_reconciled: 'Chưa đối soát được: sao kê đầu tiên đã có chênh lệch',
    bank_balance: 'Số dư ngân hàng',
    ledger_balance: 'Sổ cái giải thích được',
    difference: 'Chênh lệch',
    statements: 'Số sao kê',
    lines: 'Số dòng đã kiểm',
    all_explained: 'Mọi dòng của mọi sao kê đều đã được giải thích.',
    differences: 'Các chênh lệch, kèm sao kê, dòng và ngày',
    explained: 'Các dòng được giải thích không cần bút toán (lãi, phí, chuyển khoản bị trả lại…)',
    checking: 'Đang kiểm {n} sao kê…',
    line_title: 'Tìm khoản chuyển khoản của bạn',
    line_intro: 'Nhập mã giao dịch trên biên lai ngân hàng, hoặc số tiền và ngày. Trang sẽ chứng minh dòng đó nằm trong một sao kê mà sổ cái đã cam kết, và cho biết có khoản ủng hộ nào ghi nhận nó không.',
    line_id: 'Mã giao dịch ngân hàng',
    line_or: 'hoặc',
    line_amount: 'Số tiền (đồng, chỉ chữ số)',
    line_date: 'Ngày',
    line_find: 'Tìm khoản chuyển của tôi',
    line_none: 'Chưa có sao kê nào được ghi chứa dòng này.',
    line_failed: 'Không kiểm tra được dòng này: {error}',
    line_what: '{date}: {amount} ({id}) tại {bank} {number}, sao kê {statement}, dòng {line}.',
    line_proved: 'Đã chứng minh trong trình duyệt của bạn: dòng này nằm trong sao kê, và sao kê nằm trong sổ cái đã ký ở {size} bút toán.',
    line_omission: 'Khoản chuyển này có trong sao kê ngân hàng, nhưng không có khoản ủng hộ nào trong sổ cái ghi nhận nó. Chính sổ cái đã cam kết rằng ngân hàng đã nhận khoản tiền này: một thiếu sót có thể chứng minh. Hãy hỏi tổ chức, kèm trang này.',
    line_excluded: 'Sao kê giải thích dòng này là {reason}.',
    line_named: 'Đã ghi nhận: khoản ủng hộ (bút toán {entries}) ghi tên giao dịch này.',
  },
};

/** The label `key` in the page's language, with `{name}` parameters filled in. */
export function s(key, params = {}) {
  const text = (STRINGS[lang()] ?? STRINGS.en)[key] ?? STRINGS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, k) => (Object.hasOwn(params, k) ? String(params[k]) : m));
}

/** The keys of a language (for tests). */
export function keysOf(l) {
  return Object.keys(STRINGS[l] || {});
}
