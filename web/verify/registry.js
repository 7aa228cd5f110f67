// A platform's registry (SPEC.md §22), written from the spec apart from the Rust core: the
// field rules of the `org.*` bodies, how two accounts compare, and Registry, which keeps every
// organisation's status, key and accounts and refuses an entry that breaks a registry rule.
// Errors are fields.js's FieldErrors (one body on its own) and state.js's InvariantErrors
// (rules that depend on earlier entries).

import {
  fromBase64, toHex, trimWhiteSpace, utf8, WHITE_SPACE, concat,
} from './bytes.js';
import { sha256Sync } from './sha256.js';
import { isEd25519Point } from './ed25519.js';
import { rules } from './fields.js';
import { InvariantError } from './state.js';

const { FieldError } = rules;

/** The `kind` strings of the registry bodies. */
export const ORG_KINDS = Object.freeze(['org.register', 'org.accounts', 'org.key', 'org.suspend', 'org.resume', 'org.close']);

/** Slugs no organisation may take: the platform's own paths. */
export const RESERVED_SLUGS = Object.freeze(['api', 'staff', 'log', 'registry', 'o', 'static', 'platform']);
const MAX_ACCOUNTS = 20;

const IS_WHITE = new RegExp(`[${WHITE_SPACE}]`);
const SPACE_OR_PLUS = new RegExp(`[${WHITE_SPACE}+]`);
const LETTER_OR_DIGIT = /[\p{Alphabetic}\p{N}]/u;

/** Whether `s` can be an organisation's slug: 3 to 40 of a-z 0-9 -, a letter first, no '-' last, not reserved. */
export function isOrgSlug(s) {
  return /^[a-z][a-z0-9-]{1,38}[a-z0-9]$/.test(s) && !RESERVED_SLUGS.includes(s);
}

/** The bank name as compared: without White_Space, each character lower-cased on its own. */
export function normaliseBank(bank) {
  return [...bank].filter((c) => !IS_WHITE.test(c)).map((c) => c.toLowerCase()).join('');
}

/** The account number as compared: its letters and digits only, each lower-cased on its own. */
export function normaliseNumber(number) {
  return [...number].filter((c) => LETTER_OR_DIGIT.test(c)).map((c) => c.toLowerCase()).join('');
}

/** The key two accounts compare by (SPEC.md §22.3). */
export function accountKey(bank, number) {
  return `${normaliseBank(bank)}\n${normaliseNumber(number)}`;
}

function orgSlug(field, v) {
  if (RESERVED_SLUGS.includes(v)) throw new FieldError(field, `"${v}" is reserved for the platform's own pages`);
  if (!isOrgSlug(v)) {
    throw new FieldError(field, "must be 3-40 lower-case letters, digits or '-', starting with a letter and not ending with '-'");
  }
}

const optShort = (f, v) => v !== undefined && rules.short(f, v);

/**
 * A verifier key as the registry writes it (name+keyid+base64 of an Ed25519 key, no white
 * space around it, the key id in lower-case hex); returns its name.
 */
function verifierKeyName(v) {
  const bad = () => new FieldError('verifier_key', 'must be an Ed25519 verifier key written name+keyid+base64, the key id in lower-case hex');
  if (trimWhiteSpace(v) !== v) throw bad();
  const p1 = v.indexOf('+');
  const p2 = p1 < 0 ? -1 : v.indexOf('+', p1 + 1);
  if (p2 < 0) throw bad();
  const name = v.slice(0, p1);
  const id = v.slice(p1 + 1, p2);
  const raw = fromBase64(v.slice(p2 + 1));
  if (name === '' || SPACE_OR_PLUS.test(name) || !/^[0-9a-f]{8}$/.test(id)) throw bad();
  if (!raw || raw.length !== 33 || raw[0] !== 1 || !isEd25519Point(raw.subarray(1))) throw bad();
  if (toHex(sha256Sync(concat(utf8(`${name}\n`), raw)).slice(0, 4)) !== id) throw bad();
  return name;
}

function accountList(list) {
  if (list.length > MAX_ACCOUNTS) throw new FieldError('accounts', `at most ${MAX_ACCOUNTS} accounts`);
  const seen = new Set();
  for (const a of list) {
    rules.short('accounts.bank', a.bank);
    rules.short('accounts.number', a.number);
    rules.short('accounts.holder', a.holder);
    if (normaliseNumber(a.number) === '') throw new FieldError('accounts.number', 'must contain a letter or digit');
    const key = accountKey(a.bank, a.number);
    if (seen.has(key)) {
      throw new FieldError('accounts', `account ${trimWhiteSpace(a.number)} at ${trimWhiteSpace(a.bank)} is listed twice`);
    }
    seen.add(key);
  }
}

/** The field rules of a registry body of `kind` (SPEC.md §22.2); throws FieldError on the first broken one. */
export function validateOrg(kind, b) {
  switch (kind) {
    case 'org.register': {
      orgSlug('slug', b.slug);
      rules.short('name', b.name);
      rules.short('origin', b.origin);
      if (SPACE_OR_PLUS.test(b.origin)) throw new FieldError('origin', "must be a key name: no white space and no '+'");
      const name = verifierKeyName(b.verifier_key);
      if (name !== b.origin) throw new FieldError('verifier_key', `its name ${name} is not the origin ${b.origin}`);
      accountList(b.accounts);
      optShort('checks.registration_number', b.checks.registration_number);
      rules.optLong('checks.note', b.checks.note);
      break;
    }
    case 'org.accounts':
      orgSlug('org', b.org);
      accountList(b.accounts);
      rules.optLong('note', b.note);
      break;
    case 'org.key':
      orgSlug('org', b.org);
      verifierKeyName(b.verifier_key);
      rules.optLong('note', b.note);
      break;
    case 'org.suspend':
    case 'org.close':
      orgSlug('org', b.org);
      rules.long('reason', b.reason);
      break;
    case 'org.resume':
      orgSlug('org', b.org);
      rules.optLong('note', b.note);
      break;
    default:
      throw new Error(`not a registry kind: ${kind}`);
  }
}

