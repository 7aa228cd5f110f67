// Browser end-to-end tests of evidence documents on the public page, against the real server
// (`fundtrail demo`): staff upload files, a disbursement lists them, and the page's
// "Check file" recomputes each download's SHA-256 and compares it with the ledger.
//
// Needs Chromium, playwright-core and a built server binary (see tests/web/harness.mjs);
// skipped with the reason when one is missing. Static files come from the working copy of web/.
// Screenshots go to target/e2e/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { checkEvidence } from '../../web/views/evidence.js';
import { sha256Hex } from '../../web/verify.js';
import {
  skipReason, outDir, startDemo, launchBrowser, openPage, shutDown,
} from './harness.mjs';

if (skipReason) console.log(`# SKIP evidence browser tests: ${skipReason}`);

const EVIL_NAME = '<img src=x onerror=alert(1)>.pdf';
const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n');
const CSV = Buffer.from('household,people\nNguyễn Văn An,5\n');

let demo = null;
let base = '';
let dataDir = '';
let browser = null;
let recorderToken = '';
let disbursementSeq = -1;
let uploaded = [];

const hex = (bytes) => crypto.createHash('sha256').update(bytes).digest('hex');

before(async () => {
  if (skipReason) return;
  demo = await startDemo({ tmpPrefix: 'fundtrail-evidence-e2e-', recorderToken: true });
  ({ base, dataDir, recorderToken } = demo);
  // Staff upload two documents, one named like HTML, and disburse with what the upload returned.
  const form = new FormData();
  form.append('file', new Blob([PDF], { type: 'application/pdf' }), EVIL_NAME);
  form.append('file', new Blob([CSV], { type: 'text/csv' }), 'danh-sach.csv');
  const up = await fetch(`${base}/api/v1/evidence`, { method: 'POST', headers: { authorization: `Bearer ${recorderToken}` }, body: form });
  assert.equal(up.status, 201, await up.clone().text());
  uploaded = (await up.json()).evidence;
  const pay = await fetch(`${base}/api/v1/disbursements`, {
    method: 'POST',
    headers: { authorization: `Bearer ${recorderToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      campaign: 'flood-2026', amount: '100000', recipient: 'Xã Nghĩa Hành', purpose: 'Water filters', evidence: uploaded,
    }),
  });
  assert.equal(pay.status, 201, await pay.clone().text());
  disbursementSeq = (await pay.json()).seq;
  browser = await launchBrowser();
});

after(() => shutDown(browser, demo));

/** A new English page serving web/ from the working copy, recording dialogs and errors. */
const newPage = () => openPage(browser, base);

/** Polls `check()` every 50 ms until it is truthy (from the test, not the page: strict CSP). */
async function until(check, what, ms = 15_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => { setTimeout(r, 50); });
  }
}

/** Clicks "Check this file" for the document `sha256` and returns the result text once shown. */
async function check(page, sha256) {
  const box = page.locator(`.ev-check[data-sha256="${sha256}"]`).first();
  await box.locator('button.ev-check-button').click();
  await until(async () => (await box.locator('.ev-result').getAttribute('data-matches')) !== null, 'the check');
  return box.locator('.ev-result').textContent();
}

test('checkEvidence hashes the download and compares it with the ledger (no browser)', async () => {
  const body = new TextEncoder().encode('demo invoice');
  const fake = async () => new Response(body);
  assert.equal(await sha256Hex(body), hex(Buffer.from(body)));
  const { bytes, ...found } = await checkEvidence(hex(Buffer.from(body)), fake);
  assert.deepEqual(found, { matches: true, actual: hex(Buffer.from(body)), size: body.length });
  assert.deepEqual(new Uint8Array(bytes), body, 'the checked bytes, for a thumbnail or a download');
  assert.equal((await checkEvidence('00'.repeat(32), fake)).matches, false);
  await assert.rejects(checkEvidence('00'.repeat(32), async () => new Response('no', { status: 404 })), { status: 404 });
});

test('"Check file" says an uploaded document matches the ledger, and its HTML-like name is literal text', { skip: skipReason || false }, async () => {
  const { page, context, problems } = await newPage();
  const [pdf, csv] = uploaded;
  assert.equal(pdf.sha256, hex(PDF));
  assert.equal(pdf.name, EVIL_NAME);

  await page.goto(`${base}/#/entry/${disbursementSeq}`);
  await page.waitForSelector('.ev-check');
  assert.equal(
    await page.getAttribute(`.ev-check[data-sha256="${pdf.sha256}"] a.ev-download`, 'href'),
    `${base}/api/v1/evidence/${pdf.sha256}`,
  );

  assert.equal(await check(page, pdf.sha256), '✓ This file is exactly the one recorded with the payment.');
  assert.equal(await check(page, csv.sha256), '✓ This file is exactly the one recorded with the payment.');
  assert.ok((await page.textContent('main')).includes(EVIL_NAME), 'the name is shown as text');
  assert.equal(await page.locator('main img').count(), 0);
  await page.screenshot({ path: path.join(outDir, 'evidence-checked.png'), fullPage: true });
  await page.waitForTimeout(300);
  assert.deepEqual(problems, { dialogs: [], errors: [] });
  await context.close();
});

test('the demo\'s own evidence documents check out on the campaign page', { skip: skipReason || false }, async () => {
  const { page, context, problems } = await newPage();
  await page.goto(`${base}/#/campaign/clean-water-usd`);
  await page.waitForSelector('.ev-check');
  const sha = await page.getAttribute('.ev-check', 'data-sha256');

  assert.equal(await check(page, sha), '✓ This file is exactly the one recorded with the payment.');
  assert.deepEqual(problems, { dialogs: [], errors: [] });
  await context.close();
});

test('a document changed on the server is flagged as not matching the ledger', { skip: skipReason || false }, async () => {
  const { page, context, problems } = await newPage();
  const [, csv] = uploaded;
  const file = path.join(dataDir, 'data', 'evidence', csv.sha256.slice(0, 2), csv.sha256);
  const changed = Buffer.from(CSV.toString().replace('5', '9'));
  fs.writeFileSync(file, changed);

  await page.goto(`${base}/#/entry/${disbursementSeq}`);
  await page.waitForSelector('.ev-check');
  const text = await check(page, csv.sha256);

  assert.match(text, /^✗ This file is NOT the one recorded with the payment/);
  assert.ok(text.includes(hex(changed)), text);
  assert.equal(await page.locator(`.ev-check[data-sha256="${csv.sha256}"] .ev-result.bad`).count(), 1);
  const served = Buffer.from(await (await fetch(`${base}/api/v1/evidence/${csv.sha256}`)).arrayBuffer());
  assert.ok(served.equals(changed), 'the server still serves the file as stored');
  await page.screenshot({ path: path.join(outDir, 'evidence-mismatch.png'), fullPage: true });
  assert.deepEqual(problems, { dialogs: [], errors: [] });
  await context.close();
});

test('a downloaded document is an attachment that cannot run script in the origin', { skip: skipReason || false }, async () => {
  const r = await fetch(`${base}/api/v1/evidence/${uploaded[0].sha256}`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/pdf');
  assert.match(r.headers.get('content-disposition'), /^attachment; filename="[0-9a-f]{64}\.pdf"$/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.match(r.headers.get('content-security-policy'), /^default-src 'none'/);
});
