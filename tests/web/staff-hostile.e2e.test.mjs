// Hostile text typed into every free-text field of the staff console, against the real server
// (`fundtrail demo`): markup, script, javascript: addresses and very long unbroken strings are
// recorded as they are and shown literally (never run, never as markup, never wider than a
// phone) on the console and on the public page, under the strict CSP; invisible direction
// controls (RLO) and over-long text are refused next to their field before anything is sent.
//
// Needs Chromium, playwright-core and a built server binary (see tests/web/harness.mjs);
// skipped with the reason when one is missing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { skipReason, launchBrowser, shutDown } from './harness.mjs';
import {
  startStaffDemo, consoleUrl, staffPage, signInByLink, openScreen, until, api, ledgerSize, shot, fieldError, cspViolations, VIEWPORTS,
} from './staff-harness.mjs';

if (skipReason) console.log(`# SKIP staff console hostile text tests: ${skipReason}`);
const skip = skipReason || false;

/** Text that would run or become markup if it were ever put on a page as HTML. */
const CORPUS = [
  '<img src=x onerror=alert(1)>',
  '<script>alert(2)</script>',
  'javascript:alert(3)',
  '"><svg onload=alert(4)>',
  "'; alert(5); //",
  '<a href="javascript:alert(6)">click</a>',
  '{{constructor.constructor(\'alert(7)\')()}}',
  '<iframe srcdoc="<script>alert(8)</script>">',
];
const LONG = `${'Ư'.repeat(120)}${'x'.repeat(80)}`; // 200 characters, no space to break at
const LONGER = 'L'.repeat(2000); // the longest a purpose or memo may be

let demo = null;
let browser = null;
let url = '';
const recorded = []; // { seq, texts }

before(async () => {
  if (skipReason) return;
  demo = await startStaffDemo('fundtrail-staff-hostile-');
  url = await consoleUrl(demo.base);
  browser = await launchBrowser();
});

after(() => shutDown(browser, demo));

/** Nodes a hostile text would have made if it had been read as HTML. */
const injected = (page) => page.evaluate(() => {
  // The page's own pictures: receipt and VietQR codes, and the document icons (drawn, not markup);
  // and its own JSON-LD data block (filled with textContent, never run: SPEC.md §20.4).
  const bad = [...document.querySelectorAll('img:not(.qr):not(.vietqr), script:not([type=module]):not([type="application/ld+json"][data-campaign-meta]), svg:not(.file-icon), iframe, a[href^="javascript"]')];
  const handlers = [...document.querySelectorAll('*')].filter((el) => [...el.attributes].some((a) => a.name.startsWith('on')));
  return [...bad, ...handlers].map((el) => el.outerHTML.slice(0, 80));
});

/** A signed-in admin page on screen `name`. */
async function screen(opened, name) {
  await openScreen(opened.page, url, `#/${name}`, name);
  return opened.page;
}

/** Checks the review shows `shown` literally, records, and remembers what is `published`. */
async function confirmAndRemember(page, shown, published = shown) {
  await page.waitForSelector('.review [data-action=confirm]');
  for (const text of shown) assert.ok((await page.textContent('.review')).includes(text), `the review shows ${text.slice(0, 40)} literally`);
  await page.click('[data-action=confirm]');
  await page.waitForSelector('.done');
  recorded.push({ seq: Number(await page.getAttribute('.done', 'data-seq')), texts: published });
}

