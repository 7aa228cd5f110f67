// Amounts as text: the strict rule of every API amount field, the forms people type, and
// showing minor units back. Exact integer arithmetic (BigInt) only, never floating point.
// No dependencies: the staff console, the public page and the Node tests all import it.
//
// The shared table tests/vectors/amounts/cases.json fixes what both parsers make of each text;
// the Rust server applies the same API rule (SPEC.md §3.3).

/** Active ISO 4217 codes and their minor-unit exponents (as the ledger's format defines). */
export const CURRENCIES = Object.freeze(Object.fromEntries(
  (
    'AED2 AFN2 ALL2 AMD2 ANG2 AOA2 ARS2 AUD2 AWG2 AZN2 BAM2 BBD2 BDT2 BGN2 BHD3 BIF0 BMD2 BND2 ' +
    'BOB2 BRL2 BSD2 BTN2 BWP2 BYN2 BZD2 CAD2 CDF2 CHF2 CLP0 CNY2 COP2 CRC2 CUP2 CVE2 CZK2 DJF0 ' +
    'DKK2 DOP2 DZD2 EGP2 ERN2 ETB2 EUR2 FJD2 FKP2 GBP2 GEL2 GHS2 GIP2 GMD2 GNF0 GTQ2 GYD2 HKD2 ' +
    'HNL2 HTG2 HUF2 IDR2 ILS2 INR2 IQD3 IRR2 ISK0 JMD2 JOD3 JPY0 KES2 KGS2 KHR2 KMF0 KPW2 KRW0 ' +
    'KWD3 KYD2 KZT2 LAK2 LBP2 LKR2 LRD2 LSL2 LYD3 MAD2 MDL2 MGA2 MKD2 MMK2 MNT2 MOP2 MRU2 MUR2 ' +
    'MVR2 MWK2 MXN2 MYR2 MZN2 NAD2 NGN2 NIO2 NOK2 NPR2 NZD2 OMR3 PAB2 PEN2 PGK2 PHP2 PKR2 PLN2 ' +
    'PYG0 QAR2 RON2 RSD2 RUB2 RWF0 SAR2 SBD2 SCR2 SDG2 SEK2 SGD2 SHP2 SLE2 SOS2 SRD2 SSP2 STN2 ' +
    'SVC2 SYP2 SZL2 THB2 TJS2 TMT2 TND3 TOP2 TRY2 TTD2 TWD2 TZS2 UAH2 UGX0 USD2 UYU2 UZS2 VES2 ' +
    'VND0 VUV0 WST2 XAF0 XCD2 XOF0 XPF0 YER2 ZAR2 ZMW2 ZWG2'
  ).split(' ').map((s) => [s.slice(0, 3), Number(s[3])]),
));

/** The largest amount: amounts are counts of minor units that fit in 64 bits. */
export const MAX_MINOR = (1n << 64n) - 1n;

/**
 * Why an amount text was refused. `code` is one of `not_a_number`, `negative`, `zero`,
 * `grouped` (thousands separators), `too_many_decimals`, `ambiguous` (typed forms only: a
 * text that reads as two different amounts) or `overflow` (more than 2^64 - 1 minor units).
 * `suggestion`, when set, is the plain API form the text most likely meant (`"200000"` for
 * VND `"200.000"`); it is never set when the text could mean two amounts.
 */
export class AmountError extends Error {
  constructor(code, message, { text, suggestion } = {}) {
    super(message);
    this.name = 'AmountError';
    this.code = code;
    this.text = text;
    if (suggestion !== undefined) this.suggestion = suggestion;
  }
}

const PLAIN = /^([0-9]+)(?:\.([0-9]+))?$/;
// Digits grouped by threes with one separator, then maybe a decimal part after another one.
const GROUPED = /^[0-9]{1,3}([., \u00a0\u202f])[0-9]{3}(?:\1[0-9]{3})*(?:([.,])[0-9]+)?$/;

const decimals = (n) => (n === 0 ? 'no decimals' : `${n} decimal${n === 1 ? '' : 's'}`);

function checkExponent(exponent) {
  if (!Number.isInteger(exponent) || exponent < 0 || exponent > 18) {
    throw new RangeError(`exponent must be an integer from 0 to 18, not ${exponent}`);
  }
}

/** Minor units of whole.frac (frac at most `exponent` digits), refusing zero and overflow. */
function toMinor(text, whole, frac, exponent) {
  const minor = BigInt(whole) * 10n ** BigInt(exponent) + BigInt(frac.padEnd(exponent, '0') || '0');
  if (minor === 0n) throw new AmountError('zero', 'amount must be greater than zero', { text });
  if (minor > MAX_MINOR) throw new AmountError('overflow', `amount ${JSON.stringify(text)} is too large`, { text });
  return minor;
}

