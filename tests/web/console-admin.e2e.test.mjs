// The staff console's admin screens of issue 18 in real Chromium, against `fundtrail demo`, at
// 360 and 1280 px in English and Vietnamese: the Webhooks screen (admins only: register an
// address, the secret shown once with a warning; the server's refusal of an address shown next
// to the field in both languages; the delivery log in words, from a loopback receiver that
// accepts and one that refuses; delete after a confirmation), and a ledger-wide approval rule
// declared from the Approvals screen (its threshold read back before the review, then listed
// among the rules in force, as is one in a currency no campaign uses). Screenshots go to target/e2e/staff/admin-*.png.
//
// Needs Chromium, playwright-core and a built server binary (see tests/web/harness.mjs);
// skipped with the reason when one is missing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { skipReason, launchBrowser, shutDown } from './harness.mjs';
import {
  startStaffDemo, consoleUrl, staffPage, signInByLink, openScreen, until, api, ledgerSize, shot, VIEWPORTS, LOCALES, cspViolations, fieldError, axeProblems, axeMissing,
} from './staff-harness.mjs';
import { EN } from '../../web/staff/strings-en.js';
import { VI } from '../../web/staff/strings-vi.js';

if (skipReason) console.log(`# SKIP console admin tests: ${skipReason}`);
const skip = skipReason || false;
const WORDS = { en: EN, vi: VI };

let demo = null;
let browser = null;
let url = '';
const receivers = [];

/** A loopback receiver answering every POST with `status`; `seen` counts them. */
async function receiver(status) {
  const r = { seen: 0 };
  r.server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      r.seen += 1;
      res.writeHead(status).end();
    });
  });
  await new Promise((ok) => { r.server.listen(0, '127.0.0.1', ok); });
  r.url = `http://127.0.0.1:${r.server.address().port}/hook`;
  receivers.push(r);
  return r;
}

before(async () => {
  if (skipReason) return;
  demo = await startStaffDemo('fundtrail-console-admin-');
  url = await consoleUrl(demo.base);
  browser = await launchBrowser();
});

after(async () => {
  for (const r of receivers) r.server.close();
  await shutDown(browser, demo);
});

async function screen(token, name, opts = {}) {
  const opened = await staffPage(browser, demo.base, opts);
  await signInByLink(opened.page, url, token);
  await openScreen(opened.page, url, `#/${name}`, name);
  return opened;
}

