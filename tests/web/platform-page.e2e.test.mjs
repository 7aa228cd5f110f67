// Browser end-to-end tests of the platform page (web/platform/, SPEC.md §24) against a stand-in
// platform server (platform-stub.mjs: the contract's API with two organisations and a real
// signed registry): the organisations with their status, "check an account before you
// transfer" (a hit proved in the browser, a miss said plainly, a forged proof refused), and
// the combined index of open campaigns searched by place. In English and Vietnamese at 360 px
// (and 1280 px), checked with axe-core, for CSP violations and overflow; screenshots go to
// target/e2e/donor/platform-*.png.
//
// Needs Chromium, playwright-core and axe-core (tests/web/harness.mjs); no server binary.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, browserSkipReason } from './harness.mjs';
import {
  axeMissing, EVERY_SCREEN, VIEWPORTS, donorPage, donorShot, screenProblems, headingLevels, headingOrderOk,
} from './donor-harness.mjs';
import { startPlatformStub, ORGS } from './platform-stub.mjs';

const reason = browserSkipReason || axeMissing;
if (reason) console.log(`# SKIP platform page tests: ${reason}`);
const skip = reason || false;

const FORGED = '0041 0001 23456';
let stub = null;
let browser = null;

before(async () => {
  if (reason) return;
  stub = await startPlatformStub({ tamper: '' });
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (stub) await stub.stop();
});

/** The platform page in `lang` on `device`, drawn (organisations and campaigns listed). */
async function platformPage(lang, device) {
  const opened = await donorPage(browser, stub.base, lang, device, { fromDisk: false });
  await opened.page.goto(`${stub.base}/`);
  await opened.page.waitForSelector('#pf-orgs > li');
  await opened.page.waitForSelector('#pf-campaigns li');
  return opened;
}

/** Checks account `number` (at `bank`) on `page` and returns the verdict element's text. */
async function check(page, number, bank = '') {
  await page.fill('#pf-number', number);
  await page.fill('#pf-bank', bank);
  await page.click('.pf-check button[type=submit]');
  await page.waitForSelector('#pf-verdict');
  return page.textContent('#pf-verdict');
}

for (const [lang, device] of EVERY_SCREEN) {
  test(`the platform page in ${lang} on a ${device} lists the organisations with their status, proves a registered account and warns of an unregistered one`, { skip }, async () => {
    const { page, context, problems } = await platformPage(lang, device);
    const statuses = await page.$$eval('#pf-orgs > li', (els) => els.map((el) => [el.dataset.org, el.dataset.status]));

    const hit = await check(page, '0041 0001-23456', 'VIETCOMBANK ');
    const proof = await page.getAttribute('#pf-verdict .pf-proof', 'data-proof');
    const campaignLinks = await page.$$eval('#pf-verdict .pf-campaigns a', (as) => as.map((a) => a.getAttribute('href')));
    await donorShot(page, `platform-hit-${lang}-${device}`);
    const hitProblems = await screenProblems(page, problems, VIEWPORTS[device].width);
    const miss = await check(page, '9999 8888 7777');
    await donorShot(page, `platform-miss-${lang}-${device}`);

    assert.deepEqual(statuses, ORGS.map((o) => [o.slug, o.status]));
    assert.equal(await page.$eval('#registry-foot', (a) => a.href), `${stub.base}/registry/`);
    assert.equal(await page.$eval('#pf-registry-link', (a) => a.href), `${stub.base}/registry/`);
    assert.ok(hit.includes(ORGS[0].name), hit);
    assert.ok(hit.includes(lang === 'vi' ? 'Đã đăng ký' : 'Registered'), hit);
    assert.ok(hit.includes('Lũ lụt Quảng Nam 2026'), hit);
    assert.equal(proof, 'good');
    assert.ok(campaignLinks.includes(`${stub.base}/o/hoi-chu-thap-do/#/campaign/lu-quang-nam-2026`), campaignLinks.join(' '));
    assert.equal(await page.getAttribute('#pf-verdict', 'data-registered'), 'false');
    assert.ok(miss.includes(lang === 'vi' ? 'Chưa đăng ký ở đây: hãy cẩn thận' : 'Not registered here: be careful'), miss);
    assert.ok(headingOrderOk(await headingLevels(page)), `heading order: ${await headingLevels(page)}`);
    assert.deepEqual(hitProblems, []);
    assert.deepEqual(await screenProblems(page, problems, VIEWPORTS[device].width), []);
    await context.close();
  });
}

