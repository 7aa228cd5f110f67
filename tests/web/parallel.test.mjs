// "Verify everything" with helper workers (web/verify-parallel.js), in Node with helpers of
// the test's own that answer out of order: the verdict, the root and the first error named
// are those of the one-thread check (verify.js's verifyServedLedger), short pages are asked
// for again, a remembered prefix with another root is refused, and a helper that cannot run
// says so (the page then checks on one thread).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyServedLedger, utf8 } from '../../web/verify.js';
import { verifyWithHelpers, decodePage } from '../../web/verify-parallel.js';
import {
  makeKey, buildLeaves, bundleOf, sampleItems, donation, disbursement,
} from './fixtures.mjs';

/** A valid ledger of about 60 entries: the sample, then donations and payments. */
async function ledger() {
  const items = sampleItems();
  for (let i = 0; i < 50; i++) items.push(i % 5 === 4 ? { kind: 'disbursement', body: disbursement(1000) } : { kind: 'donation', body: donation(20000 + i, { reference: `P-${i}` }) });
  return (await buildLeaves(items)).leaves;
}

/** The job verify-worker.js gets, for `leaves` signed by `key`, with the totals claimed. */
async function jobOf(leaves, extra = {}) {
  const key = await makeKey('parallel.example');
  const { note } = await bundleOf(key, leaves);
  const reference = await verifyServedLedger({
    checkpoint: { note, key: key.vkey }, size: leaves.length, fetchEntries: serve(leaves), pageSize: 7, ahead: 2,
  }).catch((e) => e);
  const claimed = reference.totals ?? null;
  return {
    job: {
      note, key: key.vkey, size: leaves.length, claimed, prefix: null, pageSize: 7, ...extra,
    },
    reference,
  };
}

/** fetchEntries for verifyServedLedger over `leaves` (strings). */
const serve = (leaves) => async (start, limit) => utf8(leaves.slice(start, start + limit).map((l) => `${l}\n`).join(''));

/**
 * spawn() for verifyWithHelpers: helpers answering after a random short delay (so out of
 * order), cutting the pages `short` names (start -> how many) short.
 */
function fakeHelpers(leaves, { short = new Map(), broken = false } = {}) {
  return () => {
    const w = {
      terminated: false,
      postMessage({ id, start, limit }) {
        if (broken) {
          setTimeout(() => w.onerror({ message: 'no workers here', preventDefault() {} }), 1);
          return;
        }
        const take = short.has(start) ? short.get(start) : limit;
        short.delete(start);
        const page = leaves.slice(start, start + take);
        const { entries, hashes, error } = decodePage(page.map((l) => utf8(l)), page, take);
        setTimeout(() => {
          if (!w.terminated) {
            w.onmessage({
              data: {
                id, start, entries, hashes, error,
              },
            });
          }
        }, Math.floor(Math.random() * 8));
      },
      terminate() { w.terminated = true; },
    };
    return w;
  };
}

test('with 1 to 4 helpers answering out of order, the verdict and root are the one-thread check\'s', async () => {
  const leaves = await ledger();
  const { job, reference } = await jobOf(leaves);
  for (const count of [1, 2, 3, 4]) {
    const seen = [];
    const report = await verifyWithHelpers(job, (n) => seen.push(n), count, fakeHelpers(leaves));
    assert.deepEqual([report.size, report.root], [reference.size, reference.root], `${count} helpers`);
    assert.deepEqual(report.totals, reference.totals);
    assert.equal(seen[seen.length - 1], leaves.length);
    assert.deepEqual(seen, [...seen].sort((a, b) => a - b), 'progress only grows');
  }
});

test('a page answered short is asked for again, from where it stopped', async () => {
  const leaves = await ledger();
  const { job, reference } = await jobOf(leaves);
  const report = await verifyWithHelpers(job, () => {}, 2, fakeHelpers(leaves, { short: new Map([[7, 3], [21, 1]]) }));
  assert.equal(report.root, reference.root);
});

test('of two faults, the first in ledger order is named, as the one-thread check names it', async () => {
  const leaves = await ledger();
  const tampered = [...leaves];
  tampered[20] = tampered[20].replace('"amount":"', '"amount":"9'); // entry 21's prev no longer matches
  tampered[40] = tampered[40].replace('{"body"', '{"body" '); // not canonical: a later page's decode error
  const { job, reference } = await jobOf(tampered);
  assert.ok(reference instanceof Error, 'the one-thread check refuses it');
  const error = await verifyWithHelpers(job, () => {}, 3, fakeHelpers(tampered)).catch((e) => e);
  assert.deepEqual([error.code, error.seq], [reference.code, reference.seq]);
  assert.deepEqual([error.code, error.seq], ['broken_link', 21]);
});

test('a decode error is named by its entry, and a remembered prefix with another root is refused', async () => {
  const leaves = await ledger();
  const broken = [...leaves];
  broken[33] = broken[33].replace('{"body"', '{"body" ');
  const { job } = await jobOf(broken);
  const error = await verifyWithHelpers(job, () => {}, 2, fakeHelpers(broken)).catch((e) => e);
  assert.equal(error.seq, 33);
  assert.equal(error.code, 'not_canonical');

  const { job: good } = await jobOf(leaves, { prefix: { size: 10, root: 'ab'.repeat(32) } });
  const prefixError = await verifyWithHelpers(good, () => {}, 2, fakeHelpers(leaves)).catch((e) => e);
  assert.equal(prefixError.code, 'prefix');
});

test('a helper that cannot run is reported as such, so the page checks on one thread', async () => {
  const leaves = await ledger();
  const { job } = await jobOf(leaves);
  const error = await verifyWithHelpers(job, () => {}, 2, fakeHelpers(leaves, { broken: true })).catch((e) => e);
  assert.equal(error.helpersFailed, true);
});
