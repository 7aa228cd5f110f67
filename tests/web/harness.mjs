// Shared plumbing of the browser end-to-end tests (tests/web/*.e2e.test.mjs and e2e.test.mjs):
// finding Chromium, the server binary and playwright-core; starting `fundtrail demo` on a free
// loopback port; launching Chromium; opening pages that serve web/ from the working copy; and
// cleaning up afterwards.
//
// Needs: Debian's chromium at /usr/bin/chromium (or CHROMIUM_PATH), the npm package
// playwright-core (npm install), and a built server binary (cargo build: target/debug/fundtrail,
// or FUNDTRAIL_BIN). When one of them is missing, `skipReason` says why; each test file prints
// its own skip line and skips its browser tests.
//
// The static files are served to the browser from web/ on disk (with the server's own headers,
// CSP included), so the page under test is always the working copy even if the binary embeds
// an older copy of web/. Every /api/v1 request goes to the real server.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import http from 'node:http';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The public page's files (web/), served to the browser from disk. */
export const webDir = path.join(repo, 'web');
/**
 * Every file of web/ (subfolders included), as paths relative to web/ with '/' separators,
 * sorted: what the server binary embeds and serves.
 */
export function webFiles() {
  return fs.readdirSync(webDir, { recursive: true })
    .filter((f) => fs.statSync(path.join(webDir, f)).isFile())
    .map((f) => f.split(path.sep).join('/'))
    .sort();
}
/** Where the tests write their screenshots (target/e2e/). */
export const outDir = path.join(repo, 'target', 'e2e');
/** The Chromium executable: CHROMIUM_PATH, or Debian's /usr/bin/chromium. */
export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
/** The server binary: FUNDTRAIL_BIN, or target/debug/fundtrail. */
export const binPath = process.env.FUNDTRAIL_BIN || path.join(repo, 'target', 'debug', 'fundtrail');

let browserReason = null;
let playwright = null;
if (!fs.existsSync(chromiumPath)) {
  browserReason = `no chromium at ${chromiumPath} (install it: apt-get install -y chromium)`;
} else {
  try {
    playwright = await import('playwright-core');
  } catch {
    browserReason = 'the npm package playwright-core is not installed (run: npm install)';
  }
}

/**
 * Why the browser tests that need no server binary cannot run (no Chromium or no
 * playwright-core), with how to fix it; null when both are there.
 */
export const browserSkipReason = browserReason;

/**
 * Why the browser tests cannot run (no Chromium, no server binary, or no playwright-core), with
 * how to fix it; null when everything is there.
 */
export const skipReason = browserReason
  || (fs.existsSync(binPath) ? null : `no server binary at ${binPath} (build it: cargo build)`);

/** Content types of the files in web/, for serving them from disk. */
export const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml',
};

