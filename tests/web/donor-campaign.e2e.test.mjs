// A campaign's page as a statement, as a donor or a journalist reads it: totals that add up to
// the balance (reversals split by kind, goods given in kind apart from money), how to give
// while it is open and a plain "closed" after, where the money went (each payment with its
// documents: an image's thumbnail drawn in the browser only after its bytes match the
// ledger, a PDF's icon, readable sizes, the original name on download), and every entry in a
// table with a running balance, filters and a CSV link. In English and Vietnamese, at 360 px
// and 1280 px, checked with axe-core and screenshotted in target/e2e/donor/.
//
// Needs Chromium, playwright-core, axe-core and a built server binary (tests/web/harness.mjs);
// skipped with the reason when one is missing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { skipReason, launchBrowser, shutDown } from './harness.mjs';
import { startStaffDemo } from './staff-harness.mjs';
import {
  axeMissing, EVERY_SCREEN, VIEWPORTS, donorPage, donorShot, screenProblems, headingLevels, headingOrderOk, post, until, englishOnPage,
} from './donor-harness.mjs';
import { stripesPng } from './png.mjs';

const reason = skipReason || axeMissing;
if (reason) console.log(`# SKIP donor campaign tests: ${reason}`);
const skip = reason || false;

const PHOTO = stripesPng(120, 80);
const PHOTO_NAME = 'phiếu nhận gạo.png';
const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n');

let demo = null;
let browser = null;
let paymentSeq = 0;
let reversedSeq = 0;

const api = async (p) => (await fetch(`${demo.base}/api/v1${p}`)).json();
const digits = (s) => s.replace(/[^0-9]/g, '').replace(/^0+(?=\d)/, '');
/** A shown signed amount as BigInt minor units of VND (`+1.000 ₫`, `−₫200,000`, `= …`). */
const signedUnits = (s) => (s.includes('−') ? -1n : 1n) * BigInt(digits(s) || '0');

/** Every entry of campaign `id`, newest first, read through the API. */
async function campaignEntries(id) {
  const out = [];
  let before = '';
  for (;;) {
    const page = await api(`/campaigns/${id}/entries?limit=200${before}`);
    out.push(...page.entries);
    if (page.next_before === null) return out;
    before = `&before=${page.next_before}`;
  }
}

before(async () => {
  if (reason) return;
  demo = await startStaffDemo('fundtrail-donor-campaign-');
  const form = new FormData();
  form.append('file', new Blob([PHOTO], { type: 'image/png' }), PHOTO_NAME);
  form.append('file', new Blob([PDF], { type: 'application/pdf' }), 'hoá đơn 0412.pdf');
  const up = await fetch(`${demo.base}/api/v1/evidence`, { method: 'POST', headers: { authorization: `Bearer ${demo.recorderToken}` }, body: form });
  assert.equal(up.status, 201, await up.clone().text());
  const { evidence } = await up.json();
  paymentSeq = (await post(demo.base, '/disbursements', demo.recorderToken, {
    campaign: 'flood-2026', amount: '1500000', recipient: 'Xã Nghĩa Hành', purpose: 'Gạo cho 30 hộ', evidence,
  })).seq;
  reversedSeq = (await post(demo.base, '/donations', demo.recorderToken, {
    campaign: 'flood-2026', amount: '700000', channel: 'cash', donor: 'Lê Văn Tám', received_at: '2026-11-10',
  })).seq;
  await post(demo.base, '/reversals', demo.recorderToken, { reverses: reversedSeq, reason: 'error', note: 'wrong campaign' });
  await post(demo.base, '/campaigns', demo.adminToken, {
    id: 'closed-2026', title: 'Winter blankets 2026', purpose: 'Blankets', currency: 'VND', accounts: [{ bank: 'Vietcombank', number: '0071 0099 1', holder: 'Quỹ' }],
  });
  await post(demo.base, '/campaigns/closed-2026/close', demo.adminToken, { note: 'All blankets delivered' });
  browser = await launchBrowser();
});

after(() => shutDown(browser, demo));

