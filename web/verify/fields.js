// The rules on an entry's field values (SPEC.md §2.2 common field types, §2.3 bodies by kind):
// text lengths and characters, slugs, dates, times, media types and the rules between fields of
// one body. entry.js has checked the shape and the types before these run.

import { validateApproval, validateOpeningRule, validatePolicy } from './approval.js';
import { utf8, WHITE_SPACE } from './bytes.js';
import { isVerifierKeyText, signatureBytes } from './rotation.js';

/** The longest short text (a name, a reference), in characters. */
export const MAX_SHORT = 200;
/** The longest long text (a purpose, a note), in characters. */
export const MAX_LONG = 2000;

// Unicode White_Space (what Rust's str::trim removes) and general category Cc.
const WHITE = new RegExp(`^[${WHITE_SPACE}]*$`);
const CONTROL = /\p{Cc}/u;
const CONTROL_BUT_NEWLINE = /[\0-\t\v-\x1f\x7f-\x9f]/;

/** A field value breaking a rule: `field` names it (dotted within the body). */
export class FieldError extends Error {
  constructor(field, problem) {
    super(`${field}: ${problem}`);
    this.field = field;
    this.problem = problem;
  }
}

// Code points never outnumber UTF-16 units, so only a string longer than `max` units is counted.
const longerThan = (value, max) => value.length > max && [...value].length > max;

function text(field, value, max, newlines) {
  if (WHITE.test(value)) throw new FieldError(field, 'must not be empty');
  if (longerThan(value, max)) throw new FieldError(field, `longer than ${max} characters`);
  if ((newlines ? CONTROL_BUT_NEWLINE : CONTROL).test(value)) throw new FieldError(field, 'contains control characters');
}
const short = (f, v) => text(f, v, MAX_SHORT, false);
const long = (f, v) => text(f, v, MAX_LONG, true);
const optShort = (f, v) => v !== undefined && short(f, v);
const optLong = (f, v) => v !== undefined && long(f, v);

export function isSlug(s) {
  return typeof s === 'string' && /^[a-z0-9][a-z0-9-]{0,63}$/.test(s);
}

/** The text, slug and date rules of SPEC.md §2.2, for the bodies of budget.js and pledge.js. */
export const rules = {
  short: (f, v) => short(f, v), long: (f, v) => long(f, v), optLong: (f, v) => optLong(f, v),
  slug: (f, v) => slug(f, v), date: (f, v) => date(f, v), FieldError,
};

function slug(field, v) {
  if (!isSlug(v)) throw new FieldError(field, "must be 1-64 lower-case letters, digits or '-', starting with a letter or digit");
}

function validDate(y, m, d) {
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
  return d <= days;
}

// The dates and times below are read character by character (what their regular expressions
// /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/ and the same with T, time and Z said): every leaf has
// two or three of them.

