// web/amount.js against the shared amount table (tests/vectors/amounts/cases.json, which the
// Rust money parser reads too) and the cases only JavaScript has: suggestions, formatting,
// and the round trip from a typed amount to the API form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  parseApiAmount, parseLocalAmount, formatAmount, plainAmount, describeAmountError, AmountError, CURRENCIES, MAX_MINOR,
} from '../../web/amount.js';
import { formatMoney } from '../../web/verify.js';
import { t, setLang, keysOf } from '../../web/i18n.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const table = JSON.parse(fs.readFileSync(path.join(root, 'tests', 'vectors', 'amounts', 'cases.json'), 'utf8'));

/** What a parser makes of a row: `{ minor }` or `{ error }`, in the table's terms. */
function outcome(parse, row) {
  try {
    const r = parse(row.text, CURRENCIES[row.currency]);
    return { minor: String(typeof r === 'bigint' ? r : r.minor) };
  } catch (e) {
    assert.ok(e instanceof AmountError, `${row.text}: threw ${e}`);
    return { error: e.code };
  }
}

const expected = (row) => (row.error !== undefined ? { error: row.error } : { minor: row.minor });

test('every row of the shared api table is read exactly as the table says', () => {
  assert.ok(table.api.length >= 30);
  for (const row of table.api) {
    assert.ok(Object.hasOwn(CURRENCIES, row.currency), row.currency);
    assert.deepEqual(outcome(parseApiAmount, row), expected(row), `${row.currency} ${JSON.stringify(row.text)}`);
  }
});

test('every row of the shared local table is read exactly as the table says', () => {
  assert.ok(table.local.length >= 25);
  for (const row of table.local) {
    assert.deepEqual(outcome(parseLocalAmount, row), expected(row), `${row.currency} ${JSON.stringify(row.text)}`);
  }
});

test('a grouped VND amount is refused with the plain form it meant', () => {
  const cases = [
    ['200.000', 0, '200000'],
    ['100.000', 0, '100000'],
    ['1.000.000', 0, '1000000'],
    ['200,000', 0, '200000'],
    ['200 000', 0, '200000'],
    ['1,000.50', 2, '1000.50'],
    ['1.000,50', 2, '1000.50'],
  ];
  for (const [text, exponent, suggestion] of cases) {
    assert.throws(() => parseApiAmount(text, exponent), (e) => {
      assert.equal(e.code, 'grouped', text);
      assert.equal(e.suggestion, suggestion, text);
      assert.ok(e.message.includes(suggestion), e.message);
      return true;
    });
  }
});

test('a text that could mean two amounts gets no suggestion', () => {
  for (const [text, code] of [['1,000', 'grouped'], ['12.500', 'too_many_decimals'], ['1.234', 'too_many_decimals']]) {
    assert.throws(() => parseApiAmount(text, 2), (e) => e.code === code && e.suggestion === undefined, text);
  }
});

test('decimals that are only trailing zeros are refused with the shorter form', () => {
  assert.throws(() => parseApiAmount('250000.00', 0), (e) => e.code === 'too_many_decimals' && e.suggestion === '250000');
  assert.throws(() => parseApiAmount('12.5000', 2), (e) => e.code === 'too_many_decimals' && e.suggestion === '12.50');
  assert.throws(() => parseApiAmount('1.5', 0), (e) => e.code === 'too_many_decimals' && e.suggestion === undefined);
});

test('what the API accepts is exactly plain digits with at most the currency\'s decimals', () => {
  assert.equal(parseApiAmount('12.5', 2), 1250n);
  assert.equal(parseApiAmount('1.234', 3), 1234n);
  assert.equal(parseApiAmount('0.05', 2), 5n);
  assert.equal(parseApiAmount('18446744073709551615', 0), MAX_MINOR);
  // Spaces around the number are ignored, as the server ignores them (see the shared table).
  for (const text of ['２００', '2 00', '0x10', '1_000', '', '.', '1..0', '12.5.0']) {
    assert.throws(() => parseApiAmount(text, 0), (e) => e instanceof AmountError && e.code !== undefined, JSON.stringify(text));
  }
  assert.throws(() => parseApiAmount(200000, 0), (e) => e.code === 'not_a_number');
  assert.throws(() => parseApiAmount('1', 1.5), RangeError);
});

