// The staff console's budget editor and pledges (web/staff/views/budget.js, pledges.js,
// plans.js; SPEC.md §18, §19) against the real server (`fundtrail demo`): a revision starts
// from the budget in force with the lines paid against locked and planned at least at what
// was paid; the amounts are shown back as read; a payment names its budget line; a pledge is
// recorded, a gift fulfils part of it (more than is outstanding is refused before review),
// and a pledge is cancelled with its reason. Screens in both languages at 360 and 1280 px
// (target/e2e/staff/budget-*.png).
//
// Needs Chromium, playwright-core and a built server binary (see tests/web/harness.mjs);
// skipped with the reason when one is missing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { skipReason, launchBrowser, shutDown } from './harness.mjs';
import {
  startStaffDemo, consoleUrl, staffPage, signInByLink, openScreen, api, ledgerSize, shot, fieldError,
  cspViolations, VIEWPORTS, LOCALES,
} from './staff-harness.mjs';

if (skipReason) console.log(`# SKIP staff budget tests: ${skipReason}`);
const skip = skipReason || false;

let demo = null;
let browser = null;
let url = '';

before(async () => {
  if (skipReason) return;
  demo = await startStaffDemo('fundtrail-staff-budget-');
  url = await consoleUrl(demo.base);
  browser = await launchBrowser();
});

after(() => shutDown(browser, demo));

async function signedIn(hash, name, opts = {}) {
  const opened = await staffPage(browser, demo.base, opts);
  await signInByLink(opened.page, url, demo.recorderToken);
  await openScreen(opened.page, url, hash, name);
  return opened;
}

test('a revision starts from the budget in force, keeps paid lines, and is recorded as reviewed', { skip }, async () => {
  const before = await api(demo.base, '/campaigns/flood-2026/budget');
  const { page, context, problems } = await signedIn('#/budget?id=flood-2026', 'budget');
  await page.waitForSelector('#budget-form');
  const lines = page.locator('#budget-form fieldset.budget-line');
  assert.equal(await lines.count(), before.lines.length, 'the editor starts from the budget in force');
  const rice = page.locator('#budget-form fieldset.budget-line[data-line=rice]');
  assert.ok(await rice.locator('input[name="lines.label"]').isDisabled(), 'a paid line keeps its label');
  assert.ok(await rice.locator('[data-action=remove-line]').isDisabled(), 'and cannot be removed');

  // Planning a paid line below what was paid is refused next to the amount, before review.
  await rice.locator('input[name="lines.amount"]').fill('1000');
  await page.click('#budget-form button[type=submit]');
  assert.match(await rice.locator('[data-field="lines.amount"] .field-error').textContent(), /6,000,000/);
  await rice.locator('input[name="lines.amount"]').fill('20.000.000');
  assert.equal(await rice.locator('[data-echo="lines.amount"]').textContent(), '= ₫20,000,000');

  // Remove a line nothing was paid against, add one.
  await page.locator('#budget-form fieldset.budget-line[data-line=boats] [data-action=remove-line]').click();
  await page.click('[data-action=add-line]');
  const added = lines.last();
  await added.locator('input[name="lines.id"]').fill('tents');
  await added.locator('input[name="lines.label"]').fill('Lều bạt cho 40 hộ');
  await added.locator('select[name="lines.category"]').selectOption('shelter');
  assert.equal(await added.locator('input[name="lines.sector"]').inputValue(), '72010', 'the sector code follows the category');
  await added.locator('input[name="lines.amount"]').fill('4.000.000');
  await page.fill('#budget-form textarea[name=note]', 'Thêm lều bạt, bỏ sửa thuyền');
  await page.click('#budget-form button[type=submit]');
  await page.waitForSelector('.review [data-action=confirm]');
  const total = 20_000_000 + 10_000_000 + 2_000_000 + 4_000_000;
  assert.equal((await page.textContent('[data-review=total]')).replace(/[^0-9]/g, ''), String(total));
  assert.ok((await page.textContent('.review')).includes(`Entry ${before.in_force}`), 'the review says which budget it replaces');
  await shot(page, 'budget-review-en-desktop');
  await page.click('[data-action=confirm]');
  await page.waitForSelector('.done');
  const seq = Number(await page.getAttribute('.done', 'data-seq'));
  const after = await api(demo.base, '/campaigns/flood-2026/budget');
  assert.equal(after.in_force, seq);
  assert.deepEqual(after.lines.map((l) => l.id), ['rice', 'water', 'admin', 'tents']);
  assert.equal(after.lines[3].sector, '72010');
  const entry = await api(demo.base, `/entries/${seq}`);
  assert.equal(entry.entry.body.revises, before.in_force);
  assert.deepEqual(await cspViolations(page, problems), []);
  await context.close();
});

