// A leaf read as an entry (SPEC.md §2 entries, §3 canonical encoding, §9 steps 2.1 to 2.5):
// strict JSON, typed decoding with the format's rules (unknown fields denied, amounts as
// canonical minor units, known currencies), the canonical-form check (which also refuses a
// `null` for an optional field: written, it must be left out), and the field rules of
// fields.js.

import { CURRENCIES } from '../amount.js';
import { decodeUtf8, HEX64 } from './bytes.js';
import { VerifyError } from './errors.js';
import {
  JNum, JsonError, parseJson, canonicalJson,
} from './json.js';
import {
  FieldError, isRecordedAt, isRecordedBy, validateBody, validateLine,
} from './fields.js';
import { validateBudget } from './budget.js';
import { validatePledge, validateCancel } from './pledge.js';
import { ORG_RULES } from './registry.js';

// The field rules of the kinds whose modules keep their own rules (SPEC.md §18, §19, §22).
const OWN_RULES = {
  budget: validateBudget, pledge: validatePledge, 'pledge.cancel': validateCancel, ...ORG_RULES,
};

const U64_MAX = (1n << 64n) - 1n;
const I64_MAX = (1n << 63n) - 1n;

class Malformed extends Error {}

function typeName(v) {
  if (v === null) return 'null';
  if (v instanceof Map) return 'a map';
  if (Array.isArray(v)) return 'a sequence';
  if (v instanceof JNum) return `number ${v.text}`;
  if (typeof v === 'string') return `string ${JSON.stringify(v)}`;
  return `boolean ${v}`;
}

const T = {
  str: (v, f) => {
    if (typeof v !== 'string') throw new Malformed(`invalid type: ${typeName(v)}, expected a string for \`${f}\``);
    return v;
  },
  u64: (v, f) => {
    if (!(v instanceof JNum) || !/^(0|[1-9][0-9]*)$/.test(v.text) || (v.text.length > 15 && BigInt(v.text) > U64_MAX)) {
      throw new Malformed(`invalid value: ${typeName(v)}, expected u64 for \`${f}\``);
    }
    if (v.text.length <= 15) return Number(v.text); // below 10^15, so a safe integer
    const b = BigInt(v.text);
    return b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
  },
  hash: (v, f) => {
    if (typeof v !== 'string' || !HEX64.test(v)) throw new Malformed(`\`${f}\`: ${typeName(v)} is not 64 lower-case hex digits`);
    return v;
  },
  minor: (v, f) => {
    if (typeof v !== 'string') throw new Malformed(`invalid type: ${typeName(v)}, expected a string of minor units for \`${f}\``);
    // Below 20 digits a count is below 10^19 < 2^64, so only longer ones go through BigInt.
    if (!/^[1-9][0-9]*$/.test(v) || (v.length > 19 && BigInt(v) > U64_MAX)) {
      throw new Malformed(`\`${f}\`: amount ${JSON.stringify(v)} is not a positive count of minor units without leading zeros`);
    }
    return v;
  },
  signed: (v, f) => {
    // SPEC.md §16.1: digits, optional leading '-', no leading zeros, never -0, within i64.
    if (typeof v !== 'string' || !/^(0|-?[1-9][0-9]*)$/.test(v)
      || (v.length > 18 && (BigInt(v) > I64_MAX || BigInt(v) < -I64_MAX - 1n))) {
      throw new Malformed(`\`${f}\`: signed amount ${typeName(v)} is not canonical`);
    }
    return v;
  },
  currency: (v, f) => {
    if (typeof v !== 'string' || !Object.hasOwn(CURRENCIES, v)) {
      throw new Malformed(`\`${f}\`: unknown currency ${typeName(v)} (expected an ISO 4217 code such as VND or USD)`);
    }
    return v;
  },
  oneOf: (...allowed) => (v, f) => {
    if (typeof v !== 'string' || !allowed.includes(v)) {
      throw new Malformed(`\`${f}\`: unknown variant ${typeName(v)}, expected one of ${allowed.join(', ')}`);
    }
    return v;
  },
  arrayOf: (item) => (v, f) => {
    if (!Array.isArray(v)) throw new Malformed(`invalid type: ${typeName(v)}, expected a sequence for \`${f}\``);
    return v.map((x) => item(x, f));
  },
  struct: (spec) => (v, f) => struct(spec, v, f),
};

// Whether the leaf being decoded holds a `null` for an optional member. The typed parse reads
// such a `null` as absent (as the Rust verifier does), so the leaf is not the canonical
// encoding of the entry it parses to: decodeLeaf refuses it at the canonical check
// (SPEC.md §3.1).
let nullForOptional = false;

function opt(check) {
  const c = (v, f) => {
    if (v === null) {
      nullForOptional = true;
      return undefined;
    }
    return check(v, f);
  };
  c.optional = true;
  return c;
}

// Per spec: its fields in order, and each field's name as passed to its check, per `where`.
const compiledSpecs = new WeakMap();

