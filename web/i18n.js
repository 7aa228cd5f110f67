// Labels in English and Vietnamese (strings-en.js, strings-vi.js). The language comes from a
// saved choice, else from navigator.language; the switch in the header changes it.

import { EN } from './strings-en.js';
import { VI } from './strings-vi.js';

const STRINGS = { en: EN, vi: VI };

export const LANGS = Object.keys(STRINGS);
const STORE_KEY = 'fundtrail.lang';

function initial() {
  try {
    const saved = globalThis.localStorage && localStorage.getItem(STORE_KEY);
    if (saved && STRINGS[saved]) return saved;
  } catch {
    // storage may be unavailable
  }
  const nav = (globalThis.navigator && (navigator.languages?.[0] || navigator.language)) || 'en';
  return nav.toLowerCase().startsWith('vi') ? 'vi' : 'en';
}

let current = initial();

export function lang() {
  return current;
}

/** The BCP 47 locale used for numbers and dates. */
export function locale() {
  return current === 'vi' ? 'vi-VN' : 'en-US';
}

export function setLang(l) {
  if (!STRINGS[l]) return;
  current = l;
  try {
    localStorage.setItem(STORE_KEY, l);
  } catch {
    // ignore
  }
}

/** The label `key` with {name} placeholders filled from params (as plain text). */
export function t(key, params = {}) {
  const s = STRINGS[current][key] ?? STRINGS.en[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (m, k) => (Object.hasOwn(params, k) ? String(params[k]) : m));
}

export function has(key) {
  return Object.hasOwn(STRINGS.en, key);
}

/** The label keys of a language (for tests). */
export function keysOf(l) {
  return Object.keys(STRINGS[l] || {});
}
