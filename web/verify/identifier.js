// Donor identifiers as the commitment takes them (SPEC.md §2.4.1): the same e-mail address
// or phone number written differently becomes one text. A second implementation of the
// rule in crates/fundtrail-ledger/src/identifier.rs; tests/vectors/identifiers/normalise.json
// holds both to it.

/** Tab, line feed, vertical tab, form feed, carriage return, space, no-break space. */
const SPACES = new Set(['\t', '\n', '\u000b', '\u000c', '\r', ' ', '\u00a0']);
const PHONE_SEPARATORS = new Set([...SPACES, '-', '.', '(', ')']);

function trimSpaces(text) {
  const chars = Array.from(text);
  let start = 0;
  let end = chars.length;
  while (start < end && SPACES.has(chars[start])) start += 1;
  while (end > start && SPACES.has(chars[end - 1])) end -= 1;
  return chars.slice(start, end).join('');
}

function asciiLower(text) {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

function email(t) {
  const at = t.indexOf('@');
  if (at < 0) return null;
  const local = t.slice(0, at);
  const domain = t.slice(at + 1);
  const looksLike = local !== '' && domain !== '' && !domain.includes('@')
    && domain.includes('.') && !Array.from(t).some((c) => SPACES.has(c));
  return looksLike ? asciiLower(t) : null;
}

function vietnamese(subscriber) {
  return `+84${subscriber.startsWith('0') ? subscriber.slice(1) : subscriber}`;
}

function phone(t) {
  const compact = Array.from(t).filter((c) => !PHONE_SEPARATORS.has(c)).join('');
  const plus = compact.startsWith('+');
  const digits = plus ? compact.slice(1) : compact;
  if (digits.length < 8 || digits.length > 15 || !/^[0-9]+$/.test(digits)) return null;
  let international = null;
  if (plus) international = digits;
  else if (digits.startsWith('00')) international = digits.slice(2);
  if (international !== null) {
    if (international.startsWith('84') && international.length > 2) return vietnamese(international.slice(2));
    return `+${international}`;
  }
  if (digits.startsWith('0') && (digits.length === 10 || digits.length === 11)) return vietnamese(digits.slice(1));
  if (digits.startsWith('84') && (digits.length === 11 || digits.length === 12)) return vietnamese(digits.slice(2));
  return digits;
}

/**
 * `text` trimmed, then: an e-mail address with its ASCII letters lower-cased; a phone number
 * as `+` and its digits, Vietnamese numbers as `+84` and the subscriber number; anything else
 * as trimmed (SPEC.md §2.4.1).
 */
export function normaliseIdentifier(text) {
  const trimmed = trimSpaces(String(text));
  return email(trimmed) ?? phone(trimmed) ?? trimmed;
}

/** The texts to try against a commitment: the normalised form, then the text as typed. */
export function identifierCandidates(typed) {
  const normalised = normaliseIdentifier(typed);
  return normalised === typed ? [normalised] : [normalised, typed];
}
