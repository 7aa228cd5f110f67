// Two-person approval in real Chromium (SPEC.md §17), against `fundtrail demo`, whose flood
// campaign needs two approvers for payments of 3,000,000 ₫ or more, has one payment approved
// under that rule and one waiting: the staff console's Approvals screen (the proposer cannot
// approve; another staff member sees the amount once more, approves; the approval that
// completes the rule records the entry; a rejection needs a reason), a covered payment
// proposed from the Pay out screen instead of recorded, and the public page (who approved a
// payment, the campaign's rule, the verify page naming the entry of a skipped approval), at
// 360 and 1280 px in English and Vietnamese. Screenshots go to target/e2e/staff/approvals-*.png.
//
// Needs Chromium, playwright-core and a built server binary (see tests/web/harness.mjs);
// skipped with the reason when one is missing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { skipReason, launchBrowser, shutDown, openPage } from './harness.mjs';
import {
  startStaffDemo, consoleUrl, staffPage, signInByLink, openScreen, until, api, ledgerSize, shot, VIEWPORTS, LOCALES, cspViolations,
} from './staff-harness.mjs';

if (skipReason) console.log(`# SKIP approvals tests: ${skipReason}`);
const skip = skipReason || false;
const here = path.dirname(fileURLToPath(import.meta.url));

let demo = null;
let browser = null;
let url = '';
let approverToken = '';

before(async () => {
  if (skipReason) return;
  demo = await startStaffDemo('fundtrail-approvals-');
  url = await consoleUrl(demo.base);
  browser = await launchBrowser();
  approverToken = await until(() => /Approver token: (\S+)/.exec(demo.log())?.[1], 'the approver token');
});

after(() => shutDown(browser, demo));

async function screen(token, name, opts = {}) {
  const opened = await staffPage(browser, demo.base, opts);
  await signInByLink(opened.page, url, token);
  await openScreen(opened.page, url, `#/${name}`, name);
  return opened;
}

const pending = async () => api(demo.base, '/proposals', demo.adminToken);

test('the proposer sees their pending payment but cannot approve it; each screen fits a phone and a desktop in both languages', { skip }, async () => {
  for (const [lang, locale] of Object.entries(LOCALES)) {
    for (const [size, viewport] of Object.entries(VIEWPORTS)) {
      const { page, context, problems } = await screen(demo.recorderToken, 'approvals', { locale, viewport });
      await page.waitForSelector('[data-proposal][data-status=pending]');
      const card = page.locator('[data-proposal][data-status=pending]').first();
      assert.equal(await card.locator('[data-proposed-by]').textContent(), 'staff-2');
      assert.equal(await card.locator('[data-action=approve]').count(), 0, 'no approve button for the proposer');
      assert.equal(await card.locator('[data-own]').count(), 1);
      const amount = await card.locator('[data-proposal-amount]').textContent();
      assert.match(amount, lang === 'vi' ? /3\.500\.000/ : /3,500,000/);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `${lang} ${size}: the page is ${overflow}px wider than the screen`);
      await shot(page, `approvals-own-${lang}-${size}`);
      assert.deepEqual(await cspViolations(page, problems), []);
      await context.close();
    }
  }
});

test('a payment the rule covers is proposed from Pay out, not recorded, and another staff member rejects it with a reason', { skip }, async () => {
  const before = await ledgerSize(demo.base);
  const { page, context } = await screen(demo.recorderToken, 'payout', { viewport: VIEWPORTS.desktop });
  await page.selectOption('select[name=campaign]', 'flood-2026');
  await page.fill('input[name=amount]', '3000000');
  await page.fill('input[name=recipient]', 'Hợp tác xã Nghĩa Hành');
  await page.fill('textarea[name=purpose]', 'Bồn nước cho trạm y tế');
  await page.click('#payout-form button[type=submit]');
  await page.waitForSelector('.review [data-review=approval]');
  assert.match(await page.textContent('.review [data-review=amount]'), /3,000,000/);
  await page.click('[data-action=confirm]');
  await page.waitForSelector('.done[data-proposal]');
  await shot(page, 'approvals-proposed-en-desktop');
  const id = Number(await page.getAttribute('.done', 'data-proposal'));
  await context.close();
  assert.equal(await ledgerSize(demo.base), before, 'a proposal appends nothing');

  const other = await screen(demo.adminToken, 'approvals', { locale: LOCALES.vi, viewport: VIEWPORTS.desktop });
  const card = other.page.locator(`[data-proposal="${id}"]`);
  await card.locator('[data-action=reject]').click();
  await card.locator('[data-action=confirm-reject]').click();
  assert.notEqual(await card.locator('.field-error').textContent(), '', 'a reason is required');
  await card.locator('[data-reject-reason]').fill('Thiếu hoá đơn');
  await card.locator('[data-action=confirm-reject]').click();
  await other.page.waitForSelector(`[data-decided] [data-proposal="${id}"][data-status=rejected]`);
  assert.equal(await other.page.textContent(`[data-decided] [data-proposal="${id}"] [data-reason]`), 'Thiếu hoá đơn');
  await shot(other.page, 'approvals-decided-vi-desktop');
  await other.context.close();
  assert.equal(await ledgerSize(demo.base), before);
});

