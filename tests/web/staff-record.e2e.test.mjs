// Browser tests of recording donations in the staff console against the real server
// (`fundtrail demo`): the review shows exactly what is published, the receipt and its QR code
// afterwards, amounts typed the way people type them, a double click or a lost answer
// recording once, a wrong amount or a refused reference shown next to its field.
//
// Needs Chromium, playwright-core and a built server binary (see tests/web/harness.mjs);
// skipped with the reason when one is missing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { skipReason, launchBrowser, shutDown } from './harness.mjs';
import {
  startStaffDemo, consoleUrl, staffPage, signInByLink, openScreen, until, api, ledgerSize, byReference, shot, fieldError,
} from './staff-harness.mjs';

if (skipReason) console.log(`# SKIP staff console recording tests: ${skipReason}`);
const skip = skipReason || false;

let demo = null;
let browser = null;
let url = '';

before(async () => {
  if (skipReason) return;
  demo = await startStaffDemo('fundtrail-staff-record-');
  url = await consoleUrl(demo.base);
  browser = await launchBrowser();
});

after(() => shutDown(browser, demo));

/** A signed-in page (recorder unless `token` says otherwise) on the donation form. */
async function donationPage(opts = {}) {
  const opened = await staffPage(browser, demo.base, opts);
  await signInByLink(opened.page, url, opts.token ?? demo.recorderToken);
  await openScreen(opened.page, url, '#/donation', 'donation');
  return opened;
}

/** Fills the donation form's amount and reference (VND campaign flood-2026) and reviews it. */
async function fillAndReview(page, amount, reference) {
  await page.selectOption('select[name=campaign]', 'flood-2026');
  await page.fill('input[name=amount]', amount);
  await page.fill('input[name=reference]', reference);
  await page.click('#donation-form button[type=submit]');
  await page.waitForSelector('[data-action=confirm]');
}

test('a donation is reviewed as it will be published, then shown with its entry, its receipt code and a QR code of the receipt address', { skip }, async () => {
  const { page, context, problems } = await donationPage();
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: demo.base });
  await page.selectOption('select[name=campaign]', 'school-roofs');
  await page.fill('input[name=amount]', '1.500.000');
  assert.equal(await page.textContent('[data-echo=amount]'), '= ₫1,500,000', 'the amount is shown back in words of the currency');
  await page.selectOption('select[name=channel]', 'cash');
  await page.fill('input[name=reference]', 'CASH-2026-001');
  await page.check('input[type=radio][value=name]');
  await page.fill('input[name=donor]', 'Gia đình họ Trần');
  await page.fill('input[name="donor_private.email"]', 'tran@example.vn');
  await page.fill('input[name="donor_private.phone"]', '0901 234 567');
  await page.check('input[name=consent]');
  await page.fill('textarea[name=memo]', 'Cho mái trường');
  await page.click('#donation-form button[type=submit]');
  await page.waitForSelector('.review [data-action=confirm]');
  const review = await page.textContent('.review');
  for (const shown of ['₫1,500,000', 'Cash', 'CASH-2026-001', 'Gia đình họ Trần', 'Cho mái trường', 'published forever', 'reversal', 'tran@example.vn', '0901 234 567']) {
    assert.ok(review.includes(shown), `the review shows ${shown}`);
  }
  assert.ok((await page.textContent('.review-private')).includes('tran@example.vn'), 'the e-mail is under "Kept private"');
  assert.ok(!(await page.textContent('.review-rows')).includes('tran@example.vn'), 'and not among what is published');
  await shot(page, 'donation-review-private-en-desktop');
  await page.click('[data-action=confirm]');
  await page.waitForSelector('.done [data-receipt]');
  const seq = Number(await page.getAttribute('.done', 'data-seq'));
  const entry = await api(demo.base, `/entries/${seq}`);
  assert.deepEqual(
    { ...entry.entry.body },
    {
      amount: '1500000', campaign: 'school-roofs', channel: 'cash', currency: 'VND', donor: 'Gia đình họ Trần', memo: 'Cho mái trường', received_at: entry.entry.body.received_at, reference: 'CASH-2026-001', commitment: entry.entry.body.commitment,
    },
  );
  assert.match(entry.entry.body.commitment, /^[0-9a-f]{64}$/, 'the e-mail is committed to, not published');
  const code = `R-${seq}-${entry.leaf_hash.slice(0, 8)}`;
  assert.equal(await page.textContent('.receipt-code'), code);
  const qr = await page.getAttribute('img.qr', 'src');
  assert.equal(new URL(qr).pathname, `/api/v1/receipts/${code}/qr.svg`);
  await until(() => page.evaluate(() => document.querySelector('img.qr').complete && document.querySelector('img.qr').naturalWidth > 0), 'the QR code to load');
  const receiptUrl = await page.inputValue('[data-value=receipt-url]');
  assert.equal(receiptUrl, `${demo.base}/#/receipt/${code}`);
  await page.click('.receipt-card .copy button');
  await until(async () => (await page.textContent('.receipt-card .copy-status')) !== '', 'the copy to finish');
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), receiptUrl);
  assert.equal(await page.locator('[data-action=print]').count(), 1);
  await shot(page, 'donation-done-en-desktop');
  // The donor's private details are kept off the ledger, for admins.
  const donor = await api(demo.base, `/donors/${seq}`, demo.adminToken);
  assert.equal(donor.email, 'tran@example.vn');
  assert.equal(donor.consent_publish_name, true);
  // The receipt address opens the public page's receipt check.
  await page.goto(receiptUrl);
  await page.waitForSelector('.verdict.good');
  // "Record another" starts an empty form.
  await page.goto(`${url}#/donation`);
  await page.waitForSelector('#donation-form');
  assert.equal(await page.inputValue('input[name=amount]'), '');
  assert.deepEqual(problems.errors, []);
  await context.close();
});