async function donate(amount) {
  const r = await fetch(`${demo.base}/api/v1/donations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${demo.recorderToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ campaign: 'flood-2026', amount: String(amount), donor: `Donor ${amount}` }),
  });
  assert.equal(r.status, 201, await r.clone().text());
  return (await r.json()).seq;
}

const hooks = async () => (await api(demo.base, '/webhooks', demo.adminToken)).webhooks;
const overflowOf = (page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

test('only an admin has the Webhooks screen: a recorder sees no menu entry and is told the screen is for admins', { skip }, async () => {
  const { page, context } = await screen(demo.recorderToken, 'dashboard', { viewport: VIEWPORTS.desktop });
  assert.equal(await page.locator('[data-nav=webhooks]').count(), 0);
  await openScreen(page, url, '#/webhooks', 'webhooks');
  assert.equal(await page.textContent('[data-screen=webhooks] h1'), EN.admin_only_title);
  assert.equal(await page.locator('#hook-form').count(), 0);
  await context.close();

  const admin = await screen(demo.adminToken, 'dashboard', { locale: LOCALES.vi, viewport: VIEWPORTS.desktop });
  assert.equal(await admin.page.textContent('[data-nav=webhooks]'), VI.hook_nav);
  await admin.context.close();
});

test('an address the server refuses is shown next to the field in both languages, and nothing is registered', { skip }, async () => {
  for (const [lang, locale] of Object.entries(LOCALES)) {
    for (const [size, viewport] of Object.entries(VIEWPORTS)) {
      const { page, context, problems } = await screen(demo.adminToken, 'webhooks', { locale, viewport });
      await page.waitForSelector('[data-hooks] h2');
      // Passes the console's own check (http:// and a host), refused by the server's URL parser.
      await page.fill('#hook-form input[name=url]', 'http://erp example.org/hook');
      await page.click('#hook-form button[type=submit]');
      await until(() => fieldError(page, 'url'), 'the field error');
      assert.equal(await fieldError(page, 'url'), WORDS[lang].hook_err_url);
      await page.fill('#hook-form input[name=url]', 'https://erp.example.org/hook');
      await page.fill('#hook-form input[name=secret]', 'short');
      await page.click('#hook-form button[type=submit]');
      assert.equal(await fieldError(page, 'secret'), WORDS[lang].hook_err_secret);
      if (!axeMissing) assert.deepEqual(await axeProblems(page), [], `${lang} ${size}: axe-core`);
      assert.ok((await overflowOf(page)) <= 0, `${lang} ${size}: wider than the screen`);
      await shot(page, `admin-hook-refused-${lang}-${size}`);
      assert.deepEqual(await cspViolations(page, problems), []);
      await context.close();
    }
  }
  assert.deepEqual(await hooks(), []);
});

test('an admin registers a webhook, sees its secret once, and reads its delivery log in words', { skip }, async () => {
  const ok = await receiver(200);
  const refusing = await receiver(500);
  const secret = 'a-secret-of-twenty-chars';
  for (const [lang, locale] of Object.entries(LOCALES)) {
    for (const [size, viewport] of Object.entries(VIEWPORTS)) {
      const first = lang === 'en' && size === 'phone';
      const { page, context } = await screen(demo.adminToken, 'webhooks', { locale, viewport });
      await page.waitForSelector('[data-hooks] h2');
      if (first) {
        // One with a secret of our own, one with the server's.
        await page.fill('#hook-form input[name=url]', ok.url);
        await page.fill('#hook-form input[name=secret]', secret);
        await page.click('#hook-form button[type=submit]');
        await page.waitForSelector('[data-new-hook]');
        assert.equal(await page.inputValue('[data-new-hook] [data-value=secret]'), secret);
        assert.equal(await page.textContent('[data-new-hook] [data-once]'), EN.hook_once);
        await shot(page, `admin-hook-secret-${lang}-${size}`);
        await page.fill('#hook-form input[name=url]', refusing.url);
        await page.click('#hook-form button[type=submit]');
        await page.waitForSelector(`[data-new-hook]:not([data-new-hook="${(await hooks())[0].id}"])`);
        const made = await page.inputValue('[data-new-hook] [data-value=secret]');
        assert.ok(made.length >= 16, `the server's secret: ${made}`);
        await donate(123000);
        await until(() => ok.seen >= 1 && refusing.seen >= 1, 'both receivers called');
      }
      const [good, bad] = await hooks();
      assert.equal(await page.locator('[data-new-hook]').count(), first ? 1 : 0, 'the secret is not shown again');
      assert.ok(!(await page.textContent('[data-hooks]')).includes(secret));

      const goodItem = page.locator(`[data-hook="${good.id}"]`);
      assert.equal(await goodItem.locator('[data-url]').textContent(), ok.url);
      await goodItem.locator('[data-action=log]').click();
      await goodItem.locator('[data-delivery]').first().waitFor();
      const line = await goodItem.locator('[data-delivery]').first().textContent();
      assert.match(line, lang === 'vi' ? /Bút toán \d+, lần gửi thứ 1/ : /Entry \d+, attempt 1/);
      assert.match(line, lang === 'vi' ? /đã nhận \(bên nhận trả lời 200\)/ : /delivered \(the receiver answered 200\)/);

      const badItem = page.locator(`[data-hook="${bad.id}"]`);
      await badItem.locator('[data-action=log]').click();
      await badItem.locator('[data-delivery]').first().waitFor();
      assert.match(await badItem.locator('[data-delivery] [data-outcome]').first().textContent(), lang === 'vi' ? /bên nhận trả lời 500/ : /the receiver answered 500/);
      assert.equal(await badItem.locator('[data-delivery]').first().getAttribute('data-delivered'), 'false');
      assert.ok((await overflowOf(page)) <= 0, `${lang} ${size}: wider than the screen`);
      await shot(page, `admin-hook-log-${lang}-${size}`);
      await context.close();
    }
  }
});

test('an admin deletes a webhook only after confirming, naming its address; its log stays', { skip }, async () => {
  const [, bad] = await hooks();
  const { page, context } = await screen(demo.adminToken, 'webhooks', { locale: LOCALES.vi, viewport: VIEWPORTS.phone });
  const item = page.locator(`[data-hook="${bad.id}"]`);
  await item.locator('[data-action=delete]').click();
  assert.equal(await item.locator('[data-confirm]').textContent(), VI.hook_delete_question.replace('{url}', bad.url));
  await item.locator('[data-action=delete-cancel]').click();
  assert.equal((await hooks()).find((w) => w.id === bad.id).revoked_at, null, 'cancel deletes nothing');
  await item.locator('[data-action=delete]').click();
  await shot(page, 'admin-hook-delete-vi-phone');
  await item.locator('[data-action=delete-confirm]').click();
  await page.waitForSelector(`[data-hook="${bad.id}"][data-removed=true]`);
  assert.ok((await hooks()).find((w) => w.id === bad.id).revoked_at);
  assert.equal(await page.locator(`[data-hook="${bad.id}"] [data-action=delete]`).count(), 0);
  await page.locator(`[data-hook="${bad.id}"] [data-action=log]`).click();
  await page.locator(`[data-hook="${bad.id}"] [data-delivery]`).first().waitFor();
  await context.close();
});

