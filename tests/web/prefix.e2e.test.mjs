// Browser end-to-end tests of the public page and the staff console served under a prefix, as
// a platform serves each organisation (`/o/<slug>/`, SPEC.md §24): a loopback reverse proxy
// (harness.mjs prefixProxy) serves `fundtrail demo` at `/o/test-org/` and answers 404 outside
// it. The page verifies the whole ledger, a campaign shows its VietQR codes, a receipt is
// proved by its code, the console signs in, and nothing is asked for outside the prefix.
//
// Needs Chromium, playwright-core and a built server binary (tests/web/harness.mjs); skipped
// with the reason when one is missing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  skipReason, outDir, launchBrowser, openPage, shutDown, prefixProxy,
} from './harness.mjs';
import { startStaffDemo, signInByLink } from './staff-harness.mjs';

if (skipReason) console.log(`# SKIP prefix browser tests: ${skipReason}`);
const skip = skipReason || false;

const PREFIX = '/o/test-org';

let demo = null;
let proxy = null;
let browser = null;

before(async () => {
  if (skipReason) return;
  demo = await startStaffDemo('fundtrail-prefix-e2e-');
  proxy = await prefixProxy(demo.base, PREFIX);
  browser = await launchBrowser();
});

after(async () => {
  if (proxy) await proxy.stop();
  await shutDown(browser, demo);
});

/** A page on the prefixed site that records every address the page and its workers ask for. */
async function prefixedPage() {
  proxy.requests.length = 0;
  const opened = await openPage(browser, proxy.base);
  opened.asked = [];
  opened.context.on('request', (r) => opened.asked.push(r.url()));
  return opened;
}

/** The addresses in `asked` outside the prefixed site (data: and blob: addresses aside). */
const outside = (asked) => asked.filter((u) => !u.startsWith(`${proxy.base}/`) && !/^(data|blob):/.test(u));

test('under /o/test-org/ the public page verifies the whole ledger and remembers its checkpoint apart from other sites', { skip }, async () => {
  const { page, context, problems, asked } = await prefixedPage();

  await page.goto(`${proxy.base}/#/verify`);
  await page.waitForSelector('#verify-all');
  await page.click('#verify-all');
  await page.waitForSelector('#verdict .verdict.good', { timeout: 60_000 });
  await page.screenshot({ path: path.join(outDir, 'prefix-verify.png'), fullPage: true });
  const stored = await page.evaluate(() => Object.keys(localStorage));

  assert.ok(stored.includes(`fundtrail.verified ${PREFIX}/`), `stored: ${stored}`);
  assert.ok(!stored.includes('fundtrail.verified'), 'the key of a site at the root is left alone');
  assert.equal(await page.getAttribute('#api-link', 'href'), 'api/v1/info');
  assert.ok(asked.some((u) => u.startsWith(`${proxy.base}/log/`)), 'the tiles came from the prefixed site');
  assert.deepEqual(outside(asked), []);
  assert.deepEqual(proxy.requests, []);
  assert.deepEqual(problems, { dialogs: [], errors: [] });
  await context.close();
});

test('under /o/test-org/ a campaign page shows its accounts with their VietQR codes, every one asked for under the prefix', { skip }, async () => {
  const { page, context, problems, asked } = await prefixedPage();

  await page.goto(`${proxy.base}/#/campaign/flood-2026`);
  await page.waitForSelector('#give img.vietqr');
  await page.waitForFunction(() => [...document.querySelectorAll('#give img.vietqr')].every((i) => i.complete && i.naturalWidth > 0));
  const sources = await page.$$eval('#give img.vietqr', (imgs) => imgs.map((i) => i.src));

  assert.ok(sources.length > 0);
  for (const src of sources) assert.ok(src.startsWith(`${proxy.base}/api/v1/campaigns/flood-2026/vietqr/`), src);
  assert.deepEqual(outside(asked), []);
  assert.deepEqual(proxy.requests, []);
  assert.deepEqual(problems, { dialogs: [], errors: [] });
  await context.close();
});

test('under /o/test-org/ a receipt is proved by its code and its address names the prefixed page', { skip }, async () => {
  const r = await fetch(`${proxy.base}/api/v1/donations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${demo.recorderToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      campaign: 'flood-2026', amount: '320000', channel: 'cash', publish_name: false,
    }),
  });
  assert.equal(r.status, 201, await r.clone().text());
  const { receipt } = await r.json();
  const { page, context, problems, asked } = await prefixedPage();

  await page.goto(`${proxy.base}/#/receipt/${receipt.code}`);
  await page.waitForSelector('.verdict', { timeout: 15_000 });
  const text = await page.textContent('main');
  const shown = await page.textContent('.receipt-sheet [data-field="url"]');

  assert.ok(text.includes('Proved: this donation is in the signed public record'), text);
  assert.equal(shown, `${proxy.base}/#/receipt/${receipt.code}`);
  assert.deepEqual(outside(asked), []);
  assert.deepEqual(proxy.requests, []);
  assert.deepEqual(problems, { dialogs: [], errors: [] });
  await context.close();
});

test('under /o/test-org/ the staff console signs in, shows the dashboard and links to the prefixed public page', { skip }, async () => {
  const { page, context, problems, asked } = await prefixedPage();
  const url = `${proxy.base}/staff/`;

  await signInByLink(page, url, demo.adminToken);
  await page.screenshot({ path: path.join(outDir, 'prefix-staff.png'), fullPage: true });
  const publicLink = await page.getAttribute('#public-link', 'href');
  const who = await page.textContent('#who');

  assert.equal(publicLink, `${proxy.base}/#/`);
  assert.ok(who.trim().length > 0, 'signed in: the console names who');
  assert.deepEqual(outside(asked), []);
  assert.deepEqual(proxy.requests, []);
  assert.deepEqual(problems, { dialogs: [], errors: [] });
  await context.close();
});
