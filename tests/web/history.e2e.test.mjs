// Browser end-to-end tests of the history check across visits (web/history.js and
// web/views/history-alert.js) against real servers: a consistency check the server fails or
// drops is shown as "could not confirm", a history rewritten under the same key offers a fork
// proof that `fundtrail verify-fork` confirms, and a changed key is shown and never taken
// without the visitor's say-so.
//
// The page always comes from the first demo server (its origin keeps the remembered
// checkpoint); "another server" is simulated by routing the page's /api/ requests to it.
// Needs Chromium, playwright-core and a built server binary (see harness.mjs).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import {
  skipReason, binPath, outDir, startDemo, launchBrowser, openPage, shutDown, freePort,
} from './harness.mjs';

if (skipReason) console.log(`# SKIP browser end-to-end tests: ${skipReason}`);
const skip = skipReason || false;

let demo = null;
let browser = null;
const cleanups = [];

before(async () => {
  if (skipReason) return;
  demo = await startDemo({ tmpPrefix: 'fundtrail-history-e2e-', recorderToken: true });
  browser = await launchBrowser();
});

after(async () => {
  for (const c of cleanups.reverse()) await c();
  await shutDown(browser, demo);
});

async function info(base) {
  return (await fetch(`${base}/api/v1/info`)).json();
}

/** Records a donation of `amount` VND on `base` with `token`. */
async function donate(base, token, amount) {
  const r = await fetch(`${base}/api/v1/donations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ campaign: 'flood-2026', amount: String(amount), donor: `Donor ${amount}` }),
  });
  assert.equal(r.status, 201, await r.text());
}

/**
 * A second server with `of`'s signing key and, so far, the same entries (imported from its
 * bundle): whatever each records next makes two histories under one key.
 */
async function twinOf(of) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fundtrail-history-twin-'));
  const bundle = path.join(dir, 'bundle.txt');
  fs.writeFileSync(bundle, await (await fetch(`${of.base}/api/v1/export`)).text());
  const data = path.join(dir, 'data');
  const imported = spawnSync(binPath, ['import', '--data', data, '--signing-key', path.join(of.dataDir, 'data', 'signing.key'), bundle], { encoding: 'utf8' });
  assert.equal(imported.status, 0, imported.stderr);
  const [, adminToken] = /Admin token \(shown once\): (\S+)/.exec(imported.stdout);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(binPath, ['serve', '--data', data, '--addr', `127.0.0.1:${port}`, '--read-limit', '0'], { stdio: 'ignore' });
  const stop = async () => {
    if (server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => { server.once('exit', r); setTimeout(r, 3000); });
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  cleanups.push(stop);
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/api/v1/info`)).ok) break;
    } catch {
      // not up yet
    }
    assert.ok(i < 300, 'the twin server did not start');
    await new Promise((r) => { setTimeout(r, 200); });
  }
  return { base, adminToken, stop };
}

/** Answers the page's /api/ and /log/ (tiles) requests from `other` instead of the page's own server. */
async function serveApiFrom(page, other) {
  const handler = async (route) => {
    const u = new URL(route.request().url());
    try {
      const response = await route.fetch({ url: `${other}${u.pathname}${u.search}` });
      await route.fulfill({ response });
    } catch {
      await route.abort('failed');
    }
  };
  await page.route(`${demo.base}/api/**`, handler);
  await page.route(`${demo.base}/log/**`, handler);
  return async () => {
    await page.unroute(`${demo.base}/api/**`, handler);
    await page.unroute(`${demo.base}/log/**`, handler);
  };
}

/**
 * `note` signed by the log alone: the demo's witnesses add cosignature lines to a checkpoint
 * as they answer, so the same checkpoint may be read with more or fewer of them.
 */
const logSigned = (note) => note.split('\n').filter((l) => !/^\u2014 [a-z-]+\.demo\.fundtrail\.local /.test(l)).join('\n');

/** "Verify everything" on the page; resolves when it succeeded (the checkpoint is remembered). */
async function verifyEverything(page) {
  await page.goto(`${demo.base}/#/verify`);
  await page.click('#verify-all');
  await page.waitForSelector('#verdict .verdict.good', { timeout: 60_000 });
}

const remembered = (page) => page.evaluate(() => JSON.parse(localStorage.getItem('fundtrail.verified')));