test('an admin declares a ledger-wide rule in one currency, its threshold read back before the review, then listed in force', { skip }, async () => {
  for (const [lang, locale] of Object.entries(LOCALES)) {
    for (const [size, viewport] of Object.entries(VIEWPORTS)) {
      const { page, context, problems } = await screen(demo.adminToken, 'approvals', { locale, viewport });
      await page.waitForSelector('#approval-rule-form');
      await page.locator('#approval-rule-form [data-field=scope] input[value=ledger]').check();
      assert.ok(await page.isHidden('#approval-rule-form [data-field=campaign]'));
      await page.selectOption('#approval-rule-form select[name=currency]', 'VND');
      await page.fill('#approval-rule-form input[name=approvers]', '1');
      await page.fill('#approval-rule-form input[name=threshold]', lang === 'vi' ? '50.000.000' : '50,000,000');
      assert.match(await page.textContent('[data-echo=threshold]'), lang === 'vi' ? /50\.000\.000/ : /50,000,000/);
      await page.click('#approval-rule-form button[type=submit]');
      await page.waitForSelector('.review [data-review=threshold]');
      assert.match(await page.textContent('.review [data-review=threshold]'), lang === 'vi' ? /50\.000\.000/ : /50,000,000/);
      assert.equal(await page.textContent('.review [data-review=scope]'), WORDS[lang].appr_rule_scope_label.replace('{currency}', 'VND'));
      assert.ok((await overflowOf(page)) <= 0, `${lang} ${size}: wider than the screen`);
      await shot(page, `admin-ledger-rule-review-${lang}-${size}`);
      if (lang === 'en' && size === 'phone') {
        const before = await ledgerSize(demo.base);
        await page.click('[data-action=confirm]');
        await page.waitForSelector('[data-rule-form] .done');
        assert.equal(await ledgerSize(demo.base), before + 1);
        const { entry } = await api(demo.base, `/entries/${before}`);
        assert.equal(entry.body.campaign, undefined, 'a rule of the whole ledger names no campaign');
        assert.equal(entry.body.currency, 'VND');
        for (const id of ['flood-2026', 'school-roofs']) {
          const c = await api(demo.base, `/campaigns/${id}`);
          assert.deepEqual(c.approval_rules.filter((r) => r.scope === 'ledger').map((r) => [r.approvers, r.threshold]), [[1, '50000000']]);
        }
        await page.waitForSelector('[data-rules-in-force] [data-rule=ledger][data-currency=VND]');
      }
      await page.goto(`${url}#/approvals`);
      await page.waitForSelector('[data-rules-in-force] [data-rule=ledger]');
      const listed = page.locator('[data-rules-in-force] [data-rule=ledger]');
      assert.equal(await listed.count(), 1, 'listed once, not once per campaign');
      assert.match(await listed.textContent(), lang === 'vi' ? /Toàn bộ sổ cái, VND: .*50\.000\.000.* cần 1 người duyệt/ : /Whole ledger, VND: .*50,000,000.* need 1 approver\(s\)/);
      await shot(page, `admin-ledger-rule-in-force-${lang}-${size}`);
      assert.deepEqual(await cspViolations(page, problems), []);
      await context.close();
    }
  }
});

test('a ledger-wide rule in a currency no campaign uses is listed among the rules in force, in both languages', { skip }, async () => {
  const r = await fetch(`${demo.base}/api/v1/approval-policies`, {
    method: 'POST',
    headers: { authorization: `Bearer ${demo.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ approvers: 2, threshold: '1000.00', currency: 'EUR' }),
  });
  assert.equal(r.status, 201, await r.clone().text());
  const { seq } = await r.json();
  const { campaigns } = await api(demo.base, '/campaigns');
  assert.ok(campaigns.every((c) => c.currency !== 'EUR'), 'no campaign uses EUR, so none reports the rule');
  for (const [lang, locale] of Object.entries(LOCALES)) {
    const { page, context, problems } = await screen(demo.adminToken, 'approvals', { locale, viewport: VIEWPORTS.phone });
    const listed = page.locator('[data-rules-in-force] [data-rule=ledger][data-currency=EUR]');
    await listed.waitFor();
    assert.equal(await listed.count(), 1);
    const text = await listed.textContent();
    assert.match(text, lang === 'vi' ? /Toàn bộ sổ cái, EUR: .*1\.000,00.* cần 2 người duyệt/ : /Whole ledger, EUR: .*1,000\.00.* need 2 approver\(s\)/);
    assert.ok(text.includes(String(seq)), `${text} names entry ${seq}`);
    await shot(page, `admin-ledger-rule-unused-currency-${lang}`);
    assert.deepEqual(await cspViolations(page, problems), []);
    await context.close();
  }
});