test('two other staff approve the waiting payment, seeing its amount before each approval; the second approval records it once', { skip }, async () => {
  const [proposal] = await pending();
  const before = await ledgerSize(demo.base);

  for (const [token, lang] of [[demo.adminToken, 'en'], [approverToken, 'vi']]) {
    const { page, context } = await screen(token, 'approvals', { locale: LOCALES[lang], viewport: VIEWPORTS.phone });
    const card = page.locator(`[data-proposal="${proposal.id}"]`);
    await card.locator('[data-action=approve]').click();
    const confirm = await card.locator('[data-confirm-amount]').textContent();
    assert.match(confirm, lang === 'vi' ? /3\.500\.000/ : /3,500,000/, 'the amount is shown back before approving');
    await shot(page, `approvals-confirm-${lang}-phone`);
    await card.locator('[data-action=confirm-approve]').click();
    await until(async () => (await api(demo.base, `/proposals/${proposal.id}`, token)).approvals.length >= (lang === 'en' ? 1 : 2), 'the approval');
    await context.close();
  }

  const done = await api(demo.base, `/proposals/${proposal.id}`, demo.adminToken);
  assert.equal(done.status, 'recorded');
  assert.equal(await ledgerSize(demo.base), before + 1);
  const { entry } = await api(demo.base, `/entries/${done.seq}`);
  assert.deepEqual(entry.body.approval, { approved_by: ['staff-1', 'staff-3'], proposed_by: 'staff-2' });
});

test('the public page shows who approved a payment and the campaign\'s rule, in both languages', { skip }, async () => {
  for (const [lang, locale] of Object.entries(LOCALES)) {
    for (const [size, viewport] of Object.entries(VIEWPORTS)) {
      const { page, context } = await openPage(browser, demo.base, { locale, viewport });
      await page.goto(`${demo.base}/#/campaign/flood-2026`);
      await page.waitForSelector('[data-approval-rules]');
      const rule = await page.textContent('[data-approval-rules]');
      assert.match(rule, lang === 'vi' ? /cần 2 nhân viên duyệt/ : /need approval by 2 staff/);
      const line = await page.textContent('[data-approval]');
      assert.match(line, lang === 'vi' ? /Được 2 nhân viên duyệt \(staff-1, staff-3\)/ : /Approved by 2 staff \(staff-1, staff-3\)/);
      await shot(page, `approvals-public-${lang}-${size}`);
      await context.close();
    }
  }
});

test('the verify page names the entry of a payment that skipped its approval', { skip }, async () => {
  const bundle = fs.readFileSync(path.join(here, '..', 'vectors', 'approval', 'skipped-approval.txt'));
  for (const [lang, locale] of Object.entries(LOCALES)) {
    const { page, context } = await openPage(browser, demo.base, { locale, viewport: VIEWPORTS.phone });
    await page.goto(`${demo.base}/#/verify`);
    await page.setInputFiles('#bundle-file', { name: 'bundle.txt', mimeType: 'text/plain', buffer: bundle });
    await page.waitForSelector('#bundle-verdict .verdict.bad');
    const verdict = await page.textContent('#bundle-verdict .verdict.bad');
    assert.match(verdict, lang === 'vi' ? /Bút toán 2 là khoản chi đã bỏ qua bước phê duyệt/ : /Entry 2 is a payment that skipped the approval/);
    await shot(page, `approvals-verify-${lang}-phone`);
    await context.close();
  }
});

test('an admin declares a campaign\'s approval rule, its smallest payment read back before the review', { skip }, async () => {
  const before = await ledgerSize(demo.base);
  const { page, context } = await screen(demo.adminToken, 'approvals', { locale: LOCALES.vi, viewport: VIEWPORTS.phone });
  await page.waitForSelector('#approval-rule-form');
  await page.selectOption('#approval-rule-form select[name=campaign]', 'school-roofs');
  await page.fill('#approval-rule-form input[name=approvers]', '2');
  await page.fill('#approval-rule-form input[name=threshold]', '10.000.000');
  assert.match(await page.textContent('[data-echo=threshold]'), /10\.000\.000/);
  await page.click('#approval-rule-form button[type=submit]');
  await page.waitForSelector('.review [data-review=threshold]');
  assert.match(await page.textContent('.review [data-review=threshold]'), /10\.000\.000/);
  await shot(page, 'approvals-rule-review-vi-phone');
  await page.click('[data-action=confirm]');
  await page.waitForSelector('[data-rule-form] .done');
  await context.close();

  assert.equal(await ledgerSize(demo.base), before + 1);
  const c = await api(demo.base, '/campaigns/school-roofs');
  assert.deepEqual(c.approval_rules.map((r) => [r.approvers, r.threshold, r.scope]), [[2, '10000000', 'campaign']]);
});
