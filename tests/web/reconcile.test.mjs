// The JavaScript reconciliation (web/verify/reconcile.js) against the statement vectors the Rust
// core generates (tests/vectors/statement/, SPEC.md §16): the canonical lines, their leaf
// hashes, root and proofs, the ledger holding a statement entry, the finding reconciling it
// gives (with its line and day, in the Rust verifier's words), and the lines to refuse.
// Run: node --test tests/web/reconcile.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  decodeLeaf, decodeStatementLines, hashFromHex, leafHashSync, Reconciler,
  statementLinesRoot, toHex, utf8, verifyBundle, verifyInclusion,
} from '../../web/verify.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.resolve(here, '..', 'vectors', 'statement');
const read = (name) => fs.readFileSync(path.join(dir, name));
const expected = JSON.parse(read('expected.json').toString('utf8'));

/** The decoded entries of a bundle's text (the leaves between its header and trailer). */
function entriesOf(bundleText) {
  const leaves = bundleText.split('\n').slice(3);
  const end = leaves.indexOf('');
  return leaves.slice(0, end).map((l) => decodeLeaf(l));
}

function reconcile(bundleText, file) {
  const r = new Reconciler();
  for (const e of entriesOf(bundleText)) r.observe(e);
  return r.finish(() => file);
}

test('the canonical lines hash, prove and root exactly as the Rust core says', async () => {
  const lines = decodeStatementLines(new Uint8Array(read('lines.jsonl')));
  assert.equal(lines.length, expected.lines.length);
  lines.forEach((l, i) => {
    assert.equal(l.text, expected.lines[i].bytes);
    assert.equal(toHex(leafHashSync(utf8(l.text))), expected.lines[i].leaf_hash);
  });
  assert.equal(statementLinesRoot(lines.map((l) => l.text)), expected.root);
  assert.equal(statementLinesRoot([]), expected.empty_root);
  for (const [i, l] of expected.lines.entries()) {
    await verifyInclusion(i, lines.length, leafHashSync(utf8(l.bytes)), l.proof.map(hashFromHex), hashFromHex(expected.root));
  }
});

test('the ledger with a statement verifies and its one omission is reported with its line and day', async () => {
  const bundle = read('bundle.txt').toString('utf8');
  const report = await verifyBundle(bundle);
  assert.equal(report.size, 4);
  assert.equal(entriesOf(bundle)[3].kind, 'statement');
  const result = reconcile(bundle, new Uint8Array(read('lines.jsonl')));
  const findings = result.accounts.flatMap((a) => a.findings.map((f) => f.text));
  assert.deepEqual(findings, expected.findings);
  const [account] = result.accounts;
  const want = expected.reconciliation.accounts[0];
  assert.equal(account.bank_balance.toString(), want.bank_balance);
  assert.equal(account.ledger_balance, BigInt(want.ledger_balance));
  assert.equal(account.reconciled_through, want.reconciled_through);
  assert.deepEqual(account.excluded.map((x) => [x.line, x.date, x.reason]), want.excluded.map((x) => [x.line, x.date, x.reason]));
});

test('changing any published line is caught as lines the ledger did not commit to', () => {
  const bundle = read('bundle.txt').toString('utf8');
  const text = read('lines.jsonl').toString('utf8');
  const lines = text.split('\n');
  for (let i = 0; i < lines.length - 1; i++) {
    const changed = [...lines];
    changed[i] = changed[i].replace(/"amount":"(-?)([0-9])/, (m, sign, d) => `"amount":"${sign}${d === '9' ? '8' : Number(d) + 1}`);
    assert.notEqual(changed[i], lines[i]);
    const result = reconcile(bundle, utf8(changed.join('\n')));
    const findings = result.accounts.flatMap((a) => a.findings.map((f) => f.text));
    assert.equal(findings.length, 1, `line ${i + 1}: ${findings}`);
    assert.match(findings[0], /are not the 5 lines the ledger committed to/);
  }
});

test('every refused line case is refused, with the Rust reader\'s words where they are not the parser\'s', () => {
  const cases = JSON.parse(read('cases.json').toString('utf8'));
  assert.ok(cases.length >= 10);
  for (const c of cases) {
    assert.throws(() => decodeStatementLines(utf8(c.file)), (e) => {
      if (c.error.includes('not a statement line')) return e.message.includes('not a statement line');
      return e.message === c.error;
    }, c.name);
  }
});

test('the three-month, two-account scenario gives the Rust verifier\'s findings and explained lines, each with its line and day', async () => {
  const scenario = path.join(dir, 'scenario');
  const bundle = fs.readFileSync(path.join(scenario, 'bundle.txt'), 'utf8');
  const want = JSON.parse(fs.readFileSync(path.join(scenario, 'expected.json'), 'utf8'));
  assert.equal((await verifyBundle(bundle)).size, 15);
  const r = new Reconciler();
  for (const e of entriesOf(bundle)) r.observe(e);
  const result = r.finish((s) => {
    const file = path.join(scenario, 'lines', `${s.lines_sha256}.jsonl`);
    return fs.existsSync(file) ? new Uint8Array(fs.readFileSync(file)) : null;
  });
  assert.deepEqual(result.accounts.flatMap((a) => a.findings.map((f) => f.text)), want.findings);
  assert.deepEqual(result.accounts.flatMap((a) => a.excluded.map((x) => x.text)), want.excluded);
  assert.deepEqual(result.accounts.map((a) => ({
    number: a.account.number,
    reconciled_through: a.reconciled_through,
    bank_balance: a.bank_balance.toString(),
    ledger_balance: a.ledger_balance.toString(),
  })), want.accounts);
  assert.ok(want.findings.some((f) => f.includes('a gap')) && want.findings.some((f) => f.includes('an overlap')));
});

test('every finding carries a stable code and parameters that say it in English word for word, and in Vietnamese', async () => {
  const { EN } = await import('../../web/strings-en.js');
  const { VI } = await import('../../web/strings-vi.js');
  const fill = (s, p) => s.replace(/\{(\w+)\}/g, (m, k) => (Object.hasOwn(p, k) ? String(p[k]) : m));
  const codes = ['unknown_account', 'gap', 'overlap', 'opening_mismatch', 'lines_unavailable', 'lines_malformed',
    'lines_tampered', 'sum_mismatch', 'outside_period', 'unmatched_credit', 'unmatched_debit', 'named_more_than_once',
    'amount_mismatch', 'wrong_direction', 'exclusion_does_not_fit', 'excluded_but_named'];
  for (const code of codes) {
    assert.ok(EN[`acc_f_${code}`] && VI[`acc_f_${code}`], code);
    assert.notEqual(EN[`acc_f_${code}`], VI[`acc_f_${code}`], code);
  }
  // Findings of every kind the JavaScript verifier makes: a missing file, tampered lines, and
  // the scenario's own.
  const bundle = read('bundle.txt').toString('utf8');
  const findings = [
    ...reconcile(bundle, null).accounts.flatMap((a) => a.findings),
    ...reconcile(bundle, new Uint8Array(read('lines.jsonl'))).accounts.flatMap((a) => a.findings),
  ];
  assert.ok(findings.length >= 2);
  for (const f of findings) {
    assert.ok(codes.includes(f.code), f.code);
    const at = f.line === null ? EN.acc_f_at : EN.acc_f_at_line;
    const english = fill(at, f) + fill(EN[`acc_f_${f.code}`], f.params);
    assert.equal(english, f.text);
    assert.ok(!fill(VI[`acc_f_${f.code}`], f.params).includes('{'), f.code);
  }
});
