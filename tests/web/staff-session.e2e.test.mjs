// Browser tests of signing in to the staff console against the real server (`fundtrail demo`):
// sign-in links and pasted tokens, the token never kept by the browser, signing out, idle
// expiry (a second server with a 2-second idle limit), revoked tokens, the CSRF check, and
// a recorder kept out of the admin screens.
//
// Needs Chromium, playwright-core and a built server binary (see tests/web/harness.mjs);
// skipped with the reason when one is missing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { skipReason, launchBrowser, shutDown } from './harness.mjs';
import {
  startStaffDemo, consoleUrl, staffPage, signInByLink, signInByPaste, openScreen, until, ledgerSize, byReference, shot, fieldError,
} from './staff-harness.mjs';

if (skipReason) console.log(`# SKIP staff console session tests: ${skipReason}`);
const skip = skipReason || false;

let demo = null;
let idleDemo = null;
let browser = null;
let url = '';
let idleUrl = '';

before(async () => {
  if (skipReason) return;
  [demo, idleDemo] = await Promise.all([
    startStaffDemo('fundtrail-staff-session-'),
    startStaffDemo('fundtrail-staff-idle-', ['--session-idle', '2s']),
  ]);
  url = await consoleUrl(demo.base);
  idleUrl = await consoleUrl(idleDemo.base);
  browser = await launchBrowser();
});

after(async () => {
  await shutDown(browser, demo);
  if (idleDemo) await idleDemo.stop();
});

const sessionStatus = (page) => page.evaluate(async (api) => (await fetch(api, { credentials: 'same-origin' })).status, new URL('../api/v1/session', url).href);

test('a sign-in link signs in, and its token leaves the address bar, the history, the browser storage and the page at once', { skip }, async () => {
  const { page, context, problems } = await staffPage(browser, demo.base);
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto('about:blank');
  await signInByLink(page, url, demo.recorderToken);
  assert.ok(!page.url().includes(demo.recorderToken), page.url());
  assert.ok(!page.url().includes('token='), page.url());
  assert.match(await page.textContent('#who'), /demo-recorder/);
  // Back goes to where the visitor was before, never to an address holding the token.
  await page.goBack();
  assert.ok(!page.url().includes(demo.recorderToken), page.url());
  await page.goForward();
  await page.waitForSelector('[data-screen="dashboard"]');
  const kept = await page.evaluate(() => JSON.stringify({
    local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie, html: document.documentElement.outerHTML,
  }));
  assert.ok(!kept.includes(demo.recorderToken), 'the token is nowhere in the page or its storage');
  assert.ok(!kept.includes('fundtrail_session'), 'the session cookie is HttpOnly');
  assert.ok(requests.every((r) => !r.includes(demo.recorderToken)), 'no request address carries the token');
  assert.ok(!demo.log().split('Admin sign-in link')[1].split('\n').slice(2).join('\n').includes(demo.recorderToken), 'the server never logs the token after printing it');
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === 'fundtrail_session');
  assert.ok(session && session.httpOnly && session.sameSite === 'Strict', JSON.stringify(cookies));
  assert.deepEqual(problems.errors, []);
  await context.close();
});

test('after a reload the console resumes its session from the cookie, reads its CSRF value again, and can record', { skip }, async () => {
  const { page, context } = await staffPage(browser, demo.base);
  await signInByLink(page, url, demo.recorderToken);
  await page.reload();
  await page.waitForSelector('[data-screen="dashboard"]');
  assert.match(await page.textContent('#who'), /demo-recorder/);
  await page.goto(`${url}#/donation`);
  await page.reload();
  await page.waitForSelector('#donation-form');
  await page.fill('input[name=amount]', '10.000');
  await page.fill('input[name=reference]', 'RELOADED-1');
  await page.click('#donation-form button[type=submit]');
  await page.click('[data-action=confirm]');
  await page.waitForSelector('.done');
  assert.equal((await byReference(demo.base, 'RELOADED-1')).length, 1);
  await context.close();
});