test('a double click on "Record" records the donation once', { skip }, async () => {
  const { page, context } = await donationPage();
  const posts = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/api/v1/donations')) posts.push(r.headers()['idempotency-key']);
  });
  const before = await ledgerSize(demo.base);
  await fillAndReview(page, '200000', 'DOUBLE-1');
  await page.evaluate(() => {
    const b = document.querySelector('[data-action=confirm]');
    b.click();
    b.click();
  });
  await page.dblclick('[data-action=confirm]').catch(() => {}); // gone once recorded
  await page.waitForSelector('.done');
  assert.equal((await byReference(demo.base, 'DOUBLE-1')).length, 1);
  assert.equal(await ledgerSize(demo.base), before + 1);
  assert.ok(posts.length >= 1 && new Set(posts).size === 1, `one Idempotency-Key for every attempt: ${posts}`);
  await context.close();
});

test('a request whose answer is lost is sent again with the same Idempotency-Key and records once', { skip }, async () => {
  const { page, context } = await donationPage();
  const keys = [];
  let dropped = false;
  await page.route('**/api/v1/donations', async (route) => {
    keys.push(route.request().headers()['idempotency-key']);
    if (!dropped) {
      dropped = true;
      const reached = await route.fetch(); // the server records it ...
      assert.equal(reached.status(), 201);
      await route.abort('connectionreset'); // ... and the answer never arrives
      return;
    }
    await route.continue();
  });
  const before = await ledgerSize(demo.base);
  await fillAndReview(page, '300.000', 'DROPPED-1');
  await page.click('[data-action=confirm]');
  await page.waitForSelector('.done');
  assert.equal(keys.length, 2, 'sent twice');
  assert.equal(keys[0], keys[1], 'with the same key');
  assert.match(keys[0], /^[0-9a-f-]{36}$/);
  assert.ok((await page.textContent('.done')).includes('already been recorded'), 'the page says the retry found the first one');
  assert.equal((await byReference(demo.base, 'DROPPED-1')).length, 1);
  assert.equal(await ledgerSize(demo.base), before + 1);
  await context.close();
});

