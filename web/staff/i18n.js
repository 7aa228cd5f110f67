// The staff console's words in English and Vietnamese. The console's own labels are in
// strings-en.js and strings-vi.js; every other label (kinds, channels, amounts refused, ...)
// comes from the public page's table (../i18n.js), which also holds the one language choice
// both pages share.

import {
  t as pageT, has as pageHas, lang, setLang, locale,
} from '../i18n.js';
import { EN } from './strings-en.js';
import { VI } from './strings-vi.js';

const STAFF = { en: EN, vi: VI };

export { lang, setLang, locale };

/** The label `key` with {name} placeholders filled from params (as plain text). */
export function t(key, params = {}) {
  const s = STAFF[lang()]?.[key] ?? EN[key];
  if (s === undefined) return pageT(key, params);
  return s.replace(/\{(\w+)\}/g, (m, k) => (Object.hasOwn(params, k) ? String(params[k]) : m));
}

/** Whether there is a label `key` (the console's or the page's). */
export function has(key) {
  return Object.hasOwn(EN, key) || pageHas(key);
}

/** The console's own label keys of a language (for tests). */
export function staffKeysOf(l) {
  return Object.keys(STAFF[l] || {});
}