test('a pasted token signs in; a wrong one is refused in words next to the field', { skip }, async () => {
  const { page, context } = await staffPage(browser, demo.base, { locale: 'vi-VN' });
  await page.goto(url);
  await page.waitForSelector('#signin-form');
  await page.fill('#signin-form input[type=password]', 'ft_not-a-real-token');
  await page.click('#signin-form button[type=submit]');
  await until(async () => (await fieldError(page, 'token')) !== '', 'the refusal');
  assert.match(await fieldError(page, 'token'), /không được chấp nhận/);
  assert.ok(!(await page.content()).includes('ft_not-a-real-token'), 'the refused token is not shown back');
  await shot(page, 'signin-refused-vi-desktop');
  await signInByPaste(page, url, demo.adminToken);
  assert.equal(await page.inputValue('#signin-form input[type=password]').catch(() => ''), '', 'the field is emptied');
  assert.match(await page.textContent('#who'), /quản trị viên/);
  await context.close();
});

test('signing out ends the session on the server: the cookie it had is refused afterwards', { skip }, async () => {
  const { page, context } = await staffPage(browser, demo.base);
  await signInByLink(page, url, demo.adminToken);
  const cookie = (await context.cookies()).find((c) => c.name === 'fundtrail_session');
  assert.equal(await sessionStatus(page), 200);
  await page.click('#signout');
  await page.waitForSelector('[data-signin-reason="signed_out"]');
  assert.equal(await page.isVisible('#nav'), false, 'no menu once signed out');
  const replay = await fetch(`${demo.base}/api/v1/session`, { headers: { cookie: `fundtrail_session=${cookie.value}` } });
  assert.equal(replay.status, 401, 'the old session id no longer works');
  assert.equal(await sessionStatus(page), 401);
  await context.close();
});

test('an idle session expires: the next screen asks to sign in again, and a form filled before is kept and recorded once', { skip }, async () => {
  const { page, context } = await staffPage(browser, idleDemo.base);
  const before = await ledgerSize(idleDemo.base);
  await signInByLink(page, idleUrl, idleDemo.recorderToken);
  // Idle on the dashboard past the limit: the next screen says the session ended.
  await new Promise((r) => { setTimeout(r, 3000); });
  await page.click('[data-nav="donation"]');
  await page.waitForSelector('[data-signin-reason="ended"]');
  await shot(page, 'session-ended-en-desktop');
  await page.fill('.signin-panel input[type=password]', idleDemo.recorderToken);
  await page.click('.signin-panel button[type=submit]');
  await page.waitForSelector('[data-screen="donation"] #donation-form');
  // Fill a donation, go idle past the limit at the review, then record: the sign-in panel
  // appears above the kept review; after signing in, "Record" records it once.
  await page.fill('input[name=amount]', '150.000');
  await page.fill('input[name=reference]', 'IDLE-1');
  await page.click('#donation-form button[type=submit]');
  await page.waitForSelector('[data-action=confirm]');
  await new Promise((r) => { setTimeout(r, 3000); });
  await page.click('[data-action=confirm]');
  await page.waitForSelector('.signin-panel [data-signin-reason="ended"]');
  assert.equal(await ledgerSize(idleDemo.base), before, 'nothing recorded without a session');
  await page.fill('.signin-panel input[type=password]', idleDemo.recorderToken);
  await page.click('.signin-panel button[type=submit]');
  await page.waitForSelector('[data-action=confirm]:visible');
  assert.match(await page.textContent('[data-review="amount"]'), /150,000/);
  await page.click('[data-action=confirm]');
  await page.waitForSelector('.done');
  assert.equal((await byReference(idleDemo.base, 'IDLE-1')).length, 1);
  assert.equal(await ledgerSize(idleDemo.base), before + 1);
  await context.close();
});

