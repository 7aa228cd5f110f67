// The JavaScript donor statement check (web/verify/donor-statement.js) against the vectors the
// Rust core generates (tests/vectors/donor-statement/, SPEC.md §21): the statement verifies
// offline to its gifts and totals, every tampered copy is refused with the Rust verifier's
// words, and an identifier is checked against every gift.
// Run: node --test tests/web/donor-statement.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyDonorStatement, VerifyError } from '../../web/verify.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.resolve(here, '..', 'vectors', 'donor-statement');
const read = (name) => JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
const expected = read('expected.json');

test('the statement verifies offline to its gifts and totals', async () => {
  const v = await verifyDonorStatement(read(expected.statement), { key: expected.key });
  assert.deepEqual(v.gifts.map((g) => g.seq), expected.gifts);
  assert.deepEqual(v.totals, expected.totals);
});

test('every tampered statement is refused with the Rust verifier\'s words', async () => {
  const cases = read('cases.json');
  assert.ok(cases.length >= 6);
  for (const c of cases) {
    await assert.rejects(verifyDonorStatement(c.statement, { key: expected.key }), (e) => {
      assert.ok(e instanceof VerifyError, c.name);
      assert.equal(e.message, c.error, c.name);
      return true;
    });
  }
});

test('an identifier is checked against every gift, and a gift without salt fails it', async () => {
  await assert.rejects(
    verifyDonorStatement(read(expected.statement), { key: expected.key, identifier: 'someone.else@example.vn' }),
    (e) => e.message === expected.wrong_identifier_error,
  );
});