/** The standard command-line flags for headless Chromium in the tests. */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
];

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export async function freePort() {
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

/**
 * Starts `fundtrail demo` on a free loopback port with its data in a new temporary directory
 * (named `tmpPrefix`...; the server's data is in its `data` subfolder), and waits up to 60 s
 * until GET /api/v1/info answers (and, with `recorderToken: true`, until the server has printed
 * its recorder token). Throws with the server's output if it exits or does not come up; the
 * server is then stopped and the directory removed.
 *
 * `args` are more command-line arguments of `fundtrail demo` (e.g. `--session-idle 2s`).
 *
 * Returns `{ base, dataDir, recorderToken, adminToken, process, log(), stop() }`: `base` is
 * the server's URL (http://127.0.0.1:PORT), `dataDir` the temporary directory, `adminToken`
 * the admin token when the server has printed it by then, `log()` what the server has
 * printed so far, and `stop()` stops the server and removes the directory.
 */
export async function startDemo({ tmpPrefix = 'fundtrail-e2e-', recorderToken: wantToken = false, args = [] } = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), tmpPrefix));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(binPath, ['demo', '--addr', `127.0.0.1:${port}`, '--data', path.join(dataDir, 'data'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let serverLog = '';
  server.stdout.on('data', (d) => { serverLog += d; });
  server.stderr.on('data', (d) => { serverLog += d; });
  const demo = {
    base,
    dataDir,
    recorderToken: '',
    adminToken: '',
    process: server,
    log: () => serverLog,
    async stop() {
      if (server.exitCode === null) {
        server.kill('SIGTERM');
        await new Promise((r) => { server.once('exit', r); setTimeout(r, 3000); });
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (server.exitCode !== null) throw new Error(`server exited (${server.exitCode}):\n${serverLog}`);
      const token = /Recorder token: (\S+)/.exec(serverLog);
      if (token || !wantToken) {
        try {
          const r = await fetch(`${base}/api/v1/info`);
          if (r.ok) {
            if (token) [, demo.recorderToken] = token;
            const admin = /Admin token: (\S+)/.exec(serverLog);
            if (admin) [, demo.adminToken] = admin;
            break;
          }
        } catch {
          // not up yet
        }
      }
      if (Date.now() > deadline) throw new Error(`server did not start in 60 s:\n${serverLog}`);
      await new Promise((r) => { setTimeout(r, 200); });
    }
  } catch (e) {
    await demo.stop();
    throw e;
  }
  return demo;
}

/**
 * A loopback reverse proxy standing in for a platform (SPEC.md §24): it serves the site at
 * `target` (e.g. a startDemo's base) under `prefix`, stripping the prefix before forwarding
 * (headers, Host included, and bodies passed through as they stream), and answers 404 to
 * anything outside the prefix, so a page that asks for an absolute `/api/...` fails visibly.
 *
 * Returns `{ base, requests, stop() }`: `base` is `http://127.0.0.1:PORT<prefix>`, `requests`
 * the paths asked for outside the prefix (each answered 404).
 */
export async function prefixProxy(target, prefix = '/o/test-org') {
  const to = new URL(target);
  const requests = [];
  const server = http.createServer((req, res) => {
    if (!req.url.startsWith(`${prefix}/`)) {
      requests.push(req.url);
      res.writeHead(404, { 'content-type': 'text/plain' }).end('outside the prefix');
      return;
    }
    const upstream = http.request({
      host: to.hostname, port: to.port, method: req.method, path: req.url.slice(prefix.length), headers: req.headers,
    }, (answer) => {
      res.writeHead(answer.statusCode, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise((resolve) => { server.listen(0, '127.0.0.1', resolve); });
  return {
    base: `http://127.0.0.1:${server.address().port}${prefix}`,
    requests,
    stop: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(resolve);
    }),
  };
}

/** Launches headless Chromium (`chromiumPath`) with the standard flags; creates `outDir` too. */
export async function launchBrowser() {
  fs.mkdirSync(outDir, { recursive: true });
  return playwright.chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
}

/**
 * A new page in a new browser context (English and 1100×900 unless `opts.locale` /
 * `opts.viewport` say otherwise; downloads accepted) whose requests to `base` outside /api/
 * are answered from web/ on disk (`base` may end in a prefix such as `/o/test-org`), with the
 * server's own headers (CSP included) and the right content type; not with `opts.fromDisk:
 * false` (a server that serves web/ its own way, such as the platform page's). Dialogs are dismissed; they, console errors and uncaught page errors are
 * recorded in `problems` ({ dialogs: [], errors: [] }).
 *
 * Returns `{ page, context, problems }`; close `context` when done.
 */
export async function openPage(browser, base, opts = {}) {
  const context = await browser.newContext({
    locale: opts.locale || 'en-US', viewport: opts.viewport || { width: 1100, height: 900 }, acceptDownloads: true,
  });
  // The page comes from the server binary itself (web/ is embedded at build time), unless
  // FUNDTRAIL_E2E_WEB_FROM_DISK=1 asks for the working copy of web/ (to try page edits
  // without rebuilding); the server's own headers, CSP included, are kept either way. (A
  // worker started by a worker, such as verify-decoder.js, is not routed: it comes from the
  // binary even then.)
  // A `base` with a path (a site under a prefix, such as a prefixProxy's) serves web/ below it.
  const prefix = new URL(base).pathname.replace(/\/$/, '');
  let served = null;
  if (process.env.FUNDTRAIL_E2E_WEB_FROM_DISK === '1' && opts.fromDisk !== false) await context.route(`${base}/**`, async (route) => {
    const url = new URL(route.request().url());
    if (!url.pathname.startsWith(`${prefix}/`)) return route.continue();
    const own = url.pathname.slice(prefix.length);
    if (own.startsWith('/api/')) return route.continue();
    const rel = own.endsWith('/') ? `${own.slice(1)}index.html` : own.slice(1);
    const file = path.join(webDir, rel);
    if (!file.startsWith(webDir) || !fs.existsSync(file)) return route.continue();
    // The server's headers for its files (the CSP above all) are the same for every file:
    // they are asked for once per page's context, so serving ~90 modules from disk does not
    // send ~90 requests at once to a server that limits each address.
    if (!served) served = route.fetch().then((real) => real.headers());
    let real;
    try {
      real = await served;
    } catch (e) {
      served = null;
      throw e;
    }
    const headers = { ...real, 'content-type': MIME[path.extname(file)] || real['content-type'] };
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

/** For after(): closes the browser and stops the demo server, whichever of them was started. */
export async function shutDown(browser, demo) {
  if (browser) await browser.close();
  if (demo) await demo.stop();
}
