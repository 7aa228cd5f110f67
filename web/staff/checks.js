// The console's checks of what staff type, the same rules the server applies (SPEC.md §2,
// §2.5; the token-name rule of `fundtrail token create`), so that a mistake is shown next to
// its field before anything is sent. The server checks everything again: these only save a
// round trip and say it in the staff member's language.
//
// Each check returns null when the value is fine, else `{ key, params }`: the label of the
// refusal in i18n and what fills it. Pure functions: no DOM, no network (Node tests import it).

import { parseLocalAmount, CURRENCIES } from '../amount.js';

/** The most characters of a short text (names, references, titles). */
export const MAX_SHORT_TEXT = 200;
/** The most characters of a long text (purposes, memos, notes; may hold line breaks). */
export const MAX_LONG_TEXT = 2000;
/** The most characters of a token name. */
export const MAX_TOKEN_NAME = 64;
/** The earliest day a donation may have been received or a payment made. */
export const EARLIEST_DAY = '1900-01-01';

const refuse = (key, params = {}) => ({ key, params });

/** The number of characters (Unicode scalar values, as the server counts) of `s`. */
export const charCount = (s) => [...s].length;

/**
 * The first character of `text` the server refuses in new entries: a Unicode noncharacter,
 * or a direction control that makes text display in another order than it is stored.
 * Returns `{ code: 'U+202E', kind: 'noncharacter' | 'direction' }` or null.
 */
export function hiddenCharacter(text) {
  for (const c of text) {
    const n = c.codePointAt(0);
    const hex = `U+${n.toString(16).toUpperCase().padStart(4, '0')}`;
    if ((n >= 0xfdd0 && n <= 0xfdef) || (n & 0xfffe) === 0xfffe) return { code: hex, kind: 'noncharacter' };
    if ((n >= 0x202a && n <= 0x202e) || (n >= 0x2066 && n <= 0x2069)) return { code: hex, kind: 'direction' };
  }
  return null;
}

/** Whether `text` holds a control character (line breaks allowed when `newlines`). */
function hasControl(text, newlines) {
  return newlines ? /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/u.test(text) : /[\u0000-\u001f\u007f-\u009f]/u.test(text);
}

/**
 * A text field: required unless `optional` (empty or spaces only counts as empty), at most
 * `max` characters, no control characters (line breaks only where `newlines`), no hidden
 * characters.
 */
export function checkText(value, { max = MAX_SHORT_TEXT, newlines = false, optional = false } = {}) {
  if (value.trim() === '') return optional ? null : refuse('check_empty');
  const n = charCount(value);
  if (n > max) return refuse('check_too_long', { max, n });
  if (hasControl(value, newlines)) return refuse(newlines ? 'check_control' : 'check_one_line');
  const hidden = hiddenCharacter(value);
  if (hidden) return refuse(`check_hidden_${hidden.kind}`, { code: hidden.code });
  return null;
}

/** A short text (at most 200 characters, one line). */
export const checkShort = (value, optional = false) => checkText(value, { max: MAX_SHORT_TEXT, optional });
/** A long text (at most 2000 characters, line breaks allowed). */
export const checkLong = (value, optional = false) => checkText(value, { max: MAX_LONG_TEXT, newlines: true, optional });

/** A campaign id: 1 to 64 lower-case letters, digits or '-', starting with a letter or digit. */
export function checkSlug(value) {
  if (value === '') return refuse('check_empty');
  return /^[a-z0-9][a-z0-9-]{0,63}$/.test(value) ? null : refuse('check_slug');
}

/** A campaign id made from a title: lower-case ASCII words joined by '-' (maybe empty). */
export function slugFrom(title) {
  return title.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
}

/** Today in UTC, `YYYY-MM-DD` (the server's calendar). */
export function todayUtc(now = new Date()) {
  return now.toISOString().slice(0, 10);
}

/** Today on this device's calendar, `YYYY-MM-DD` (what a date field shows first). */
export function todayLocal(now = new Date()) {
  const p = (n) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}

/** Whether `ymd` is a real calendar day written YYYY-MM-DD. */
export function isDay(ymd) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** The day after `ymd`. */
export function dayAfter(ymd) {
  const d = new Date(`${ymd}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/**
 * The day money was received or paid: a real day from 1900-01-01 to tomorrow by the server's
 * calendar (`today`, UTC).
 */
export function checkDay(value, today = todayUtc()) {
  if (value === '') return refuse('check_empty');
  if (!isDay(value)) return refuse('check_date');
  const latest = dayAfter(today);
  if (value < EARLIEST_DAY || value > latest) return refuse('check_day_range', { from: EARLIEST_DAY, to: latest });
  return null;
}

/** A campaign's last day (optional): a real day, not before today. */
export function checkEndsOn(value, today = todayUtc()) {
  if (value === '') return null;
  if (!isDay(value)) return refuse('check_date');
  if (value < today) return refuse('check_ends_before_today', { today });
  return null;
}

/**
 * An amount as typed, in `currency`. Returns `{ minor, canonical }` (the API form) when it
 * reads as exactly one amount; else `{ error }`, the AmountError (amount.js) saying why.
 */
export function readAmount(text, currency) {
  const exponent = CURRENCIES[currency];
  if (exponent === undefined) return { error: Object.assign(new Error('unknown currency'), { code: 'not_a_number', text }) };
  try {
    return parseLocalAmount(text, exponent);
  } catch (error) {
    return { error };
  }
}

/** A token name: 1 to 64 letters, digits, spaces and . , - ' ( ) & / _, no edge spaces. */
export function checkTokenName(name) {
  if (name.trim() === '') return refuse('check_empty');
  const n = charCount(name);
  if (n > MAX_TOKEN_NAME) return refuse('check_too_long', { max: MAX_TOKEN_NAME, n });
  if (/^\s|\s$/u.test(name)) return refuse('check_edge_space');
  const bad = [...name].find((c) => !/[\p{Alphabetic}\p{N} .,\-'()&/_\u0300-\u036f]/u.test(c));
  if (bad !== undefined) {
    const code = `U+${bad.codePointAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    return refuse('check_token_name_char', { char: bad, code });
  }
  return null;
}

/** A personal detail kept off the ledger (optional): at most `max` characters, no controls. */
export function checkPersonal(value, max, newlines = false) {
  return checkText(value, { max, newlines, optional: true });
}

/** An entry number: digits only. */
export function checkSeq(value) {
  if (value.trim() === '') return refuse('check_empty');
  return /^\d{1,15}$/.test(value.trim()) ? null : refuse('check_seq');
}