/** Reloads the overview and waits for the history alert of `kind`; returns its text. */
async function historyAlert(page, kind) {
  await page.goto(`${demo.base}/#/`);
  await page.reload();
  const alert = await page.waitForSelector(`#alerts [data-history="${kind}"]`, { timeout: 20_000 });
  return alert.textContent();
}

/** The fork proof verdict line once the page has checked its own file. */
async function forkVerdict(page) {
  for (let i = 0; i < 100; i++) {
    const text = await page.textContent('[data-field="fork-verdict"]');
    if (text) return text;
    await page.waitForTimeout(100);
  }
  throw new Error('the page did not check its fork proof');
}

/** Console errors other than the failed requests a test provokes on purpose. */
const unexpected = (problems) => problems.errors.filter((e) => !/Failed to load resource|net::ERR_FAILED/.test(e));

test('a consistency check the server fails or drops is shown as "could not confirm", never as nothing', { skip }, async () => {
  const { page, context, problems } = await openPage(browser, demo.base);
  await verifyEverything(page);
  const before = await remembered(page);
  assert.match(before.note, new RegExp(`\\n${before.size}\\n`), 'the whole signed note is remembered');
  await donate(demo.base, demo.recorderToken, 123000);

  const failing = (route) => route.fulfill({ status: 500, contentType: 'application/json', body: '{"error":"internal","message":"database busy"}' });
  await page.route('**/api/v1/proof/consistency**', failing);
  const text = await historyAlert(page, 'unconfirmed');
  assert.match(text, new RegExp(`Could not confirm that history was not rewritten since you last verified this ledger \\(${before.size} entries\\)`));
  assert.match(text, /did not give a valid proof/);
  await page.click('#alerts [data-history="unconfirmed"] summary');
  assert.match(await page.textContent('#alerts [data-history="unconfirmed"] details'), /HTTP 500/);
  assert.equal(await page.locator('.alert.bad').count(), 0, 'not called a rewrite');
  await page.screenshot({ path: path.join(outDir, 'history-unconfirmed.png') });
  await page.unroute('**/api/v1/proof/consistency**', failing);

  const dropped = (route) => route.abort('failed');
  await page.route('**/api/v1/proof/consistency**', dropped);
  assert.match(await historyAlert(page, 'unconfirmed'), /Could not confirm/);
  await page.unroute('**/api/v1/proof/consistency**', dropped);

  const noInfo = (route) => route.fulfill({ status: 503, body: 'maintenance' });
  await page.route('**/api/v1/info', noInfo);
  assert.match(await historyAlert(page, 'unconfirmed'), /information could not be loaded/);
  await page.unroute('**/api/v1/info', noInfo);
  assert.deepEqual(await remembered(page), before, 'nothing remembered while unconfirmed');

  // Once the server answers, the check passes and today's signed note is remembered.
  assert.match(await historyAlert(page, 'extended'), /extends the one you verified earlier/);
  const after = await remembered(page);
  assert.equal(after.key, before.key);
  assert.ok(after.note.includes(`\n${before.size + 1}\n`), after.note);
  assert.deepEqual(unexpected(problems), []);
  await context.close();
});

test('the older remembered form (size and root only) is still checked and upgraded', { skip }, async () => {
  const { page, context } = await openPage(browser, demo.base);
  const inf = await info(demo.base);
  await page.goto(`${demo.base}/#/`);
  await page.evaluate((v) => localStorage.setItem('fundtrail.verified', JSON.stringify(v)), {
    key: inf.key, size: inf.size - 1, root: (await (await fetch(`${demo.base}/api/v1/proof/consistency?from=${inf.size - 1}&to=${inf.size}`)).json()).root_from, at: '2026-11-01T00:00:00Z',
  });
  assert.match(await historyAlert(page, 'extended'), /extends/);
  const upgraded = await remembered(page);
  assert.equal(upgraded.v, 2);
  assert.equal(upgraded.size, inf.size);
  assert.ok(upgraded.note.startsWith(`${inf.checkpoint.split('\n')[0]}\n${inf.size}\n`));
  await context.close();
});

