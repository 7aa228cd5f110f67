// The page's requests to the server's API (api/v1/ below the site's root, base.js), and the one
// copy of /info the views share. What comes back is checked by the verifier (verify.js) before
// the page vouches for it.

import { url } from '../base.js';

const API = url('api/v1');

/** The absolute address of the API (no trailing `/`), for links (the bundle download). */
export const API_BASE = API;

/** A request the server answered with an error status. */
export class HttpError extends Error {
  constructor(status, text) {
    super(`HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ''}`);
    this.status = status;
    /** The answer's body (up to 2,000 characters), e.g. a JSON error. */
    this.body = text ? text.slice(0, 2000) : '';
  }
}

async function request(path, accept, signal) {
  const r = await fetch(API + path, { headers: { accept }, cache: 'no-store', signal });
  if (!r.ok) {
    let text = '';
    try {
      text = await r.text();
    } catch {
      // ignore
    }
    throw new HttpError(r.status, text);
  }
  return r;
}

/** The JSON answer of GET /api/v1`path`; throws HttpError or the network's TypeError. */
export const getJSON = async (path) => (await request(path, 'application/json')).json();
/**
 * The NDJSON bytes of GET /api/v1`path` (stopped when `signal` aborts); throws HttpError, the
 * network's TypeError or the AbortError.
 */
export const getBytes = async (path, signal) => new Uint8Array(await (await request(path, 'application/x-ndjson', signal)).arrayBuffer());

let infoCache = null;

/** /api/v1/info, fetched once and then shared (again with `fresh`). */
export async function getInfo(fresh = false) {
  if (!infoCache || fresh) infoCache = await getJSON('/info');
  return infoCache;
}

/** The /info answer fetched last, or null (nothing fetched yet, or forgotten). */
export function cachedInfo() {
  return infoCache;
}

/** Forgets the shared /info answer: the next getInfo() asks the server again. */
export function forgetInfo() {
  infoCache = null;
}

/**
 * The JSON answer of POST /api/v1`path` with the JSON `body` (a read that must not put its
 * words in an address); throws HttpError or the network's TypeError.
 */
export async function postJSON(path, body) {
  const r = await fetch(API + path, {
    method: 'POST', headers: { accept: 'application/json', 'content-type': 'application/json' }, body: JSON.stringify(body), cache: 'no-store',
  });
  if (!r.ok) {
    let text = '';
    try {
      text = await r.text();
    } catch {
      // ignore
    }
    throw new HttpError(r.status, text);
  }
  return r.json();
}
