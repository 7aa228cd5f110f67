// The staff console's own checks of what staff type (web/staff/checks.js), which must refuse
// what the server refuses (SPEC.md §2, §2.5; the token-name rule of `fundtrail token create`)
// and accept what it accepts, so that a refusal shows next to its field before anything is
// sent. The browser tests (staff-hostile.e2e.test.mjs) check the same texts against the real
// server.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  checkText, checkShort, checkLong, checkSlug, checkDay, checkEndsOn, checkTokenName, checkSeq, checkPersonal,
  hiddenCharacter, slugFrom, readAmount, dayAfter, isDay, charCount, MAX_SHORT_TEXT, MAX_LONG_TEXT,
} from '../../web/staff/checks.js';

const key = (r) => (r ? r.key : null);

test('texts are refused when empty, over their length in characters (not UTF-16 units), or holding control characters', () => {
  assert.equal(key(checkShort('')), 'check_empty');
  assert.equal(key(checkShort('   ')), 'check_empty');
  assert.equal(checkShort('', true), null, 'an optional field may be empty');
  assert.equal(checkShort('😀'.repeat(MAX_SHORT_TEXT)), null, '200 emoji are 200 characters');
  assert.deepEqual(checkShort('😀'.repeat(MAX_SHORT_TEXT + 1)), { key: 'check_too_long', params: { max: 200, n: 201 } });
  assert.equal(charCount('Nguyễn'), 6);
  assert.equal(checkLong('x'.repeat(MAX_LONG_TEXT)), null);
  assert.equal(key(checkLong('x'.repeat(MAX_LONG_TEXT + 1))), 'check_too_long');
  assert.equal(key(checkShort('line\nbreak')), 'check_one_line', 'short texts are one line');
  assert.equal(checkLong('line\nbreak'), null, 'long texts may break lines');
  for (const c of ['\u0000', '\t', '\r', '\u001f', '\u007f', '\u0085', '\u009f']) {
    assert.ok(checkLong(`a${c}b`), `U+${c.codePointAt(0).toString(16)} is refused`);
  }
  for (const ok of ['\u00a0', '\u00ff', 'đ', '<img src=x onerror=alert(1)>', 'javascript:alert(1)']) {
    assert.equal(checkShort(`a${ok}b`), null, `${ok} is text like any other`);
  }
});

test('noncharacters and direction controls are refused, naming the character, as the server does', () => {
  for (const [c, kind] of [
    ['\u202a', 'direction'], ['\u202e', 'direction'], ['\u2066', 'direction'], ['\u2069', 'direction'],
    ['\ufdd0', 'noncharacter'], ['\ufdef', 'noncharacter'], ['\ufffe', 'noncharacter'], ['\uffff', 'noncharacter'], ['\u{1fffe}', 'noncharacter'], ['\u{10ffff}', 'noncharacter'],
  ]) {
    const code = `U+${c.codePointAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    assert.deepEqual(hiddenCharacter(`ab${c}`), { code, kind });
    assert.deepEqual(checkShort(`invoice${c}fdp.exe`), { key: `check_hidden_${kind}`, params: { code } });
  }
  for (const c of ['\u200b', '\u200d', '\u2029', '\ufdcf', '\ufdf0', '\ufffd', '\u{1f600}']) assert.equal(hiddenCharacter(c), null, c);
});

test('campaign ids are lower-case slugs, and one is made from a Vietnamese title', () => {
  for (const ok of ['flood-2026', 'a', '0', 'x'.repeat(64)]) assert.equal(checkSlug(ok), null, ok);
  for (const bad of ['', 'Flood', '-flood', 'lũ-lụt', 'a b', 'x'.repeat(65), 'a_b']) assert.equal(key(checkSlug(bad)), bad === '' ? 'check_empty' : 'check_slug', bad);
  assert.equal(slugFrom('Cứu trợ lũ Đà Nẵng 2026!'), 'cuu-tro-lu-da-nang-2026');
  assert.equal(slugFrom('  --  '), '');
  assert.equal(checkSlug(slugFrom('Bão Yagi: mái nhà cho 200 hộ gia đình ở Lào Cai và Yên Bái, giai đoạn 2')), null);
});

test('days are real calendar days from 1900-01-01 to tomorrow by the server\'s calendar; a last day is not in the past', () => {
  assert.equal(isDay('2026-02-29'), false);
  assert.equal(isDay('2028-02-29'), true);
  assert.equal(dayAfter('2026-12-31'), '2027-01-01');
  const today = '2026-11-30';
  assert.equal(checkDay('2026-12-01', today), null, 'tomorrow (a time zone ahead of UTC)');
  assert.deepEqual(checkDay('2026-12-02', today), { key: 'check_day_range', params: { from: '1900-01-01', to: '2026-12-01' } });
  assert.equal(key(checkDay('1899-12-31', today)), 'check_day_range');
  assert.equal(checkDay('1900-01-01', today), null);
  assert.equal(key(checkDay('30/11/2026', today)), 'check_date');
  assert.equal(key(checkDay('', today)), 'check_empty');
  assert.equal(checkEndsOn('', today), null, 'no last day');
  assert.equal(checkEndsOn(today, today), null);
  assert.equal(key(checkEndsOn('2026-11-29', today)), 'check_ends_before_today');
});

test('amounts read in the campaign\'s currency, and an ambiguous one is refused rather than guessed', () => {
  assert.deepEqual(readAmount('200.000', 'VND'), { minor: 200000n, canonical: '200000' });
  assert.deepEqual(readAmount('12,50', 'USD'), { minor: 1250n, canonical: '12.50' });
  assert.equal(readAmount('1,234', 'USD').error.code, 'ambiguous');
  assert.equal(readAmount('12,5', 'VND').error.code, 'too_many_decimals');
  assert.equal(readAmount('0', 'VND').error.code, 'zero');
  assert.equal(readAmount('100', 'XXX').error.code, 'not_a_number', 'an unknown currency reads no amount');
});

test('token names follow the rule of `fundtrail token create`', () => {
  for (const ok of ['Lan (finance)', 'Nguyễn Thị Lan', 'Trần & Co. / kế toán_2', "O'Brien", 'x'.repeat(64), 'Nguye\u0302\u0303n']) assert.equal(checkTokenName(ok), null, ok);
  assert.equal(key(checkTokenName('')), 'check_empty');
  assert.equal(key(checkTokenName('x'.repeat(65))), 'check_too_long');
  assert.equal(key(checkTokenName(' Lan')), 'check_edge_space');
  assert.equal(key(checkTokenName('Lan ')), 'check_edge_space');
  for (const [bad, c] of [['<img src=x>', '<'], ['Lan #3', '#'], ['Lan\u202e', '\u202e'], ['Lan\tB', '\t'], ['a@b', '@']]) {
    const r = checkTokenName(bad);
    assert.equal(key(r), 'check_token_name_char', bad);
    assert.equal(r.params.char, c);
  }
});

test('personal details and entry numbers', () => {
  assert.equal(checkPersonal('', 50), null);
  assert.equal(key(checkPersonal('0'.repeat(51), 50)), 'check_too_long');
  assert.equal(checkPersonal('12 Lê Lợi\nQuận 1', 2000, true), null);
  assert.equal(key(checkPersonal('12 Lê Lợi\nQuận 1', 200)), 'check_one_line');
  assert.equal(checkSeq('17'), null);
  assert.equal(key(checkSeq('17a')), 'check_seq');
  assert.equal(key(checkSeq('')), 'check_empty');
  assert.equal(checkText('a', { max: 1 }), null);
});
