// Browser end-to-end test of a key rotation seen from the page (SPEC.md §23): a visitor who
// verified the ledger, then comes back after the organisation ran `fundtrail rotate-key`, is
// told the key changed and that the old key signed the change (a proven rotation, not the
// key-change alarm), "Verify everything" passes from the first key, and the page now
// remembers the new key. Needs Chromium, playwright-core and a built server binary (see
// harness.mjs). Run: node --test tests/web/rotation.e2e.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import {
  skipReason, binPath, startDemo, launchBrowser, openPage, shutDown,
} from './harness.mjs';

if (skipReason) console.log(`# SKIP browser end-to-end tests: ${skipReason}`);
const skip = skipReason || false;

let demo = null;
let browser = null;
let served = null;

before(async () => {
  if (skipReason) return;
  demo = await startDemo({ tmpPrefix: 'fundtrail-rotation-e2e-' });
  browser = await launchBrowser();
});

after(async () => {
  if (served && served.exitCode === null) {
    served.kill('SIGTERM');
    await new Promise((r) => { served.once('exit', r); setTimeout(r, 3000); });
  }
  await shutDown(browser, demo);
});

async function stopDemoServer() {
  const p = demo.process;
  if (p.exitCode !== null) return;
  p.kill('SIGTERM');
  await new Promise((r) => { p.once('exit', r); setTimeout(r, 5000); });
}

/** Serves the demo's data folder again on the same address (so the page keeps its memory). */
async function serveAgain(data) {
  const addr = new URL(demo.base).host;
  served = spawn(binPath, ['serve', '--data', data, '--addr', addr], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  served.stderr.on('data', (d) => { log += d; });
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${demo.base}/api/v1/info`)).ok) return;
    } catch {
      // not up yet
    }
    if (i > 150 || served.exitCode !== null) throw new Error(`the server did not start again:\n${log}`);
    await new Promise((r) => { setTimeout(r, 200); });
  }
}

test('after a key rotation the page shows a proven change, not the key-change alarm', { skip, timeout: 180_000 }, async () => {
  const { page, context, problems } = await openPage(browser, demo.base);
  await page.goto(`${demo.base}/#/verify`);
  await page.click('#verify-all');
  await page.waitForSelector('#verdict .verdict.good', { timeout: 60_000 });
  const firstKey = (await (await fetch(`${demo.base}/api/v1/info`)).json()).key;

  await stopDemoServer();
  const data = path.join(demo.dataDir, 'data');
  const rotated = spawnSync(binPath, ['rotate-key', '--data', data, '--note', 'Scheduled key change'], { encoding: 'utf8' });
  assert.equal(rotated.status, 0, rotated.stderr);
  const [, newKey] = /New verifier key \(publish it\): (\S+)/.exec(rotated.stdout);
  await serveAgain(data);

  await page.goto(`${demo.base}/#/`);
  await page.reload();
  const alert = await page.waitForSelector('#alerts [data-history="extended"]', { timeout: 30_000 });
  const note = await page.waitForSelector('#key-rotated', { timeout: 5_000 });
  assert.match(await note.textContent(), /signed the change/);
  assert.ok((await note.textContent()).includes(newKey));
  assert.equal(await page.$('#alerts [data-history="key_changed"]'), null);
  assert.ok(await alert.isVisible());
  const remembered = await page.evaluate(() => JSON.parse(localStorage.getItem('fundtrail.verified')));
  assert.equal(remembered.key, newKey);
  assert.notEqual(newKey, firstKey);

  await page.goto(`${demo.base}/#/verify`);
  await page.click('#verify-all');
  await page.waitForSelector('#verdict .verdict.good', { timeout: 60_000 });
  assert.deepEqual(problems.errors.filter((e) => !/Failed to load resource/.test(e)), []);
  await context.close();
});
