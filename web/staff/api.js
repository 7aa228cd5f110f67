// The staff console's requests to the API. The API's address is computed from the site's root
// (base.js: `api/v1/` below it, e.g. /o/ngo-a/api/v1/ on a platform), so the console works
// wherever a server mounts its ledger, and every link the console makes is relative too.
//
// The console is signed in with a session cookie, which is HttpOnly: the page never sees it.
// Every state-changing request carries the session's CSRF value, which is kept in this
// module's memory only (never in storage) and read again with GET /session after a reload.

import { url } from '../base.js';

/** The API's address: `api/v1/` below the site's root. */
export const API_BASE = new URL(url('api/v1/'));
/** The public page's address: the site's root. */
export const PUBLIC_BASE = new URL(url(''));

/** The address of `path` (relative, no leading '/') under the API. */
export const apiUrl = (path) => new URL(path, API_BASE).href;

/** The public page's address of the view `hash` (e.g. `#/entry/3`). */
export const publicUrl = (hash) => new URL(hash, PUBLIC_BASE).href;

/**
 * A request the server refused. `code` is the API's `error` code (`invalid_field`,
 * `insufficient_balance`, ...), `field` the request field it names (or null), `message` the
 * server's own words, `retryAfter` the seconds of a Retry-After header (or null).
 */
export class ApiError extends Error {
  constructor(status, body, retryAfter) {
    super(body && typeof body.message === 'string' ? body.message : `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = body && typeof body.error === 'string' ? body.error : `http_${status}`;
    this.field = body && typeof body.field === 'string' ? body.field : null;
    const wait = Number.parseInt(retryAfter ?? '', 10);
    this.retryAfter = Number.isFinite(wait) ? wait : null;
  }
}

/** A request whose answer never arrived (no network, the connection dropped, a timeout). */
export class NetworkError extends Error {
  constructor(cause) {
    super(cause && cause.message ? cause.message : 'network error');
    this.name = 'NetworkError';
  }
}

let csrf = null;
let sessionLost = () => {};

/** Keeps the session's CSRF value (in memory only) for the state-changing requests. */
export function setCsrf(value) {
  csrf = value || null;
}

/** Calls `fn(error)` whenever a request is refused because there is no live session. */
export function whenSessionLost(fn) {
  sessionLost = fn;
}

/**
 * Sends `method path` and reads the JSON answer. Options: `json` (a body sent as JSON), or
 * `body` with `contentType` (a file; a FormData sets its own type); `idempotencyKey`;
 * `signIn` (a 401 then means a bad token, not a lost session).
 *
 * Returns `{ status, data }` (`data` null for an empty answer); throws ApiError or
 * NetworkError.
 */
export async function request(method, path, opts = {}) {
  const headers = { accept: 'application/json' };
  let { body } = opts;
  if (opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.json);
  } else if (opts.contentType) {
    headers['content-type'] = opts.contentType;
  }
  if (method !== 'GET' && method !== 'HEAD' && csrf) headers['x-csrf-token'] = csrf;
  if (opts.idempotencyKey) headers['idempotency-key'] = opts.idempotencyKey;
  let r;
  let text;
  try {
    r = await fetch(apiUrl(path), {
      method, headers, body, credentials: 'same-origin', cache: 'no-store', redirect: 'error',
    });
    text = await r.text();
  } catch (e) {
    throw new NetworkError(e);
  }
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!r.ok) {
    const err = new ApiError(r.status, data, r.headers.get('retry-after'));
    if (r.status === 401 && !opts.signIn) sessionLost(err);
    throw err;
  }
  return { status: r.status, data };
}

/** GET `path`, its JSON answer; throws ApiError or NetworkError. */
export const getJson = async (path) => (await request('GET', path)).data;

/** The lines of an NDJSON answer (GET /entries), each parsed; throws ApiError or NetworkError. */
export async function getNdjson(path) {
  let r;
  let text;
  try {
    r = await fetch(apiUrl(path), { headers: { accept: 'application/x-ndjson' }, credentials: 'same-origin', cache: 'no-store' });
    text = await r.text();
  } catch (e) {
    throw new NetworkError(e);
  }
  if (!r.ok) {
    let data = null;
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
    throw new ApiError(r.status, data, r.headers.get('retry-after'));
  }
  return text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l));
}

/** A new Idempotency-Key: one per filled-in form, reused for every retry of it. */
export function newIdempotencyKey() {
  if (globalThis.crypto && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

const pause = (ms) => new Promise((r) => { setTimeout(r, ms); });

/** How long to wait before each automatic retry of an append whose answer was lost. */
export const RETRY_DELAYS_MS = [400, 1500, 4000];

/**
 * Appends: POST `path` with `json` and the form's `idempotencyKey`. When the answer is lost
 * (the request may or may not have reached the server), the same request is sent again with
 * the same key, up to three more times: the server records it once and answers the retry
 * with the original entry (`replayed`). `onRetry(n)` is told before each retry.
 *
 * Returns the acknowledgement; throws ApiError, or NetworkError after the last retry.
 */
export async function append(path, json, idempotencyKey, onRetry = () => {}) {
  for (let attempt = 0; ; attempt++) {
    try {
      return (await request('POST', path, { json, idempotencyKey })).data;
    } catch (e) {
      if (!(e instanceof NetworkError) || attempt >= RETRY_DELAYS_MS.length) throw e;
      onRetry(attempt + 1);
      await pause(RETRY_DELAYS_MS[attempt]);
    }
  }
}