function compiledSpec(spec) {
  let c = compiledSpecs.get(spec);
  if (!c) {
    c = { entries: Object.entries(spec), names: new Map() };
    compiledSpecs.set(spec, c);
  }
  return c;
}

function fieldNames(c, where) {
  let names = c.names.get(where);
  if (!names) {
    names = c.entries.map(([k]) => (where ? `${where}.${k}` : k));
    c.names.set(where, names);
  }
  return names;
}

function struct(spec, v, where) {
  if (!(v instanceof Map)) throw new Malformed(`invalid type: ${typeName(v)}, expected a map${where ? ` for \`${where}\`` : ''}`);
  for (const k of v.keys()) {
    if (!Object.hasOwn(spec, k)) throw new Malformed(`unknown field \`${k}\`${where ? ` in \`${where}\`` : ''}, expected one of ${Object.keys(spec).map((x) => `\`${x}\``).join(', ')}`);
  }
  const c = compiledSpec(spec);
  const { entries } = c;
  const names = fieldNames(c, where);
  const out = {};
  for (let i = 0; i < entries.length; i++) {
    const [k, check] = entries[i];
    const x = v.get(k);
    if (x === undefined) {
      // parseJson never produces undefined, so this is exactly "not in the map".
      if (check.optional) continue;
      throw new Malformed(`missing field \`${k}\`${where ? ` in \`${where}\`` : ''}`);
    }
    const value = check(x, names[i]);
    if (value !== undefined) out[k] = value;
  }
  return out;
}

const ACCOUNT = { bank: T.str, holder: T.str, number: T.str };
// SPEC.md §17: who proposed and approved a payment; a campaign's rule at opening.
const APPROVAL = { approved_by: T.arrayOf(T.str), proposed_by: T.str };
const OPENING_RULE = { approvers: T.u64, threshold: T.minor };
const EVIDENCE = { media_type: T.str, name: opt(T.str), sha256: T.hash, size: T.u64 };
const BODIES = {
  'campaign.open': {
    accounts: T.arrayOf(T.struct(ACCOUNT)), approval: opt(T.struct(OPENING_RULE)), currency: T.currency, ends_on: opt(T.str), goal: opt(T.minor),
    id: T.str, purpose: T.str, title: T.str,
  },
  'campaign.close': { campaign: T.str, note: opt(T.str) },
  donation: {
    amount: T.minor, campaign: T.str,
    channel: T.oneOf('bank_transfer', 'cash', 'card', 'mobile_money', 'in_kind', 'other'),
    commitment: opt(T.hash), currency: T.currency, donor: T.str, in_kind: opt(T.struct({ description: T.str })),
    memo: opt(T.str), pledge: opt(T.u64), received_at: T.str, reference: opt(T.str),
  },
  disbursement: {
    amount: T.minor, approval: opt(T.struct(APPROVAL)), budget_line: opt(T.str), campaign: T.str, currency: T.currency, evidence: T.arrayOf(T.struct(EVIDENCE)),
    paid_at: T.str, purpose: T.str, recipient: T.str, reference: opt(T.str),
  },
  transfer: {
    amount: T.minor, approval: opt(T.struct(APPROVAL)), currency: T.currency, from: T.str, reason: T.str, reference: opt(T.str), to: T.str,
  },
  'approval.policy': {
    approvers: T.u64, campaign: opt(T.str), currency: T.currency, note: opt(T.str), threshold: T.minor,
  },
  reversal: { note: opt(T.str), reason: T.oneOf('refund', 'duplicate', 'error'), reverses: T.u64 },
  statement: {
    account: T.struct(ACCOUNT), closing: T.signed, currency: T.currency,
    exclusions: T.arrayOf(T.struct({
      line: T.u64, note: opt(T.str), reason: T.oneOf('interest', 'fee', 'returned_transfer', 'own_account', 'bank_correction'),
    })),
    file_sha256: T.hash, from: T.str, lines: T.u64, lines_root: T.hash, lines_sha256: T.hash, opening: T.signed, to: T.str,
  },
  // A campaign's narrative update (SPEC.md §20.1).
  update: {
    campaign: T.str, date: T.str, evidence: T.arrayOf(T.struct(EVIDENCE)), text: T.str, title: T.str,
  },
  // SPEC.md §18, §19.
  budget: {
    campaign: T.str,
    currency: T.currency,
    lines: T.arrayOf(T.struct({
      amount: T.minor, category: T.str, id: T.str, label: T.str, sector: opt(T.str),
    })),
    note: opt(T.str),
    revises: opt(T.u64),
  },
  pledge: {
    amount: T.minor, campaign: T.str, currency: T.currency, donor: T.str, expected_on: opt(T.str), note: opt(T.str),
  },
  'pledge.cancel': { campaign: T.str, pledge: T.u64, reason: T.str },
  // A platform registry's entries (SPEC.md §22.1).
  'org.register': {
    accounts: T.arrayOf(T.struct(ACCOUNT)),
    checks: T.struct({ document_sha256: opt(T.hash), note: opt(T.str), registration_number: opt(T.str) }),
    kind: T.oneOf('ngo', 'individual', 'local_authority'),
    name: T.str,
    origin: T.str,
    slug: T.str,
    verifier_key: T.str,
  },
  'org.accounts': { accounts: T.arrayOf(T.struct(ACCOUNT)), note: opt(T.str), org: T.str },
  'org.key': { note: opt(T.str), org: T.str, verifier_key: T.str },
  'org.suspend': { org: T.str, reason: T.str },
  'org.resume': { note: opt(T.str), org: T.str },
  'org.close': { org: T.str, reason: T.str },
};
// A published statement line (SPEC.md §16.2).
const LINE = {
  amount: T.signed, counterparty: opt(T.str), counterparty_commitment: opt(T.hash), date: T.str, id: T.str, memo: opt(T.str),
};
export const KINDS = Object.freeze(Object.keys(BODIES));

const ENVELOPE = {
  body: (v) => v, kind: T.str, prev: T.hash, recorded_at: T.str, recorded_by: T.str, seq: T.u64, v: T.u64,
};

/**
 * Parses one leaf (bytes or string), requiring it to be exactly the canonical encoding of a
 * valid entry. Returns {seq, prev, recorded_at, recorded_by, kind, v, body}. Throws an Error
 * whose message says what is wrong (without the entry number; see Verifier for that).
 */
export function decodeLeaf(leaf, decoded) {
  let textForm;
  if (typeof leaf === 'string') {
    textForm = leaf;
  } else if (typeof decoded === 'string') {
    textForm = decoded; // decodeUtf8(leaf), already done (see splitLeafTexts)
  } else {
    try {
      textForm = decodeUtf8(leaf);
    } catch {
      throw new VerifyError('malformed', 'not a valid entry: not UTF-8');
    }
  }
  let parsed;
  let plain;
  let env;
  nullForOptional = false;
  try {
    ({ value: parsed, plain } = parseJson(textForm));
    env = struct(ENVELOPE, parsed, '');
  } catch (e) {
    if (e instanceof JsonError || e instanceof Malformed) throw new VerifyError('malformed', `not a valid entry: ${e.message}`);
    throw e;
  }
  if (env.v !== 1) throw new VerifyError('version', `unsupported format version ${env.v}`);
  const spec = BODIES[env.kind];
  if (!spec) throw new VerifyError('unknown_kind', `unknown kind ${JSON.stringify(env.kind)}`);
  let body;
  try {
    body = struct(spec, env.body, '');
  } catch (e) {
    if (e instanceof Malformed) throw new VerifyError('malformed', `not a valid entry: body: ${e.message}`);
    throw e;
  }
  // A plain text (see parseJson) decoded from bytes is its own canonical form: the decoder
  // never yields lone surrogates. Otherwise re-encode and compare.
  if (nullForOptional || (!(plain && typeof leaf !== 'string') && canonicalJson(parsed) !== textForm)) {
    throw new VerifyError('not_canonical', 'bytes are not the canonical encoding of the entry (SPEC.md §3)');
  }
  if (!isRecordedAt(env.recorded_at)) {
    throw new VerifyError('field', 'field recorded_at: must be UTC written YYYY-MM-DDTHH:MM:SS.ffffffZ', { field: 'recorded_at' });
  }
  if (!isRecordedBy(env.recorded_by)) {
    throw new VerifyError('field', 'field recorded_by: must be 1-200 printable characters', { field: 'recorded_by' });
  }
  try {
    validateBody(env.kind, body);
    if (Object.hasOwn(OWN_RULES, env.kind)) OWN_RULES[env.kind](body);
  } catch (e) {
    if (e instanceof FieldError) {
      throw new VerifyError('field', `field body.${e.field}: ${e.problem}`, { field: `body.${e.field}` });
    }
    throw e;
  }
  return {
    seq: env.seq, prev: env.prev, recorded_at: env.recorded_at, recorded_by: env.recorded_by, kind: env.kind, v: env.v, body,
  };
}

/**
 * Parses one published statement line (SPEC.md §16.2, a string without its newline),
 * requiring its canonical bytes and valid fields. Throws an Error saying what is wrong.
 */
export function decodeStatementLine(text) {
  let parsed;
  let line;
  nullForOptional = false;
  try {
    ({ value: parsed } = parseJson(text));
    line = struct(LINE, parsed, '');
  } catch (e) {
    if (e instanceof JsonError || e instanceof Malformed) throw new Error(`not a statement line: ${e.message}`);
    throw e;
  }
  if (nullForOptional || canonicalJson(parsed) !== text) {
    throw new Error('not the canonical encoding of the line (SPEC.md §16.2)');
  }
  try {
    validateLine(line);
  } catch (e) {
    if (e instanceof FieldError) throw new Error(`field ${e.field}: ${e.problem}`);
    throw e;
  }
  return line;
}
