// A helper of "Verify everything" (verify-worker.js starts one or more): downloads one page of
// entries and does the part of the check that does not depend on the entries before it, in
// parallel with the other pages: each leaf decoded and checked for canonical form and field
// rules (verify.js's decodeLeaf) and hashed (leafHashSync). The links, order and every rule
// that needs the ledger so far are checked by the coordinator, in order. Messages:
//
//   in:  { id, start, limit, tiles, size }  (`tiles`: a tiles prefix URL to read the entry
//        bundle of `start` in the tree of `size` entries from, or null for /api/v1/entries)
//   out: { id, start, entries, hashes, error }  (`entries`: each decoded entry with only the
//        members the ledger's rules read; `hashes`: 32 bytes per entry, transferred;
//        `error`: the first leaf that does not decode, as { index, code, message, field },
//        the entries before it being returned; or a failed download as { name, message })

import { splitLeafTexts, entriesFromTiles } from './verify.js';
import { decodePage } from './verify-parallel.js';
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

globalThis.onmessage = async ({
  data: {
    id, start, limit, tiles, size,
  },
}) => {
  let leaves;
  let texts;
  try {
    const bytes = tiles ? await entriesFromTiles((p) => fetchTile(tiles, p), size)(start) : await fetchEntries(start, limit);
    ({ leaves, texts } = splitLeafTexts(bytes));
  } catch (e) {
    postMessage({
      id, start, entries: [], hashes: new Uint8Array(0), error: { name: e && e.name, code: e && e.code, message: String(e && e.message ? e.message : e) },
    });
    return;
  }
  const { entries, hashes, error } = decodePage(leaves, texts, limit);
  postMessage({
    id, start, entries, hashes, error,
  }, [hashes.buffer]);
};
