// Browser end-to-end test of the platform `fundtrail demo` serves next to its demo ledger
// (SPEC.md §24): the banner names the platform's address and an account to check that is
// registered and one that is not; on the platform page at 360 px, in English and Vietnamese,
// the registered one is found (its organisation, campaigns and registry proof checked in the
// browser) and the other is answered "not registered here: be careful"; the suspended
// organisation is listed as suspended. Checked with axe-core, for CSP violations and
// overflow; screenshots go to target/e2e/donor/demo-platform-*.png.
//
// Needs Chromium, playwright-core, axe-core and the server binary (tests/web/harness.mjs);
// skipped with the reason when one is missing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { skipReason, startDemo, launchBrowser, shutDown } from './harness.mjs';
import {
  axeMissing, VIEWPORTS, donorPage, donorShot, screenProblems,
} from './donor-harness.mjs';

const reason = skipReason || axeMissing;
if (reason) console.log(`# SKIP demo platform tests: ${reason}`);
const skip = reason || false;

const TRY = /^Try "Check an account before you transfer" on (http:\/\/\S+)\/: (.+) at (\S+) is registered \((.+)\); (.+) is not registered$/m;

let demo = null;
let browser = null;
let tried = null;

before(async () => {
  if (reason) return;
  demo = await startDemo({ tmpPrefix: 'fundtrail-demo-platform-e2e-' });
  const deadline = Date.now() + 10_000;
  while (!TRY.test(demo.log())) {
    if (Date.now() > deadline) throw new Error(`the demo printed no platform line:\n${demo.log()}`);
    await new Promise((r) => { setTimeout(r, 100); });
  }
  const [, platform, number, bank, org, other] = TRY.exec(demo.log());
  tried = {
    platform, number, bank, org, other,
  };
  browser = await launchBrowser();
});

after(() => shutDown(browser, demo));

for (const lang of ['en', 'vi']) {
  test(`the demo's platform page in ${lang} on a phone finds the printed registered account and warns of the unregistered one`, { skip }, async () => {
    const { page, context, problems } = await donorPage(browser, tried.platform, lang, 'phone');
    await page.goto(`${tried.platform}/platform/`);
    await page.waitForSelector('#pf-orgs > li');
    const orgs = await page.$$eval('#pf-orgs > li', (els) => els.map((el) => [el.dataset.org, el.dataset.status]));

    await page.fill('#pf-number', tried.number);
    await page.fill('#pf-bank', tried.bank);
    await page.click('.pf-check button[type=submit]');
    await page.waitForSelector('#pf-verdict[data-registered="true"]');
    const hit = await page.textContent('#pf-verdict');
    const proof = await page.getAttribute('#pf-verdict .pf-proof', 'data-proof');
    const links = await page.$$eval('#pf-verdict .pf-campaigns a', (as) => as.map((a) => a.href));
    await donorShot(page, `demo-platform-hit-${lang}-phone`);
    const hitProblems = await screenProblems(page, problems, VIEWPORTS.phone.width);

    await page.fill('#pf-number', tried.other);
    await page.fill('#pf-bank', '');
    await page.click('.pf-check button[type=submit]');
    await page.waitForSelector('#pf-verdict[data-registered="false"]');
    const miss = await page.textContent('#pf-verdict');
    await donorShot(page, `demo-platform-miss-${lang}-phone`);

    assert.deepEqual(orgs.sort(), [['chi-lan-mo-mat', 'suspended'], ['hoa-phuoc', 'active'], ['quy-ban-mai', 'active']]);
    assert.ok(hit.includes(tried.org), hit);
    assert.ok(hit.includes(lang === 'vi' ? 'Đã đăng ký' : 'Registered'), hit);
    assert.equal(proof, 'good', hit);
    assert.deepEqual(links.sort(), [
      `${tried.platform}/o/quy-ban-mai/#/campaign/hoc-bong-quang-nam`,
      `${tried.platform}/o/quy-ban-mai/#/campaign/nuoc-sach-quang-tri`,
    ]);
    assert.ok(miss.includes(lang === 'vi' ? 'Chưa đăng ký ở đây: hãy cẩn thận' : 'Not registered here: be careful'), miss);
    assert.deepEqual(hitProblems, []);
    assert.deepEqual(await screenProblems(page, problems, VIEWPORTS.phone.width), []);
    await context.close();
  });
}

test('the demo platform\'s organisation that rotated its key verifies in the browser on its own page under /o/<slug>/', { skip }, async () => {
  const { page, context, problems } = await donorPage(browser, tried.platform, 'vi', 'phone');

  await page.goto(`${tried.platform}/o/quy-ban-mai/#/verify`);
  await page.waitForSelector('#verify-all');
  await page.click('#verify-all');
  await page.waitForSelector('#verdict .verdict.good, #verdict .verdict.bad', { timeout: 60_000 });
  await donorShot(page, 'demo-platform-org-verified-vi-phone');
  const verdict = await page.getAttribute('#verdict .verdict', 'class');

  assert.match(verdict, /\bgood\b/, await page.textContent('#verdict'));
  assert.deepEqual(problems.errors, []);
  await context.close();
});