test('a history rewritten under the same key offers a fork proof that the CLI confirms', { skip }, async () => {
  const twin = await twinOf(demo);
  await donate(demo.base, demo.recorderToken, 111000);
  await donate(twin.base, twin.adminToken, 999000);
  const [a, b] = [await info(demo.base), await info(twin.base)];
  assert.equal(a.key, b.key);
  assert.equal(a.size, b.size);
  assert.notEqual(a.root, b.root);
  const { page, context, problems } = await openPage(browser, demo.base, { locale: 'vi-VN' });
  await verifyEverything(page);
  const unroute = await serveApiFrom(page, twin.base);

  // Same size, another root.
  let text = await historyAlert(page, 'rewritten');
  assert.match(text, /lịch sử đã bị viết lại/);
  await page.screenshot({ path: path.join(outDir, 'history-rewritten-vi.png') });
  const check = async (name) => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#fork-proof-download')]);
    const file = path.join(os.tmpdir(), `fundtrail-${process.pid}-${name}`);
    await download.saveAs(file);
    const proof = JSON.parse(fs.readFileSync(file, 'utf8'));
    const cli = spawnSync(binPath, ['verify-fork', file, '--key', a.key], { encoding: 'utf8' });
    fs.rmSync(file, { force: true });
    return { proof, cli };
  };
  let { proof, cli } = await check('same-size.json');
  assert.equal(proof.format, 'fundtrail-fork-proof v1');
  assert.equal(logSigned(proof.seen_first), logSigned(a.checkpoint));
  assert.equal(logSigned(proof.seen_later), logSigned(b.checkpoint));
  assert.equal(cli.status, 0, cli.stderr);
  assert.match(cli.stdout, new RegExp(`Fork proved: two different roots are signed for ${a.size} entries`));

  // The rewritten ledger grows: its consistency proof fails and its inclusion proof shows how.
  await donate(twin.base, twin.adminToken, 5000);
  await historyAlert(page, 'rewritten');
  assert.match(await forkVerdict(page), /Tệp chứa cả hai điểm kiểm tra, được ký bằng cùng một khóa, cùng bằng chứng/);
  ({ proof, cli } = await check('grown.json'));
  assert.deepEqual([proof.prefix.index, proof.consistency.from, proof.consistency.to], [a.size - 1, a.size, a.size + 1]);
  assert.equal(cli.status, 0, cli.stderr);
  assert.match(cli.stdout, new RegExp(`Fork proved: the larger tree's first ${a.size} entries`));
  await page.screenshot({ path: path.join(outDir, 'history-fork-proof-vi.png'), fullPage: true });
  assert.equal(logSigned((await remembered(page)).note), logSigned(a.checkpoint), 'the remembered note is kept');
  await unroute();
  assert.deepEqual(unexpected(problems), []);
  await context.close();
});

test('a changed key is shown, and the old checkpoint kept until the visitor accepts the new key', { skip }, async () => {
  const other = await startDemo({ tmpPrefix: 'fundtrail-history-other-' });
  cleanups.push(() => other.stop());
  const { page, context, problems } = await openPage(browser, demo.base);
  await verifyEverything(page);
  const before = await remembered(page);
  const unroute = await serveApiFrom(page, other.base);
  const newKey = (await info(other.base)).key;

  const text = await historyAlert(page, 'key_changed');
  assert.match(text, /the signing key changed since you last verified/);
  assert.ok(text.includes(before.key) && text.includes(newKey));
  await page.screenshot({ path: path.join(outDir, 'history-key-changed.png') });
  // Visiting again, or verifying everything with the new key, does not replace the old one.
  await historyAlert(page, 'key_changed');
  await verifyEverything(page);
  assert.equal(await page.locator('#alerts [data-history="key_changed"]').count(), 1);
  assert.deepEqual(await remembered(page), before);

  await page.click('#accept-key');
  await page.waitForSelector('#alerts .alert.good');
  assert.match(await page.textContent('#alerts .alert.good'), /checks the ledger against the new key/);
  const accepted = await remembered(page);
  assert.equal(accepted.key, newKey);
  await page.goto(`${demo.base}/#/`);
  await page.reload();
  await page.waitForSelector('.campaign');
  await page.waitForTimeout(500);
  assert.equal(await page.locator('#alerts .alert').count(), 0, 'the new key is now the remembered one');
  await unroute();
  assert.deepEqual(unexpected(problems), []);
  await context.close();
});
