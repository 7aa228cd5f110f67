// Requests for a ledger's tiles (SPEC.md §13) under a tiles prefix: this site's /log/ or a
// mirror. No DOM, so the page, the verify worker and its helpers share it; what comes back
// is checked by the verifier (verify.js's entriesFromTiles and verifyServedLedger).

/** The bytes of `path` under the tiles prefix `prefix`; throws an Error named HttpError. */
export async function fetchTile(prefix, path, signal) {
  const r = await fetch(new URL(path, prefix).href, { signal });
  if (!r.ok) {
    const e = new Error(`HTTP ${r.status}: ${path}`);
    e.name = 'HttpError';
    throw e;
  }
  return new Uint8Array(await r.arrayBuffer());
}

/** The signed checkpoint note published under the tiles prefix `prefix`. */
export async function fetchTilesCheckpoint(prefix, signal) {
  const r = await fetch(new URL('checkpoint', prefix).href, { cache: 'no-store', signal });
  if (!r.ok) {
    const e = new Error(`HTTP ${r.status}: checkpoint`);
    e.name = 'HttpError';
    throw e;
  }
  return r.text();
}
