// "Verify everything" in a module worker: the whole served ledger downloaded and checked off
// the page's main thread (verify.js's verifyServedLedger), so the page stays responsive and
// "Stop" ends it at once (the page terminates the worker). Messages:
//
//   in:  { note, key, size, claimed, prefix, pageSize, ahead }
//   out: { type: 'progress', count } at most every 100 ms and at the end;
//        { type: 'done', report: { size, root } } or
//        { type: 'failed', error: { name, code, message, seq, field, prefixSize } }
//
// A worker has no storage: the remembered checkpoint (`prefix`) comes from the page.

import { verifyServedLedger } from './verify.js';

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

globalThis.onmessage = async ({ data }) => {
  let shown = 0;
  try {
    const report = await verifyServedLedger({
      checkpoint: { note: data.note, key: data.key },
      size: data.size,
      claimed: data.claimed,
      fetchEntries,
      pageSize: data.pageSize,
      ahead: data.ahead,
      prefix: data.prefix,
      onPage: (count) => {
        const now = performance.now();
        if (count >= data.size || now - shown >= 100) {
          shown = now;
          postMessage({ type: 'progress', count });
        }
      },
    });
    postMessage({ type: 'done', report: { size: report.size, root: report.root } });
  } catch (e) {
    postMessage({
      type: 'failed',
      error: {
        name: e && e.name, code: e && e.code, message: String(e && e.message ? e.message : e), seq: e && e.seq, field: e && e.field, prefixSize: e && e.prefixSize,
      },
    });
  }
};
