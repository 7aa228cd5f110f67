// Issue 18's feeds part in Chromium, against `fundtrail demo` (which holds a campaign update
// with a photo): the campaign page shows the update with its photo's thumbnail (drawn only
// once its bytes match the ledger), links its Atom feed and carries schema.org JSON-LD without
// breaking the CSP; a donor asks for their statement by receipt codes, sees it checked in the
// browser and can print it, and a tampered statement file is refused; the staff console
// records an update with a photo. In English and Vietnamese, at 360 px and 1280 px, with
// screenshots in target/e2e/donor/ and target/e2e/staff/.
//
// Needs Chromium, playwright-core, axe-core and a built server binary (tests/web/harness.mjs);
// skipped with the reason when one is missing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { skipReason, launchBrowser, shutDown } from './harness.mjs';
import {
  startStaffDemo, consoleUrl, signInByLink, openScreen, shot,
} from './staff-harness.mjs';
import {
  axeMissing, EVERY_SCREEN, VIEWPORTS, donorPage, donorShot, screenProblems, post, until, englishOnPage,
} from './donor-harness.mjs';
import { stripesPng } from './png.mjs';

const reason = skipReason || axeMissing;
if (reason) console.log(`# SKIP feeds tests: ${reason}`);
const skip = reason || false;

let demo = null;
let browser = null;
let codes = [];
const year = new Date().getUTCFullYear();

before(async () => {
  if (reason) return;
  demo = await startStaffDemo('fundtrail-feeds-');
  for (const amount of ['250000', '100000']) {
    const gift = await post(demo.base, '/donations', demo.recorderToken, { campaign: 'flood-2026', amount, donor: 'Trần Văn Bình' });
    codes.push(gift.receipt.code);
  }
  browser = await launchBrowser();
});

after(() => shutDown(browser, demo));

for (const [lang, device] of EVERY_SCREEN) {
  test(`a campaign's update in ${lang} on a ${device} shows its photo, and the page links its feed and JSON-LD under the CSP`, { skip }, async () => {
    const { page, context, problems } = await donorPage(browser, demo.base, lang, device);

    await page.goto(`${demo.base}/#/campaign/flood-2026`);
    await page.waitForSelector('#updates li.update');
    await until(() => page.evaluate(() => document.querySelector('#updates canvas.thumb') !== null), 'the update photo\'s thumbnail');
    await page.locator('#updates').scrollIntoViewIfNeeded();
    await donorShot(page, `update-${lang}-${device}`);

    assert.match(await page.textContent('#updates li.update h3'), /Rice delivered to 120 families/);
    const feed = await page.getAttribute('head link[rel=alternate][type="application/atom+xml"][data-campaign-meta]', 'href');
    assert.equal(feed, 'api/v1/campaigns/flood-2026/feed');
    const atom = await (await fetch(new URL(feed, `${demo.base}/`))).text();
    assert.match(atom, /<id>urn:fundtrail:leaf:[0-9a-f]{64}<\/id>/);
    const ld = JSON.parse(await page.textContent('head script[type="application/ld+json"]'));
    assert.equal(ld['@type'], 'NGO');
    assert.equal(ld.potentialAction['@type'], 'DonateAction');
    assert.equal(await page.locator('main a.feed-link, main .feed-link a').count(), 1);
    if (lang === 'vi') assert.deepEqual(await englishOnPage(page), [], 'English words on the Vietnamese page');
    assert.deepEqual(await screenProblems(page, problems, VIEWPORTS[device].width), []);

    // Leaving the campaign takes its feed link and JSON-LD with it.
    await page.goto(`${demo.base}/#/`);
    await page.waitForSelector('main h1');
    assert.equal(await page.locator('head [data-campaign-meta]').count(), 0);
    await context.close();
  });

  test(`a donor's statement in ${lang} on a ${device} lists their gifts with totals, checked in the browser`, { skip }, async () => {
    const { page, context, problems } = await donorPage(browser, demo.base, lang, device);

    await page.goto(`${demo.base}/#/donor-statement`);
    await page.waitForSelector('#ds-codes');
    await page.fill('#ds-from', `${year}-01-01`);
    await page.fill('#ds-to', `${year}-12-31`);
    await page.fill('#ds-codes', codes.join('\n'));
    await page.click('.donor-statement-form button[type=submit]');
    await page.waitForSelector('#donor-statement-sheet');
    await donorShot(page, `donor-statement-${lang}-${device}`);

    const seqs = await page.$$eval('#donor-statement-sheet tbody tr', (rows) => rows.map((r) => Number(r.dataset.seq)));
    assert.deepEqual(seqs, codes.map((c) => Number(c.split('-')[1])));
    assert.match(await page.textContent('#donor-statement-sheet .donor-totals'), /350[.,]000/);
    assert.equal(await page.locator('#donor-statement-sheet .msg.good').count(), 1);
    if (lang === 'vi') assert.deepEqual(await englishOnPage(page), [], 'English words on the Vietnamese page');
    assert.deepEqual(await screenProblems(page, problems, VIEWPORTS[device].width), []);
    await context.close();
  });
}

test('a statement file with a raised total is refused in the browser, without the server', { skip }, async () => {
  const { page, context } = await donorPage(browser, demo.base, 'en', 'desktop');
  const r = await fetch(`${demo.base}/api/v1/donor-statements`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: `${year}-01-01`, to: `${year}-12-31`, codes }),
  });
  const st = await r.json();
  st.totals[0].amount = '3500000';

  await page.goto(`${demo.base}/#/donor-statement`);
  await page.setInputFiles('#ds-file', [{ name: 'statement.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(st)) }]);
  await page.waitForSelector('#ds-result .msg.bad');

  assert.match(await page.textContent('#ds-result'), /does not verify/);
  assert.match(await page.textContent('#ds-result details'), /the totals say 3500000 VND/);
  assert.equal(await page.locator('#donor-statement-sheet').count(), 0);
  await context.close();
});

for (const [lang, device] of [['vi', 'phone'], ['en', 'desktop']]) {
  test(`the staff console records a campaign update with a photo (${lang}, ${device})`, { skip }, async () => {
    const { page, context } = await donorPage(browser, demo.base, lang, device);
    const url = await consoleUrl(demo.base);
    await signInByLink(page, url, demo.recorderToken);
    await openScreen(page, url, '#/update', 'update');

    await page.selectOption('select[name=campaign]', 'flood-2026');
    await page.fill('input[name=title]', 'Nước sạch đã về');
    await page.fill('textarea[name=text]', '100 bình lọc nước cho trường Nghĩa Hành.');
    await page.setInputFiles('#evidence-files', [{ name: 'binh-loc.png', mimeType: 'image/png', buffer: stripesPng(40, 30) }]);
    await page.click('#update-form button[type=submit]');
    await page.waitForSelector('.review [data-action=confirm]');
    await shot(page, `update-review-${lang}-${device}`);
    await page.click('[data-action=confirm]');
    await page.waitForSelector('.done');
    await shot(page, `update-done-${lang}-${device}`);

    const seq = Number(await page.getAttribute('.done', 'data-seq'));
    const { entry } = await (await fetch(`${demo.base}/api/v1/entries/${seq}`)).json();
    assert.equal(entry.kind, 'update');
    assert.equal(entry.body.title, 'Nước sạch đã về');
    assert.equal(entry.body.evidence.length, 1);
    await context.close();
  });
}
