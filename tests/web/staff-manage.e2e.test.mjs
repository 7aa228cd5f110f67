// Browser tests of the staff console's other screens against the real server (`fundtrail
// demo`): paying out with evidence hashed in the browser, transfers, reversals, opening and
// closing campaigns, bank statement imports, and donors' private data.
//
// Needs Chromium, playwright-core and a built server binary (see tests/web/harness.mjs);
// skipped with the reason when one is missing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { skipReason, launchBrowser, shutDown } from './harness.mjs';
import {
  startStaffDemo, consoleUrl, staffPage, signInByLink, openScreen, until, api, ledgerSize, byReference, shot, fieldError,
} from './staff-harness.mjs';

if (skipReason) console.log(`# SKIP staff console screens tests: ${skipReason}`);
const skip = skipReason || false;

const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n');
// A 1×1 PNG.
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5d2b6f60000000049454e44ae426082', 'hex');
const hex = (bytes) => crypto.createHash('sha256').update(bytes).digest('hex');

let demo = null;
let browser = null;
let url = '';

before(async () => {
  if (skipReason) return;
  demo = await startStaffDemo('fundtrail-staff-manage-');
  url = await consoleUrl(demo.base);
  browser = await launchBrowser();
});

after(() => shutDown(browser, demo));

/** A page signed in (as the recorder unless `admin`) on screen `name`. */
async function screen(name, { admin = false, ...opts } = {}) {
  const opened = await staffPage(browser, demo.base, opts);
  await signInByLink(opened.page, url, admin ? demo.adminToken : demo.recorderToken);
  await openScreen(opened.page, url, `#/${name}`, name);
  return opened;
}

const balanceOf = async (id) => BigInt((await api(demo.base, `/campaigns/${id}`)).balance);

test('paying out: each evidence file is hashed in the browser and checked against what the server stored, and a payment over the balance is refused before the review', { skip }, async () => {
  const { page, context } = await screen('payout');
  const uploads = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/api/v1/evidence')) uploads.push(r.method());
  });
  await page.selectOption('select[name=campaign]', 'clean-water-usd');
  const balance = await balanceOf('clean-water-usd');
  await page.setInputFiles('#evidence-files', [{ name: 'hoa-don-0042.pdf', mimeType: 'application/pdf', buffer: PDF }]);
  // A photo dropped on the form.
  const dt = await page.evaluateHandle((bytes) => {
    const d = new DataTransfer();
    d.items.add(new File([new Uint8Array(bytes)], 'anh-giao-hang.png', { type: 'image/png' }));
    return d;
  }, [...PNG]);
  await page.dispatchEvent('[data-dropzone]', 'drop', { dataTransfer: dt });
  await until(async () => (await page.locator('[data-sha256]').count()) === 2, 'both files hashed');
  const shown = await page.$$eval('[data-sha256]', (els) => els.map((e) => e.dataset.sha256));
  assert.deepEqual(shown, [hex(PDF), hex(PNG)], 'the browser computed each file\'s SHA-256');
  await page.fill('input[name=amount]', '1.450,51'); // one cent more than the campaign holds
  await page.fill('input[name=recipient]', 'Hanoi Water Filters Co.');
  await page.fill('textarea[name=purpose]', '100 ceramic filters');
  await page.click('#payout-form button[type=submit]');
  await until(async () => (await fieldError(page, 'amount')) !== '', 'the overdraw refusal');
  assert.match(await fieldError(page, 'amount'), /holds only \$1,450\.50/);
  assert.equal(balance, 145050n);
  assert.deepEqual(uploads, [], 'nothing uploaded for a payment that cannot be made');
  await shot(page, 'payout-overdraw-en-desktop');
  await page.fill('input[name=amount]', '1.200,00');
  await page.click('#payout-form button[type=submit]');
  await page.waitForSelector('.review [data-action=confirm]');
  assert.equal((await page.$$('[data-stored]')).length, 2, 'each stored file matched its hash');
  const review = await page.textContent('.review');
  assert.ok(review.includes(hex(PDF)) && review.includes(hex(PNG)), 'the review lists the hashes published');
  assert.ok(review.includes('$250.50'), 'and the balance afterwards');
  await shot(page, 'payout-review-en-desktop');
  await page.click('[data-action=confirm]');
  await page.waitForSelector('.done');
  const seq = Number(await page.getAttribute('.done', 'data-seq'));
  const { entry } = await api(demo.base, `/entries/${seq}`);
  assert.equal(entry.body.amount, '120000');
  assert.deepEqual(entry.body.evidence.map((e) => [e.name, e.sha256, e.size, e.media_type]), [
    ['hoa-don-0042.pdf', hex(PDF), PDF.length, 'application/pdf'],
    ['anh-giao-hang.png', hex(PNG), PNG.length, 'image/png'],
  ]);
  await context.close();
});

