// Browser end-to-end tests of the public page against the real server (`fundtrail demo`).
//
// Needs Chromium, playwright-core and a built server binary (see tests/web/harness.mjs); when
// one of them is missing, the tests print why and are skipped. The static files come from the
// working copy of web/; every /api/v1 request goes to the real server.
//
// Screenshots go to target/e2e/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { decodeLeaf, formatMoney } from '../../web/verify.js';
import {
  skipReason, repo, webDir, webFiles, outDir, startDemo, launchBrowser, openPage, shutDown,
} from './harness.mjs';

if (skipReason) console.log(`# SKIP browser end-to-end tests: ${skipReason}`);

let demo = null;
let base = '';
let dataDir = '';
let browser = null;
let bundleText = '';
let entries = []; // decoded demo entries

async function api(p) {
  const r = await fetch(`${base}/api/v1${p}`);
  assert.ok(r.ok, `${p}: HTTP ${r.status}`);
  return (r.headers.get('content-type') || '').includes('json') ? r.json() : r.text();
}

before(async () => {
  if (skipReason) return;
  demo = await startDemo({ tmpPrefix: 'fundtrail-e2e-' });
  ({ base, dataDir } = demo);
  if (process.env.FUNDTRAIL_E2E_WEB_FROM_DISK !== '1') {
    // The binary must serve exactly the working copy of the page (one file runs anywhere).
    for (const f of webFiles()) {
      const served = Buffer.from(await (await fetch(`${base}/${f === 'index.html' ? '' : f}`)).arrayBuffer());
      assert.ok(
        served.equals(fs.readFileSync(path.join(webDir, f))),
        `the server binary embeds an older web/${f}: rebuild it (cargo build) or set FUNDTRAIL_E2E_WEB_FROM_DISK=1`,
      );
    }
  }
  bundleText = await api('/export');
  const leaves = bundleText.split('\n\n')[1].split('\n');
  entries = leaves.map((l) => decodeLeaf(l));
  browser = await launchBrowser();
});

after(() => shutDown(browser, demo));

/** A new page (English, desktop size unless given) that reports dialogs and console errors. */
const newPage = (opts = {}) => openPage(browser, base, opts);

const digits = (s) => s.replace(/[^0-9]/g, '').replace(/^0+(?=\d)/, '');

test('overview shows the organisation and exactly the published totals of every campaign', { skip: skipReason || false }, async () => {
  const { page, context, problems } = await newPage();
  const [info, totals] = await Promise.all([api('/info'), api('/totals')]);
  await page.goto(`${base}/`);
  await page.waitForSelector('.campaign');
  assert.equal(await page.textContent('h1'), info.name);
  await page.waitForSelector('a.verified.good');
  assert.equal(await page.locator('li.campaign').count(), totals.campaigns.length);
  for (const c of totals.campaigns) {
    for (const field of ['donated', 'disbursed', 'balance']) {
      const shown = await page.textContent(`li.campaign[data-campaign="${c.id}"] [data-field="${field}"]`);
      assert.equal(digits(shown), c[field], `${c.id} ${field}: ${shown}`);
      assert.equal(shown, formatMoney(c[field], c.currency, 'en-US'), `${c.id} ${field}`);
    }
    assert.equal(await page.locator(`li.campaign[data-campaign="${c.id}"] progress`).count(), c.goal ? 1 : 0);
  }
  await page.screenshot({ path: path.join(outDir, 'overview.png'), fullPage: true });
  assert.deepEqual(problems, { dialogs: [], errors: [] });
  await context.close();
});

