// "Verify everything" in a module worker: the whole served ledger downloaded and checked off
// the page's main thread, so the page stays responsive and "Stop" ends it at once (the page
// terminates this worker, and with it its helpers). On a machine with cores to spare (and
// where the browser runs workers inside a worker), pages are downloaded, decoded and hashed
// in parallel by helpers (verify-decoder.js, one per spare core, at most 4) and checked here
// in order (seq, links,
// time, every rule, the Merkle tree, the remembered prefix, the checkpoint and the totals);
// else this worker does it all with verify.js's verifyServedLedger. Messages:
//
//   in:  { note, key, size, claimed, prefix, pageSize, ahead, helpers }  (`helpers`: how many
//        helper workers to use, or undefined to choose by the number of cores)
//   out: { type: 'progress', count } at most every 100 ms and at the end;
//        { type: 'done', report: { size, root, helpers } } or
//        { type: 'failed', error: { name, code, message, seq, field, prefixSize } }
//
// A worker has no storage: the remembered checkpoint (`prefix`) comes from the page.

import { Verifier, VerifyError, verifyServedLedger } from './verify.js';

/** The NDJSON bytes of GET /api/v1/entries?start=&limit=; throws on an error status. */
async function fetchEntries(start, limit) {
  const r = await fetch(`/api/v1/entries?start=${start}&limit=${limit}`, { headers: { accept: 'application/x-ndjson' }, cache: 'no-store' });
  if (!r.ok) {
    const e = new Error(`HTTP ${r.status}`);
    e.name = 'HttpError';
    throw e;
  }
  return new Uint8Array(await r.arrayBuffer());
}

/**
 * How many helpers to start: `asked` when the page asks for a number (0 to 4), else none on a
 * machine of 2 cores or fewer (the page, the network and this worker already share them:
 * measured slower, BENCHMARKS.md), else one per core beyond this worker's, at most 4.
 */
function helperCount(asked) {
  if (Number.isInteger(asked)) return Math.max(0, Math.min(4, asked));
  const cores = Number(globalThis.navigator?.hardwareConcurrency) || 2;
  return cores <= 2 ? 0 : Math.min(4, cores - 1);
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
 * the same errors (the first entry at fault, in ledger order). Throws `{ helpersFailed }`
 * when a helper cannot start, so the caller checks on its own instead.
 */
async function verifyWithHelpers(data, onPage, count) {
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
    const w = new Worker(new URL('./verify-decoder.js', import.meta.url), { type: 'module', name: `fundtrail-decode-${i}` });
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
    helpers[id % helpers.length].postMessage({ id, start, limit });
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

globalThis.onmessage = async ({ data }) => {
  let shown = 0;
  const onPage = (count) => {
    const now = performance.now();
    if (count >= data.size || now - shown >= 100) {
      shown = now;
      postMessage({ type: 'progress', count });
    }
  };
  try {
    let report = null;
    let helpers = 0;
    if (typeof Worker === 'function' && data.size > 0) helpers = helperCount(data.helpers);
    if (helpers > 0) {
      try {
        report = await verifyWithHelpers(data, onPage, helpers);
      } catch (e) {
        if (!e.helpersFailed) throw e;
        helpers = 0; // no workers inside a worker here: check on this thread instead
      }
    }
    if (!report) {
      report = await verifyServedLedger({
        checkpoint: { note: data.note, key: data.key },
        size: data.size,
        claimed: data.claimed,
        fetchEntries,
        pageSize: data.pageSize,
        ahead: data.ahead,
        prefix: data.prefix,
        onPage,
      });
    }
    postMessage({ type: 'done', report: { size: report.size, root: report.root, helpers } });
  } catch (e) {
    postMessage({
      type: 'failed',
      error: {
        name: e && e.name, code: e && e.code, message: String(e && e.message ? e.message : e), seq: e && e.seq, field: e && e.field, prefixSize: e && e.prefixSize,
      },
    });
  }
};
