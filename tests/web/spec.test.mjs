// The JavaScript verifier against the spec's companion files, which the Rust core generates
// (crates/fundtrail-ledger/tests/spec/): the currency appendix SPEC-currencies.md, and the leaf,
// checkpoint and edge-bundle vectors under tests/vectors/. Both verifiers must decide every
// case alike. Run: node --test tests/web/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CURRENCIES, decodeLeaf, utf8, verifyBundle, verifyCheckpoint, VerifyError,
} from '../../web/verify.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const vectors = path.join(repo, 'tests', 'vectors');
const readJson = (...parts) => JSON.parse(fs.readFileSync(path.join(vectors, ...parts), 'utf8'));

test('the currency table is the one of SPEC-currencies.md, code for code and exponent for exponent', () => {
  const text = fs.readFileSync(path.join(repo, 'SPEC-currencies.md'), 'utf8');
  const rows = [...text.matchAll(/^\| ([A-Z]{3}) \| ([0-9]) \|$/gm)].map((m) => [m[1], Number(m[2])]);

  assert.equal(rows.length, 155);
  assert.deepEqual(Object.entries(CURRENCIES).sort(), rows.sort());
});

// The step of SPEC.md §9 (2.1 to 2.5) a VerifyError from decodeLeaf stands for.
const STEP = {
  malformed: 'parse', version: 'version', unknown_kind: 'kind', not_canonical: 'canonical', field: 'field',
};

test('every leaf case is accepted or refused at the step, and with the words, the Rust verifier uses', () => {
  const cases = readJson('leaves', 'cases.json');
  assert.ok(cases.length >= 50);

  for (const c of cases) {
    let step = 'accepted';
    let message = null;
    try {
      decodeLeaf(utf8(c.leaf));
    } catch (e) {
      if (!(e instanceof VerifyError)) throw e;
      step = STEP[e.code] ?? e.code;
      message = e.message;
    }

    assert.equal(step, c.step, `${c.name}: ${message}`);
    if (step === 'parse') {
      // The typed parse's wording is each parser's own.
      assert.ok(message.startsWith('not a valid entry: '), `${c.name}: ${message}`);
    } else {
      assert.equal(message, c.error, c.name);
    }
  }
});

test('every checkpoint case verifies to its size and root or fails with the Rust verifier\'s first error', async () => {
  const cases = readJson('checkpoints', 'cases.json');
  assert.ok(cases.length >= 20);

  for (const c of cases) {
    let outcome;
    try {
      const cp = await verifyCheckpoint(c.note, c.key);
      outcome = { size: String(cp.size), root: cp.root };
    } catch (e) {
      if (!(e instanceof VerifyError)) throw e;
      outcome = { error: e.message };
    }

    if (c.error === null) {
      assert.deepEqual(outcome, { size: c.size, root: c.root }, c.name);
    } else {
      // A malformed key's message may go on to say why.
      const same = outcome.error === c.error || outcome.error?.startsWith(`${c.error}: `);
      assert.ok(same, `${c.name}: ${outcome.error ?? 'verified'}, expected ${c.error}`);
    }
  }
});

test('every edge bundle verifies to its size, root and totals, or fails with the Rust verifier\'s error', async () => {
  const expected = readJson('edge', 'expected.json');
  assert.ok(Object.keys(expected).length >= 4);

  for (const [name, want] of Object.entries(expected)) {
    const bundle = fs.readFileSync(path.join(vectors, 'edge', name));
    let outcome;
    try {
      const report = await verifyBundle(new Uint8Array(bundle), { claimed: want.totals });
      outcome = { size: report.size, root: report.root, totals: report.totals };
    } catch (e) {
      if (!(e instanceof VerifyError)) throw e;
      outcome = { error: e.message };
    }

    if (want.error) {
      assert.deepEqual(outcome, { error: want.error }, name);
    } else {
      assert.equal(outcome.size, want.size, name);
      assert.equal(outcome.root, want.root, name);
      assert.deepEqual(outcome.totals, want.totals, name);
    }
  }
});