test('a payment names its budget line, chosen from the lines with what was paid of each', { skip }, async () => {
  const { page, context } = await signedIn('#/payout', 'payout');
  await page.selectOption('select[name=campaign]', 'flood-2026');
  await page.waitForSelector('[data-field=budget_line]:not([hidden]) option[value=water]', { state: 'attached' });
  await page.selectOption('select[name=budget_line]', 'water');
  await page.fill('input[name=amount]', '500.000');
  await page.fill('input[name=recipient]', 'Hanoi Water Filters Co.');
  await page.fill('textarea[name=purpose]', '10 bình lọc nước');
  await page.click('#payout-form button[type=submit]');
  await page.waitForSelector('.review [data-action=confirm]');
  assert.match(await page.textContent('[data-review=budget_line]'), /3,000,000 paid of ₫10,000,000/);
  await page.click('[data-action=confirm]');
  await page.waitForSelector('.done');
  const seq = Number(await page.getAttribute('.done', 'data-seq'));
  assert.equal((await api(demo.base, `/entries/${seq}`)).entry.body.budget_line, 'water');
  await context.close();
});

test('a pledge is recorded, partly fulfilled by a gift naming it, and another is cancelled with its reason', { skip }, async () => {
  const { page, context } = await signedIn('#/pledges?id=flood-2026', 'pledges');
  await page.waitForSelector('#pledge-form');
  await page.fill('#pledge-form input[name=donor]', 'Hợp tác xã Bình Minh');
  await page.fill('#pledge-form input[name=amount]', '2.000.000');
  await page.click('#pledge-form button[type=submit]');
  await page.waitForSelector('.review [data-action=confirm]');
  await page.click('[data-action=confirm]');
  await page.waitForSelector('.done');
  const pledge = Number(await page.getAttribute('.done', 'data-seq'));

  await openScreen(page, url, '#/donation', 'donation');
  await page.selectOption('select[name=campaign]', 'flood-2026');
  await page.waitForSelector(`select[name=pledge] option[value="${pledge}"]`, { state: 'attached' });
  await page.selectOption('select[name=pledge]', String(pledge));
  await page.fill('input[name=amount]', '2.500.000');
  await page.click('#donation-form button[type=submit]');
  assert.match(await fieldError(page, 'amount'), /2,000,000/, 'more than is still expected is refused before review');
  const size = await ledgerSize(demo.base);
  await page.fill('input[name=amount]', '500.000');
  await page.click('#donation-form button[type=submit]');
  await page.waitForSelector('.review [data-action=confirm]');
  await page.click('[data-action=confirm]');
  await page.waitForSelector('.done');
  const gift = Number(await page.getAttribute('.done', 'data-seq'));
  assert.equal(gift, size);
  assert.equal((await api(demo.base, `/entries/${gift}`)).entry.body.pledge, pledge);

  await openScreen(page, url, '#/pledges?id=flood-2026', 'pledges');
  await page.locator(`tr[data-pledge="${pledge}"] [data-action=cancel-pledge]`).click();
  await page.fill('#pledge-cancel-form textarea[name=reason]', 'Hợp tác xã đã chuyển phần còn lại cho chiến dịch khác');
  await page.click('#pledge-cancel-form button[type=submit]');
  await page.waitForSelector('.review [data-action=confirm]');
  assert.equal((await page.textContent('[data-review=given-up]')).replace(/[^0-9]/g, ''), '1500000');
  await page.click('[data-action=confirm]');
  await page.waitForSelector('.done');
  const status = await api(demo.base, '/campaigns/flood-2026/pledges');
  const mine = status.list.find((x) => x.seq === pledge);
  assert.deepEqual([mine.received, mine.cancelled, mine.outstanding], ['500000', '1500000', '0']);
  await context.close();
});

for (const lang of Object.keys(LOCALES)) {
  for (const device of Object.keys(VIEWPORTS)) {
    test(`the budget and pledges screens fit and speak ${lang} on a ${device}`, { skip }, async () => {
      const { page, context, problems } = await signedIn('#/budget?id=flood-2026', 'budget', { locale: LOCALES[lang], viewport: VIEWPORTS[device] });
      await page.waitForSelector('#budget-form');
      const words = lang === 'vi' ? ['Ngân sách đang áp dụng', 'Thêm một khoản'] : ['Budget in force', 'Add a line'];
      for (const w of words) assert.ok((await page.textContent('main')).includes(w), w);
      const width = await page.evaluate(() => document.scrollingElement.scrollWidth);
      assert.ok(width <= VIEWPORTS[device].width, `the budget screen is ${width}px wide`);
      await shot(page, `budget-editor-${lang}-${device}`);
      await openScreen(page, url, '#/pledges?id=flood-2026', 'pledges');
      await page.waitForSelector('#pledge-form');
      assert.ok((await page.textContent('main')).includes(lang === 'vi' ? 'Cam kết mới' : 'New pledge'));
      const pledgeWidth = await page.evaluate(() => document.scrollingElement.scrollWidth);
      assert.ok(pledgeWidth <= VIEWPORTS[device].width, `the pledges screen is ${pledgeWidth}px wide`);
      await shot(page, `budget-pledges-${lang}-${device}`);
      assert.deepEqual(await cspViolations(page, problems), []);
      assert.deepEqual(problems.errors, []);
      await context.close();
    });
  }
}
