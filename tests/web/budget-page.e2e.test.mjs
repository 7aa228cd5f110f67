// The public campaign page's budget and pledges (web/views/budget.js; SPEC.md §18, §19), as a
// donor reads them on the demo ledger: the budget in force line by line, planned against
// paid, with the money paid outside the budget; what was promised, received, still expected
// and cancelled. In English and Vietnamese, at 360 px and 1280 px, checked with axe-core and
// screenshotted in target/e2e/donor/ (budget-*.png).
//
// Needs Chromium, playwright-core, axe-core and a built server binary (tests/web/harness.mjs);
// skipped with the reason when one is missing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { skipReason, launchBrowser, shutDown } from './harness.mjs';
import { startStaffDemo } from './staff-harness.mjs';
import {
  axeMissing, EVERY_SCREEN, VIEWPORTS, donorPage, donorShot, screenProblems, englishOnPage,
} from './donor-harness.mjs';

const reason = skipReason || axeMissing;
if (reason) console.log(`# SKIP budget page tests: ${reason}`);
const skip = reason || false;

let demo = null;
let browser = null;

before(async () => {
  if (reason) return;
  demo = await startStaffDemo('fundtrail-budget-page-');
  browser = await launchBrowser();
});

after(() => shutDown(browser, demo));

const api = async (p) => (await fetch(`${demo.base}/api/v1${p}`)).json();
const digits = (s) => s.replace(/[^0-9]/g, '');

for (const [lang, device] of EVERY_SCREEN) {
  test(`the campaign page shows the budget against what was paid and the pledges (${lang}, ${device})`, { skip }, async () => {
    const budget = await api('/campaigns/flood-2026/budget');
    const pledges = await api('/campaigns/flood-2026/pledges');
    const { page, context, problems } = await donorPage(browser, demo.base, lang, device);
    await page.goto(`${demo.base}/#/campaign/flood-2026`);
    await page.waitForSelector('table.budget');

    const rows = await page.$$eval('table.budget tbody tr', (trs) => trs.map((tr) => ({
      id: tr.dataset.line, cells: [...tr.querySelectorAll('td')].map((td) => td.textContent),
    })));
    assert.deepEqual(rows.map((r) => r.id), budget.lines.map((l) => l.id));
    rows.forEach((r, i) => {
      assert.equal(digits(r.cells[0]), budget.lines[i].planned, `${r.id} planned`);
      assert.ok(digits(r.cells[1]).startsWith(budget.lines[i].paid), `${r.id} paid`);
    });
    assert.equal(digits(await page.textContent('[data-budget-paid]')), budget.paid);
    assert.equal(digits(await page.textContent('[data-unbudgeted]')), budget.unbudgeted);
    for (const name of ['pledged', 'received', 'outstanding', 'cancelled']) {
      assert.equal(digits(await page.textContent(`[data-pledge-figure=${name}] dd`)), pledges[name], name);
    }
    assert.equal(await page.locator('ul.pledges li').count(), pledges.list.length);
    const words = lang === 'vi' ? ['Ngân sách và chi tiêu', 'Dự kiến', 'Còn chờ', 'đã hủy'] : ['Budget and spending', 'Planned', 'Still expected', 'cancelled'];
    const text = await page.textContent('main');
    for (const w of words) assert.ok(text.includes(w), `the page says ${w}`);
    if (lang === 'vi') assert.deepEqual(await englishOnPage(page), []);
    assert.deepEqual(await screenProblems(page, problems, VIEWPORTS[device].width), []);
    await page.locator('table.budget').scrollIntoViewIfNeeded();
    await donorShot(page, `budget-campaign-${lang}-${device}`);
    await context.close();
  });
}
