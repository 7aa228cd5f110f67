// Browser end-to-end test of the reconciliation view (#/accounts, SPEC.md §16) against the real
// server (`fundtrail demo`): after the demo's own statement (2026-11-01 to 11-15, reconciled), a
// second statement of the demo's Vietcombank account is recorded with a line a donation names, a
// gift nobody recorded and a bank fee; the page fetches the ledger and
// the published lines, checks them in the browser and shows the omission with its line and day.
// Its screenshot (target/e2e/accounts.png) is the one in the README.
//
// Needs Chromium, playwright-core and a built server binary (see tests/web/harness.mjs).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  skipReason, outDir, startDemo, launchBrowser, openPage, shutDown,
} from './harness.mjs';

if (skipReason) console.log(`# SKIP reconciliation browser test: ${skipReason}`);

let demo = null;
let base = '';
let browser = null;
let statementSeq = 0;

async function post(pathName, body, token) {
  const r = await fetch(`${base}/api/v1${pathName}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(r.status, 201, await r.clone().text());
  return r.json();
}

before(async () => {
  if (skipReason) return;
  demo = await startDemo({ tmpPrefix: 'fundtrail-reconcile-e2e-', recorderToken: true });
  ({ base } = demo);
  const token = demo.recorderToken;
  await post('/donations', {
    campaign: 'flood-2026', amount: '500000', donor: 'Anonymous', channel: 'bank_transfer', reference: 'FT24330A1', received_at: '2026-11-20',
  }, token);
  const st = await post('/statements/entries', {
    account: { bank: 'Vietcombank', holder: 'Quỹ Cứu trợ Cộng đồng', number: '0071 0012 34567' },
    currency: 'VND',
    // It continues the demo's statement: the day after it ends, from its closing balance.
    from: '2026-11-16',
    to: '2026-11-30',
    opening: '37262345',
    closing: '37951345',
    file_sha256: '22'.repeat(32),
    lines: [
      { amount: '500000', date: '2026-11-20', id: 'FT24330A1' },
      { amount: '200000', date: '2026-11-22', id: 'FT24330B2', memo: 'ung ho mien Trung' },
      { amount: '-11000', date: '2026-11-30', id: 'FEE1130' },
    ],
    exclusions: [{ line: 3, reason: 'fee' }],
  }, token);
  statementSeq = st.seq;
  browser = await launchBrowser();
});

after(() => shutDown(browser, demo));

test('in Vietnamese, #/accounts says every difference and explained line in Vietnamese, from their codes', { skip: skipReason || false }, async () => {
  const { page, context, problems } = await openPage(browser, base, { locale: 'vi-VN' });
  await page.goto(`${base}/#/accounts`);
  await page.waitForSelector('main .verdict', { timeout: 20_000 });
  const text = await page.textContent('main');
  assert.ok(text.includes(`sao kê ${statementSeq} dòng 2 (ngày 2026-11-22): khoản nhận 200000 (FT24330B2) có trong sao kê nhưng không khoản ủng hộ nào ghi nhận`), text);
  await page.click('main details summary');
  assert.ok((await page.textContent('main')).includes('(FEE1130) được giải thích là phí ngân hàng'));
  assert.ok(!(await page.textContent('main')).includes('no donation names it'));
  assert.deepEqual(problems, { dialogs: [], errors: [] });
  await context.close();
});

test('#/accounts shows each account reconciled in the browser, with every difference and its line and day', { skip: skipReason || false }, async () => {
  const { page, context, problems } = await openPage(browser, base);
  await page.goto(`${base}/#/accounts`);
  await page.waitForSelector('main .verdict', { timeout: 20_000 });
  const text = await page.textContent('main');
  assert.ok(text.includes(`statement ${statementSeq} line 2 (2026-11-22): credit 200000 (FT24330B2) is in the statement but no donation names it`), text);
  // The demo's own statement is clean: the account is reconciled through its last day.
  assert.ok(text.includes('Reconciled through: Nov 15, 2026'), text);
  assert.ok(text.includes('(INT261115) explained as interest'), text);
  await page.click('main details summary');
  assert.ok((await page.textContent('main')).includes('(FEE1130) explained as fee'));
  // A donor finds their transfer: proved in the browser, and the omission said plainly.
  await page.fill('#bank-line-id', 'FT24330B2');
  await page.click('.bank-line-form button[type=submit]');
  await page.waitForSelector('.bank-line [data-omission]', { timeout: 15_000 });
  assert.match(await page.textContent('.bank-line'), /line 2\./);
  assert.match(await page.textContent('.bank-line'), /Proved in your browser/);
  await page.screenshot({ path: path.join(outDir, 'accounts.png'), fullPage: true });
  await page.fill('#bank-line-id', 'FT24330A1');
  await page.click('.bank-line-form button[type=submit]');
  await page.waitForFunction(() => document.querySelector('.bank-line .verdict.good'));
  assert.match(await page.textContent('.bank-line'), /Recorded: donation/);
  assert.deepEqual(problems, { dialogs: [], errors: [] });
  await context.close();
});
