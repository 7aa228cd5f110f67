// Browser end-to-end tests of donation receipts on the public page, against the real server
// (`fundtrail demo`): #/receipt/<code> fetches a receipt and checks it in the browser; a
// donor pastes their own receipt (with the salt) and their e-mail address to prove the
// donation is theirs; a tampered receipt is refused.
//
// Needs Chromium, playwright-core and a built server binary (see tests/web/harness.mjs);
// skipped with the reason when one is missing. Static files come from the working copy of web/.
// Screenshots go to target/e2e/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  skipReason, outDir, startDemo, launchBrowser, openPage, shutDown,
} from './harness.mjs';

if (skipReason) console.log(`# SKIP receipt browser tests: ${skipReason}`);

const EMAIL = 'le.thi.mai@example.vn';

let demo = null;
let base = '';
let browser = null;
let recorderToken = '';
let donation = null;

before(async () => {
  if (skipReason) return;
  demo = await startDemo({ tmpPrefix: 'fundtrail-receipt-e2e-', recorderToken: true });
  ({ base, recorderToken } = demo);
  const r = await fetch(`${base}/api/v1/donations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${recorderToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      campaign: 'flood-2026', amount: '750000', channel: 'cash', publish_name: false,
      donor_private: { name: 'Lê Thị Mai', email: EMAIL, phone: '+84 90 000 0000' },
    }),
  });
  assert.equal(r.status, 201, await r.clone().text());
  donation = await r.json();
  browser = await launchBrowser();
});

after(() => shutDown(browser, demo));

/** A new English page serving web/ from the working copy, recording dialogs and errors. */
const newPage = () => openPage(browser, base);

/** Pastes `text` (and an identifier) into the receipt form, submits, and returns the verdict. */
async function pasteAndCheck(page, text, identifier = '') {
  await page.fill('#receipt-json', text);
  await page.fill('#receipt-identifier', identifier);
  await page.click('.receipt-form button[type=submit]');
  await page.waitForSelector('.receipt-result .verdict', { timeout: 15_000 });
  return page.locator('.receipt-result').textContent();
}

test('#/receipt/<code> fetches the public receipt and proves the donation in the browser', { skip: skipReason || false }, async () => {
  const { page, context, problems } = await newPage();
  const { code } = donation.receipt;

  await page.goto(`${base}/#/receipt/${code}`);
  await page.waitForSelector('.verdict', { timeout: 15_000 });

  const text = await page.textContent('main');
  assert.ok(text.includes('Proved: this donation is in the signed public record'), text);
  assert.equal(await page.getAttribute('.receipt-sheet', 'data-seq'), String(donation.seq));
  assert.equal(await page.textContent('.receipt-sheet [data-field="code"]'), code);
  assert.equal(await page.locator('main .verdict.bad').count(), 0);
  assert.ok(!text.includes(EMAIL), 'no personal data on the public receipt');
  // The demo's witnesses cosign a moment after the append: the page waits for them (or
  // finds them already there) and then says the quorum is met, never "not met".
  await page.waitForSelector('#witness-quorum.good, #witness-quorum.bad', { timeout: 45_000 });
  assert.match(await page.getAttribute('#witness-quorum', 'class'), /\bgood\b/);
  assert.equal(await page.locator('.print').count(), 1);
  await page.screenshot({ path: path.join(outDir, 'receipt-by-code.png'), fullPage: true });
  assert.deepEqual(problems, { dialogs: [], errors: [] });
  await context.close();
});

test('a donor pastes their receipt and e-mail address and the page proves the donation is theirs', { skip: skipReason || false }, async () => {
  const { page, context, problems } = await newPage();
  await page.goto(`${base}/#/receipt`);
  await page.waitForSelector('#receipt-json');

  const mine = await pasteAndCheck(page, JSON.stringify(donation.receipt), EMAIL);
  const notMine = await pasteAndCheck(page, JSON.stringify(donation.receipt), 'someone@example.vn');
  const tampered = JSON.parse(JSON.stringify(donation.receipt));
  tampered.leaf = tampered.leaf.replace('750000', '950000');
  const changed = await pasteAndCheck(page, JSON.stringify(tampered));
  const garbage = await pasteAndCheck(page, '{not json');

  assert.ok(mine.includes('this donation is yours'), mine);
  assert.ok(notMine.includes('This receipt does not verify'), notMine);
  assert.ok(changed.includes('This receipt does not verify'), changed);
  assert.ok(garbage.includes('This is not a receipt file'), garbage);
  await page.screenshot({ path: path.join(outDir, 'receipt-pasted.png'), fullPage: true });
  assert.deepEqual(problems, { dialogs: [], errors: [] });
  await context.close();
});

test('an unknown receipt code says so', { skip: skipReason || false }, async () => {
  const { page, context } = await newPage();
  await page.goto(`${base}/#/receipt/R-${donation.seq}-00000000`);
  await page.waitForSelector('#receipt-json');

  assert.ok((await page.textContent('main')).includes('No donation has the receipt code'));
  await context.close();
});
