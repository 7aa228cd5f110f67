// The platform page's requests: the platform API (api/v1/platform/ below the site's root,
// base.js) and the registry ledger's own API (registry/api/v1/). Every address is relative to
// the root, and every answer is read as data: what the page vouches for it checks itself
// (verify/account-check.js).

import { url } from '../base.js';

/** A request the server answered with an error status (`code`: the API's error code, if any). */
export class HttpError extends Error {
  constructor(status, code, text) {
    super(`HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ''}`);
    this.status = status;
    this.code = code;
  }
}

async function getJSON(address) {
  const r = await fetch(address, { headers: { accept: 'application/json' }, cache: 'no-store' });
  if (!r.ok) {
    let code = '';
    let text = '';
    try {
      text = await r.text();
      code = JSON.parse(text)?.error?.code ?? '';
    } catch {
      // not JSON: the status says enough
    }
    throw new HttpError(r.status, code, text);
  }
  return r.json();
}

/** GET /api/v1/platform: `{name, origin, verifier_key, registry}`. */
export const platformInfo = () => getJSON(url('api/v1/platform'));

/** GET /api/v1/platform/orgs: `{orgs: [...]}`. */
export const listOrgs = () => getJSON(url('api/v1/platform/orgs'));

/** GET /api/v1/platform/check-account for `number` (and `bank` when not empty). */
export function checkAccount(number, bank) {
  const q = new URLSearchParams({ number });
  if (bank) q.set('bank', bank);
  return getJSON(url(`api/v1/platform/check-account?${q}`));
}

/** GET /api/v1/platform/campaigns, matching `q` when not empty. */
export function searchCampaigns(q) {
  return getJSON(url(q ? `api/v1/platform/campaigns?${new URLSearchParams({ q })}` : 'api/v1/platform/campaigns'));
}

/** Entry `seq` of the registry ledger (its GET /api/v1/entries/{seq} answer). */
export const registryEntry = (seq) => getJSON(url(`registry/api/v1/entries/${encodeURIComponent(seq)}`));

/** The page of organisation `slug`, or of its campaign `id`, on this platform. */
export function orgUrl(slug, id) {
  const page = url(`o/${encodeURIComponent(slug)}/`);
  return id === undefined ? page : `${page}#/campaign/${encodeURIComponent(id)}`;
}

/** The registry's own page (it verifies the registry like any ledger). */
export const registryUrl = () => url('registry/');
