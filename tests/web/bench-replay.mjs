// Browser benchmark of "Verify everything" without the server's own cost (not part of the
// test suite; run it by hand): a small Node server replays a ledger to the page — the page's
// files from web/, /api/v1/info and /api/v1/totals as a real server answered them once, and
// /api/v1/entries pages cut from the ledger's bundle file — so the time measured is the
// browser's: downloading (uncompressed, over loopback) and checking every entry. It serves no
// /log/, so the page reads the API's pages (its source when the site offers no tiles).
//
//   node tests/web/make-bundle.mjs /tmp/b1m.txt 1000000
//   fundtrail import --data /tmp/big1m /tmp/b1m.txt
//   node tests/web/bench-replay.mjs /tmp/b1m.txt /tmp/big1m
//
// The second argument is the imported data folder: `fundtrail serve` (FUNDTRAIL_BIN, default
// target/debug/fundtrail) runs on it just long enough to answer /info and /totals (same
// leaves, so the same root; the checkpoint is signed by that folder's key). Chromium headless
// (CHROMIUM_PATH, default /usr/bin/chromium), a fresh context per run, FUNDTRAIL_BENCH_RUNS
// runs (default 3); prints each run (its time and the CPU time the browser's processes used)
// and the best. FUNDTRAIL_BENCH_HELPERS=N asks the page for N helper workers
// (#/verify?helpers=N) instead of its choice by the number of cores; FUNDTRAIL_WEB_DIR serves
// another copy of web/ (a before/after figure).

import fs from 'node:fs';
import os from 'node:os';
import http from 'node:http';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort, CHROMIUM_ARGS } from './harness.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const webDir = path.resolve(process.env.FUNDTRAIL_WEB_DIR || path.join(root, 'web')); // another copy of web/ for a before/after figure
const [bundlePath, dataDir] = process.argv.slice(2);
if (!bundlePath || !dataDir) {
  console.error('usage: node tests/web/bench-replay.mjs BUNDLE DATA_DIR');
  process.exit(2);
}
const runs = Number(process.env.FUNDTRAIL_BENCH_RUNS || 3);
const binPath = process.env.FUNDTRAIL_BIN || path.join(root, 'target', 'debug', 'fundtrail');
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const { chromium } = await import('playwright-core');

/** /info and /totals as `fundtrail serve` answers them on `dataDir`. */
async function publishedAnswers() {
  const port = await freePort();
  const server = spawn(binPath, ['serve', '--data', dataDir, '--addr', `127.0.0.1:${port}`], { stdio: 'ignore' });
  try {
    const deadline = Date.now() + 600_000;
    for (;;) {
      try {
        const r = await fetch(`http://127.0.0.1:${port}/api/v1/info`);
        if (r.ok) break;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) throw new Error('the server did not start');
      await new Promise((r) => { setTimeout(r, 200); });
    }
    const get = async (p) => Buffer.from(await (await fetch(`http://127.0.0.1:${port}/api/v1${p}`)).arrayBuffer());
    const headers = Object.fromEntries((await fetch(`http://127.0.0.1:${port}/`)).headers);
    return { info: await get('/info'), totals: await get('/totals'), csp: headers['content-security-policy'] };
  } finally {
    server.kill('SIGTERM');
  }
}

/** The bundle's leaves as one buffer and the offset of each leaf's first byte (and the end). */
function leavesOf(file) {
  const all = fs.readFileSync(file);
  const start = all.indexOf('\n\n') + 2;
  const end = all.indexOf('\n\n', start);
  const offsets = [start];
  for (let i = start; i <= end; i++) if (all[i] === 10) offsets.push(i + 1);
  return { all, offsets };
}

const t0 = Date.now();
const { info, totals, csp } = await publishedAnswers();
const { all, offsets } = leavesOf(bundlePath);
const size = offsets.length - 1;
console.log(`replaying ${size} entries (${((offsets[size] - offsets[0]) / 1e6).toFixed(1)} MB of leaves), ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml',
};
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  const send = (status, type, body) => {
    res.writeHead(status, { 'content-type': type, 'content-security-policy': csp, 'cache-control': 'no-store' });
    res.end(body);
  };
  if (url.pathname === '/api/v1/info') return send(200, 'application/json', info);
  if (url.pathname === '/api/v1/totals') return send(200, 'application/json', totals);
  if (url.pathname === '/api/v1/entries') {
    const s = Number(url.searchParams.get('start'));
    const n = Math.min(1000, Number(url.searchParams.get('limit')));
    const e = Math.min(size, s + n);
    return send(200, 'application/x-ndjson', s < e ? all.subarray(offsets[s], offsets[e]) : Buffer.alloc(0));
  }
  if (url.pathname.startsWith('/api/')) return send(404, 'application/json', '{"error":"not_found"}');
  const rel = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
  const file = path.join(webDir, rel);
  if (!file.startsWith(webDir + path.sep) || !fs.existsSync(file)) return send(404, 'text/plain', 'no');
  return send(200, MIME[path.extname(file)] || 'application/octet-stream', fs.readFileSync(file));
});
const port = await freePort();
await new Promise((r) => { server.listen(port, '127.0.0.1', r); });
const base = `http://127.0.0.1:${port}`;

/**
 * CPU seconds (user + system) used so far by this process's descendants, that is the browser's
 * processes: a figure less at the mercy of other work on the machine than the wall time.
 */
function browserCpuSeconds() {
  const parent = new Map();
  const ticks = new Map();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(name), Number(f[1]));
      ticks.set(Number(name), Number(f[11]) + Number(f[12]));
    } catch {
      // gone meanwhile
    }
  }
  const mine = (pid) => {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) if (p === process.pid) return true;
    return false;
  };
  let sum = 0;
  for (const [pid, t] of ticks) if (mine(pid)) sum += t;
  return sum / 100; // USER_HZ
}

const browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
try {
  const times = [];
  const cpus = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const helpers = process.env.FUNDTRAIL_BENCH_HELPERS; // e.g. 1: #/verify?helpers=1
    await page.goto(`${base}/#/verify${helpers ? `?helpers=${helpers}` : ''}`);
    await page.waitForSelector('#verify-all');
    const started = Date.now();
    const cpu0 = browserCpuSeconds();
    await page.click('#verify-all');
    const verdict = page.locator('#verdict .verdict');
    await verdict.waitFor({ timeout: 580_000 });
    const seconds = (Date.now() - started) / 1000;
    const cpu = browserCpuSeconds() - cpu0;
    const text = (await verdict.innerText()).trim();
    const used = await verdict.getAttribute('data-helpers');
    if (!text.startsWith('Verified')) throw new Error(`verdict is not "Verified": ${text}`);
    console.log(`run ${i + 1}: ${seconds.toFixed(2)} s (browser CPU ${cpu.toFixed(1)} s) with ${used ?? 0} helper worker(s)`);
    times.push(seconds);
    cpus.push(cpu);
    await context.close();
  }
  const best = Math.min(...times);
  console.log(`browser verifies ${size} entries in ${best.toFixed(2)} s (best of ${runs}: ${times.map((x) => x.toFixed(2)).join(', ')} s; browser CPU ${cpus.map((x) => x.toFixed(1)).join(', ')} s; load average ${os.loadavg()[0].toFixed(1)}); target < 20 s: ${best < 20 ? 'met' : 'NOT met'}`);
} finally {
  await browser.close();
  server.close();
}
