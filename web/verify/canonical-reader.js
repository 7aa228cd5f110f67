// A fast reader for leaves that are already in canonical form (SPEC.md §3), directed by the
// entry's schema (entry.js's field checks): it walks the text once, expecting at each point
// the exact characters the canonical encoding of a well-typed entry has there (each object's
// known keys in ascending order, no whitespace, strings without escapes, integers as plain
// digits), and types each value as it goes. It decides nothing on its own: whenever the text
// is not exactly such an encoding it gives up (returns null), and the strict reader (json.js
// and entry.js's typed decoding) reads the text again, accepting or naming the fault. Whatever
// it accepts, the strict path accepts with the same result; it only skips the general
// machinery (a Map per object, a number object per integer, a second pass for the check
// against the canonical form) on the common case. No imports: entry.js hands it its schema.

/** Thrown inside the reader when the text is not what it expects; never leaves this module. */
const GIVE_UP = new Error('not the canonical encoding the fast reader expects');

// How a field is read: a string given to its check, an integer, an object, a sequence, or
// the envelope's body (an object of its kind's fields).
const STRING = 0;
const INTEGER = 1;
const OBJECT = 2;
const SEQUENCE = 3;
const BODY = 4;

// Per schema object (a struct's spec): its fields, each with the exact text before it.
const compiled = new WeakMap();

function compile(spec) {
  let c = compiled.get(spec);
  if (c !== undefined) return c;
  const keys = Object.keys(spec);
  // Only a spec whose fields are listed in ascending order: then the canonical order of the
  // fields is the spec's, and the typed object gets its keys in the order the strict path gives.
  const sorted = keys.every((k, i) => i === 0 || keys[i - 1] < k);
  c = sorted ? {
    fields: keys.map((k) => field(spec[k])),
    keys,
    first: keys.map((k) => `"${k}":`),
    later: keys.map((k) => `,"${k}":`),
  } : null;
  compiled.set(spec, c);
  return c;
}

/** A field's check as one record of one shape (the reader looks at every field of every leaf). */
function field(check) {
  const base = check.inner ?? check;
  let how = STRING;
  if (base.body) how = BODY;
  else if (base.spec) how = OBJECT;
  else if (base.item) how = SEQUENCE;
  else if (base.digits) how = INTEGER;
  return {
    how,
    check,
    optional: check.optional === true,
    object: how === OBJECT ? compile(base.spec) : null,
    item: how === SEQUENCE ? field(base.item) : null,
  };
}

/**
 * Reads `text` (the UTF-8 decoding of a leaf's bytes: no lone surrogates) as the canonical
 * encoding of an entry whose envelope has the fields of `envelope` and whose body has the
 * fields of `bodies[kind]`. Returns `{ env, body }` as the strict path would type them, or
 * null when the text is anything else (including anything the strict path refuses).
 *
 * Shapes come from the checks themselves (entry.js marks them): `spec` on a struct's check,
 * `item` on a sequence's, `inner` on an optional one's, `digits` on an integer's, `body` on
 * the envelope's body; any other check takes a string and is called on it.
 */
export function readCanonicalEntry(text, envelope, bodies) {
  // The body comes first but its fields depend on the kind, after it: take the kind from
  // where canonical text has it: after the body, so the last `},"kind":"` (a body may hold a
  // `kind` of its own, as org.register does). Only a guess: the walk below checks every
  // character, the kind included, and gives up if the guess was wrong.
  const at = text.lastIndexOf('},"kind":"');
  if (at < 0) return null;
  const end = text.indexOf('"', at + 10);
  if (end < 0) return null;
  const kind = text.slice(at + 10, end);
  if (!Object.hasOwn(bodies, kind)) return null;
  const reader = new Reader(text, compile(bodies[kind]));
  try {
    const env = reader.object(compile(envelope));
    if (reader.i !== text.length || env.kind !== kind || env.v !== 1) return null;
    return { env, body: env.body };
  } catch {
    return null; // GIVE_UP, or a field check refusing a value: the strict path says which
  }
}

class Reader {
  constructor(text, body) {
    this.s = text;
    this.i = 0;
    this.body = body; // the compiled fields of the body's kind
  }

  object(c) {
    const { s } = this;
    if (c === null || s.charCodeAt(this.i) !== 0x7b) throw GIVE_UP; // '{'
    this.i += 1;
    const out = {};
    let any = false;
    const { fields, keys } = c;
    for (let f = 0; f < fields.length; f++) {
      const token = any ? c.later[f] : c.first[f];
      if (!s.startsWith(token, this.i)) {
        if (fields[f].optional) continue;
        throw GIVE_UP;
      }
      this.i += token.length;
      any = true;
      out[keys[f]] = this.value(fields[f]);
    }
    if (s.charCodeAt(this.i) !== 0x7d) throw GIVE_UP; // '}'
    this.i += 1;
    return out;
  }

  value(f) {
    switch (f.how) {
      case STRING: return f.check(this.string(), '');
      case INTEGER: return this.integer();
      case OBJECT: return this.object(f.object);
      case SEQUENCE: return this.sequence(f.item);
      default: return this.object(this.body);
    }
  }

  sequence(item) {
    const { s } = this;
    if (s.charCodeAt(this.i) !== 0x5b) throw GIVE_UP; // '['
    this.i += 1;
    const out = [];
    if (s.charCodeAt(this.i) === 0x5d) { // ']'
      this.i += 1;
      return out;
    }
    for (;;) {
      out.push(this.value(item));
      const c = s.charCodeAt(this.i);
      this.i += 1;
      if (c === 0x5d) return out;
      if (c !== 0x2c) throw GIVE_UP; // ','
    }
  }

  /** A string without escapes: the characters between the quotes, none a control character. */
  string() {
    const { s } = this;
    if (s.charCodeAt(this.i) !== 0x22) throw GIVE_UP; // '"'
    const from = this.i + 1;
    const n = s.length;
    let j = from;
    for (; j < n; j++) {
      const c = s.charCodeAt(j);
      if (c === 0x22) break;
      if (c < 0x20 || c === 0x5c) throw GIVE_UP; // a control character or an escape
    }
    if (j === n) throw GIVE_UP;
    this.i = j + 1;
    return s.slice(from, j);
  }

  /** An unsigned integer as canonical JSON writes it, below 10^15 (longer ones: the strict path). */
  integer() {
    const { s } = this;
    const from = this.i;
    const end = Math.min(s.length, from + 16);
    let j = from;
    while (j < end) {
      const c = s.charCodeAt(j);
      if (c < 0x30 || c > 0x39) break;
      j += 1;
    }
    const n = j - from;
    if (n === 0 || n > 15 || (n > 1 && s.charCodeAt(from) === 0x30)) throw GIVE_UP;
    this.i = j;
    return Number(s.slice(from, j));
  }
}
