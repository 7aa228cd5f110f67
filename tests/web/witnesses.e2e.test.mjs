// Browser end-to-end test of the witnesses on the public page (SPEC.md §14, §15): a ledger
// served with a witness policy and a real `fundtrail witness`; "Verify everything" shows who
// cosigned and that the quorum is met. The same key's rewritten ledger (another history,
// imported and signed with the stolen key) gets no cosignature, and the page says the quorum
// is NOT met.
//
// Needs Chromium, playwright-core and a built server binary (see tests/web/harness.mjs);
// skipped with the reason when one is missing. Screenshots go to target/e2e/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import {
  skipReason, outDir, binPath, repo, freePort, launchBrowser, openPage,
} from './harness.mjs';

if (skipReason) console.log(`# SKIP witness browser tests: ${skipReason}`);

const processes = [];
let dir = '';
let browser = null;
const bases = { base: '', other: '' };

function cli(args) {
  const r = spawnSync(binPath, args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `fundtrail ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function start(args, port) {
  const p = spawn(binPath, args, { stdio: 'ignore' });
  processes.push(p);
  for (let i = 0; i < 300; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/`);
      return `http://127.0.0.1:${port}`;
    } catch {
      await new Promise((r) => { setTimeout(r, 100); });
    }
  }
  throw new Error(`fundtrail ${args.join(' ')} did not start`);
}

async function serveLedger(data) {
  const port = await freePort();
  return start(['serve', '--read-limit', '0', '--data', data, '--addr', `127.0.0.1:${port}`], port);
}

async function verifyOnPage(base, name) {
  const { page, context } = await openPage(browser, base);
  await page.goto(`${base}/#/verify`);
  await page.click('#verify-all');
  // The page waits a while for cosignatures ("wait") before it says the quorum is not met.
  await page.waitForSelector('#witness-quorum.good, #witness-quorum.bad', { timeout: 90_000 });
  await page.screenshot({ path: path.join(outDir, `witnesses-${name}.png`), fullPage: true });
  const quorum = await page.getAttribute('#witness-quorum', 'class');
  const items = await page.locator('ul.witnesses li').allTextContents();
  await context.close();
  return { quorum, items };
}

before(async () => {
  if (skipReason) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fundtrail-witness-e2e-'));
  const data = path.join(dir, 'data');
  const out = cli(['init', '--data', data, '--origin', 'page.example/ledger']);
  const admin = /Admin token \(shown once; store it safely\): (\S+)/.exec(out)[1];
  const witness = path.join(dir, 'witness');
  const wkey = cli(['witness', 'init', '--dir', witness, '--name', 'witness.partner.example']).trim().split('\n').pop();
  const wport = await freePort();
  await start(['witness', 'serve', '--dir', witness, '--addr', `127.0.0.1:${wport}`], wport);
  // The ledger's key, from its own server.
  const first = await serveLedger(data);
  const key = (await (await fetch(`${first}/api/v1/key`)).text()).trim();
  cli(['witness', 'add-log', '--dir', witness, key]);
  fs.writeFileSync(path.join(data, 'witness-policy.txt'), `log ${key}\nwitness partner ${wkey} http://127.0.0.1:${wport}\nquorum partner\n`);
  processes.pop().kill('SIGTERM');
  await new Promise((r) => { setTimeout(r, 500); });
  const base = await serveLedger(data);
  for (const [p, body] of [
    ['campaigns', { id: 'flood-2026', title: 'Flood', purpose: 'Relief', currency: 'VND' }],
    ['donations', { campaign: 'flood-2026', amount: '250000', donor: 'An' }],
  ]) {
    const r = await fetch(`${base}/api/v1/${p}`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(r.status, 201, await r.text());
  }
  for (let i = 0; i < 100; i++) {
    const note = await (await fetch(`${base}/log/checkpoint`)).text();
    if (note.includes('\u2014 witness.partner.example ')) break;
    await new Promise((r) => { setTimeout(r, 100); });
  }
  // The operator's rewrite: another history, signed with the same key, same policy.
  const rewritten = path.join(dir, 'rewritten');
  cli(['import', '--data', rewritten, '--signing-key', path.join(data, 'signing.key'), path.join(repo, 'tests/vectors/demo/bundle.txt')]);
  fs.copyFileSync(path.join(data, 'witness-policy.txt'), path.join(rewritten, 'witness-policy.txt'));
  const other = await serveLedger(rewritten);
  await new Promise((r) => { setTimeout(r, 1500); });
  browser = await launchBrowser();
  Object.assign(bases, { base, other });
});

after(async () => {
  if (browser) await browser.close();
  for (const p of processes) p.kill('SIGTERM');
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('the page shows the witness that cosigned and that the quorum is met', { skip: skipReason || false }, async () => {
  const { quorum, items } = await verifyOnPage(bases.base, 'honest');
  assert.match(quorum, /\bgood\b/);
  assert.equal(items.length, 1);
  assert.match(items[0], /^partner: countersigned on /);
});

test('the page refuses a rewritten ledger signed with the same key: no cosignature, quorum not met', { skip: skipReason || false }, async () => {
  const { quorum, items } = await verifyOnPage(bases.other, 'rewritten');
  assert.match(quorum, /\bbad\b/);
  assert.deepEqual(items, ['partner: no countersignature yet']);
});