for (const [lang, device] of EVERY_SCREEN) {
  test(`a campaign in ${lang} on a ${device} reads as a statement whose totals add up, with every entry, payment and document`, { skip }, async () => {
    const { page, context, problems } = await donorPage(browser, demo.base, lang, device);
    const c = await api('/campaigns/flood-2026');
    const entries = await campaignEntries('flood-2026');

    await page.goto(`${demo.base}/#/campaign/flood-2026`);
    await page.waitForSelector('table.statement tbody tr');
    await until(() => page.evaluate(() => document.querySelector('#payments canvas.thumb') !== null), 'the photo\'s thumbnail');
    await donorShot(page, `campaign-${lang}-${device}`);

    // Totals: every line shown adds up to the balance, which is the campaign's.
    const totals = await page.$$eval('#totals tr[data-total]', (rows) => rows.map((r) => [r.dataset.total, r.querySelector('td').textContent]));
    const balance = totals.find(([k]) => k === 'balance');
    assert.equal(digits(balance[1]), c.balance);
    const sum = totals.filter(([k]) => !['balance', 'goods_in_balance', 'money_in_balance'].includes(k)).reduce((s, [, v]) => s + signedUnits(v), 0n);
    assert.equal(sum, BigInt(c.balance), `the lines ${JSON.stringify(totals)} add up to the balance`);
    const shown = Object.fromEntries(totals);
    assert.equal(digits(shown.donations_goods), '3000000', 'goods given in kind apart');
    assert.equal(digits(shown.reversed_donations), String(250000 + 700000), 'reversed donations');
    assert.equal(digits(shown.transfers_out), '2000000');
    assert.equal(digits(shown.money_in_balance), String(BigInt(c.balance) - 3000000n));

    // Every entry is in the table, newest first, the newest with the balance of today.
    assert.match(await page.textContent('#statement-count'), new RegExp(`${entries.length}`));
    assert.equal(await page.getAttribute('table.statement tbody tr', 'data-seq'), String(entries[0].seq));
    assert.equal(digits(await page.textContent('table.statement tbody tr [data-field="balance"]')), c.balance);
    assert.equal(await page.locator(`table.statement tr.reversed[data-seq="${reversedSeq}"] .reversed-mark`).count(), 1);
    assert.equal(await page.getAttribute('#csv-link', 'href'), `${demo.base}/api/v1/export/csv?campaign=flood-2026`);

    // How to give, while open; where the money went, with documents.
    assert.equal(await page.locator('#give ul.accounts li').count(), c.accounts.length);
    const payment = page.locator(`#payments li.payment[data-seq="${paymentSeq}"]`);
    assert.equal(await payment.locator('canvas.thumb[role="img"]').count(), 1);
    assert.equal(await payment.locator('.ev-check svg.icon-pdf').count(), 1);
    assert.match(await payment.textContent(), /(kB|byte)/);
    assert.equal(await page.locator('main img:not(.vietqr)').count(), 0, 'no <img> from ledger text');
    // The donate block: each official account's VietQR code, and the message to write.
    await until(() => page.evaluate(() => [...document.querySelectorAll('#give img.vietqr')].every((i) => i.naturalWidth > 0)), 'the VietQR codes');
    assert.equal(await page.locator('#give img.vietqr').count(), c.accounts.length);
    assert.equal(await page.textContent('#give [data-field="message"]'), 'UNG HO FLOOD2026');

    assert.ok(headingOrderOk(await headingLevels(page)), `heading order: ${await headingLevels(page)}`);
    if (lang === 'vi') assert.deepEqual(await englishOnPage(page), [], 'English words on the Vietnamese page');
    assert.deepEqual(await screenProblems(page, problems, VIEWPORTS[device].width), []);
    await context.close();
  });
}

