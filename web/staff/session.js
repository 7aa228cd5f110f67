// Signing in: a staff member's token (pasted, or from the `#token=` fragment of a personal
// sign-in link) is traded once for a session (POST /session). The token is never stored in
// the browser: not in its storage, not in the address bar (the fragment is
// removed before anything else runs), not in the page once the sign-in request is sent. The
// session itself is an HttpOnly cookie the page cannot read; what the page keeps, in memory
// only, is who is signed in and the CSRF value.

import { request, setCsrf, ApiError } from './api.js';

let current = null;

/** The live session `{ staff: {id, name, role}, expires_at, idle_expires_at }`, or null. */
export function session() {
  return current;
}

/** Whether the signed-in staff member is an admin. */
export function isAdmin() {
  return current?.staff?.role === 'admin';
}

function keep(data) {
  current = data && data.staff ? {
    staff: data.staff, expires_at: data.expires_at, idle_expires_at: data.idle_expires_at,
  } : null;
  setCsrf(current ? data.csrf : null);
  return current;
}

/** Forgets the session on this page (after the server said it is over). */
export function forget() {
  keep(null);
}

/**
 * The token in the address's `#token=` fragment, removed from the address bar (and from the
 * history entry) at once; null when there is none.
 */
export function takeTokenFromAddress() {
  const m = /^#token=([^&]*)/.exec(location.hash);
  if (!m) return null;
  history.replaceState(null, '', `${location.pathname}${location.search}#/`);
  try {
    return decodeURIComponent(m[1]).trim();
  } catch {
    return m[1].trim();
  }
}

/**
 * Trades `token` for a session. Returns the session; throws ApiError (401 `unauthorized`
 * for a token the server does not know or has revoked) or NetworkError.
 */
export async function signIn(token) {
  const { data } = await request('POST', 'session', { json: { token }, signIn: true });
  return keep(data);
}

/** The session the browser's cookie holds, or null when there is none. Throws NetworkError. */
export async function resume() {
  try {
    const { data } = await request('GET', 'session', { signIn: true });
    return keep(data);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 404)) return keep(null);
    throw e;
  }
}

/**
 * Ends the session on the server, then here. Throws NetworkError when the server could not
 * be told (the session is then still live, and kept).
 */
export async function signOut() {
  try {
    await request('DELETE', 'session', { signIn: true });
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
  }
  keep(null);
}
