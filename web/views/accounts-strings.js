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