test('amounts are read the way people type them, and a wrong or ambiguous amount gets a field error and records nothing', { skip }, async () => {
  const { page, context } = await donationPage({ locale: 'vi-VN' });
  const before = await ledgerSize(demo.base);
  const echo = async (campaign, text) => {
    await page.selectOption('select[name=campaign]', campaign);
    await page.fill('input[name=amount]', text);
    return (await page.textContent('[data-echo=amount]')).replace(/[\u00a0\u202f]/g, ' ');
  };
  assert.equal(await echo('flood-2026', '200.000'), '= 200.000 ₫');
  assert.equal(await echo('flood-2026', '200,000'), '= 200.000 ₫');
  assert.equal(await echo('flood-2026', '200000đ'), '= 200.000 ₫');
  assert.equal(await echo('clean-water-usd', '12,50'), '= 12,50 US$');
  assert.equal(await echo('clean-water-usd', '12.50'), '= 12,50 US$');
  for (const [campaign, text, words] of [
    ['clean-water-usd', '1,234', 'hai số tiền khác nhau'],
    ['flood-2026', '200.000,5', 'chữ số thập phân'],
    ['flood-2026', 'hai trăm nghìn', 'không phải là số tiền'],
    ['flood-2026', '-50000', 'không được âm'],
  ]) {
    await page.selectOption('select[name=campaign]', campaign);
    await page.fill('input[name=amount]', text);
    await page.click('#donation-form button[type=submit]');
    await until(async () => (await fieldError(page, 'amount')) !== '', `the refusal of ${text}`);
    assert.ok((await fieldError(page, 'amount')).includes(words), `${text}: ${await fieldError(page, 'amount')}`);
    assert.equal(await page.locator('.review:visible').count(), 0, 'no review of a wrong amount');
    assert.equal(await page.evaluate(() => document.activeElement.name), 'amount', 'the field is focused');
  }
  await shot(page, 'donation-amount-refused-vi-phone');
  assert.equal(await ledgerSize(demo.base), before, 'nothing recorded');
  await context.close();
});

test('a server refusal appears next to the field it names, in the staff member\'s language: a reference already recorded offers "a separate gift"', { skip }, async () => {
  const { page, context } = await donationPage({ locale: 'vi-VN', viewport: { width: 360, height: 740 } });
  const before = await ledgerSize(demo.base);
  await fillAndReview(page, '250000', 'FT26306009876'); // a demo donation's bank reference
  await page.click('[data-action=confirm]');
  await until(async () => (await fieldError(page, 'reference')) !== '', 'the refusal next to the reference');
  assert.match(await fieldError(page, 'reference'), /Đã có khoản ủng hộ với mã tham chiếu này/);
  assert.equal(await page.evaluate(() => document.activeElement.name), 'reference');
  assert.equal(await ledgerSize(demo.base), before, 'nothing recorded');
  await shot(page, 'donation-server-refusal-vi-phone');
  // It really is a second gift: tick the box that appeared, review and record.
  await page.check('input[name=separate_gift]');
  await page.click('#donation-form button[type=submit]');
  await page.click('[data-action=confirm]');
  await page.waitForSelector('.done');
  assert.equal((await byReference(demo.base, 'FT26306009876')).length, 2);
  await context.close();
});

test('a gift of goods needs its description and is recorded with its declared value', { skip }, async () => {
  const { page, context } = await donationPage();
  await page.selectOption('select[name=channel]', 'in_kind');
  assert.match(await page.textContent('[data-field=amount] label'), /Declared value/);
  await page.fill('input[name=amount]', '5.000.000');
  await page.click('#donation-form button[type=submit]');
  await until(async () => (await fieldError(page, 'in_kind_description')) !== '', 'the missing description');
  await page.fill('textarea[name=in_kind_description]', '200 bao gạo, mỗi bao 10 kg');
  await page.click('#donation-form button[type=submit]');
  await page.click('[data-action=confirm]');
  await page.waitForSelector('.done');
  const seq = Number(await page.getAttribute('.done', 'data-seq'));
  const { entry } = await api(demo.base, `/entries/${seq}`);
  assert.equal(entry.body.channel, 'in_kind');
  assert.equal(entry.body.in_kind.description, '200 bao gạo, mỗi bao 10 kg');
  assert.equal(entry.body.amount, '5000000');
  assert.equal(entry.body.donor, 'Anonymous');
  await context.close();
});
