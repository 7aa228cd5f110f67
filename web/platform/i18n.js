// The platform page's words in English and Vietnamese (strings-en.js, strings-vi.js). The
// language is the one choice every page of the host shares (the public page's `fundtrail.lang`
// in localStorage), else navigator.language; the switch in the header changes it. The page
// keeps its own short table rather than loading the public page's long one on a phone.

import { EN } from './strings-en.js';
import { VI } from './strings-vi.js';

const STRINGS = { en: EN, vi: VI };

/** The languages of the page. */
export const LANGS = Object.keys(STRINGS);
/** Where the public page keeps the visitor's choice of language; this page shares it. */
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

/** The visitor's language (`en` or `vi`). */
export function lang() {
  return current;
}

/** Changes the language (and remembers it, when storage allows). */
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
  const s = STRINGS[current][key] ?? EN[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (m, k) => (Object.hasOwn(params, k) ? String(params[k]) : m));
}

/** The label keys of a language (for tests). */
export function platformKeysOf(l) {
  return Object.keys(STRINGS[l] || {});
}
