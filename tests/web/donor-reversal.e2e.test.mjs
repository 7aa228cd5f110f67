// A reversed donation is marked everywhere a donor may meet it, with the entry that reversed
// it and why: the campaign's statement, the entry's own page, a search result, and its
// receipt (which still verifies, since the ledger never changes, but says the gift no longer
// counts). In English and Vietnamese. Needs the server's `reversed_by` marks and
// GET /receipts/{code}/status (issue 15's API).
//
// Needs Chromium, playwright-core, axe-core and a built server binary (tests/web/harness.mjs);
// skipped with the reason when one is missing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { skipReason, launchBrowser, shutDown } from './harness.mjs';
import { startStaffDemo } from './staff-harness.mjs';
import {
  axeMissing, VIEWPORTS, donorPage, donorShot, screenProblems, post,
} from './donor-harness.mjs';

const reason = skipReason || axeMissing;
if (reason) console.log(`# SKIP donor reversal tests: ${reason}`);
const skip = reason || false;

let demo = null;
let browser = null;
let gift = null;
let reversal = null;

before(async () => {
  if (reason) return;
  demo = await startStaffDemo('fundtrail-donor-reversal-');
  gift = await post(demo.base, '/donations', demo.recorderToken, {
    campaign: 'flood-2026', amount: '450000', channel: 'bank_transfer', reference: 'FT26400 12345', donor: 'Đỗ Minh Khoa', received_at: '2026-11-20',
  });
  reversal = await post(demo.base, '/reversals', demo.recorderToken, { reverses: gift.seq, reason: 'duplicate', note: 'imported twice' });
  browser = await launchBrowser();
});

after(() => shutDown(browser, demo));

for (const lang of ['en', 'vi']) {
  test(`in ${lang}, the reversed gift is marked on the statement, its entry page, a search result and its receipt`, { skip }, async () => {
    const { page, context, problems } = await donorPage(browser, demo.base, lang, 'phone');
    const reasonWords = lang === 'vi' ? /ghi trùng/ : /duplicate/;
    const markOf = async (scope) => {
      const mark = page.locator(`${scope} .reversed-mark[data-reversed-by="${reversal.seq}"]`).first();
      await mark.waitFor();
      return mark.textContent();
    };

    await page.goto(`${demo.base}/#/campaign/flood-2026`);
    assert.match(await markOf(`table.statement tr[data-seq="${gift.seq}"]`), reasonWords);

    await page.goto(`${demo.base}/#/entry/${gift.seq}`);
    assert.match(await markOf('article.entry-full'), reasonWords);

    await page.goto(`${demo.base}/#/find?q=${encodeURIComponent('ft26400 12345')}`);
    assert.match(await markOf(`#results .result[data-seq="${gift.seq}"]`), reasonWords);

    await page.goto(`${demo.base}/#/receipt/${gift.receipt.code}`);
    await page.waitForSelector('.receipt-sheet [data-reversed="true"]');
    assert.match(await markOf('.receipt-sheet'), reasonWords);
    assert.equal(await page.locator('.receipt-sheet .verdict.good').count(), 1, 'the receipt itself still verifies');
    await donorShot(page, `receipt-reversed-${lang}-phone`);
    assert.deepEqual(await screenProblems(page, problems, VIEWPORTS.phone.width), []);
    await context.close();
  });
}
