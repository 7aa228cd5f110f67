// The Verify page as a donor meets it: what the check proves in plain words, the download
// size stated before anything is downloaded, "Verify everything" run off the main thread (a
// module worker) and stoppable, the signed checkpoint with its root and key behind a fold.
// In English and Vietnamese, at 360 px and 1280 px, checked with axe-core and screenshotted.
//
// Needs Chromium, playwright-core, axe-core and a built server binary (tests/web/harness.mjs);
// skipped with the reason when one is missing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { skipReason, launchBrowser, shutDown } from './harness.mjs';
import { startStaffDemo } from './staff-harness.mjs';
import {
  axeMissing, EVERY_SCREEN, VIEWPORTS, donorPage, donorShot, screenProblems, headingLevels, headingOrderOk, until, englishOnPage,
} from './donor-harness.mjs';

const reason = skipReason || axeMissing;
if (reason) console.log(`# SKIP donor verify tests: ${reason}`);
const skip = reason || false;

let demo = null;
let browser = null;

before(async () => {
  if (reason) return;
  demo = await startStaffDemo('fundtrail-donor-verify-');
  browser = await launchBrowser();
});

after(() => shutDown(browser, demo));

for (const [lang, device] of EVERY_SCREEN) {
  test(`the Verify page in ${lang} on a ${device} states the size first, verifies everything in a worker and says so plainly`, { skip }, async () => {
    const { page, context, problems } = await donorPage(browser, demo.base, lang, device);
    const info = await (await fetch(`${demo.base}/api/v1/info`)).json();
    const workers = [];
    page.on('worker', (w) => workers.push(w.url()));

    await page.goto(`${demo.base}/#/verify`);
    await page.waitForSelector('#verify-size');
    const size = await page.textContent('#verify-size');
    assert.ok(size.replace(/[^0-9]/g, '').includes(String(info.size)), size);
    if (info.bundle_bytes !== undefined) assert.equal(await page.getAttribute('#verify-size', 'data-bytes'), String(info.bundle_bytes));
    await page.click('#verify-all');
    await page.waitForSelector('#verdict .verdict.good', { timeout: 60_000 });
    await donorShot(page, `verify-${lang}-${device}`);

    assert.ok(workers.some((u) => u.endsWith('/verify-worker.js')), `a worker ran: ${workers}`);
    assert.ok((await page.textContent('#verdict')).includes(info.root), 'the root, behind the fold');
    assert.equal(await page.isVisible('#verify-stop'), false, 'no Stop button once done');
    assert.ok(headingOrderOk(await headingLevels(page)), `heading order: ${await headingLevels(page)}`);
    if (lang === 'vi') assert.deepEqual(await englishOnPage(page), [], 'English words on the Vietnamese page');
    assert.deepEqual(await screenProblems(page, problems, VIEWPORTS[device].width), []);
    await context.close();
  });
}

test('with helper workers asked for (#/verify?helpers=2), the pages are decoded in parallel and the verdict is the same', { skip }, async () => {
  const { page, context, problems } = await donorPage(browser, demo.base, 'en', 'desktop');
  const info = await (await fetch(`${demo.base}/api/v1/info`)).json();
  await page.goto(`${demo.base}/#/verify?helpers=2`);
  await page.waitForSelector('#verify-all');
  await page.click('#verify-all');
  await page.waitForSelector('#verdict .verdict.good', { timeout: 60_000 });
  assert.equal(await page.getAttribute('#verdict .verdict.good', 'data-helpers'), '2');
  assert.ok((await page.textContent('#verdict')).includes(info.root));
  assert.deepEqual(problems.errors, []);
  await context.close();
});

test('"Stop" ends a running check at once and says it was stopped, not that the ledger is wrong', { skip }, async () => {
  const { page, context } = await donorPage(browser, demo.base, 'en', 'desktop');
  // The entries (pages of the API or tiles) arrive slowly, so the check is still running
  // when Stop is pressed.
  await context.route(/\/api\/v1\/entries\?|\/log\/tile\//, async (route) => {
    await new Promise((r) => { setTimeout(r, 3000); });
    await route.continue().catch(() => {});
  });
  await page.goto(`${demo.base}/#/verify`);
  await page.waitForSelector('#verify-all');
  await page.click('#verify-all');
  await page.waitForSelector('#verify-stop:visible');

  await page.click('#verify-stop');

  await page.waitForSelector('#verdict .verdict.bad');
  assert.match(await page.textContent('#verdict .verdict-text'), /^Check stopped: You stopped the check\.$/);
  assert.equal(await page.isDisabled('#verify-all'), false, 'it can be started again');
  await until(async () => !(await page.isVisible('#verify-stop')), 'Stop hidden');
  await context.close();
});