test('"Verify everything" downloads and checks the whole ledger and says so', { skip: skipReason || false }, async () => {
  const { page, context, problems } = await newPage();
  const info = await api('/info');
  await page.goto(`${base}/#/verify`);
  await page.click('#verify-all');
  await page.waitForSelector('#verdict .verdict', { timeout: 60_000 });
  const text = await page.textContent('#verdict .verdict .verdict-text');
  assert.equal(text, `Verified: all ${info.size} entries are exactly as the organisation signed them, and the totals add up.`);
  assert.ok((await page.textContent('#verdict .verdict details')).includes(info.root), 'the root behind the fold');
  assert.equal(await page.locator('#verdict > .verdict.good').count(), 1);
  assert.equal(await page.getAttribute('#verify-progress', 'value'), String(info.size));
  await page.screenshot({ path: path.join(outDir, 'verified.png'), fullPage: true });
  // The verified checkpoint is remembered; the next visit checks consistency without alarm.
  const stored = JSON.parse(await page.evaluate(() => localStorage.getItem('fundtrail.verified')));
  assert.deepEqual([stored.size, stored.root], [info.size, info.root]);
  await page.goto(`${base}/#/`);
  await page.reload();
  await page.waitForSelector('.campaign');
  await page.waitForTimeout(500);
  assert.equal(await page.locator('.alert.bad').count(), 0);
  assert.ok(stored.note.startsWith(`${info.checkpoint.split('\n')[0]}\n${info.size}\n`), 'the whole signed note is remembered');
  // A remembered checkpoint that the current ledger does not extend raises a loud alert (in
  // the older stored form, size and root without the note: a signed note cannot be forged here).
  await page.evaluate((s) => localStorage.setItem('fundtrail.verified', JSON.stringify(s)), { key: stored.key, size: info.size - 1, root: 'ab'.repeat(32) });
  await page.reload();
  await page.waitForSelector('.alert.bad', { timeout: 10_000 });
  assert.match(await page.textContent('.alert.bad'), /history rewritten/);
  await page.screenshot({ path: path.join(outDir, 'history-rewritten.png') });
  // ...and so does "Verify everything", naming the rewritten prefix.
  await page.goto(`${base}/#/verify`);
  await page.click('#verify-all');
  await page.waitForSelector('#verdict .verdict', { timeout: 60_000 });
  assert.match(await page.textContent('#verdict .verdict.bad'), /history rewritten/);
  assert.deepEqual(problems, { dialogs: [], errors: [] });
  await context.close();
});

test('a donor named like HTML is shown as literal text and runs nothing', { skip: skipReason || false }, async () => {
  const evil = entries.findIndex((e) => e.kind === 'donation' && e.body.donor.includes('<img'));
  assert.ok(evil >= 0, 'the demo ledger has a donor named <img ...>');
  const donor = entries[evil].body.donor;
  const { page, context, problems } = await newPage();
  await page.goto(`${base}/#/entry/${evil}`);
  await page.waitForSelector('.verdict');
  assert.ok((await page.textContent('main')).includes(donor), 'donor text shown literally');
  assert.equal(await page.locator('main img').count(), 0);
  assert.equal(await page.locator('.verdict.good').count(), 1, 'inclusion proved');
  assert.equal(await page.locator('ul.checks li.pass').count(), 4, 'four checks passed');
  await page.screenshot({ path: path.join(outDir, 'entry.png'), fullPage: true });
  await page.goto(`${base}/#/campaign/${entries[evil].body.campaign}`);
  await page.waitForSelector('table.statement tbody tr');
  assert.ok((await page.textContent('main')).includes(donor), 'donor text shown on the campaign page');
  await page.screenshot({ path: path.join(outDir, 'campaign.png'), fullPage: true });
  assert.equal(await page.locator('main img:not(.vietqr)').count(), 0);
  await page.waitForTimeout(300);
  assert.deepEqual(problems.dialogs, []);
  assert.deepEqual(problems.errors, []);
  await context.close();
});

