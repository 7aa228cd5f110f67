// "Find my donation" as a donor types it: the reference in lower case and with spaces, a part
// of it (6 characters or more), a receipt code, or the amount and day together; each result
// names its campaign, links its receipt, says when it was reversed, and is proved in the
// browser. In English and Vietnamese, at 360 px and 1280 px, checked with axe-core and
// screenshotted in target/e2e/donor/. Needs the server's forgiving search (GET /search?q=).
//
// Needs Chromium, playwright-core, axe-core and a built server binary (tests/web/harness.mjs);
// skipped with the reason when one is missing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { skipReason, launchBrowser, shutDown } from './harness.mjs';
import { startStaffDemo } from './staff-harness.mjs';
import {
  axeMissing, EVERY_SCREEN, VIEWPORTS, donorPage, donorShot, screenProblems, headingLevels, headingOrderOk, post, until, englishOnPage,
} from './donor-harness.mjs';

const reason = skipReason || axeMissing;
if (reason) console.log(`# SKIP donor search tests: ${reason}`);
const skip = reason || false;

let demo = null;
let browser = null;
let gift = null;
let reversed = null;
let reversal = null;

before(async () => {
  if (reason) return;
  demo = await startStaffDemo('fundtrail-donor-find-');
  gift = await post(demo.base, '/donations', demo.recorderToken, {
    campaign: 'flood-2026', amount: '200000', channel: 'bank_transfer', reference: 'FT26334 88812', donor: 'Trần Thị Hoa', received_at: '2026-11-24',
  });
  reversed = await post(demo.base, '/donations', demo.recorderToken, {
    campaign: 'school-roofs', amount: '350000', channel: 'bank_transfer', reference: 'FT26334 77701', donor: 'Anonymous', received_at: '2026-11-25',
  });
  reversal = await post(demo.base, '/reversals', demo.recorderToken, { reverses: reversed.seq, reason: 'refund', note: 'donor asked for it back' });
  browser = await launchBrowser();
});

after(() => shutDown(browser, demo));

/** Searches from the Find page's box and waits for the results. */
async function search(page, text) {
  await page.goto(`${demo.base}/#/find`);
  await page.waitForSelector('#ref');
  await page.fill('#ref', text);
  await page.press('#ref', 'Enter');
  await page.waitForSelector('#results .result .verdict, #results .msg');
}

for (const [lang, device] of EVERY_SCREEN) {
  test(`a search in ${lang} on a ${device} forgives case and spaces and shows the campaign, the receipt and the proof`, { skip }, async () => {
    const { page, context, problems } = await donorPage(browser, demo.base, lang, device);

    await search(page, 'ft26334   88812');
    await donorShot(page, `search-${lang}-${device}`);

    const result = page.locator(`#results .result[data-seq="${gift.seq}"]`);
    assert.equal(await result.count(), 1);
    assert.match(await result.locator('.result-campaign').textContent(), /flood relief/i);
    assert.equal(await result.locator('a.result-receipt').getAttribute('href'), `#/receipt/${gift.receipt.code}`);
    assert.equal(await result.locator('.verdict.good').count(), 1);
    assert.ok(headingOrderOk(await headingLevels(page)), `heading order: ${await headingLevels(page)}`);
    if (lang === 'vi') assert.deepEqual(await englishOnPage(page), [], 'English words on the Vietnamese page');
    assert.deepEqual(await screenProblems(page, problems, VIEWPORTS[device].width), []);
    await context.close();
  });
}

test('part of a reference, a receipt code in any case, and amount plus day each find the gift', { skip }, async () => {
  const { page, context } = await donorPage(browser, demo.base, 'en', 'phone');

  await search(page, '34 888');
  assert.equal(await page.locator('#results .result').count(), 0, 'fewer than 6 characters is not a partial search');
  await search(page, '6334888');
  assert.equal(await page.locator(`#results .result[data-seq="${gift.seq}"]`).count(), 1);

  await page.goto(`${demo.base}/#/find`);
  await page.waitForSelector('#ref');
  await page.click('.find-more summary');
  await page.fill('#find-amount', '200.000');
  await page.fill('#find-date', '2026-11-24');
  await page.click('.find-more button[type=submit]');
  await page.waitForSelector(`#results .result[data-seq="${gift.seq}"] .verdict`);

  await page.goto(`${demo.base}/#/find`);
  await page.waitForSelector('#ref');
  await page.fill('#ref', gift.receipt.code.toUpperCase());
  await page.press('#ref', 'Enter');
  await until(async () => (await page.evaluate(() => location.hash)) === `#/receipt/${gift.receipt.code}`, 'the receipt');
  await context.close();
});

test('a reversed gift is marked in the results with the entry that reversed it and why', { skip }, async () => {
  const { page, context } = await donorPage(browser, demo.base, 'vi', 'desktop');
  await search(page, 'FT2633477701');
  const mark = page.locator(`#results .result[data-seq="${reversed.seq}"] .reversed-mark`);
  assert.equal(await mark.count(), 1);
  assert.equal(await mark.getAttribute('data-reversed-by'), String(reversal.seq));
  assert.match(await mark.textContent(), /hoàn tiền/);
  await context.close();
});
