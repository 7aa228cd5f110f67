// Dark mode follows the system: with `prefers-color-scheme: dark` every public screen is drawn
// light on dark, and still has no serious or critical axe-core finding (colour contrast
// included), in English and Vietnamese, on a phone and a desktop. Screenshots in
// target/e2e/donor/.
//
// Needs Chromium, playwright-core, axe-core and a built server binary (tests/web/harness.mjs);
// skipped with the reason when one is missing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { skipReason, launchBrowser, shutDown } from './harness.mjs';
import { startStaffDemo } from './staff-harness.mjs';
import {
  axeMissing, VIEWPORTS, donorPage, donorShot, screenProblems, post, until,
} from './donor-harness.mjs';

const reason = skipReason || axeMissing;
if (reason) console.log(`# SKIP donor dark mode tests: ${reason}`);
const skip = reason || false;

let demo = null;
let browser = null;
let gift = null;

before(async () => {
  if (reason) return;
  demo = await startStaffDemo('fundtrail-donor-dark-');
  gift = await post(demo.base, '/donations', demo.recorderToken, {
    campaign: 'flood-2026', amount: '200000', channel: 'bank_transfer', reference: 'FT26500 00001', donor: 'Hồ Thị Lan', received_at: '2026-11-24',
  });
  browser = await launchBrowser();
});

after(() => shutDown(browser, demo));

/** The public screens: [name, address, what marks it drawn]. */
const SCREENS = () => [
  ['overview', '/#/', 'li.campaign'],
  ['campaign', '/#/campaign/school-roofs', 'table.statement tbody tr'],
  ['entry', `/#/entry/${gift.seq}`, '.verdict'],
  ['find', '/#/find?q=FT2650000001', '#results .result .verdict'],
  ['receipt', `/#/receipt/${gift.receipt.code}`, '.receipt-sheet .verdict'],
  ['verify', '/#/verify', '.ok-line'],
];

for (const [lang, device] of [['en', 'phone'], ['vi', 'desktop']]) {
  test(`in dark mode, in ${lang} on a ${device}, every public screen is light on dark and passes axe`, { skip }, async () => {
    const { page, context, problems } = await donorPage(browser, demo.base, lang, device);
    await page.emulateMedia({ colorScheme: 'dark' });
    const found = [];
    for (const [name, address, ready] of SCREENS()) {
      problems.errors.length = 0;
      await page.goto(`${demo.base}${address}`);
      await page.waitForSelector(ready);
      if (name === 'receipt') await until(() => page.evaluate(() => document.querySelector('img.qr')?.naturalWidth > 0), 'the QR code');
      await donorShot(page, `dark-${name}-${lang}-${device}`);
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      const [r, g, b] = bg.match(/\d+/g).map(Number);
      if (r + g + b > 150) found.push(`${name}: background ${bg} is not dark`);
      found.push(...(await screenProblems(page, problems, VIEWPORTS[device].width)).map((p) => `${name}: ${p}`));
    }
    assert.deepEqual(found, []);
    await context.close();
  });
}