test('paying out is refused when the server says it stored other bytes than the browser hashed', { skip }, async () => {
  const { page, context } = await screen('payout');
  const before = await ledgerSize(demo.base);
  await page.route('**/api/v1/evidence', async (route) => {
    const real = await route.fetch();
    const body = await real.json();
    body.evidence[0].sha256 = '0'.repeat(64);
    await route.fulfill({ response: real, json: body });
  });
  await page.setInputFiles('#evidence-files', [{ name: 'invoice.pdf', mimeType: 'application/pdf', buffer: PDF }]);
  await page.fill('input[name=amount]', '100000');
  await page.fill('input[name=recipient]', 'Xã Nghĩa Hành');
  await page.fill('textarea[name=purpose]', 'Water filters');
  await page.click('#payout-form button[type=submit]');
  await until(async () => (await fieldError(page, 'evidence')) !== '', 'the mismatch');
  assert.match(await fieldError(page, 'evidence'), /another fingerprint/);
  assert.equal(await page.locator('.review:visible').count(), 0);
  assert.equal(await ledgerSize(demo.base), before);
  await context.close();
});

test('a transfer moves money between two campaigns of one currency; more than the balance is refused before the review', { skip }, async () => {
  const { page, context } = await screen('transfer', { locale: 'vi-VN' });
  const [from, to] = [await balanceOf('school-roofs'), await balanceOf('flood-2026')];
  await page.selectOption('select[name=from]', 'school-roofs');
  await page.selectOption('select[name=to]', 'flood-2026');
  await page.fill('input[name=amount]', '99.000.000');
  await page.fill('textarea[name=reason]', 'Mái trường đã đủ tiền');
  await page.click('#transfer-form button[type=submit]');
  await until(async () => (await fieldError(page, 'amount')) !== '', 'the overdraw refusal');
  assert.match(await fieldError(page, 'amount'), /chỉ còn/);
  await page.selectOption('select[name=to]', 'clean-water-usd');
  await page.fill('input[name=amount]', '1.000.000');
  await page.click('#transfer-form button[type=submit]');
  await until(async () => (await fieldError(page, 'to')) !== '', 'the currency refusal');
  assert.match(await fieldError(page, 'to'), /VND và USD/);
  await page.selectOption('select[name=to]', 'flood-2026');
  await page.click('#transfer-form button[type=submit]');
  await page.click('[data-action=confirm]');
  await page.waitForSelector('.done');
  assert.equal(await balanceOf('school-roofs'), from - 1_000_000n);
  assert.equal(await balanceOf('flood-2026'), to + 1_000_000n);
  await context.close();
});

test('a reversal finds the entry by its bank reference, shows it, and records the reason chosen; entries that cannot be reversed say so', { skip }, async () => {
  const { page, context } = await screen('reversal');
  await page.fill('#reversal-find input', '0');
  await page.click('#reversal-find button[type=submit]');
  await page.waitForSelector('[data-chosen="0"] .msg.bad');
  assert.equal(await page.locator('#reversal-form').count(), 0, 'a campaign opening cannot be reversed');
  const [donation] = await byReference(demo.base, 'FT26306009876');
  await page.fill('#reversal-find input', 'FT26306009876');
  await page.click('#reversal-find button[type=submit]');
  await page.waitForSelector(`[data-chosen="${donation.seq}"]`);
  assert.ok((await page.textContent('[data-chosen]')).includes('₫250,000'));
  await page.click('#reversal-form button[type=submit]');
  await until(async () => (await fieldError(page, 'reason')) !== '', 'the missing reason');
  await page.check('#reversal-form input[value=duplicate]');
  await page.fill('#reversal-form textarea[name=note]', 'Recorded twice by mistake');
  await page.click('#reversal-form button[type=submit]');
  assert.ok((await page.textContent('.review')).includes('Recorded twice'));
  await shot(page, 'reversal-review-en-desktop');
  await page.click('[data-action=confirm]');
  await page.waitForSelector('.done');
  const seq = Number(await page.getAttribute('.done', 'data-seq'));
  const { entry } = await api(demo.base, `/entries/${seq}`);
  assert.deepEqual(entry.body, { reverses: donation.seq, reason: 'duplicate', note: 'Recorded twice by mistake' });
  // Reversing it again is refused by the server, in words.
  await page.goto(`${url}#/reversal?seq=${donation.seq}`);
  await page.waitForSelector('#reversal-form');
  await page.check('#reversal-form input[value=error]');
  await page.click('#reversal-form button[type=submit]');
  await page.click('[data-action=confirm]');
  await until(async () => (await page.textContent('.review-status')).includes('already been reversed'), 'the refusal');
  await context.close();
});

