// The staff console's statement screen with a bank's MT940 file (SPEC.md §16): the dry run shows
// the statement it would record, the donations for credit lines no donation names and the
// payment out no disbursement names; a bank fee is left out as `3:fee`, previewed again, and
// recording adds the statement entry and the one missing donation. A CSV export of the demo's
// account in dollars, with its account, days and balances typed in, takes the same path.
//
// Needs Chromium, playwright-core and a built server binary (see tests/web/harness.mjs).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { skipReason, launchBrowser, shutDown } from './harness.mjs';
import {
  startStaffDemo, consoleUrl, staffPage, signInByLink, openScreen, ledgerSize, shot,
} from './staff-harness.mjs';

if (skipReason) console.log(`# SKIP staff statement file test: ${skipReason}`);
const skip = skipReason || false;

// The demo's Vietcombank account in đồng, the second half of November (the demo's own statement
// covers the first half and closes at 37,262,345): a gift, a payment out, a bank fee.
const MT940 = [
  ':20:VCB1126', ':25:007 1001 234 567', ':28C:1/1', ':60F:C261116VND37262345,',
  ':61:261120C300000,NTRFNONREF//FT26324MT1', ':86:ung ho mien Trung',
  ':61:261121D100000,NTRFNONREF//FT26325MT2', ':86:mua gao',
  ':61:261130D11000,NCHGNONREF//FEE1126', ':62F:C261130VND37451345,', '-}',
].join('\r\n');

let demo = null;
let browser = null;
let url = '';

before(async () => {
  if (skipReason) return;
  demo = await startStaffDemo('fundtrail-staff-mt940-');
  url = await consoleUrl(demo.base);
  browser = await launchBrowser();
});

after(() => shutDown(browser, demo));

test('an MT940 file is previewed as the statement and its missing donations, a fee left out, then recorded', { skip }, async () => {
  const { page, context, problems } = await staffPage(browser, demo.base);
  await signInByLink(page, url, demo.recorderToken);
  await openScreen(page, url, '#/statement', 'statement');
  const before = await ledgerSize(demo.base);
  await page.selectOption('select[name=campaign]', 'flood-2026');
  await page.setInputFiles('input[name=file]', [{ name: 'vcb-1126.sta', mimeType: 'text/plain', buffer: Buffer.from(MT940) }]);
  await page.click('#statement-form button[type=submit]');
  await page.waitForSelector('[data-dry-run]');
  const donations = await page.$$eval('[data-dry-run] table:nth-of-type(1) tr[data-line]', (rows) => rows.map((r) => r.dataset.line));
  assert.deepEqual(donations, ['1']);
  const text = await page.textContent('[data-dry-run]');
  assert.ok(text.includes('FT26325MT2') && text.includes('FEE1126'), text);
  assert.equal(await ledgerSize(demo.base), before, 'a preview records nothing');
  await page.fill('#statement-exclude', '3:fee');
  await page.click('[data-action=again]');
  await page.waitForFunction(() => !document.querySelector('[data-dry-run]')?.textContent.includes('FEE1126'));
  await shot(page, 'statement-mt940-preview');
  await page.click('[data-action=record]');
  await page.waitForSelector('[data-imported]');
  assert.equal(await page.getAttribute('[data-imported]', 'data-imported'), '1');
  assert.equal(await ledgerSize(demo.base), before + 2);
  assert.deepEqual(problems.errors, []);
  await context.close();
});

// The demo's account in dollars, November, as a bank's CSV export: the wire the demo recorded,
// and one nobody recorded yet.
const CSV = [
  'Date,Transaction ID,Amount,Description',
  '2026-11-06,WIRE-20261106-1,2500.50,water filters',
  '2026-11-20,WIRE-20261120-7,100.00,water filters',
].join('\n');

test('a CSV export with its account, days and balances typed in records the statement and its missing donation together', { skip }, async () => {
  const { page, context, problems } = await staffPage(browser, demo.base);
  await signInByLink(page, url, demo.recorderToken);
  await openScreen(page, url, '#/statement', 'statement');
  const before = await ledgerSize(demo.base);
  await page.selectOption('select[name=campaign]', 'clean-water-usd');
  await page.setInputFiles('input[name=file]', [{ name: 'usd-1126.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) }]);
  await page.fill('input[name=account]', '0071 0012 34567');
  await page.fill('input[name=from]', '2026-11-01');
  await page.fill('input[name=to]', '2026-11-30');
  await page.fill('input[name=opening]', '0');
  await page.fill('input[name=closing]', '260050');
  await page.click('#statement-form button[type=submit]');
  await page.waitForSelector('[data-dry-run]');
  const donations = await page.$$eval('[data-dry-run] table:nth-of-type(1) tr[data-line]', (rows) => rows.map((r) => r.dataset.line));
  assert.deepEqual(donations, ['2']);
  assert.equal(await ledgerSize(demo.base), before, 'a preview records nothing');
  await page.click('[data-action=record]');
  await page.waitForSelector('[data-imported]');
  assert.equal(await page.getAttribute('[data-imported]', 'data-imported'), '1');
  assert.equal(await ledgerSize(demo.base), before + 2);
  assert.deepEqual(problems.errors, []);
  await context.close();
});
