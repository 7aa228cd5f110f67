// Every screen of the staff console, and of the public page, in English and Vietnamese, on a
// 360 px phone and a 1280 px desktop, against the real server (`fundtrail demo`): each is
// drawn without a console error or a CSP violation, fits the phone's width, and has no
// serious or critical axe-core violation; each is saved as a screenshot in target/e2e/staff/.
// Also: the console works from the keyboard alone, with the focus visible.
//
// Needs Chromium, playwright-core, axe-core and a built server binary (see
// tests/web/harness.mjs); skipped with the reason when one is missing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { skipReason, launchBrowser, shutDown } from './harness.mjs';
import {
  startStaffDemo, consoleUrl, staffPage, signInByLink, until, api, byReference, shot, axeProblems, axeMissing, cspViolations, VIEWPORTS, LOCALES,
} from './staff-harness.mjs';

const reason = skipReason || axeMissing;
if (reason) console.log(`# SKIP staff console screen tests: ${reason}`);
const skip = reason || false;

let demo = null;
let browser = null;
let url = '';
let donorSeq = 0;
let receiptCode = '';

before(async () => {
  if (reason) return;
  demo = await startStaffDemo('fundtrail-staff-screens-');
  url = await consoleUrl(demo.base);
  // A donation with private details, for the donors' screen and the receipt.
  const r = await fetch(`${demo.base}/api/v1/donations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${demo.recorderToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      campaign: 'flood-2026', amount: '300000', reference: 'SCREENS-1', publish_name: true, donor: 'Phạm Minh Châu', donor_private: { email: 'chau@example.vn', phone: '0912 345 678' },
    }),
  });
  assert.equal(r.status, 201);
  const ack = await r.json();
  donorSeq = ack.seq;
  receiptCode = ack.receipt.code;
  browser = await launchBrowser();
});

after(() => shutDown(browser, demo));

/** The console's screens: [name, address, what marks it drawn]. */
const SCREENS = () => [
  ['dashboard', '#/', '[data-screen=dashboard] .campaigns'],
  ['donation', '#/donation', '#donation-form'],
  ['payout', '#/payout', '#payout-form'],
  ['transfer', '#/transfer', '#transfer-form'],
  ['reversal', '#/reversal?seq=3', '#reversal-form'],
  ['statement', '#/statement', '#statement-form'],
  ['campaign-open', '#/campaign-open', '#open-form'],
  ['campaign-close', '#/campaign-close', '#close-form'],
  ['tokens', '#/tokens', '[data-token-id]'],
  ['webhooks', '#/webhooks', '#hook-form'],
  ['donors', `#/donors?seq=${donorSeq}`, '.private-record'],
  ['entry', `#/entry/${donorSeq}`, '[data-screen=entry] img.qr'],
];

/** The public page's screens. */
const PUBLIC = () => [
  ['public-overview', '/#/', '.campaign'],
  ['public-campaign', '/#/campaign/flood-2026', 'table.statement tbody tr'],
  ['public-entry', `/#/entry/${donorSeq}`, '.verdict'],
  ['public-find', '/#/find?q=SCREENS-1', '#results .result .verdict'],
  ['public-verify', '/#/verify', '#verify-all'],
  ['public-receipt', `/#/receipt/${receiptCode}`, '.receipt-sheet .verdict'],
];

/** Problems of the page as drawn: overflow on a phone, CSP violations, axe findings. */
async function problemsOf(page, problems, width) {
  const out = [];
  const scroll = await page.evaluate(() => document.scrollingElement.scrollWidth);
  if (scroll > width) out.push(`wider than the screen: ${scroll}px`);
  out.push(...(await cspViolations(page, problems)).map((v) => `CSP: ${v}`));
  out.push(...(await axeProblems(page)).map((v) => `axe: ${v}`));
  out.push(...problems.errors.filter((e) => !/Content Security Policy/.test(e)).map((e) => `console: ${e}`));
  return out;
}

for (const [lang, locale] of Object.entries(LOCALES)) {
  for (const [device, viewport] of Object.entries(VIEWPORTS)) {
    test(`every console screen in ${lang} on a ${device} is drawn without errors, fits, and has no serious accessibility violation`, { skip }, async () => {
      const { page, context, problems } = await staffPage(browser, demo.base, { locale, viewport });
      const found = [];
      await page.goto(url);
      await page.waitForSelector('#signin-form');
      await shot(page, `signin-${lang}-${device}`);
      // GET /session answers 401 before signing in, which Chromium logs as a failed load.
      problems.errors = problems.errors.filter((e) => !/status of 401/.test(e));
      found.push(...(await problemsOf(page, problems, viewport.width)).map((p) => `signin: ${p}`));
      await signInByLink(page, url, demo.adminToken);
      for (const [name, hash, ready] of SCREENS()) {
        problems.errors.length = 0;
        await page.goto(`${url}${hash}`);
        await page.waitForSelector(ready);
        if (name === 'entry') await until(() => page.evaluate(() => document.querySelector('img.qr').naturalWidth > 0), 'the QR code');
        await shot(page, `${name}-${lang}-${device}`);
        found.push(...(await problemsOf(page, problems, viewport.width)).map((p) => `${name}: ${p}`));
      }
      // The review step and a field error, drawn too.
      await page.goto(`${url}#/donation`);
      await page.waitForSelector('#donation-form');
      await page.fill('input[name=amount]', '12,5');
      await page.click('#donation-form button[type=submit]');
      await page.waitForSelector('[data-field=amount] .field-error:visible');
      await shot(page, `donation-error-${lang}-${device}`);
      found.push(...(await problemsOf(page, problems, viewport.width)).map((p) => `donation error: ${p}`));
      await page.fill('input[name=amount]', '125.000');
      await page.click('#donation-form button[type=submit]');
      await page.waitForSelector('.review [data-action=confirm]');
      await shot(page, `donation-review-${lang}-${device}`);
      found.push(...(await problemsOf(page, problems, viewport.width)).map((p) => `donation review: ${p}`));
      assert.deepEqual(found, []);
      await context.close();
    });
  }
}

for (const [lang, device] of [['en', 'desktop'], ['vi', 'phone'], ['en', 'phone'], ['vi', 'desktop']]) {
  test(`every public page screen in ${lang} on a ${device} has no serious accessibility violation or CSP violation`, { skip }, async () => {
    const viewport = VIEWPORTS[device];
    const { page, context, problems } = await staffPage(browser, demo.base, { locale: LOCALES[lang], viewport });
    const found = [];
    for (const [name, address, ready] of PUBLIC()) {
      problems.errors.length = 0;
      await page.goto(`${demo.base}${address}`);
      await page.waitForSelector(ready);
      await shot(page, `${name}-${lang}-${device}`);
      found.push(...(await problemsOf(page, problems, viewport.width)).map((p) => `${name}: ${p}`));
    }
    assert.deepEqual(found, []);
    await context.close();
  });
}

test('a donation can be recorded with the keyboard alone, in the order the form reads, with the focus always visible', { skip }, async () => {
  const { page, context } = await staffPage(browser, demo.base);
  await signInByLink(page, url, demo.recorderToken);
  await page.goto(`${url}#/donation`);
  await page.waitForSelector('#donation-form');
  const focused = () => page.evaluate(() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return {
      name: el.name || el.dataset.action || el.getAttribute('href') || el.tagName, visible: style.outlineStyle !== 'none' && style.outlineWidth !== '0px',
    };
  });
  const order = [];
  await page.focus('select[name=campaign]');
  for (let i = 0; i < 12; i++) {
    const f = await focused();
    assert.ok(f.visible, `the focus on ${f.name} is visible`);
    if (order[order.length - 1] !== f.name) order.push(f.name); // a date field's day, month and year
    await page.keyboard.press('Tab');
  }
  // The demo's first campaign has a pledge still expected, so the form offers it after the amount.
  assert.deepEqual(order.slice(0, 6), ['campaign', 'amount', 'pledge', 'received_at', 'channel', 'reference']);
  // Fill it in by keyboard and send it with Enter, confirm with the keyboard too.
  await page.focus('input[name=amount]');
  await page.keyboard.type('75.000');
  await page.focus('select[name=channel]');
  await page.keyboard.press('Tab');
  assert.equal((await focused()).name, 'reference');
  await page.keyboard.type('KEYBOARD-1');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.review [data-action=confirm]');
  assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H2', 'the review\'s heading takes the focus');
  await page.keyboard.press('Tab');
  assert.equal((await focused()).name, 'back');
  await page.keyboard.press('Tab');
  assert.equal((await focused()).name, 'confirm');
  assert.ok((await focused()).visible);
  await page.keyboard.press('Enter');
  await page.waitForSelector('.done');
  assert.equal((await byReference(demo.base, 'KEYBOARD-1')).length, 1);
  const [row] = await byReference(demo.base, 'KEYBOARD-1');
  assert.equal(row.entry.body.amount, '75000');
  assert.equal((await api(demo.base, '/info')).size > 0, true);
  await context.close();
});

test('the accessibility check finds a violation planted in a console screen (so its silence above means something)', { skip }, async () => {
  const { page, context } = await staffPage(browser, demo.base);
  await signInByLink(page, url, demo.recorderToken);
  assert.deepEqual(await axeProblems(page), []);
  await page.evaluate(() => {
    const input = document.createElement('input');
    input.type = 'text'; // no label
    document.querySelector('main').append(input, document.createElement('img'));
  });
  const found = await axeProblems(page);
  assert.ok(found.some((f) => f.startsWith('label')), found.join('\n'));
  assert.ok(found.some((f) => f.startsWith('image-alt')), found.join('\n'));
  await context.close();
});
