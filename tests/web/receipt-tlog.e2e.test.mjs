// Browser end-to-end test of a receipt as a C2SP tlog-proof file (SPEC.md §12.1) on the
// receipt page: `fundtrail demo` (three witnesses of its own, quorum two of three), the
// `.tlog-proof` of one of its donations pasted or chosen as a file, checked in the browser as
// the CLI checks it (checkpoint signature with the published key, inclusion, cosignatures
// against the published policy), in English and Vietnamese; a changed proof line is refused.
//
// Needs Chromium, playwright-core and a built server binary (see tests/web/harness.mjs);
// skipped with the reason when one is missing. Screenshots go to target/e2e/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  skipReason, outDir, startDemo, launchBrowser, openPage, shutDown,
} from './harness.mjs';

if (skipReason) console.log(`# SKIP tlog-proof receipt browser tests: ${skipReason}`);
const skip = skipReason || false;

let demo = null;
let browser = null;
let proof = '';
let code = '';

before(async () => {
  if (skipReason) return;
  demo = await startDemo({ tmpPrefix: 'fundtrail-tlog-receipt-' });
  // Until two of the demo's three witnesses have cosigned a checkpoint.
  for (let i = 0; i < 200; i++) {
    const note = await (await fetch(`${demo.base}/log/checkpoint`)).text();
    if ((note.match(/\n\u2014 [a-z-]+\.demo\.fundtrail\.local /g) || []).length >= 2) break;
    await new Promise((r) => { setTimeout(r, 100); });
  }
  const entry = await (await fetch(`${demo.base}/api/v1/entries/3`)).json();
  code = `R-3-${entry.leaf_hash.slice(0, 8)}`;
  proof = await (await fetch(`${demo.base}/api/v1/receipts/${code}/receipt.tlog-proof`)).text();
  assert.match(proof, /^c2sp\.org\/tlog-proof@v1\nextra /);
  browser = await launchBrowser();
});

after(() => shutDown(browser, demo));

/** Checks `text` on the receipt page in `lang` (pasted, or with `file` chosen instead). */
async function check(lang, text, { file = null, name }) {
  const { page, context, problems } = await openPage(browser, demo.base, { locale: lang === 'vi' ? 'vi-VN' : 'en-US' });
  await page.goto(`${demo.base}/#/receipt`);
  await page.waitForSelector('#receipt-json');
  if (file) await page.setInputFiles('#receipt-file', file);
  else await page.fill('#receipt-json', text);
  if (file) await page.waitForFunction(() => document.querySelector('#receipt-json').value.startsWith('c2sp.org/'));
  await page.click('.receipt-form button[type=submit]');
  await page.waitForSelector('.receipt-result .verdict');
  const good = /\bgood\b/.test(await page.locator('.receipt-result .verdict').first().getAttribute('class'));
  if (good) await page.waitForSelector('.receipt-result #witness-quorum');
  await page.screenshot({ path: path.join(outDir, `receipt-tlog-${name}.png`), fullPage: true });
  const result = {
    good,
    verdict: await page.locator('.receipt-result .verdict').first().textContent(),
    quorum: good ? await page.getAttribute('.receipt-result #witness-quorum', 'class') : null,
    cosigned: await page.locator('.receipt-result ul.witnesses li.cosigned').count(),
    lang: await page.getAttribute('html', 'lang'),
    errors: problems.errors,
  };
  await context.close();
  return result;
}

for (const lang of ['en', 'vi']) {
  test(`a pasted .tlog-proof verifies in the browser with the quorum of witnesses met (${lang})`, { skip }, async () => {
    const r = await check(lang, proof, { name: `pasted-${lang}` });

    assert.ok(r.good, r.verdict);
    assert.ok(r.verdict.includes(code), r.verdict);
    assert.match(r.quorum, /\bgood\b/);
    assert.ok(r.cosigned >= 2, `${r.cosigned} witnesses shown as cosigned`);
    assert.equal(r.lang, lang);
    assert.deepEqual(r.errors, []);
  });

  test(`a .tlog-proof file chosen from disk verifies in the browser (${lang})`, { skip }, async () => {
    const file = path.join(demo.dataDir, `${code}.tlog-proof`);
    fs.writeFileSync(file, proof);

    const r = await check(lang, null, { file, name: `file-${lang}` });

    assert.ok(r.good, r.verdict);
    assert.match(r.quorum, /\bgood\b/);
  });

  test(`a .tlog-proof with a changed proof line is refused (${lang})`, { skip }, async () => {
    const lines = proof.split('\n');
    const at = lines.findIndex((l) => /^[A-Za-z0-9+/]{43}=$/.test(l));
    assert.ok(at > 0, 'the proof has a hash line');
    lines[at] = `${lines[at][0] === 'A' ? 'B' : 'A'}${lines[at].slice(1)}`;

    const r = await check(lang, lines.join('\n'), { name: `tampered-${lang}` });

    assert.ok(!r.good, r.verdict);
    assert.equal(r.lang, lang);
  });
}
