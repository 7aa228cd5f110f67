// Browser end-to-end tests of donation receipts on the public page, against the real server
// (`fundtrail demo`): #/receipt/<code> fetches a receipt and checks it in the browser; a
// donor pastes their own receipt (with the salt) and their e-mail address to prove the
// donation is theirs; a tampered receipt is refused.
//
// Needs what tests/web/e2e.test.mjs needs (Chromium, playwright-core, a built server binary);
// skipped with the reason when one is missing. Static files come from the working copy of web/.
// Screenshots go to target/e2e/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const webDir = path.join(repo, 'web');
const outDir = path.join(repo, 'target', 'e2e');
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const binPath = process.env.FUNDTRAIL_BIN || path.join(repo, 'target', 'debug', 'fundtrail');

let skipReason = null;
let playwright = null;
if (!fs.existsSync(chromiumPath)) {
  skipReason = `no chromium at ${chromiumPath} (install it: apt-get install -y chromium)`;
} else if (!fs.existsSync(binPath)) {
  skipReason = `no server binary at ${binPath} (build it: cargo build)`;
} else {
  try {
    playwright = await import('playwright-core');
  } catch {
    skipReason = 'the npm package playwright-core is not installed (run: npm install)';
  }
}
if (skipReason) console.log(`# SKIP receipt browser tests: ${skipReason}`);

const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
};
const EMAIL = 'le.thi.mai@example.vn';

let server = null;
let serverLog = '';
let base = '';
let dataDir = '';
let browser = null;
let recorderToken = '';
let donation = null;

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const hex = (bytes) => crypto.createHash('sha256').update(bytes).digest('hex');

before(async () => {
  if (skipReason) return;
  fs.mkdirSync(outDir, { recursive: true });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fundtrail-receipt-e2e-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(binPath, ['demo', '--addr', `127.0.0.1:${port}`, '--data', path.join(dataDir, 'data')], { stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout.on('data', (d) => { serverLog += d; });
  server.stderr.on('data', (d) => { serverLog += d; });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`server exited (${server.exitCode}):\n${serverLog}`);
    const token = /Recorder token: (\S+)/.exec(serverLog);
    if (token) {
      try {
        const r = await fetch(`${base}/api/v1/info`);
        if (r.ok) {
          [, recorderToken] = token;
          break;
        }
      } catch {
        // not up yet
      }
    }
    if (Date.now() > deadline) throw new Error(`server did not start in 60 s:\n${serverLog}`);
    await new Promise((r) => { setTimeout(r, 200); });
  }
  const r = await fetch(`${base}/api/v1/donations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${recorderToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      campaign: 'flood-2026', amount: '750000', channel: 'cash', publish_name: false,
      donor_private: { name: 'Lê Thị Mai', email: EMAIL, phone: '+84 90 000 0000' },
    }),
  });
  assert.equal(r.status, 201, await r.clone().text());
  donation = await r.json();
  browser = await playwright.chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((r) => { server.once('exit', r); setTimeout(r, 3000); });
  }
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

/** A new English page serving web/ from the working copy, recording dialogs and errors. */
async function newPage() {
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1100, height: 900 }, acceptDownloads: true });
  await context.route(`${base}/**`, async (route) => {
    const url = new URL(route.request().url());
    if (url.pathname.startsWith('/api/')) return route.continue();
    const rel = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
    const file = path.join(webDir, rel);
    if (!file.startsWith(webDir) || !fs.existsSync(file)) return route.continue();
    const real = await route.fetch();
    const headers = { ...real.headers(), 'content-type': MIME[path.extname(file)] || real.headers()['content-type'] };
    delete headers['content-length'];
    delete headers['content-encoding'];
    delete headers.etag;
    return route.fulfill({ status: 200, headers, body: fs.readFileSync(file) });
  });
  const page = await context.newPage();
  const problems = { dialogs: [], errors: [] };
  page.on('dialog', (d) => {
    problems.dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  page.on('console', (m) => {
    if (m.type() === 'error') problems.errors.push(m.text());
  });
  page.on('pageerror', (e) => problems.errors.push(String(e)));
  return { page, context, problems };
}

/** Pastes `text` (and an identifier) into the receipt form, submits, and returns the verdict. */
async function pasteAndCheck(page, text, identifier = '') {
  await page.fill('#receipt-json', text);
  await page.fill('#receipt-identifier', identifier);
  await page.click('.receipt-form button[type=submit]');
  await page.waitForSelector('.receipt-result .verdict', { timeout: 15_000 });
  return page.locator('.receipt-result').textContent();
}

test('#/receipt/<code> fetches the public receipt and proves the donation in the browser', { skip: skipReason || false }, async () => {
  const { page, context, problems } = await newPage();
  const { code } = donation.receipt;

  await page.goto(`${base}/#/receipt/${code}`);
  await page.waitForSelector('.verdict', { timeout: 15_000 });

  const text = await page.textContent('main');
  assert.ok(text.includes(`Proved: receipt ${code} is entry ${donation.seq}`), text);
  assert.equal(await page.locator('main .verdict.bad').count(), 0);
  assert.ok(!text.includes(EMAIL), 'no personal data on the public receipt');
  assert.equal(await page.locator('.print').count(), 1);
  await page.screenshot({ path: path.join(outDir, 'receipt-by-code.png'), fullPage: true });
  assert.deepEqual(problems, { dialogs: [], errors: [] });
  await context.close();
});

test('a donor pastes their receipt and e-mail address and the page proves the donation is theirs', { skip: skipReason || false }, async () => {
  const { page, context, problems } = await newPage();
  await page.goto(`${base}/#/receipt`);
  await page.waitForSelector('#receipt-json');

  const mine = await pasteAndCheck(page, JSON.stringify(donation.receipt), EMAIL);
  const notMine = await pasteAndCheck(page, JSON.stringify(donation.receipt), 'someone@example.vn');
  const tampered = JSON.parse(JSON.stringify(donation.receipt));
  tampered.leaf = tampered.leaf.replace('750000', '950000');
  const changed = await pasteAndCheck(page, JSON.stringify(tampered));
  const garbage = await pasteAndCheck(page, '{not json');

  assert.ok(mine.includes('this donation is yours'), mine);
  assert.ok(notMine.includes('This receipt does not verify'), notMine);
  assert.ok(changed.includes('This receipt does not verify'), changed);
  assert.ok(garbage.includes('not valid JSON'), garbage);
  await page.screenshot({ path: path.join(outDir, 'receipt-pasted.png'), fullPage: true });
  assert.deepEqual(problems, { dialogs: [], errors: [] });
  await context.close();
});

test('an unknown receipt code says so', { skip: skipReason || false }, async () => {
  const { page, context } = await newPage();
  await page.goto(`${base}/#/receipt/R-${donation.seq}-00000000`);
  await page.waitForSelector('#receipt-json');

  assert.ok((await page.textContent('main')).includes('No donation has the receipt code'));
  await context.close();
});