test('a document downloads under its original name, and only once its bytes match the ledger', { skip }, async () => {
  const { page, context } = await donorPage(browser, demo.base, 'en', 'desktop');
  await page.goto(`${demo.base}/#/campaign/flood-2026`);
  const item = page.locator(`#payments li.payment[data-seq="${paymentSeq}"] .ev-check`).filter({ hasText: PHOTO_NAME });
  await item.waitFor();
  await until(async () => (await item.locator('.ev-result').getAttribute('data-matches')) === 'true', 'the check');

  const [download] = await Promise.all([page.waitForEvent('download'), item.locator('a.ev-download').click()]);

  assert.equal(download.suggestedFilename(), PHOTO_NAME);
  const saved = fs.readFileSync(await download.path());
  assert.equal(crypto.createHash('sha256').update(saved).digest('hex'), crypto.createHash('sha256').update(PHOTO).digest('hex'));
  await context.close();
});

test('a photo changed on the server gets no thumbnail and is flagged as not the one recorded', { skip }, async () => {
  const { page, context } = await donorPage(browser, demo.base, 'en', 'desktop');
  const sha = crypto.createHash('sha256').update(PHOTO).digest('hex');
  const file = path.join(demo.dataDir, 'data', 'evidence', sha.slice(0, 2), sha);
  const original = fs.readFileSync(file);
  fs.writeFileSync(file, stripesPng(120, 80, [[0, 0, 0], [255, 255, 255]]));
  try {
    await page.goto(`${demo.base}/#/entry/${paymentSeq}`);
    const item = page.locator(`.ev-check[data-sha256="${sha}"]`);
    await until(async () => (await item.locator('.ev-result').getAttribute('data-matches')) === 'false', 'the failed check');
    assert.equal(await item.locator('canvas').count(), 0, 'no thumbnail of a changed file');
    assert.match(await item.textContent(), /NOT the one recorded/);
  } finally {
    fs.writeFileSync(file, original);
  }
  await context.close();
});

test('the statement filters by kind, day and amount, and refuses an amount it cannot read', { skip }, async () => {
  const { page, context } = await donorPage(browser, demo.base, 'vi', 'desktop');
  await page.goto(`${demo.base}/#/campaign/flood-2026`);
  await page.waitForSelector('table.statement tbody tr');
  const kinds = () => page.$$eval('table.statement tbody tr', (rows) => rows.map((r) => r.dataset.kind));

  await page.selectOption('#f-kind', 'donation');
  assert.ok((await kinds()).length > 0 && (await kinds()).every((k) => k === 'donation'));
  await page.fill('#f-min', '1.000.000');
  const big = await page.$$eval('table.statement tbody tr [data-field="in"]', (cells) => cells.map((c) => c.textContent));
  assert.ok(big.length > 0 && big.every((s) => BigInt(digits(s)) >= 1000000n), big.join(' | '));
  await page.fill('#f-min', 'nhiều');
  await until(async () => (await page.textContent('#f-error')) !== '', 'the error');
  assert.match(await page.textContent('#f-error'), /không phải là số tiền/);
  await page.fill('#f-min', '');
  await page.selectOption('#f-kind', '');
  await page.fill('#f-from', '2026-11-03');
  await page.fill('#f-to', '2026-11-03');
  const days = await page.$$eval('table.statement tbody tr td:first-child', (cells) => cells.map((c) => c.textContent));
  assert.ok(days.length >= 2 && days.every((d) => d === '3 thg 11, 2026'), days.join(' | '));
  await context.close();
});

test('a closed campaign says it takes no more donations and shows no account to pay into', { skip }, async () => {
  const { page, context, problems } = await donorPage(browser, demo.base, 'en', 'phone');
  await page.goto(`${demo.base}/#/campaign/closed-2026`);
  await page.waitForSelector('#give');
  assert.equal(await page.locator('#give [data-closed="true"]').count(), 1);
  assert.equal(await page.locator('#give ul.accounts').count(), 0);
  assert.equal(await page.locator('#give img.vietqr, #give [data-field="message"]').count(), 0, 'no code, no message');
  assert.match(await page.textContent('#updates'), /All blankets delivered/);
  assert.deepEqual(await screenProblems(page, problems, VIEWPORTS.phone.width), []);
  await context.close();
});
