// Static checks of the public page's words: every label it uses exists in both languages; no
// Vietnamese label is left in English; and no English sentence is written straight into the
// page's views (everything the visitor reads goes through i18n.js's t()).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { EN } from '../../web/strings-en.js';
import { VI } from '../../web/strings-vi.js';
import { webDir, webFiles } from './harness.mjs';

/** The public page's modules that draw what a visitor reads. */
const VIEW_FILES = webFiles().filter((f) => f === 'app.js' || f === 'history.js' || f.startsWith('views/'));
const read = (f) => fs.readFileSync(path.join(webDir, f), 'utf8');

/** The source `src` without its comments (line and block). */
const withoutComments = (src) => src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '').replace(/\s\/\/ .*$/gm, '');

/** The string literals of `src` ('...' and `...` without their ${} parts), in order. */
function literals(src) {
  const out = [];
  for (const m of withoutComments(src).matchAll(/'((?:[^'\\\n]|\\.)*)'|`((?:[^`\\]|\\.)*)`/g)) {
    out.push(m[1] ?? m[2].replace(/\$\{[^}]*\}/g, ' '));
  }
  return out;
}

/** Words that only an English sentence has (the Vietnamese page must not show them). */
const ENGLISH = /\b(the|and|of|is|are|was|were|this|that|your|with|from|not|could|please|entry|entries|donation|donations|payment|payments|verified|download|check|receipt|balance|anonymous|loading|something|went|wrong)\b/i;
/** Words of an English sentence that no CSS class or identifier of the views holds. */
const SENTENCE = /\b(the|and|of|is|are|was|this|that|your|with|from|not|could|please|went|wrong)\b/i;
/** Technical names that stay as they are in Vietnamese. */
const NAMES = /\b(Merkle|Ed25519|SHA-256|JSON|CSV|PDF|QR|API|HTTP|e-mail|fundtrail|seq|prev|R-12-ab12cd34)\b/g;

test('every label the public page uses is defined in English and Vietnamese', () => {
  const used = new Set();
  for (const f of VIEW_FILES) {
    for (const m of withoutComments(read(f)).matchAll(/\bt\(\s*'([a-z0-9_]+)'/g)) used.add(m[1]);
  }
  assert.ok(used.size > 150, `${used.size} labels found`);
  assert.deepEqual([...used].filter((k) => !Object.hasOwn(EN, k)), [], 'used but not in English');
  assert.deepEqual([...used].filter((k) => !Object.hasOwn(VI, k)), [], 'used but not in Vietnamese');
});

test('no Vietnamese label is left in English', () => {
  const same = Object.keys(VI).filter((k) => VI[k] === EN[k] && !/^\{?\w*\}?$/.test(VI[k]) && VI[k].replace(NAMES, '').trim().length > 3);
  assert.deepEqual(same, [], 'the same text as the English label');
  const english = Object.entries(VI).filter(([, v]) => ENGLISH.test(v.replace(/\{\w+\}/g, ' ').replace(NAMES, ' '))).map(([k, v]) => `${k}: ${v}`);
  assert.deepEqual(english, [], 'Vietnamese labels with English words');
});

test('the page\'s views write no English sentence straight into the page', () => {
  const found = [];
  for (const f of VIEW_FILES) {
    // history.js keeps its reasons in English on purpose: they are technical details, shown
    // behind a "Technical details" fold.
    if (f === 'history.js') continue;
    for (const lit of literals(read(f))) {
      if (/[A-Za-z]+ [A-Za-z]+/.test(lit) && SENTENCE.test(lit)) found.push(`${f}: ${lit}`);
    }
  }
  assert.deepEqual(found, []);
});

test('the check finds an English sentence planted in a view and an English word in a Vietnamese label (so its silence means something)', () => {
  const planted = "h('p', {}, 'Something went wrong'); const css = 'verdict good';";
  assert.deepEqual(literals(planted).filter((lit) => /[A-Za-z]+ [A-Za-z]+/.test(lit) && SENTENCE.test(lit)), ['Something went wrong']);
  assert.ok(ENGLISH.test('Đã xác minh: 3 entries'.replace(NAMES, ' ')));
  assert.ok(!ENGLISH.test(VI.verified_badge.replace(NAMES, ' ')));
});