/** The number written by the decimal digits of s[from..to), or -1 if one is not a digit. */
function digitsAt(s, from, to) {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/** Whether `s` is a date written YYYY-MM-DD that exists. */
export function isDate(s0) {
  const s = typeof s0 === 'string' ? s0 : String(s0);
  if (s.length !== 10 || s.charCodeAt(4) !== 0x2d || s.charCodeAt(7) !== 0x2d) return false;
  const y = digitsAt(s, 0, 4);
  const m = digitsAt(s, 5, 7);
  const d = digitsAt(s, 8, 10);
  return y >= 0 && m >= 0 && d >= 0 && validDate(y, m, d);
}

/** Whether `s` is a UTC time written YYYY-MM-DDTHH:MM:SS.ffffffZ that exists. */
export function isRecordedAt(s0) {
  const s = typeof s0 === 'string' ? s0 : String(s0);
  if (s.length !== 27 || s.charCodeAt(10) !== 0x54 || s.charCodeAt(13) !== 0x3a || s.charCodeAt(16) !== 0x3a
    || s.charCodeAt(19) !== 0x2e || s.charCodeAt(26) !== 0x5a || !isDate(s.slice(0, 10)) || digitsAt(s, 20, 26) < 0) return false;
  const h = digitsAt(s, 11, 13);
  const min = digitsAt(s, 14, 16);
  const sec = digitsAt(s, 17, 19);
  return h >= 0 && h < 24 && min >= 0 && min < 60 && sec >= 0 && sec < 60;
}

/** Whether `by` is a valid `recorded_by`: 1-200 characters, none of them a control character. */
export function isRecordedBy(by) {
  return by.length > 0 && !longerThan(by, MAX_SHORT) && !CONTROL.test(by);
}

function date(field, v) {
  if (!isDate(v)) throw new FieldError(field, 'must be a date written YYYY-MM-DD');
}

function mediaType(field, v) {
  const token = /^[A-Za-z0-9!#$&\-^_.+]+$/;
  const k = v.indexOf('/');
  const ok = utf8(v).length <= 100 && k >= 0 && token.test(v.slice(0, k)) && token.test(v.slice(k + 1));
  if (!ok) throw new FieldError(field, 'must be a media type such as application/pdf');
}

function evidenceList(list) {
  if (list.length > 100) throw new FieldError('evidence', 'at most 100 documents');
  for (const e of list) {
    mediaType('evidence.media_type', e.media_type);
    optShort('evidence.name', e.name);
  }
}

/** Checks the rules of SPEC.md §2.3 on a typed body of `kind`; throws FieldError on the first broken one. */
export function validateBody(kind, b) {
  switch (kind) {
    case 'campaign.open':
      slug('id', b.id);
      short('title', b.title);
      long('purpose', b.purpose);
      if (b.ends_on !== undefined) date('ends_on', b.ends_on);
      if (b.accounts.length > 20) throw new FieldError('accounts', 'at most 20 accounts');
      for (const a of b.accounts) {
        short('accounts.bank', a.bank);
        short('accounts.number', a.number);
        short('accounts.holder', a.holder);
      }
      if (b.approval !== undefined) validateOpeningRule(FieldError, b.approval);
      break;
    case 'campaign.close':
      slug('campaign', b.campaign);
      optLong('note', b.note);
      break;
    case 'donation':
      slug('campaign', b.campaign);
      date('received_at', b.received_at);
      short('donor', b.donor);
      optShort('reference', b.reference);
      optLong('memo', b.memo);
      if (b.channel === 'in_kind') {
        if (b.in_kind === undefined) throw new FieldError('in_kind', 'an in_kind donation needs in_kind.description');
        long('in_kind.description', b.in_kind.description);
      } else if (b.in_kind !== undefined) {
        throw new FieldError('in_kind', 'only allowed when channel is in_kind');
      }
      break;
    case 'disbursement':
      slug('campaign', b.campaign);
      date('paid_at', b.paid_at);
      if (b.budget_line !== undefined) slug('budget_line', b.budget_line);
      short('recipient', b.recipient);
      long('purpose', b.purpose);
      evidenceList(b.evidence);
      optShort('reference', b.reference);
      if (b.approval !== undefined) validateApproval(FieldError, b.approval);
      break;
    case 'transfer':
      slug('from', b.from);
      slug('to', b.to);
      if (b.from === b.to) throw new FieldError('to', 'must differ from `from`');
      optShort('reference', b.reference);
      long('reason', b.reason);
      if (b.approval !== undefined) validateApproval(FieldError, b.approval);
      break;
    case 'approval.policy':
      validatePolicy(FieldError, b, long);
      break;
    case 'reversal':
      optLong('note', b.note);
      break;
    case 'statement':
      statement(b);
      break;
    case 'update':
      // SPEC.md §20.1, in the Rust core's order.
      slug('campaign', b.campaign);
      date('date', b.date);
      evidenceList(b.evidence);
      long('text', b.text);
      short('title', b.title);
      break;
    case 'key.rotate':
      // SPEC.md §23, in key order.
      optLong('note', b.note);
      if (!signatureBytes(b.signature)) throw new FieldError('signature', 'must be the base64 of a 64-byte Ed25519 signature');
      if (!isVerifierKeyText(b.verifier_key)) throw new FieldError('verifier_key', 'must be a verifier key written name+keyid+base64');
      break;
    default:
      break;
  }
}

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** The field rules of a `statement` body (SPEC.md §16.1), in the Rust core's order. */
function statement(b) {
  short('account.bank', b.account.bank);
  short('account.number', b.account.number);
  short('account.holder', b.account.holder);
  date('from', b.from);
  date('to', b.to);
  if (b.to < b.from) throw new FieldError('to', 'must not be before `from`');
  const none = b.lines === 0;
  if (none && b.lines_root !== EMPTY_SHA256) throw new FieldError('lines_root', "a statement without lines has the empty tree's root");
  if (none && b.lines_sha256 !== EMPTY_SHA256) throw new FieldError('lines_sha256', 'a statement without lines publishes the empty file');
  let previous = 0n;
  for (const x of b.exclusions) {
    const line = BigInt(x.line);
    if (line <= previous) throw new FieldError('exclusions.line', 'lines must be listed once each, in increasing order');
    if (line > BigInt(b.lines)) throw new FieldError('exclusions.line', `line ${x.line} is past the statement's ${b.lines} lines`);
    optLong('exclusions.note', x.note);
    previous = line;
  }
}

/** The field rules of a statement line (SPEC.md §16.2); throws FieldError on the first broken one. */
export function validateLine(l) {
  if (l.amount === '0') throw new FieldError('amount', 'a statement line never moves zero');
  if (l.counterparty !== undefined && l.counterparty_commitment !== undefined) {
    throw new FieldError('counterparty_commitment', 'a line publishes the counterparty or a commitment to it, not both');
  }
  optShort('counterparty', l.counterparty);
  date('date', l.date);
  short('id', l.id);
  optLong('memo', l.memo);
}