test('an admin opens a campaign with its goal and official accounts, then closes it', { skip }, async () => {
  const { page, context } = await screen('campaign-open', { admin: true });
  await page.fill('input[name=title]', 'Bão Yagi 2026');
  assert.equal(await page.inputValue('input[name=id]'), 'bao-yagi-2026', 'the id is made from the title');
  await page.fill('textarea[name=purpose]', 'Rebuilding homes after the storm.');
  await page.selectOption('select[name=currency]', 'USD');
  await page.fill('input[name=goal]', '15.000,50');
  assert.equal(await page.textContent('[data-echo=goal]'), '= $15,000.50');
  await page.fill('input[name="accounts.0.bank"]', 'Vietcombank');
  await page.fill('input[name="accounts.0.number"]', '0071 0012 34567');
  await page.fill('input[name="accounts.0.holder"]', 'Quỹ Cứu trợ');
  await page.click('[data-action=add-account]');
  await page.fill('input[name="accounts.1.bank"]', 'BIDV');
  await page.click('#open-form button[type=submit]');
  await until(async () => (await page.locator('[data-field="accounts.1.number"] .field-error:visible').count()) === 1, 'the incomplete account');
  await page.fill('input[name="accounts.1.number"]', '1234 5678');
  await page.fill('input[name="accounts.1.holder"]', 'Quỹ Cứu trợ');
  await page.click('#open-form button[type=submit]');
  await page.waitForSelector('.review [data-action=confirm]');
  await shot(page, 'campaign-open-review-en-desktop');
  await page.click('[data-action=confirm]');
  await page.waitForSelector('.done');
  const c = await api(demo.base, '/campaigns/bao-yagi-2026');
  assert.equal(c.currency, 'USD');
  assert.equal(c.goal, '1500050');
  assert.deepEqual(c.accounts.map((a) => a.bank), ['Vietcombank', 'BIDV']);
  await page.goto(`${url}#/campaign-close?id=bao-yagi-2026`);
  await page.waitForSelector('#close-form');
  assert.equal(await page.inputValue('select[name=campaign]'), 'bao-yagi-2026');
  await page.fill('textarea[name=note]', 'Merged into the flood fund');
  await page.click('#close-form button[type=submit]');
  assert.ok((await page.textContent('.review')).includes('cannot be opened again'));
  await page.click('[data-action=confirm]');
  await page.waitForSelector('.done');
  assert.equal((await api(demo.base, '/campaigns/bao-yagi-2026')).status, 'closed');
  await context.close();
});

const STATEMENT = [
  'Sao kê tài khoản 0071001234567',
  'Ngày giao dịch,Mã giao dịch,Ghi có,Ghi nợ,Nội dung,Tên người chuyển',
  '24/11/2026,ST-NEW-1,200.000,,ung ho lu,Nguyen A',
  '24/11/2026,ST-OUT-1,,50.000,chi phi,',
  '25/11/2026,FT26306001234,5.000.000,,da ghi,',
  '25/11/2026,ST-RET-1,50.000,,hoan tien ST-OUT-1,',
  '26/11/2026,ST-NEW-2,1.000.000,,ung ho,Tran B',
].join('\n');

