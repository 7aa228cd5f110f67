// Static checks of the public page's files: CSP-safe (no inline script or style, no eval),
// never HTML from data, and both languages complete.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { keysOf, LANGS } from '../../web/i18n.js';

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'web');
const read = (f) => fs.readFileSync(path.join(web, f), 'utf8');

test('the page has its files', () => {
  const files = fs.readdirSync(web);
  for (const f of ['app.js', 'i18n.js', 'index.html', 'style.css', 'verify.js', 'amount.js', 'history.js', 'history-view.js']) assert.ok(files.includes(f), f);
});

test('no HTML is built from strings, no eval, no inline handlers or styles', () => {
  for (const f of ['app.js', 'verify.js', 'i18n.js', 'amount.js', 'history.js', 'history-view.js', 'receipt.js', 'evidence.js']) {
    const src = read(f);
    for (const bad of ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', 'eval(', 'new Function', 'setAttribute(\'style', '.style.']) {
      assert.ok(!src.includes(bad), `${f} uses ${bad}`);
    }
  }
  const html = read('index.html');
  assert.ok(!/<script(?![^>]*\bsrc=)[^>]*>/.test(html), 'no inline script');
  assert.ok(!/<style/i.test(html), 'no style element');
  assert.ok(!/\sstyle=/i.test(html), 'no style attribute');
  assert.ok(!/\son[a-z]+=/i.test(html), 'no inline event handler');
  assert.ok(!/https?:\/\//.test(html), 'no external resource');
  assert.match(html, /<script type="module" src="app.js"><\/script>/);
});

test('English and Vietnamese have the same labels', () => {
  assert.deepEqual(LANGS, ['en', 'vi']);
  assert.deepEqual(keysOf('vi').sort(), keysOf('en').sort());
  assert.ok(keysOf('en').length > 100);
});