test('a suspended organisation\'s account is registered but the page says the organisation is suspended', { skip }, async () => {
  const { page, context } = await platformPage('en', 'phone');

  const text = await check(page, '12010000777888', 'bidv');

  assert.ok(text.includes('Registered: Quỹ Ban Mai'), text);
  assert.ok(text.includes('suspended'), text);
  assert.match(await page.getAttribute('#pf-verdict', 'class'), /\bbad\b/);
  await context.close();
});

test('an empty account number is refused next to the field, without asking the server', { skip }, async () => {
  const { page, context } = await platformPage('vi', 'phone');
  const before = stub.asked.filter((p) => p.includes('check-account')).length;

  await page.fill('#pf-number', '  ');
  await page.click('.pf-check button[type=submit]');

  assert.equal(await page.textContent('#pf-number-error'), 'Hãy nhập số tài khoản trước.');
  assert.equal(await page.getAttribute('#pf-number', 'aria-invalid'), 'true');
  assert.equal(stub.asked.filter((p) => p.includes('check-account')).length, before);
  await context.close();
});

test('a registry proof that does not verify is not believed: the page says so instead of "registered"', { skip }, async () => {
  const forging = await startPlatformStub({ tamper: FORGED });
  const opened = await donorPage(browser, forging.base, 'en', 'phone', { fromDisk: false });
  try {
    await opened.page.goto(`${forging.base}/`);
    await opened.page.waitForSelector('#pf-number');

    const text = await check(opened.page, FORGED);

    assert.equal(await opened.page.getAttribute('#pf-verdict', 'data-registered'), 'unproved');
    assert.ok(text.includes('did not verify'), text);
    assert.ok(!text.includes('Registered:'), text);
  } finally {
    await opened.context.close();
    await forging.stop();
  }
});

for (const lang of ['en', 'vi']) {
  test(`the combined index of open campaigns is searched by place, accents ignored, in ${lang} on a phone`, { skip }, async () => {
    const { page, context, problems } = await platformPage(lang, 'phone');
    const all = await page.$$eval('#pf-campaigns li', (els) => els.map((el) => el.dataset.campaign));

    await page.fill('#pf-search', 'quang nam');
    await page.click('.pf-search button[type=submit]');
    await page.waitForFunction(() => document.querySelectorAll('#pf-campaigns li').length === 1);
    const found = await page.$$eval('#pf-campaigns li a', (as) => as.map((a) => a.getAttribute('href')));
    await page.locator('#campaigns').scrollIntoViewIfNeeded();
    await donorShot(page, `platform-search-${lang}-phone`);
    await page.fill('#pf-search', 'không có gì như thế');
    await page.click('.pf-search button[type=submit]');
    await page.waitForSelector('#pf-campaigns-none');

    assert.deepEqual(all.sort(), ['lu-quang-nam-2026', 'truong-hoc'], 'the suspended organisation\'s campaigns are not listed');
    assert.deepEqual(found, [`${stub.base}/o/hoi-chu-thap-do/#/campaign/lu-quang-nam-2026`]);
    assert.deepEqual(await screenProblems(page, problems, VIEWPORTS.phone.width), []);
    await context.close();
  });
}

test('the language switch redraws the page in the other language and keeps what was typed', { skip }, async () => {
  const { page, context } = await platformPage('en', 'phone');
  await check(page, '9999');

  await page.click('#lang');
  await page.waitForSelector('#pf-verdict');

  assert.equal(await page.getAttribute('html', 'lang'), 'vi');
  assert.equal(await page.inputValue('#pf-number'), '9999');
  assert.ok((await page.textContent('#pf-verdict')).includes('Chưa đăng ký ở đây'));
  await context.close();
});
