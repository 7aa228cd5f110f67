// Running "Verify everything": in a module worker (verify-worker.js) when the browser has one,
// else on the page's thread; either way it can be stopped (an AbortSignal) and reports its
// progress. The verdict is verify.js's: the worker only moves the work off the main thread.

import {
  VerifyError, verifyServedLedger, entriesFromTiles, TILE_WIDTH,
} from '../verify.js';
import { HttpError, getBytes } from './server.js';
import { nextFrame } from './dom.js';
import { fetchTile } from '../tiles-fetch.js';

const PAGE = 1000; // entries per request (the API's largest page)
const AHEAD = 3; // requests in flight
const TILES_AHEAD = 8; // entry bundles in flight (256 entries each)

/** The error `e` (as a worker sent it) as the page's own error types. */
function reviveError(e) {
  if (e.name === 'HttpError' || e.name === 'TypeError') return new HttpError(0, e.message);
  if (e.code) {
    return new VerifyError(e.code, e.message, { seq: e.seq, field: e.field, prefixSize: e.prefixSize });
  }
  return new Error(e.message);
}

/** The error of a stopped check. */
const cancelled = () => new VerifyError('cancelled', 'cancelled');

/** Whether this browser runs module workers (tried once). */
let workerWorks = typeof Worker === 'function';

function inWorker(job, onProgress, signal) {
  return new Promise((resolve, reject) => {
    let worker;
    try {
      worker = new Worker(new URL('../verify-worker.js', import.meta.url), { type: 'module', name: 'fundtrail-verify' });
    } catch (e) {
      reject(e);
      return;
    }
    const stop = () => {
      worker.terminate();
      reject(cancelled());
    };
    signal?.addEventListener('abort', stop, { once: true });
    const finish = () => {
      signal?.removeEventListener('abort', stop);
      worker.terminate();
    };
    worker.onerror = (ev) => {
      ev.preventDefault();
      finish();
      const e = new Error(`worker: ${ev.message || 'failed'}`);
      e.workerFailed = true;
      reject(e);
    };
    worker.onmessage = ({ data }) => {
      if (data.type === 'progress') onProgress(data.count);
      else if (data.type === 'done') {
        finish();
        resolve(data.report);
      } else if (data.type === 'failed') {
        finish();
        reject(reviveError(data.error));
      }
    };
    worker.postMessage(job);
  });
}

async function onThisThread(job, onProgress, signal) {
  let shown = performance.now();
  const report = await verifyServedLedger({
    checkpoint: { note: job.note, key: job.key },
    size: job.size,
    claimed: job.claimed,
    fetchEntries: job.tiles
      ? entriesFromTiles((p) => fetchTile(job.tiles, p, signal), job.size)
      : (start, limit) => getBytes(`/entries?start=${start}&limit=${limit}`, signal),
    pageSize: job.pageSize,
    ahead: job.ahead,
    prefix: job.prefix,
    onPage: async (count) => {
      if (signal?.aborted) throw cancelled();
      if (count >= job.size || performance.now() - shown >= 100) {
        onProgress(count);
        await nextFrame();
        shown = performance.now();
      }
    },
  });
  return { size: report.size, root: report.root, helpers: 0 };
}

/**
 * Downloads and verifies the whole served ledger: `note` and `key` the signed checkpoint and
 * its key, `size` its size, `claimed` the published totals, `prefix` a checkpoint verified
 * earlier ({size, root}) its first entries must still have, or null. `onProgress(count)` is
 * called as entries are checked; aborting `signal` stops the check (rejecting with a
 * VerifyError of code `cancelled`). `helpers` asks for that many helper workers (0 to 4;
 * undefined: the worker chooses by the number of cores). Resolves to `{ size, root, helpers }` (`helpers`: how many
 * workers decoded pages in parallel, 0 when one thread did it all); rejects with the
 * verifier's VerifyError, an HttpError, or `cancelled`. With `tiles` (a tiles prefix URL
 * ending in `/`), the entries are read from its entry bundles instead of /api/v1/entries.
 */
export async function verifyEverythingServed({
  note, key, size, claimed, prefix, onProgress = () => {}, signal, helpers, tiles = null,
}) {
  const job = {
    note,
    key,
    size,
    claimed,
    prefix: prefix ? { size: prefix.size, root: prefix.root } : null,
    pageSize: tiles ? TILE_WIDTH : PAGE,
    ahead: tiles ? TILES_AHEAD : AHEAD,
    helpers,
    tiles,
  };
  if (signal?.aborted) throw cancelled();
  if (workerWorks) {
    try {
      return await inWorker(job, onProgress, signal);
    } catch (e) {
      if (!e.workerFailed) throw e;
      workerWorks = false; // no module worker here: check on the page's thread instead
    }
  }
  return onThisThread(job, onProgress, signal);
}
