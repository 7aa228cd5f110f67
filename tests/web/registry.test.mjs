// The JavaScript verifier's registry rules (web/verify/registry.js) against the vectors the
// Rust core generates (tests/vectors/registry/, SPEC.md §22): the clean registry verifies with
// the same state of every organisation and the same account look-ups, and each broken or
// tampered registry fails at the same entry with the Rust verifier's words.
// Run: node --test tests/web/registry.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  decodeLeaf, isOrgSlug, normaliseBank, normaliseNumber, verifyBundle,
} from '../../web/verify.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.resolve(here, '..', 'vectors', 'registry');
const read = (name) => fs.readFileSync(path.join(dir, name), 'utf8');
const expected = JSON.parse(read('expected.json'));

/** An organisation of the JavaScript Registry written as the Rust core serializes OrgState. */
function asRust(o) {
  const checks = Object.fromEntries(Object.entries(o.checks).filter(([, v]) => v !== undefined));
  return {
    slug: o.slug,
    name: o.name,
    kind: o.kind,
    origin: o.origin,
    verifier_key: o.verifierKey,
    status: o.status,
    accounts: o.accounts,
    checks,
    registered_seq: o.registeredSeq,
    accounts_seq: o.accountsSeq,
    key_seq: o.keySeq,
    status_seq: o.statusSeq,
  };
}

test('the clean registry verifies with the organisations and account look-ups of the Rust core', async () => {
  const report = await verifyBundle(read(expected.clean.bundle));

  assert.equal(report.size, expected.clean.size);
  assert.deepEqual([...report.registry.orgs.values()].map(asRust), expected.clean.figures.orgs);
  for (const l of expected.clean.figures.lookups) {
    assert.deepEqual(report.registry.findAccount(l.bank, l.number), l.found, `${l.bank} ${l.number}`);
  }
});

for (const c of expected.bad) {
  test(`${c.name}: caught at its entry with the Rust verifier's words`, async () => {
    await assert.rejects(verifyBundle(read(c.bundle)), (e) => {
      assert.equal(e.message, c.error);
      return true;
    });
  });
}

test('the registry kinds decode, and a changed key in a body is a parse error', () => {
  const lines = read(expected.clean.bundle).split('\n').slice(3);
  const leaves = lines.slice(0, lines.indexOf(''));
  const kinds = leaves.map((l) => decodeLeaf(l).kind);

  assert.deepEqual(kinds, [
    'org.register', 'org.register', 'org.accounts', 'org.key', 'org.register',
    'org.suspend', 'org.resume', 'org.suspend', 'org.close', 'org.register',
  ]);
  const renamed = leaves[5].replace('"reason":', '"why":');
  assert.throws(() => decodeLeaf(renamed), (e) => e.code === 'malformed' && /unknown field `why`/.test(e.message));
});

test('accounts compare by bank without case or spaces and by the letters and digits of the number', () => {
  assert.equal(normaliseBank(' Vietcom BANK\u3000'), 'vietcombank');
  assert.equal(normaliseBank('Ngân Hàng ĐÔNG Á'), 'ngânhàngđôngá');
  assert.equal(normaliseNumber('0011 0022-33'), normaliseNumber('00110022 33'));
  assert.equal(normaliseNumber('AB-12.c'), 'ab12c');
});

test('organisation slugs are 3 to 40 characters, start with a letter, do not end with a dash and are not reserved', () => {
  for (const good of ['abc', 'quy-mien-trung', 'a12', 'a'.repeat(40)]) assert.ok(isOrgSlug(good), good);
  for (const bad of ['ab', '1abc', 'abc-', 'Abc', 'a_b', 'api', 'registry', '', 'a'.repeat(41)]) assert.ok(!isOrgSlug(bad), bad);
});
