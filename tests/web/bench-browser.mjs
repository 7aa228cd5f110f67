// Browser benchmark (not part of the test suite; run it by hand): how long the public page
// takes to verify a whole ledger of 100,000 (or 1,000,000) entries in Chromium, from the click
// on "Verify everything" until the verdict says "Verified".
//
//   node tests/web/bench-browser.mjs [DATA_DIR]
//
// A 1,000,000-entry DATA_DIR without building the benches: `node tests/web/make-bundle.mjs
// /tmp/b1m.txt 1000000` then `fundtrail import --data /tmp/big1m /tmp/b1m.txt`. The target is
// 5 s up to 100,000 entries and 20 s at 1,000,000 (BENCHMARKS.md).
//
// Without DATA_DIR it builds a ledger of FUNDTRAIL_LOAD_BIG entries (default 100000) with the
// load benchmark (`cargo bench --bench load` with FUNDTRAIL_LOAD_MAKE_LEDGER=DIR: valid
// leaves built with the library, then `fundtrail import`) in a temporary folder, then serves
// it with the release binary (target/release/fundtrail, or FUNDTRAIL_BIN) on a free loopback
// port. Needs Debian's chromium at /usr/bin/chromium (or CHROMIUM_PATH) and playwright-core
// (npm install). FUNDTRAIL_BENCH_RUNS (default 3) page loads are timed; the best and all runs
// are printed.
//
// The page's files (everything but /api/) are served from the working tree's web/ folder, as in
// tests/web/e2e.test.mjs, so that a change to web/*.js is measured without rebuilding the
// binary; FUNDTRAIL_WEB_DIR=DIR serves them from another folder (e.g. an older checkout of
// web/, for a before/after figure), FUNDTRAIL_WEB_DIR=embedded uses the files compiled into
// the binary.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const binPath = process.env.FUNDTRAIL_BIN || path.join(root, 'target', 'release', 'fundtrail');
const entries = process.env.FUNDTRAIL_LOAD_BIG || '100000';
const runs = Number(process.env.FUNDTRAIL_BENCH_RUNS || 3);
const webEnv = process.env.FUNDTRAIL_WEB_DIR || path.join(root, 'web');
const webDir = webEnv === 'embedded' ? null : path.resolve(webEnv);
const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
};

if (!fs.existsSync(chromiumPath)) {
  console.log(`SKIPPED: no chromium at ${chromiumPath}`);
  process.exit(0);
}
const { chromium } = await import('playwright-core');

let tmp = null;
let dataDir = process.argv[2];
if (!dataDir) {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fundtrail-browser-bench-'));
  dataDir = path.join(tmp, 'data');
  const t0 = Date.now();
  const built = spawnSync('cargo', ['bench', '--bench', 'load'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, FUNDTRAIL_LOAD_MAKE_LEDGER: dataDir, FUNDTRAIL_LOAD_BIG: entries },
  });
  if (built.status !== 0) throw new Error('building the ledger failed');
  console.log(`built a ${entries}-entry ledger in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const port = await freePort();
const base = `http://127.0.0.1:${port}`;
let serverLog = '';
const server = spawn(binPath, ['serve', '--data', dataDir, '--addr', `127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
server.stdout.on('data', (d) => { serverLog += d; });
server.stderr.on('data', (d) => { serverLog += d; });

let browser = null;
try {
  const deadline = Date.now() + 60_000;
  let info = null;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`server exited (${server.exitCode}):\n${serverLog}`);
    try {
      const r = await fetch(`${base}/api/v1/info`);
      if (r.ok) { info = await r.json(); break; }
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`server did not start in 600 s:\n${serverLog}`);
    await new Promise((r) => { setTimeout(r, 100); });
  }
  console.log(`serving ${info.size} entries at ${base} (${binPath}); page files from ${webDir ?? 'the binary'}`);

  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const times = [];
  for (let i = 0; i < runs; i += 1) {
    // A fresh context each time: no cached download, no remembered verification.
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1100, height: 900 } });
    if (webDir) {
      // Only the page's own files are intercepted; /api/ requests go straight to the server.
      await context.route((url) => !url.pathname.startsWith('/api/'), (route) => {
        const url = new URL(route.request().url());
        const rel = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
        const file = path.join(webDir, rel);
        if (!file.startsWith(webDir + path.sep) || !fs.existsSync(file)) return route.continue();
        return route.fulfill({
          status: 200,
          headers: { 'content-type': MIME[path.extname(file)] || 'application/octet-stream', 'cache-control': 'no-cache' },
          body: fs.readFileSync(file),
        });
      });
    }
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/#/verify`);
    await page.waitForSelector('#verify-all');
    const t0 = Date.now();
    await page.click('#verify-all');
    const verdict = page.locator('#verdict .verdict');
    await verdict.waitFor({ timeout: 300_000 });
    const seconds = (Date.now() - t0) / 1000;
    const text = (await verdict.innerText()).trim();
    if (!text.startsWith('Verified')) throw new Error(`verdict is not "Verified": ${text}\n${errors.join('\n')}`);
    console.log(`run ${i + 1}: ${seconds.toFixed(2)} s  (${text.slice(0, 60)}…)`);
    times.push(seconds);
    await context.close();
  }
  const best = Math.min(...times);
  const target = info.size > 100000 ? 20 : 5;
  console.log(`browser verifies ${info.size} entries in ${best.toFixed(2)} s (best of ${runs}: ${times.map((t) => t.toFixed(2)).join(', ')} s); target < ${target} s: ${best < target ? 'met' : 'NOT met'}`);
} finally {
  if (browser) await browser.close();
  server.kill('SIGTERM');
  await new Promise((r) => { server.once('exit', r); setTimeout(r, 3000); });
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
}
