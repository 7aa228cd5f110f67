// Evidence documents on the public page: download a disbursement's file from the server and
// check it against the SHA-256 the ledger recorded (SPEC.md §2.3; the hash is verify.js's
// sha256Hex). The ledger, not the server, is the authority: a file changed on the server is
// served as it is now, and this check says so. Nothing from the ledger or the file is ever put
// on the page as HTML.

import { sha256Hex } from '../verify.js';
import { API_BASE as API } from './server.js';

/** The download address of the evidence file `sha256`. */
export function evidenceUrl(sha256) {
  return `${API}/evidence/${encodeURIComponent(sha256)}`;
}

/**
 * Downloads the evidence file `sha256` and recomputes its hash.
 * Returns { matches, actual, size } or throws an Error with `status` when the server has no file.
 */
export async function checkEvidence(sha256, fetchImpl = fetch) {
  const response = await fetchImpl(evidenceUrl(sha256), { cache: 'no-store' });
  if (!response.ok) {
    const err = new Error(`HTTP ${response.status}`);
    err.status = response.status;
    throw err;
  }
  const bytes = await response.arrayBuffer();
  const actual = await sha256Hex(bytes);
  return { matches: actual === sha256, actual, size: bytes.byteLength };
}

function el(tag, attrs = {}, text = undefined) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * The controls of one evidence document: a download link and a "check file" button whose
 * result says whether the downloaded bytes match the ledger. `t` translates labels.
 */
export function evidenceCheck(ev, t) {
  const wrap = el('div', { class: 'ev-check', 'data-sha256': String(ev.sha256) });
  const link = el('a', { href: evidenceUrl(ev.sha256), download: '', rel: 'noopener' }, t('ev_download'));
  const button = el('button', { type: 'button', class: 'ev-check-button' }, t('ev_check'));
  const result = el('span', { class: 'ev-result', role: 'status', 'aria-live': 'polite' });
  button.addEventListener('click', async () => {
    button.disabled = true;
    result.className = 'ev-result';
    result.textContent = t('ev_checking');
    try {
      const { matches, actual } = await checkEvidence(ev.sha256);
      result.className = `ev-result ${matches ? 'good' : 'bad'}`;
      result.dataset.matches = String(matches);
      result.textContent = matches ? t('ev_matches') : t('ev_mismatch', { actual });
    } catch (e) {
      result.className = 'ev-result bad';
      result.dataset.matches = 'unavailable';
      result.textContent = t('ev_unavailable', { error: e && e.message ? e.message : String(e) });
    } finally {
      button.disabled = false;
    }
  });
  wrap.append(link, ' ', button, ' ', result);
  return wrap;
}