/** The field rules of each registry kind, for entry.js. */
export const ORG_RULES = Object.fromEntries(ORG_KINDS.map((k) => [k, (b) => validateOrg(k, b)]));

/**
 * Every organisation registered so far: by slug, {slug, name, kind, origin, verifierKey, status
 * ('active' | 'suspended' | 'closed'), accounts, checks, registeredSeq, accountsSeq, keySeq,
 * statusSeq}; and who (not closed) holds each official account.
 */
export class Registry {
  constructor() {
    this.orgs = new Map();
    this.holders = new Map(); // accountKey -> slug
  }

  live(slug) {
    const org = this.orgs.get(slug);
    if (!org) throw new InvariantError('unknown_organisation', `organisation "${slug}" is not registered`, { field: 'org' });
    if (org.status === 'closed') {
      throw new InvariantError('organisation_closed', `organisation "${slug}" was closed by entry ${org.statusSeq}`, { field: 'org' });
    }
    return org;
  }

  checkAccounts(list, own) {
    for (const a of list) {
      const holder = this.holders.get(accountKey(a.bank, a.number));
      if (holder !== undefined && holder !== own) {
        const h = this.orgs.get(holder);
        throw new InvariantError(
          'account_held',
          `account ${trimWhiteSpace(a.number)} at ${trimWhiteSpace(a.bank)} is already an official account of organisation "${holder}" (entry ${h.accountsSeq})`,
          { field: 'accounts' },
        );
      }
    }
  }

  /** Throws the InvariantError of the first registry rule `entry` breaks; other kinds keep them all. */
  check(entry) {
    const b = entry.body;
    switch (entry.kind) {
      case 'org.register': {
        const org = this.orgs.get(b.slug);
        if (org) {
          throw new InvariantError('organisation_exists', `organisation "${b.slug}" is already registered (entry ${org.registeredSeq})`, { field: 'slug' });
        }
        this.checkAccounts(b.accounts, undefined);
        break;
      }
      case 'org.accounts':
        this.live(b.org);
        this.checkAccounts(b.accounts, b.org);
        break;
      case 'org.key': {
        const org = this.live(b.org);
        const name = b.verifier_key.slice(0, b.verifier_key.indexOf('+'));
        if (name !== org.origin) {
          throw new InvariantError('key_name_mismatch', `the key's name ${name} is not organisation "${b.org}"'s origin ${org.origin}`, { field: 'verifier_key' });
        }
        if (b.verifier_key === org.verifierKey) {
          throw new InvariantError('same_key', `this key is already organisation "${b.org}"'s key (entry ${org.keySeq})`, { field: 'verifier_key' });
        }
        break;
      }
      case 'org.suspend': {
        const org = this.live(b.org);
        if (org.status === 'suspended') {
          throw new InvariantError('organisation_suspended', `organisation "${b.org}" is already suspended (entry ${org.statusSeq})`, { field: 'org' });
        }
        break;
      }
      case 'org.resume':
        if (this.live(b.org).status !== 'suspended') {
          throw new InvariantError('organisation_not_suspended', `organisation "${b.org}" is not suspended`, { field: 'org' });
        }
        break;
      case 'org.close':
        this.live(b.org);
        break;
      default:
    }
  }

  release(org) {
    for (const a of org.accounts) {
      const key = accountKey(a.bank, a.number);
      if (this.holders.get(key) === org.slug) this.holders.delete(key);
    }
  }

  setAccounts(org, list, seq) {
    this.release(org);
    for (const a of list) this.holders.set(accountKey(a.bank, a.number), org.slug);
    org.accounts = list;
    org.accountsSeq = seq;
  }

  /** check(entry), then folds it in; on error nothing changes. */
  apply(entry) {
    this.check(entry);
    const b = entry.body;
    const seq = entry.seq;
    switch (entry.kind) {
      case 'org.register': {
        const org = {
          slug: b.slug,
          name: b.name,
          kind: b.kind,
          origin: b.origin,
          verifierKey: b.verifier_key,
          status: 'active',
          accounts: [],
          checks: b.checks,
          registeredSeq: seq,
          accountsSeq: seq,
          keySeq: seq,
          statusSeq: seq,
        };
        this.orgs.set(b.slug, org);
        this.setAccounts(org, b.accounts, seq);
        break;
      }
      case 'org.accounts':
        this.setAccounts(this.orgs.get(b.org), b.accounts, seq);
        break;
      case 'org.key': {
        const org = this.orgs.get(b.org);
        org.verifierKey = b.verifier_key;
        org.keySeq = seq;
        break;
      }
      case 'org.suspend':
      case 'org.resume':
      case 'org.close': {
        const org = this.orgs.get(b.org);
        org.status = { 'org.suspend': 'suspended', 'org.resume': 'active', 'org.close': 'closed' }[entry.kind];
        org.statusSeq = seq;
        if (entry.kind === 'org.close') this.release(org);
        break;
      }
      default:
    }
  }

  /**
   * The organisation, not closed, holding the account `number` at `bank` (compared as
   * SPEC.md §22.3 says), with the seq of the entry listing it: {slug, seq}, or null.
   */
  findAccount(bank, number) {
    if (normaliseNumber(number) === '') return null;
    const slug = this.holders.get(accountKey(bank, number));
    return slug === undefined ? null : { slug, seq: this.orgs.get(slug).accountsSeq };
  }
}