test('"Find my donation" finds a donation by its bank reference and proves it; unknown references say so', { skip: skipReason || false }, async () => {
  const seq = entries.findIndex((e) => e.kind === 'donation' && e.body.reference);
  assert.ok(seq >= 0, 'a donation with a reference');
  const ref = entries[seq].body.reference;
  const { page, context, problems } = await newPage();
  await page.goto(`${base}/#/find`);
  await page.waitForSelector('#ref');
  await page.fill('#ref', ref);
  await page.press('#ref', 'Enter');
  await page.waitForSelector(`#results article[data-seq="${seq}"]`);
  await page.waitForSelector('#results .verdict');
  assert.match(await page.textContent('#results .verdict.good'), new RegExp(`Proved: entry ${seq} is in the signed public record`));
  await page.screenshot({ path: path.join(outDir, 'found.png'), fullPage: true });
  await page.fill('#ref', 'NO-SUCH-REFERENCE-42');
  await page.click('form.find button[type="submit"]');
  await page.waitForSelector('#results .msg');
  assert.match(await page.textContent('#results'), /Nothing was found for “NO-SUCH-REFERENCE-42”/);
  assert.deepEqual(problems, { dialogs: [], errors: [] });
  await context.close();
});

test('a bundle chosen from disk is verified without the server; a tampered one is refused', { skip: skipReason || false }, async () => {
  const file = path.join(dataDir, 'bundle.txt');
  fs.writeFileSync(file, bundleText);
  const { page, context, problems } = await newPage();
  await page.goto(`${base}/#/verify`);
  await page.setInputFiles('#bundle-file', file);
  await page.waitForSelector('#bundle-verdict .verdict', { timeout: 60_000 });
  assert.match(await page.textContent('#bundle-verdict .verdict.good'), new RegExp(`^Verified: ${entries.length} entries`));
  assert.match(await page.textContent('#bundle-verdict'), /same key this site publishes/);
  const bad = path.join(repo, 'tests', 'vectors', 'bad', 'prev-changed.txt');
  if (fs.existsSync(bad)) {
    await page.setInputFiles('#bundle-file', bad);
    await page.waitForSelector('#bundle-verdict .verdict.bad', { timeout: 60_000 });
    assert.match(await page.textContent('#bundle-verdict .verdict.bad'), /Entry 10 does not link to entry 9/);
  }
  assert.deepEqual(problems, { dialogs: [], errors: [] });
  await context.close();
});

test('every view fits a 360 px wide screen and works in Vietnamese', { skip: skipReason || false }, async () => {
  const { page, context, problems } = await newPage({ viewport: { width: 360, height: 760 }, locale: 'vi-VN' });
  const totals = await api('/totals');
  const views = [
    ['#/', '.campaign'],
    [`#/campaign/${totals.campaigns[0].id}`, 'table.statement tbody tr'],
    ['#/entry/1', '.verdict'],
    ['#/find?ref=nothing', '#results .msg'],
    ['#/verify', '#verify-all'],
  ];
  for (const [hash, sel] of views) {
    await page.goto(`${base}/${hash}`);
    await page.waitForSelector(sel);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 360, `${hash}: scrollWidth ${width} > 360`);
  }
  assert.equal(await page.getAttribute('html', 'lang'), 'vi');
  await page.goto(`${base}/#/`);
  await page.waitForSelector('.campaign');
  assert.match(await page.textContent('nav'), /Tổng quan/);
  await page.screenshot({ path: path.join(outDir, 'overview-360-vi.png'), fullPage: true });
  // The language switch is a real button.
  await page.click('#lang');
  await page.waitForSelector('.campaign');
  assert.match(await page.textContent('nav'), /Overview/);
  assert.deepEqual(problems, { dialogs: [], errors: [] });
  await context.close();
});

test('keyboard: the main links and buttons are reachable with Tab and show focus', { skip: skipReason || false }, async () => {
  const { page, context } = await newPage();
  await page.goto(`${base}/`);
  await page.waitForSelector('.campaign');
  const seen = [];
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press('Tab');
    seen.push(await page.evaluate(() => {
      const el = document.activeElement;
      const style = getComputedStyle(el);
      return { tag: el.tagName, text: el.textContent.trim(), outline: style.outlineStyle };
    }));
  }
  const texts = seen.map((s) => s.text);
  for (const want of ['Overview', 'Find my gift', 'Verify', 'Tiếng Việt']) assert.ok(texts.includes(want), `${want} reachable by Tab: ${texts}`);
  assert.ok(seen.every((s) => s.outline !== 'none'), 'focus is visible');
  await context.close();
});
