// The overview (#/) as a donor on a phone sees it: the organisation, its promise, a "verified"
// badge, "Find my donation" and the campaigns with their progress, the first campaign on the
// first screen; the checkpoint's root and key are on the Verify page instead. In English and
// Vietnamese, at 360 px and 1280 px, each screen checked with axe-core and screenshotted.
//
// Needs Chromium, playwright-core, axe-core and a built server binary (tests/web/harness.mjs);
// skipped with the reason when one is missing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { skipReason, startDemo, launchBrowser, shutDown } from './harness.mjs';
import {
  axeMissing, EVERY_SCREEN, VIEWPORTS, donorPage, donorShot, screenProblems, headingLevels, headingOrderOk, post, until, englishOnPage,
} from './donor-harness.mjs';

const reason = skipReason || axeMissing;
if (reason) console.log(`# SKIP donor overview tests: ${reason}`);
const skip = reason || false;

let demo = null;
let browser = null;
let receiptCode = '';

const digits = (s) => s.replace(/[^0-9]/g, '').replace(/^0+(?=\d)/, '');
const api = async (p) => (await fetch(`${demo.base}/api/v1${p}`)).json();

before(async () => {
  if (reason) return;
  demo = await startDemo({ tmpPrefix: 'fundtrail-donor-overview-', recorderToken: true, args: ['--max-connections-per-address', '0', '--read-limit', '0'] });
  const ack = await post(demo.base, '/donations', demo.recorderToken, {
    campaign: 'flood-2026', amount: '200000', channel: 'bank_transfer', reference: 'FT26334 88812', donor: 'Trần Thị Hoa',
  });
  receiptCode = ack.receipt.code;
  browser = await launchBrowser();
});

after(() => shutDown(browser, demo));

for (const [lang, device] of EVERY_SCREEN) {
  test(`the overview in ${lang} on a ${device} shows the promise, the badge, the search box and every campaign, the first one on the first screen`, { skip }, async () => {
    const { page, context, problems } = await donorPage(browser, demo.base, lang, device);
    const [info, totals] = await Promise.all([api('/info'), api('/totals')]);

    await page.goto(`${demo.base}/#/`);
    await page.waitForSelector('li.campaign');
    await page.waitForSelector('a.verified');
    await donorShot(page, `overview-${lang}-${device}`);

    assert.equal(await page.textContent('main h1'), info.name);
    assert.equal(await page.getAttribute('a.verified', 'data-verified'), 'true');
    assert.equal(await page.locator('main input[type=search]').count(), 1);
    const main = await page.textContent('main');
    assert.ok(!main.includes(info.root) && !main.includes(info.key), 'no root or key on the overview');
    assert.equal(await page.locator('li.campaign').count(), totals.campaigns.length);
    for (const c of totals.campaigns) {
      const card = page.locator(`li.campaign[data-campaign="${c.id}"]`);
      for (const field of ['donated', 'disbursed', 'balance', 'transferred_in', 'transferred_out']) {
        const shown = card.locator(`[data-field="${field}"]`);
        if (BigInt(c[field]) === 0n && field.startsWith('transferred')) assert.equal(await shown.count(), 0, `${c.id} ${field} hidden at 0`);
        else assert.equal(digits(await shown.textContent()), c[field], `${c.id} ${field}`);
      }
    }
    const statuses = await page.$$eval('li.campaign .badge', (els) => els.map((e) => e.className));
    assert.deepEqual(statuses, [...statuses].sort((a, b) => Number(a.includes('closed')) - Number(b.includes('closed'))), 'open campaigns first');
    const first = await page.locator('li.campaign').first().boundingBox();
    assert.ok(first.y < VIEWPORTS[device].height, `the first campaign starts at ${first.y}px, below the first screen`);
    assert.ok(headingOrderOk(await headingLevels(page)), `heading order: ${await headingLevels(page)}`);
    if (lang === 'vi') assert.deepEqual(await englishOnPage(page), [], 'English words on the Vietnamese page');
    assert.deepEqual(await screenProblems(page, problems, VIEWPORTS[device].width), []);
    await context.close();
  });
}

test('the overview\'s search box opens a receipt typed loosely, and searches anything else', { skip }, async () => {
  const { page, context, problems } = await donorPage(browser, demo.base, 'en', 'phone');
  await page.goto(`${demo.base}/#/`);
  await page.waitForSelector('#home-q');

  await page.fill('#home-q', ` ${receiptCode.toUpperCase().replace(/-/g, ' ')} `);
  await page.press('#home-q', 'Enter');
  await until(() => page.evaluate(() => location.hash), 'the receipt address');
  await until(async () => (await page.evaluate(() => location.hash)) === `#/receipt/${receiptCode}`, `#/receipt/${receiptCode}`);
  await page.waitForSelector('.verdict.good');

  await page.goto(`${demo.base}/#/`);
  await page.waitForSelector('#home-q');
  await page.fill('#home-q', 'FT26334 88812');
  await page.press('#home-q', 'Enter');
  await page.waitForSelector('#results .result');
  assert.match(await page.evaluate(() => location.hash), /^#\/find\?q=FT26334%2088812$/);
  assert.deepEqual(problems.errors, []);
  await context.close();
});

test('the Verify page shows the signed checkpoint, its root and key behind a fold, and the totals by currency', { skip }, async () => {
  const { page, context } = await donorPage(browser, demo.base, 'en', 'desktop');
  const [info, totals] = await Promise.all([api('/info'), api('/totals')]);
  await page.goto(`${demo.base}/#/verify`);
  await page.waitForSelector('.ok-line');
  assert.equal(digits(await page.textContent('[data-field="size"]')), String(info.size));
  assert.equal(await page.isVisible(`text=${info.root}`), false, 'the root waits behind the fold');
  await page.click('details.tech summary');
  assert.ok((await page.textContent('main')).includes(info.root));
  for (const code of Object.keys(totals.currencies)) {
    assert.equal(digits(await page.textContent(`.currency[data-currency="${code}"] [data-field="balance"]`)), totals.currencies[code].balance);
  }
  await context.close();
});