test('a bank statement is previewed as a table of what each line becomes, recorded on confirmation, with links to the new entries', { skip }, async () => {
  const { page, context } = await screen('statement', { locale: 'vi-VN' });
  const before = await ledgerSize(demo.base);
  await page.selectOption('select[name=campaign]', 'flood-2026');
  await page.setInputFiles('input[name=file]', [{ name: 'sao-ke.csv', mimeType: 'text/csv', buffer: Buffer.from(STATEMENT) }]);
  await page.click('#statement-form button[type=submit]');
  await page.waitForSelector('[data-dry-run]');
  const outcomes = await page.$$eval('tr[data-line]', (rows) => rows.map((r) => `${r.dataset.line}:${r.dataset.outcome}`));
  assert.deepEqual(outcomes, ['3:record', '4:outgoing', '5:already_recorded', '6:returned_transfer', '7:record']);
  assert.equal(await page.textContent('[data-count=record] strong'), '2');
  assert.match(await page.textContent('[data-dry-run] .amount-line'), /1\.200\.000/);
  assert.equal(await ledgerSize(demo.base), before, 'a preview records nothing');
  await shot(page, 'statement-preview-vi-desktop');
  await page.click('[data-action=import]');
  await page.waitForSelector('[data-imported]');
  assert.equal(await page.getAttribute('[data-imported]', 'data-imported'), '2');
  const links = await page.$$eval('[data-imported] a[data-entry-link]', (as) => as.map((a) => a.getAttribute('href')));
  const [one] = await byReference(demo.base, 'ST-NEW-1');
  const [two] = await byReference(demo.base, 'ST-NEW-2');
  assert.deepEqual(links, [`#/entry/${one.seq}`, `#/entry/${two.seq}`]);
  assert.equal(await ledgerSize(demo.base), before + 2);
  await shot(page, 'statement-done-vi-desktop');
  await page.click(`a[href="#/entry/${two.seq}"]`);
  await page.waitForSelector('[data-screen=entry]');
  assert.ok((await page.textContent('main')).includes('ST-NEW-2'));
  // The same statement again: everything is already recorded.
  await page.goto(`${url}#/statement`);
  await page.waitForSelector('#statement-form');
  await page.selectOption('select[name=campaign]', 'flood-2026');
  await page.setInputFiles('input[name=file]', [{ name: 'sao-ke.csv', mimeType: 'text/csv', buffer: Buffer.from(STATEMENT) }]);
  await page.click('#statement-form button[type=submit]');
  await page.waitForSelector('[data-dry-run]');
  assert.equal(await page.textContent('[data-count=already_recorded] strong'), '3');
  assert.equal(await page.locator('[data-action=import]').count(), 0);
  await context.close();
});

test('a statement with a bad cell is refused whole, naming its line and column, and records nothing', { skip }, async () => {
  const { page, context } = await screen('statement');
  const before = await ledgerSize(demo.base);
  const bad = STATEMENT.replace('1.000.000', '1.000.0x0');
  await page.setInputFiles('input[name=file]', [{ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) }]);
  await page.click('#statement-form button[type=submit]');
  await page.waitForSelector('[data-refused]');
  assert.equal(await page.textContent('[data-where]'), 'Line 7, column “Ghi có”:');
  assert.ok((await fieldError(page, 'file')).includes('nothing was recorded'));
  assert.equal(await ledgerSize(demo.base), before);
  await shot(page, 'statement-refused-en-desktop');
  await context.close();
});

test('an admin finds a donor\'s private data by entry number, and erases it only after typing that number', { skip }, async () => {
  // A donation with private details, recorded through the API.
  const r = await fetch(`${demo.base}/api/v1/donations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${demo.recorderToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      campaign: 'flood-2026', amount: '500000', publish_name: false, donor_private: { name: 'Lê Thị Hoa', email: 'hoa@example.vn' },
    }),
  });
  assert.equal(r.status, 201);
  const { seq } = await r.json();
  const { page, context } = await screen('donors', { admin: true, locale: 'vi-VN' });
  await page.fill('#donor-find input', String(seq));
  await page.click('#donor-find button[type=submit]');
  await page.waitForSelector('.private-record');
  assert.ok((await page.textContent('.private-record')).includes('hoa@example.vn'));
  await shot(page, 'donors-found-vi-desktop');
  await page.fill('#donor-erase input', String(seq + 1));
  await page.click('#donor-erase button[type=submit]');
  await until(async () => (await fieldError(page, 'confirm')) !== '', 'the mismatch');
  assert.equal((await api(demo.base, `/donors/${seq}`, demo.adminToken)).email, 'hoa@example.vn', 'not erased yet');
  await page.fill('#donor-erase input', String(seq));
  await page.click('#donor-erase button[type=submit]');
  await page.waitForSelector('[data-erased]');
  const after = await fetch(`${demo.base}/api/v1/donors/${seq}`, { headers: { authorization: `Bearer ${demo.adminToken}` } });
  assert.equal(after.status, 404);
  await context.close();
});
