// Receipts as a donor uses them: a box to type a receipt code (case, spaces and dashes
// forgiven), and a receipt page that stands alone when printed: organisation, campaign, day
// received, amount, the code, its QR code and the address to check it at, and the checkpoint
// it was proved against; nothing else of the page on paper. In English and Vietnamese, at
// 360 px and 1280 px, checked with axe-core; screen and print screenshots in target/e2e/donor/.
//
// Needs Chromium, playwright-core, axe-core and a built server binary (tests/web/harness.mjs);
// skipped with the reason when one is missing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { skipReason, startDemo, launchBrowser, shutDown } from './harness.mjs';
import {
  axeMissing, EVERY_SCREEN, VIEWPORTS, donorPage, donorShot, donorShots, screenProblems, headingLevels, headingOrderOk, post, until, englishOnPage,
} from './donor-harness.mjs';

const reason = skipReason || axeMissing;
if (reason) console.log(`# SKIP donor receipt tests: ${reason}`);
const skip = reason || false;

let demo = null;
let browser = null;
let ack = null;
let info = null;
let campaign = null;

before(async () => {
  if (reason) return;
  demo = await startDemo({ tmpPrefix: 'fundtrail-donor-receipt-', recorderToken: true, args: ['--max-connections-per-address', '0', '--read-limit', '0'] });
  ack = await post(demo.base, '/donations', demo.recorderToken, {
    campaign: 'flood-2026', amount: '200000', channel: 'bank_transfer', reference: 'FT26334 90001', donor: 'Trần Thị Hoa', received_at: '2026-11-24',
  });
  info = await (await fetch(`${demo.base}/api/v1/info`)).json();
  campaign = await (await fetch(`${demo.base}/api/v1/campaigns/flood-2026`)).json();
  browser = await launchBrowser();
});

after(() => shutDown(browser, demo));

for (const [lang, device] of EVERY_SCREEN) {
  test(`a receipt in ${lang} on a ${device} names the organisation, campaign, day, amount, code, QR and address, and passes axe`, { skip }, async () => {
    const { page, context, problems } = await donorPage(browser, demo.base, lang, device);
    const { code } = ack.receipt;

    await page.goto(`${demo.base}/#/receipt/${code}`);
    await page.waitForSelector('.receipt-sheet .verdict.good');
    await until(() => page.evaluate(() => document.querySelector('.receipt-sheet img.qr')?.naturalWidth > 0), 'the QR code');
    await donorShot(page, `receipt-${lang}-${device}`);

    const sheet = await page.textContent('.receipt-sheet');
    assert.ok(sheet.includes(info.name), 'organisation');
    assert.ok(sheet.includes(campaign.title), 'campaign title');
    assert.ok(sheet.includes(lang === 'vi' ? '24 thg 11, 2026' : 'Nov 24, 2026'), `day received in ${sheet}`);
    assert.equal((await page.textContent('.receipt-sheet [data-field="amount"]')).replace(/[^0-9]/g, ''), '200000');
    assert.equal(await page.textContent('.receipt-sheet [data-field="code"]'), code);
    assert.equal(await page.textContent('.receipt-sheet [data-field="url"]'), `${demo.base}/#/receipt/${code}`);
    assert.match(await page.textContent('.receipt-sheet [data-field="checkpoint"]'), new RegExp(`${info.size}`));
    assert.ok(headingOrderOk(await headingLevels(page)), `heading order: ${await headingLevels(page)}`);
    if (lang === 'vi') assert.deepEqual(await englishOnPage(page), [], 'English words on the Vietnamese page');
    const found = await screenProblems(page, problems, VIEWPORTS[device].width);

    await page.emulateMedia({ media: 'print' });
    const printed = await page.evaluate(() => {
      const visible = (sel) => [...document.querySelectorAll(sel)].some((el) => el.getClientRects().length > 0);
      return {
        header: visible('header.top'), footer: visible('footer.foot'), paste: visible('.receipt-paste'), box: visible('.receipt-code-box'), button: visible('button.print'), sheet: visible('.receipt-sheet'), qr: visible('.receipt-sheet img.qr'),
      };
    });
    assert.deepEqual(printed, {
      header: false, footer: false, paste: false, box: false, button: false, sheet: true, qr: true,
    });
    await donorShot(page, `receipt-print-${lang}-${device}`);
    await page.emulateMedia({ media: 'screen' });
    assert.deepEqual(found, []);
    await context.close();
  });
}

test('the printed receipt is one page of PDF that carries the code and the address to check it', { skip }, async () => {
  const { page, context } = await donorPage(browser, demo.base, 'vi', 'desktop');
  const { code } = ack.receipt;
  await page.goto(`${demo.base}/#/receipt/${code}`);
  await page.waitForSelector('.receipt-sheet .verdict.good');
  await until(() => page.evaluate(() => document.querySelector('.receipt-sheet img.qr')?.naturalWidth > 0), 'the QR code');
  fs.mkdirSync(donorShots, { recursive: true });
  const pdf = await page.pdf({ path: path.join(donorShots, 'receipt-print-vi.pdf'), format: 'A4' });
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
  assert.equal(pages, 1, 'one page');
  await context.close();
});

test('a receipt code typed loosely in the box opens the receipt; a wrong one is refused in words', { skip }, async () => {
  const { page, context } = await donorPage(browser, demo.base, 'vi', 'phone');
  const { code } = ack.receipt;
  await page.goto(`${demo.base}/#/receipt`);
  await page.waitForSelector('#receipt-code');

  await page.fill('#receipt-code', 'hello');
  await page.press('#receipt-code', 'Enter');
  await until(async () => (await page.textContent('#receipt-code-error')) !== '', 'the error');
  assert.match(await page.textContent('#receipt-code-error'), /không phải mã biên nhận/);

  await page.fill('#receipt-code', ` ${code.toUpperCase().replace(/-/g, ' ')} `);
  await page.press('#receipt-code', 'Enter');
  await page.waitForSelector('.receipt-sheet .verdict.good');
  assert.equal(await page.evaluate(() => location.hash), `#/receipt/${code}`);
  await context.close();
});