test('a revoked token loses its session within a second, and the console says so', { skip }, async () => {
  const admin = await staffPage(browser, demo.base);
  const recorder = await staffPage(browser, demo.base);
  await signInByLink(recorder.page, url, demo.recorderToken);
  // The admin makes a token for a new person, who signs in with its link; then revokes it.
  await signInByLink(admin.page, url, demo.adminToken);
  await openScreen(admin.page, url, '#/tokens', 'tokens');
  await admin.page.fill('#token-form input[name=name]', 'Mai (volunteer)');
  await admin.page.click('#token-form button[type=submit]');
  await admin.page.waitForSelector('[data-new-token]');
  const link = await admin.page.inputValue('[data-value=link]');
  const id = await admin.page.getAttribute('[data-new-token]', 'data-new-token');
  const mai = await staffPage(browser, demo.base);
  await mai.page.goto(link.replace(/^.*\/staff\/(index\.html)?#/, `${url}#`));
  await mai.page.waitForSelector('[data-screen="dashboard"]');
  assert.match(await mai.page.textContent('#who'), /Mai \(volunteer\)/);
  await admin.page.click(`[data-token-id="${id}"] [data-action=revoke]`);
  await admin.page.click(`[data-token-id="${id}"] [data-action=revoke-confirm]`);
  const revokedAt = Date.now();
  await admin.page.waitForSelector(`[data-token-id="${id}"].revoked`);
  await until(async () => (await sessionStatus(mai.page)) === 401, 'the revoked session to end', 1500);
  assert.ok(Date.now() - revokedAt < 1500, 'within a second or so');
  await mai.page.click('[data-nav="donation"]');
  await mai.page.waitForSelector('[data-signin-reason="ended"]');
  // Others' sessions go on.
  assert.equal(await sessionStatus(recorder.page), 200);
  for (const c of [admin, recorder, mai]) await c.context.close();
});

test('with the session cookie, a state-changing request without the console\'s CSRF value is refused and records nothing', { skip }, async () => {
  const { page, context } = await staffPage(browser, demo.base);
  await signInByLink(page, url, demo.recorderToken);
  const before = await ledgerSize(demo.base);
  const status = await page.evaluate(async (api) => {
    const r = await fetch(api, {
      method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ campaign: 'flood-2026', amount: '1000' }),
    });
    return `${r.status} ${(await r.json()).error}`;
  }, new URL('../api/v1/donations', url).href);
  assert.equal(status, '403 csrf');
  assert.equal(await ledgerSize(demo.base), before);
  await context.close();
});

test('a recorder never sees the admin screens, and the server refuses them anyway', { skip }, async () => {
  const { page, context } = await staffPage(browser, demo.base);
  await signInByLink(page, url, demo.recorderToken);
  const nav = await page.$$eval('#nav a', (as) => as.map((a) => a.dataset.nav));
  for (const admin of ['campaign-open', 'campaign-close', 'tokens', 'donors', 'webhooks']) assert.ok(!nav.includes(admin), `${admin} in ${nav}`);
  assert.equal(await page.locator('a[href="#/campaign-open"]').count(), 0);
  for (const hash of ['#/tokens', '#/donors', '#/campaign-open', '#/campaign-close', '#/webhooks']) {
    await page.goto(`${url}${hash}`);
    await page.waitForSelector('[data-screen] h1');
    assert.equal(await page.locator('form').count(), 0, `${hash} shows no form to a recorder`);
  }
  await shot(page, 'admin-only-en-desktop');
  const refused = await page.evaluate(async (api) => {
    const s = await (await fetch(`${api}session`)).json();
    const list = await fetch(`${api}tokens`);
    const create = await fetch(`${api}tokens`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrf }, body: JSON.stringify({ name: 'Sneaky', role: 'admin' }),
    });
    const donor = await fetch(`${api}donors/3`);
    return [list.status, create.status, donor.status];
  }, new URL('../api/v1/', url).href);
  assert.deepEqual(refused, [403, 403, 403]);
  await context.close();
});