test('hostile text in every field of every form is recorded as typed and shown literally, never run', { skip }, async () => {
  const opened = await staffPage(browser, demo.base);
  const { page, context, problems } = opened;
  await signInByLink(page, url, demo.adminToken);

  // A campaign: title, purpose, official account.
  await screen(opened, 'campaign-open');
  await page.fill('input[name=title]', CORPUS[0]);
  await page.fill('input[name=id]', 'hostile');
  await page.fill('textarea[name=purpose]', CORPUS[1]);
  await page.fill('input[name="accounts.0.bank"]', CORPUS[2]);
  await page.fill('input[name="accounts.0.number"]', CORPUS[3]);
  await page.fill('input[name="accounts.0.holder"]', LONG);
  await page.click('#open-form button[type=submit]');
  await confirmAndRemember(page, [CORPUS[0], CORPUS[1], CORPUS[2], CORPUS[3], LONG]);

  // A donation: name published, reference, memo, goods, private details.
  await screen(opened, 'donation');
  await page.selectOption('select[name=campaign]', 'hostile');
  await page.fill('input[name=amount]', '1000000');
  await page.selectOption('select[name=channel]', 'in_kind');
  await page.fill('textarea[name=in_kind_description]', CORPUS[4]);
  await page.fill('input[name=reference]', CORPUS[5]);
  await page.check('input[type=radio][value=name]');
  await page.fill('input[name=donor]', CORPUS[6]);
  await page.fill('input[name="donor_private.name"]', CORPUS[7]);
  await page.fill('input[name="donor_private.email"]', CORPUS[0]);
  await page.fill('textarea[name="donor_private.address"]', CORPUS[1]);
  await page.check('input[name=consent]');
  await page.fill('textarea[name=memo]', LONGER);
  await page.click('#donation-form button[type=submit]');
  await confirmAndRemember(page, [CORPUS[4], CORPUS[5], CORPUS[6], CORPUS[7], CORPUS[0], LONGER], [CORPUS[4], CORPUS[5], CORPUS[6], LONGER]);
  assert.ok((await page.textContent('.done')).includes(CORPUS[6]), 'the donor shown on the result');

  // A payment with an evidence file whose name is markup.
  await screen(opened, 'payout');
  await page.selectOption('select[name=campaign]', 'hostile');
  await page.setInputFiles('#evidence-files', [{ name: `${CORPUS[0]}.pdf`, mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') }]);
  await page.fill('input[name=amount]', '1000');
  await page.fill('input[name=recipient]', LONG);
  await page.fill('textarea[name=purpose]', CORPUS[3]);
  await page.click('#payout-form button[type=submit]');
  await confirmAndRemember(page, [LONG, CORPUS[3], `${CORPUS[0]}.pdf`]);

  // A transfer, a reversal, a closing note.
  await screen(opened, 'transfer');
  await page.selectOption('select[name=from]', 'flood-2026');
  await page.selectOption('select[name=to]', 'school-roofs');
  await page.fill('input[name=amount]', '1000');
  await page.fill('textarea[name=reason]', CORPUS[2]);
  await page.click('#transfer-form button[type=submit]');
  await confirmAndRemember(page, [CORPUS[2]]);
  const transferSeq = recorded[recorded.length - 1].seq;
  await page.goto(`${url}#/reversal?seq=${transferSeq}`);
  await page.waitForSelector('#reversal-form');
  await page.check('#reversal-form input[value=error]');
  await page.fill('#reversal-form textarea[name=note]', CORPUS[5]);
  await page.click('#reversal-form button[type=submit]');
  await confirmAndRemember(page, [CORPUS[5]]);
  await page.goto(`${url}#/campaign-close?id=hostile`);
  await page.waitForSelector('#close-form');
  await page.fill('textarea[name=note]', CORPUS[7]);
  await page.click('#close-form button[type=submit]');
  await confirmAndRemember(page, [CORPUS[7]]);

  // Everything is in the ledger exactly as typed.
  const leaves = await Promise.all(recorded.map((r) => api(demo.base, `/entries/${r.seq}`)));
  for (const [i, r] of recorded.entries()) {
    for (const text of r.texts) assert.ok(leaves[i].leaf.includes(JSON.stringify(text).slice(1, -1)), `entry ${r.seq} holds ${text.slice(0, 40)}`);
  }
  assert.ok(!leaves[1].leaf.includes('iframe'), 'the donor\'s private name is not in the ledger');
  assert.deepEqual(await injected(page), []);
  assert.deepEqual(problems.dialogs, []);
  assert.deepEqual(await cspViolations(page, problems), []);
  await context.close();
});

test('the console and the public page show the hostile text literally on every screen that shows it, within a phone\'s width', { skip }, async () => {
  for (const device of ['phone', 'desktop']) {
    const viewport = VIEWPORTS[device];
    const { page, context, problems } = await staffPage(browser, demo.base, { viewport });
    await signInByLink(page, url, demo.adminToken);
    const pages = [
      ...recorded.map((r) => [`${url}#/entry/${r.seq}`, '[data-screen=entry] dl', r.texts]),
      ...recorded.map((r) => [`${demo.base}/#/entry/${r.seq}`, '.verdict', r.texts]),
      [`${url}#/`, '[data-screen=dashboard] .campaigns', [CORPUS[0], CORPUS[6]]],
      [`${url}#/donors?seq=${recorded[1].seq}`, '.private-record', [CORPUS[7], CORPUS[0], CORPUS[1]]],
      // Closed by now: its accounts are no longer shown; its title, purpose and payment are.
      [`${demo.base}/#/campaign/hostile`, 'table.statement tbody tr', [CORPUS[0], CORPUS[1], CORPUS[3], LONG]],
      // The transfer's reason, on the statement of the campaign it went to.
      [`${demo.base}/#/campaign/school-roofs`, 'table.statement tbody tr', [CORPUS[2]]],
      [`${demo.base}/#/`, '.campaign', [CORPUS[0]]],
    ];
    for (const [address, ready, texts] of pages) {
      await page.goto(address);
      await page.waitForSelector(ready);
      const text = await page.textContent('main');
      for (const x of texts) assert.ok(text.includes(x), `${address} shows ${x.slice(0, 40)} literally`);
      assert.deepEqual(await injected(page), [], address);
      const width = await page.evaluate(() => document.scrollingElement.scrollWidth);
      assert.ok(width <= viewport.width, `${address} is ${width}px wide on a ${viewport.width}px screen`);
    }
    await shot(page, `hostile-public-campaign-en-${device}`);
    assert.deepEqual(problems.dialogs, []);
    assert.deepEqual(await cspViolations(page, problems), []);
    await context.close();
  }
});

test('direction controls (RLO), noncharacters and over-long text are refused next to their field before anything is sent', { skip }, async () => {
  const { page, context } = await staffPage(browser, demo.base, { locale: 'vi-VN' });
  await signInByLink(page, url, demo.recorderToken);
  await openScreen(page, url, '#/donation', 'donation');
  const posts = [];
  page.on('request', (r) => {
    if (r.method() === 'POST') posts.push(r.url());
  });
  const before = await ledgerSize(demo.base);
  await page.fill('input[name=amount]', '100000');
  await page.fill('input[name=reference]', 'invoice\u202Efdp.exe');
  await page.fill('textarea[name=memo]', `${LONGER}!`);
  await page.check('input[type=radio][value=name]');
  await page.fill('input[name=donor]', 'An\uFFFE');
  await page.click('#donation-form button[type=submit]');
  await until(async () => (await fieldError(page, 'reference')) !== '', 'the refusals');
  assert.match(await fieldError(page, 'reference'), /U\+202E/);
  assert.match(await fieldError(page, 'memo'), /tối đa 2000 ký tự/);
  assert.match(await fieldError(page, 'donor'), /U\+FFFE/);
  await shot(page, 'hostile-refused-vi-desktop');
  assert.deepEqual(posts, [], 'nothing was sent');
  assert.equal(await ledgerSize(demo.base), before);
  // A token name holding markup is refused the same way (names are written into every entry).
  await context.close();
  const admin = await staffPage(browser, demo.base);
  await signInByLink(admin.page, url, demo.adminToken);
  await openScreen(admin.page, url, '#/tokens', 'tokens');
  await admin.page.fill('#token-form input[name=name]', CORPUS[0]);
  await admin.page.click('#token-form button[type=submit]');
  await until(async () => (await fieldError(admin.page, 'name')) !== '', 'the name refusal');
  assert.match(await fieldError(admin.page, 'name'), /“<”/);
  assert.equal((await api(demo.base, '/tokens', demo.adminToken)).tokens.some((tok) => tok.name.includes('<')), false);
  await admin.context.close();
});