test('a typed amount becomes the API form that reads back as the same minor units', () => {
  const typed = [
    ['200.000 đ', 'VND'], ['1 234 567', 'VND'], ['₫1,000,000', 'VND'], ['12,50', 'USD'], ['1.234,50', 'USD'],
    ['USD 99', 'USD'], ['0,05', 'USD'], ['1,234.567', 'KWD'], ['18.446.744.073.709.551.615', 'VND'], ['7\u00a0500', 'VND'],
  ];
  for (const [text, currency] of typed) {
    const exp = CURRENCIES[currency];
    const { minor, canonical } = parseLocalAmount(text, exp);
    assert.equal(parseApiAmount(canonical, exp), minor, `${text} -> ${canonical}`);
    assert.equal(canonical, plainAmount(minor, exp));
  }
  assert.deepEqual(parseLocalAmount('12,5', 2), { minor: 1250n, canonical: '12.50' });
  assert.throws(() => parseLocalAmount('1,234', 3), (e) => e.code === 'ambiguous');
});

test('typed forms refuse what a person could not have meant', () => {
  const refused = [
    ['12abc', 0, 'not_a_number'], ['1,,000', 0, 'not_a_number'], ['1.000,000.5', 2, 'not_a_number'],
    ['1 000.000,5', 2, 'not_a_number'], ['1000.000', 2, 'too_many_decimals'], ['0.500', 2, 'too_many_decimals'],
    ['−5', 0, 'negative'], ['$-5', 2, 'negative'], ['0,00', 2, 'zero'], ['18.446.744.073.709.551.616', 0, 'overflow'],
    ['12.5055', 2, 'too_many_decimals'], ['1,2345', 2, 'too_many_decimals'], [',5', 2, 'not_a_number'], ['5,', 2, 'not_a_number'],
  ];
  for (const [text, exp, code] of refused) {
    assert.throws(() => parseLocalAmount(text, exp), (e) => e.code === code, `${text}: expected ${code}`);
  }
});

test('amounts are shown as people read them in each language', () => {
  assert.equal(formatAmount(200000n, 'VND', 'en'), '₫200,000');
  assert.match(formatAmount(200000n, 'VND', 'vi'), /^200\.000\s₫$/u);
  assert.equal(formatAmount(1250n, 'USD', 'en'), '$12.50');
  assert.match(formatAmount('1250', 'USD', 'vi'), /^12,50\sUS\$$/u);
  assert.equal(formatAmount(MAX_MINOR, 'USD', 'en'), '$184,467,440,737,095,516.15');
  // The public page's formatter is the same function.
  for (const [m, c] of [[200000n, 'VND'], [1250n, 'USD'], [1234n, 'KWD']]) {
    assert.equal(formatMoney(m, c, 'vi-VN'), formatAmount(m, c, 'vi'));
    assert.equal(formatMoney(m, c, 'en-US'), formatAmount(m, c, 'en'));
  }
});

test('every refusal has words in English and Vietnamese that name the accepted form', () => {
  for (const code of ['not_a_number', 'negative', 'zero', 'grouped', 'too_many_decimals', 'ambiguous', 'overflow']) {
    assert.ok(keysOf('en').includes(`amount_${code}`), code);
    assert.ok(keysOf('vi').includes(`amount_${code}`), code);
  }
  const grouped = (() => {
    try {
      return parseApiAmount('200.000', 0);
    } catch (e) {
      return e;
    }
  })();
  for (const lang of ['en', 'vi']) {
    setLang(lang);
    const text = describeAmountError(grouped, t);
    assert.ok(text.includes('“200.000”') && text.includes('200000'), text);
    for (const code of ['not_a_number', 'negative', 'zero', 'too_many_decimals', 'ambiguous', 'overflow']) {
      const words = describeAmountError(new AmountError(code, '', { text: '1,5' }), t);
      assert.ok(!words.startsWith('amount_') && !words.includes('{'), words);
    }
  }
  setLang('en');
});