/** The plain API form of `minor` units: digits, and '.' with exactly `exponent` decimals. */
export function plainAmount(minor, exponent) {
  checkExponent(exponent);
  const scale = 10n ** BigInt(exponent);
  const whole = (minor / scale).toString();
  return exponent === 0 ? whole : `${whole}.${(minor % scale).toString().padStart(exponent, '0')}`;
}

/** What parseLocalAmount makes of `text`: `{ canonical }`, or `{ code }` of its refusal. */
function readLocally(text, exponent) {
  try {
    return { canonical: parseLocalAmount(text, exponent).canonical };
  } catch (e) {
    return { code: e.code };
  }
}

function groupedError(text, exponent, suggestion) {
  const how = exponent > 0 ? 'digits only, with "." before the decimals' : 'digits only';
  return new AmountError(
    'grouped',
    `amount ${JSON.stringify(text)} has thousands separators; write ${suggestion ?? how}${suggestion ? ` (${how})` : ''}`,
    { text, suggestion },
  );
}

/**
 * Parses an API amount field: digits, optionally '.' and at most `exponent` decimals; no
 * sign, grouping, spaces or exponent notation, not zero, at most 2^64 - 1 minor units.
 * USD (exponent 2) `"12.5"` is 1250n; VND (exponent 0) `"200.000"` is refused as `grouped`
 * with the suggestion `"200000"`, since in Vietnam it means two hundred thousand.
 *
 * Returns the amount in minor units (BigInt); throws AmountError.
 */
export function parseApiAmount(raw, exponent) {
  checkExponent(exponent);
  if (typeof raw !== 'string') throw new AmountError('not_a_number', 'amount must be a text of digits such as "250000" or "12.50"', { text: raw });
  // Like the server, spaces around the number are ignored (never inside it).
  const text = raw.trim();
  if (text.startsWith('-')) throw new AmountError('negative', 'amount must not be negative', { text });
  const plain = PLAIN.exec(text);
  if (plain) {
    const [, whole, frac = ''] = plain;
    if (frac.length <= exponent) return toMinor(text, whole, frac, exponent);
    const local = readLocally(text, exponent);
    if (exponent === 0 && local.canonical) throw groupedError(text, exponent, local.canonical);
    const trimmed = frac.replace(/0+$/, '');
    const suggestion = trimmed.length <= exponent && local.code !== 'ambiguous' && BigInt(whole + trimmed || '0') !== 0n
      ? plainAmount(BigInt(whole + trimmed.padEnd(exponent, '0')), exponent) : undefined;
    throw new AmountError(
      'too_many_decimals',
      `amount ${JSON.stringify(text)} has more than ${decimals(exponent)}${suggestion ? `; write ${suggestion}` : ''}`,
      { text, suggestion },
    );
  }
  const grouped = GROUPED.exec(text);
  if (grouped && grouped[2] !== grouped[1]) throw groupedError(text, exponent, readLocally(text, exponent).canonical);
  throw new AmountError('not_a_number', `amount ${JSON.stringify(text)} is not a plain number such as "250000" or "12.50"`, { text });
}

// Currency signs and codes people type before or after an amount.
const PREFIX = /^(?:US\$|\$|₫|€|£|[A-Z]{3})\s*/u;
const SUFFIX = /\s*(?:₫|đ|Đ|vnđ|VNĐ|VNđ|vnd|\$|€|£|[A-Z]{3})$/u;
const SPACES = /[\s\u00a0\u2009\u202f]/gu;

/**
 * Parses an amount as people type it (the staff console): grouping with '.', ',' or a space,
 * a decimal comma or point, a currency sign or code before or after. With a single '.' or
 * ',' followed by exactly three digits, the text is a grouped whole number when the currency
 * has no decimals (VND `"200.000"` is 200000) and refused as `ambiguous` otherwise (USD
 * `"1,234"` could be 1234 or 1.234).
 *
 * Returns `{ minor: BigInt, canonical }`, `canonical` being the plain API form
 * (`parseApiAmount(canonical, exponent) === minor`); throws AmountError.
 */
