// "Verify everything" in a module worker: the whole served ledger downloaded and checked off
// the page's main thread, so the page stays responsive and "Stop" ends it at once (the page
// terminates this worker, and with it its helpers). On a machine with cores to spare (and
// where the browser runs workers inside a worker), pages are downloaded, decoded and hashed
// in parallel by helpers (verify-decoder.js, one per spare core, at most 4) and checked here
// in order (seq, links,
// time, every rule, the Merkle tree, the remembered prefix, the checkpoint and the totals);
// else this worker does it all with verify.js's verifyServedLedger. Messages:
//
//   in:  { note, key, size, claimed, prefix, pageSize, ahead, helpers, tiles }  (`helpers`: how
//        many helper workers to use, or undefined to choose by the number of cores; `tiles`:
//        a tiles prefix URL to read the entry bundles from, or null for /api/v1/entries)
//   out: { type: 'progress', count } at most every 100 ms and at the end;
//        { type: 'done', report: { size, root, helpers } } or
//        { type: 'failed', error: { name, code, message, seq, field, prefixSize } }
//
// A worker has no storage: the remembered checkpoint (`prefix`) comes from the page.

import { verifyServedLedger, entriesFromTiles } from './verify.js';
import { verifyWithHelpers } from './verify-parallel.js';
import { fetchTile } from './tiles-fetch.js';
import { url } from './base.js';

/** The NDJSON bytes of GET /api/v1/entries?start=&limit=; throws on an error status. */
async function fetchEntries(start, limit) {
  const r = await fetch(url(`api/v1/entries?start=${start}&limit=${limit}`), { headers: { accept: 'application/x-ndjson' }, cache: 'no-store' });
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
        const spawn = (i) => new Worker(new URL('./verify-decoder.js', import.meta.url), { type: 'module', name: `fundtrail-decode-${i}` });
        report = await verifyWithHelpers(data, onPage, helpers, spawn);
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
        fetchEntries: data.tiles ? entriesFromTiles((p) => fetchTile(data.tiles, p), data.size) : fetchEntries,
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
