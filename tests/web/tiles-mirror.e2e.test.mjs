// Browser end-to-end test of "Verify everything" from tiles (SPEC.md §13): a ledger of 600
// entries (two full entry bundles and a partial one) served with `--tiles-mirror`, and its
// tiles written by `fundtrail tiles` to a folder that a plain static file server on loopback
// serves (another origin, with CORS, as a CDN would). The page verifies from its own /log/ by
// default and from the mirror when chosen, with no /api/v1/entries request, and refuses the
// mirror once a byte of one of its tiles is changed.
//
// Needs Chromium, playwright-core and a built server binary (see tests/web/harness.mjs);
// skipped with the reason when one is missing. Screenshots go to target/e2e/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import {
  skipReason, outDir, binPath, repo, freePort, launchBrowser, openPage,
} from './harness.mjs';

if (skipReason) console.log(`# SKIP tiles mirror browser tests: ${skipReason}`);

let dir = '';
let server = null;
let mirror = null;
let browser = null;
let base = '';
let mirrorUrl = '';
let tilesDir = '';

function cli(args) {
  const r = spawnSync(binPath, args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `fundtrail ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A plain static file server of `root` (no caching, CORS open, as a public mirror). */
function staticServer(root, port) {
  const s = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const file = path.join(root, rel);
    if (!file.startsWith(root) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { 'access-control-allow-origin': '*' });
      res.end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'cache-control': 'no-store', 'access-control-allow-origin': '*' });
    res.end(fs.readFileSync(file));
  });
  return new Promise((resolve) => { s.listen(port, '127.0.0.1', () => resolve(s)); });
}

before(async () => {
  if (skipReason) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fundtrail-mirror-e2e-'));
  const bundle = path.join(dir, 'bundle.txt');
  const made = spawnSync(process.execPath, [path.join(repo, 'tests/web/make-bundle.mjs'), bundle, '600'], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  const data = path.join(dir, 'data');
  cli(['import', '--data', data, bundle]);
  tilesDir = path.join(dir, 'public');
  cli(['tiles', '--data', data, '--out', path.join(tilesDir, 'log')]);
  const mport = await freePort();
  mirror = await staticServer(tilesDir, mport);
  mirrorUrl = `http://127.0.0.1:${mport}/log/`;
  const port = await freePort();
  server = spawn(binPath, ['serve', '--read-limit', '0', '--data', data, '--addr', `127.0.0.1:${port}`, '--tiles-mirror', mirrorUrl], { stdio: 'ignore' });
  base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${base}/api/v1/info`)).ok) break;
    } catch {
      // not up yet
    }
    await new Promise((r) => { setTimeout(r, 100); });
  }
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (server) server.kill('SIGTERM');
  if (mirror) mirror.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Runs "Verify everything" from `source` (a value of #verify-source, or null: the default). */
async function verifyFrom(source, name) {
  const { page, context, problems } = await openPage(browser, base);
  const entryPages = [];
  page.on('request', (r) => { if (r.url().includes('/api/v1/entries')) entryPages.push(r.url()); });
  await page.goto(`${base}/#/verify`);
  await page.waitForSelector('#verify-source');
  if (source) await page.selectOption('#verify-source', source);
  const chosen = await page.inputValue('#verify-source');
  await page.click('#verify-all');
  await page.waitForSelector('#verdict .verdict', { timeout: 60_000 });
  await page.screenshot({ path: path.join(outDir, `tiles-mirror-${name}.png`), fullPage: true });
  const verdict = {
    chosen,
    good: await page.locator('#verdict .verdict.good').count() === 1,
    text: await page.locator('#verdict .verdict').first().textContent(),
    source: await page.getAttribute('#verdict .verdict', 'data-source'),
    entryPages,
    errors: problems.errors,
  };
  await context.close();
  return verdict;
}

test('the page offers its own tiles first and verifies the ledger from them', { skip: skipReason || false }, async () => {
  const v = await verifyFrom(null, 'own');

  assert.equal(v.chosen, `${base}/log/`);
  assert.ok(v.good, v.text);
  assert.match(v.text, /600 entries/);
  assert.deepEqual(v.entryPages, [], 'no page of /api/v1/entries was read');
  assert.deepEqual(v.errors, []);
});

test('the page verifies the ledger from a static tiles mirror on another origin the server lists', { skip: skipReason || false }, async () => {
  const csp = (await fetch(`${base}/`)).headers.get('content-security-policy');
  assert.match(csp, new RegExp(`connect-src 'self' ${mirrorUrl.replace(/[.]/g, '\\.')}$`));

  const v = await verifyFrom(mirrorUrl, 'mirror');

  assert.ok(v.good, v.text);
  assert.equal(v.source, mirrorUrl);
  assert.match(v.text, /600 entries/);
  assert.deepEqual(v.entryPages, [], 'no page of /api/v1/entries was read');
  assert.deepEqual(v.errors, []);
});

test('the page refuses the mirror once a byte of one of its tiles is changed', { skip: skipReason || false }, async () => {
  const file = path.join(tilesDir, 'log', 'tile', 'entries', '001');
  const bytes = fs.readFileSync(file);
  const at = bytes.lastIndexOf(0x35); // a '5' in the tile's last leaf
  bytes[at] = 0x36;
  fs.writeFileSync(file, bytes);
  try {
    const v = await verifyFrom(mirrorUrl, 'mirror-tampered');

    assert.ok(!v.good, v.text);
    assert.match(v.text, /could not be verified|not|failed/i);
  } finally {
    bytes[at] = 0x35;
    fs.writeFileSync(file, bytes);
  }
});