export function parseLocalAmount(text, exponent) {
  checkExponent(exponent);
  const nan = () => new AmountError('not_a_number', `amount ${JSON.stringify(text)} is not a number`, { text });
  if (typeof text !== 'string') throw nan();
  let s = text.trim().replace(PREFIX, '').replace(SUFFIX, '').trim();
  if (/^[-\u2212]/u.test(s)) throw new AmountError('negative', 'amount must not be negative', { text });
  s = s.replace(SPACES, ' ');
  if (!/^[0-9](?:[0-9]|[., ](?=[0-9]))*$/.test(s)) throw nan();
  const runs = s.split(/[., ]/);
  const seps = s.replace(/[0-9]/g, '').split('');
  let decimalAt = -1; // index in seps of the decimal separator, -1 when none
  const punct = [...new Set(seps.filter((c) => c !== ' '))];
  if (punct.length === 2) {
    decimalAt = seps.length - 1;
    if (seps[decimalAt] === ' ' || seps.indexOf(seps[decimalAt]) !== decimalAt) throw nan();
  } else if (punct.length === 1 && seps.filter((c) => c === punct[0]).length === 1) {
    const at = seps.indexOf(punct[0]);
    const after = runs[at + 1];
    const before = runs.slice(0, at + 1);
    const couldGroup = at === seps.length - 1 && after.length === 3 && before[0].length <= 3
      && !before[0].startsWith('0') && before.slice(1).every((r) => r.length === 3);
    if (seps.includes(' ') || !couldGroup) decimalAt = at;
    else if (exponent > 0) {
      throw new AmountError('ambiguous', `amount ${JSON.stringify(text)} could mean ${runs[0]}${runs[1]} or ${runs[0]}.${runs[1]}`, { text });
    }
  }
  const wholeRuns = decimalAt < 0 ? runs : runs.slice(0, decimalAt + 1);
  const groupSeps = decimalAt < 0 ? seps : seps.slice(0, decimalAt);
  if (groupSeps.length > 0) {
    if (new Set(groupSeps).size !== 1) throw nan();
    if (wholeRuns[0].length > 3 || (wholeRuns[0].startsWith('0'))) throw nan();
    if (wholeRuns.slice(1).some((r) => r.length !== 3)) throw nan();
  }
  if (decimalAt >= 0 && decimalAt !== seps.length - 1) throw nan();
  const whole = wholeRuns.join('');
  const frac = decimalAt < 0 ? '' : runs[runs.length - 1];
  if (frac.length > exponent) {
    throw new AmountError('too_many_decimals', `amount ${JSON.stringify(text)} has more than ${decimals(exponent)}`, { text });
  }
  const minor = toMinor(text, whole, frac, exponent);
  return { minor, canonical: plainAmount(minor, exponent) };
}

/**
 * The refusal `err` (an AmountError) in the page's words: `t` is i18n.js's label function;
 * the words quote the text and, when there is one, the plain form to write instead.
 */
export function describeAmountError(err, t) {
  const fix = err.suggestion !== undefined && (err.code === 'grouped' || err.code === 'too_many_decimals');
  return t(`amount_${err.code}${fix ? '_fix' : ''}`, { text: err.text ?? '', suggestion: err.suggestion ?? '' });
}

/**
 * Formats minor units (BigInt or digit string) in `currency` for `locale` (a BCP 47 tag),
 * without floating point: the integer part is formatted by Intl on a BigInt, the fraction is
 * cut from the digits. Unknown currencies are shown as `digits CODE`.
 */
export function formatMinor(units, currency, locale) {
  const v = typeof units === 'bigint' ? units : BigInt(String(units));
  const exp = CURRENCIES[currency] ?? 0;
  const neg = v < 0n;
  const abs = neg ? -v : v;
  const scale = 10n ** BigInt(exp);
  const whole = abs / scale;
  const frac = exp > 0 ? (abs % scale).toString().padStart(exp, '0') : '';
  let nf;
  let decimal = '.';
  try {
    nf = new Intl.NumberFormat(locale, {
      style: 'currency', currency, minimumFractionDigits: 0, maximumFractionDigits: 0,
    });
    const probe = new Intl.NumberFormat(locale, { minimumFractionDigits: 1 }).formatToParts(1.5);
    decimal = probe.find((p) => p.type === 'decimal')?.value ?? '.';
  } catch {
    nf = null;
  }
  if (!nf) return `${neg ? '-' : ''}${whole}${frac ? `.${frac}` : ''} ${currency}`;
  const parts = nf.formatToParts(neg ? -whole : whole);
  let lastInt = -1;
  parts.forEach((p, i) => {
    if (p.type === 'integer' || p.type === 'group') lastInt = i;
  });
  const out = parts.map((p) => p.value);
  if (frac && lastInt >= 0) out.splice(lastInt + 1, 0, decimal + frac);
  return out.join('');
}

/**
 * Shows minor units in `currency` in the page's language `lang` (`en` or `vi`):
 * `₫200,000` and `$12.50` in English, `200.000 ₫` in Vietnamese.
 */
export function formatAmount(minor, currency, lang) {
  return formatMinor(minor, currency, lang === 'vi' ? 'vi-VN' : 'en-US');
}
