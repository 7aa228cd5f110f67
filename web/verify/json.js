// The strict JSON reader behind a leaf's canonical form (SPEC.md §3.1, §3.2): numbers kept as
// their text, duplicate keys and lone surrogates rejected, and whether the text is already
// canonical noticed while reading; the RFC 8785 encoder of what it reads (canonicalJson) and of
// plain JavaScript values (canonicalize). No dependencies.

/** A JSON number, kept as its text. */
export class JNum {
  constructor(text) {
    this.text = text;
  }
}

/** A text that is not JSON (or not the JSON this reader accepts); the message says where. */
export class JsonError extends Error {}

const SIMPLE_ESCAPES = {
  '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t',
};

const isDigit = (c) => c >= 0x30 && c <= 0x39;

/**
 * Parses `text`. Returns {value, plain}: `plain` is true when the text has no whitespace
 * between tokens, no escape in any string and every object's keys in ascending (UTF-16) order;
 * such a text is then exactly canonicalJson(value) (numbers are kept as their text, and a
 * string without escapes is written by JSON.stringify as it stands, as long as it holds no
 * lone surrogate — see decodeLeaf).
 */
export function parseJson(text) {
  let i = 0;
  const n = text.length;
  let plain = true;
  const ws = () => {
    const from = i;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
      i++;
    }
    if (i !== from) plain = false;
  };
  const fail = (what) => {
    throw new JsonError(`${what} at character ${i}`);
  };
  const hex4 = () => {
    const h = text.slice(i, i + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(h)) fail('invalid \\u escape');
    i += 4;
    return parseInt(h, 16);
  };
  const string = () => {
    i++; // opening quote
    let out = '';
    let start = i;
    for (;;) {
      if (i >= n) fail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(start, i);
        i++;
        return out;
      }
      if (c < 0x20) fail('control character in string');
      if (c === 0x5c) {
        plain = false;
        out += text.slice(start, i);
        const e = text[i + 1];
        i += 2;
        const simple = SIMPLE_ESCAPES[e];
        if (simple !== undefined) {
          out += simple;
          start = i;
          continue;
        }
        if (e !== 'u') fail('invalid escape');
        const u = hex4();
        if (u >= 0xd800 && u <= 0xdbff) {
          if (text[i] !== '\\' || text[i + 1] !== 'u') fail('lone leading surrogate in hex escape');
          i += 2;
          const lo = hex4();
          if (lo < 0xdc00 || lo > 0xdfff) fail('invalid trailing surrogate in hex escape');
          out += String.fromCharCode(u, lo);
        } else if (u >= 0xdc00 && u <= 0xdfff) {
          fail('lone trailing surrogate in hex escape');
        } else {
          out += String.fromCharCode(u);
        }
        start = i;
        continue;
      }
      i++;
    }
  };
  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? within the next 400 characters, or null.
  const number = () => {
    const end = Math.min(n, i + 400);
    let j = i;
    if (j < end && text.charCodeAt(j) === 0x2d) j++;
    if (j >= end) return null;
    const d = text.charCodeAt(j);
    if (d === 0x30) {
      j++;
    } else if (d >= 0x31 && d <= 0x39) {
      j++;
      while (j < end && isDigit(text.charCodeAt(j))) j++;
    } else {
      return null;
    }
    if (j + 1 < end && text.charCodeAt(j) === 0x2e && isDigit(text.charCodeAt(j + 1))) {
      j += 2;
      while (j < end && isDigit(text.charCodeAt(j))) j++;
    }
    if (j < end && (text.charCodeAt(j) | 0x20) === 0x65) {
      let k = j + 1;
      if (k < end && (text.charCodeAt(k) === 0x2b || text.charCodeAt(k) === 0x2d)) k++;
      if (k < end && isDigit(text.charCodeAt(k))) {
        k++;
        while (k < end && isDigit(text.charCodeAt(k))) k++;
        j = k;
      }
    }
    return text.slice(i, j);
  };
  const value = (depth) => {
    if (depth > 32) fail('nesting too deep');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const m = new Map();
      ws();
      if (text[i] === '}') {
        i++;
        return m;
      }
      let prev = null;
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a key');
        const k = string();
        if (m.has(k)) fail(`duplicate field \`${k}\``);
        if (prev !== null && !(prev < k)) plain = false;
        prev = k;
        ws();
        if (text[i] !== ':') fail('expected `:`');
        i++;
        m.set(k, value(depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return m;
        }
        fail('expected `,` or `}`');
      }
    }
    if (c === '[') {
      i++;
      const a = [];
      ws();
      if (text[i] === ']') {
        i++;
        return a;
      }
      for (;;) {
        a.push(value(depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return a;
        }
        fail('expected `,` or `]`');
      }
    }
    if (c === '"') return string();
    if (text.startsWith('true', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('false', i)) {
      i += 5;
      return false;
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return null;
    }
    const num = number();
    if (num !== null) {
      i += num.length;
      return new JNum(num);
    }
    fail('expected a value');
    return undefined;
  };
  const v = value(0);
  ws();
  if (i !== n) fail('trailing characters');
  return { value: v, plain };
}

/** RFC 8785 form of a value produced by parseJson (integers only, as their text). */
export function canonicalJson(v) {
  if (v === null) return 'null';
  if (v === true) return 'true';
  if (v === false) return 'false';
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof JNum) return v.text;
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v instanceof Map) {
    const keys = [...v.keys()].sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v.get(k))}`).join(',')}}`;
  }
  throw new Error('not a JSON value');
}

/** Canonical JSON (sorted keys, JSON.stringify escaping) of a plain JS value; BigInt as integer. */
export function canonicalize(v) {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new Error('only integers are allowed in canonical JSON here');
    return String(v);
  }
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalize).join(',')}]`;
  const keys = Object.keys(v).filter((k) => v[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalize(v[k])}`).join(',')}}`;
}
