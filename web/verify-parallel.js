// "Verify everything" with helpers (verify-worker.js uses it; tests/web/parallel.test.mjs
// runs it in Node with helpers of its own): pages are decoded and hashed by helpers
// (verify-decoder.js's `decodePage`), out of order, and checked here strictly in ledger order,
// so the verdict and the first error named are verifyServedLedger's.

import { Verifier, VerifyError, decodeLeaf, leafHashSync } from './verify.js';

/** The members of a body the ledger's rules read (verify/state.js, budget.js, pledge.js): all the coordinator gets. */
const RULE_FIELDS = [
  'amount', 'approval', 'approvers', 'budget_line', 'campaign', 'currency', 'donor', 'expected_on', 'from', 'goal', 'id', 'lines', 'pledge', 'reverses', 'revises', 'threshold', 'title', 'to',
];

/** `entry` with only what the coordinator checks: less to copy between threads. */
function forRules(entry) {
  const body = {};
  for (const k of RULE_FIELDS) if (entry.body[k] !== undefined) body[k] = entry.body[k];
  return {
    seq: entry.seq, prev: entry.prev, recorded_at: entry.recorded_at, kind: entry.kind, body,
  };
}

/**
 * A helper's work on one page: at most `limit` of `leaves` (bytes; `texts` their UTF-8
 * decoding, or null) decoded (decodeLeaf) and hashed (leafHashSync), stopping at the first that
 * does not decode. Returns `{ entries, hashes, error }`: the entries with what the rules read,
 * 32 bytes of hash each, and `{ index, code, message, field }` of the leaf at fault or null.
 */
export function decodePage(leaves, texts, limit) {
  const n = Math.min(leaves.length, limit);
  const entries = [];
  const hashes = new Uint8Array(n * 32);
  let error = null;
  for (let i = 0; i < n; i++) {
    try {
      entries.push(forRules(decodeLeaf(leaves[i], texts ? texts[i] : undefined)));
    } catch (e) {
      error = {
        index: i, code: e && e.code, message: String(e && e.message ? e.message : e), field: e && e.field,
      };
      break;
    }
    hashes.set(leafHashSync(leaves[i]), i * 32);
  }
  return { entries, hashes: error ? hashes.slice(0, entries.length * 32) : hashes, error };
}

/** A failed download or decode, from a helper's message, as an Error to throw. */
function helperError(e, seq) {
  if (e.name === 'HttpError' || e.name === 'TypeError') {
    const err = new Error(e.message);
    err.name = e.name;
    return err;
  }
  if (seq === undefined || !e.code) return new VerifyError(e.code || 'malformed', e.message);
  return new VerifyError(e.code, `entry ${seq}: ${e.message}`, { seq, problem: e.message, field: e.field });
}

/**
 * verifyServedLedger's check with the pages decoded by `count` helpers: the same verdict and
 * the same errors (the first entry at fault, in ledger order). `data` is the job
 * ({ note, key, size, claimed, prefix, pageSize, tiles }), `onPage(count)` is called after each page,
 * and `spawn(i)` starts helper `i` (a Worker running verify-decoder.js, or anything that
 * answers its messages alike). Throws an Error with `helpersFailed` when a helper cannot
 * run, so the caller checks on its own instead.
 */
export async function verifyWithHelpers(data, onPage, count, spawn) {
  const {
    size: n, pageSize, prefix,
  } = data;
  const v = new Verifier();
  const helpers = [];
  const waiting = new Map(); // job id -> { resolve, reject }
  let broken = null;
  const failAll = (e) => {
    broken = e;
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
  };
  for (let i = 0; i < count; i++) {
    const w = spawn(i);
    w.onmessage = ({ data: answer }) => {
      const job = waiting.get(answer.id);
      waiting.delete(answer.id);
      if (job) job.resolve(answer);
    };
    w.onerror = (ev) => {
      ev.preventDefault();
      const e = new Error(`helper: ${ev.message || 'failed'}`);
      e.helpersFailed = true;
      failAll(e);
    };
    helpers.push(w);
  }
  let nextId = 0;
  const ask = (start, limit) => {
    nextId += 1;
    const id = nextId;
    const promise = new Promise((resolve, reject) => {
      if (broken) reject(broken);
      else waiting.set(id, { resolve, reject });
    });
    promise.catch(() => {}); // a page asked ahead and never used must not be an unhandled rejection
    helpers[id % helpers.length].postMessage({
      id, start, limit, tiles: data.tiles || null, size: n,
    });
    return { start, limit, promise };
  };
  const queue = [];
  let planned = 0; // entries asked for so far
  const fill = () => {
    while (queue.length < helpers.length * 3 && planned < n) {
      const limit = Math.min(pageSize, n - planned);
      queue.push(ask(planned, limit));
      planned += limit;
    }
  };
  try {
    fill();
    while (v.size < n) {
      const job = queue.shift();
      const answer = await job.promise;
      const got = answer.entries.length;
      for (let i = 0; i < got; i++) {
        v.pushDecodedSync(answer.entries[i], answer.hashes.subarray(i * 32, i * 32 + 32));
        if (prefix && v.size === prefix.size) {
          const r = v.rootSync();
          if (r !== prefix.root) {
            throw new VerifyError('prefix', `entries 0..${prefix.size - 1} have root ${r}, not the root ${prefix.root} verified earlier`, { prefixSize: prefix.size - 1 });
          }
        }
      }
      if (answer.error) throw helperError(answer.error, answer.error.index === undefined ? undefined : job.start + answer.error.index);
      if (got === 0) throw new VerifyError('checkpoint_size', `the server sent no entries from ${job.start}, but the checkpoint covers ${n}`);
      if (got < job.limit) queue.unshift(ask(job.start + got, job.limit - got)); // a short page: the rest first
      fill();
      onPage(v.size);
    }
  } finally {
    for (const w of helpers) w.terminate();
  }
  return v.finish({ note: data.note, key: data.key }, data.claimed);
}

