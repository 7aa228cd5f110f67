// Evidence documents on the public page: download a disbursement's file from the server and
// check it against the SHA-256 the ledger recorded (SPEC.md §2.3; the hash is verify.js's
// sha256Hex). The ledger, not the server, is the authority: a file changed on the server is
// served as it is now, and this check says so. Only a file whose hash matches is shown as a
// thumbnail (drawn in the browser on a canvas from the checked bytes) or saved under its
// original name. Nothing from the ledger or the file is ever put on the page as HTML.

import { sha256Hex } from '../verify.js';
import { t, locale } from '../i18n.js';
import { h } from './dom.js';
import { API_BASE as API } from './server.js';
import { fileIcon } from './icons.js';

/** Images this large or smaller get their thumbnail without a click. */
export const AUTO_THUMBNAIL_BYTES = 3_000_000;
const THUMB = 160; // the thumbnail's longer side, CSS pixels

/** The download address of the evidence file `sha256`. */
export function evidenceUrl(sha256) {
  return `${API}/evidence/${encodeURIComponent(sha256)}`;
}

/**
 * Downloads the evidence file `sha256` and recomputes its hash.
 * Returns { matches, actual, size, bytes } or throws an Error with `status` when the server
 * has no file.
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
  return {
    matches: actual === sha256, actual, size: bytes.byteLength, bytes,
  };
}

/** A size in bytes as people read it: `850 bytes`, `12.3 kB`, `4.5 MB` (units of 1000). */
export function readableSize(bytes, loc = locale()) {
  const n = Number(bytes);
  if (!Number.isFinite(n) || n < 0) return String(bytes);
  const [unit, div] = n >= 1e9 ? ['gigabyte', 1e9] : n >= 1e6 ? ['megabyte', 1e6] : n >= 1e3 ? ['kilobyte', 1e3] : ['byte', 1];
  return new Intl.NumberFormat(loc, {
    style: 'unit', unit, unitDisplay: div === 1 ? 'long' : 'short', maximumFractionDigits: div === 1 ? 0 : 1,
  }).format(n / div);
}

/** The file name a document is saved under: its recorded name, else its hash and a usual extension. */
export function saveName(ev) {
  if (typeof ev.name === 'string' && ev.name.trim()) return ev.name.trim();
  const ext = {
    'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'text/csv': 'csv',
  }[ev.media_type] ?? 'bin';
  return `${String(ev.sha256).slice(0, 16)}.${ext}`;
}

/** What kind of document `media_type` is, in words. */
function typeWords(mediaType) {
  const m = String(mediaType);
  if (m === 'application/pdf') return t('ev_kind_pdf');
  if (m.startsWith('image/')) return t('ev_kind_image');
  if (m === 'text/csv' || m.includes('spreadsheet') || m.includes('excel')) return t('ev_kind_sheet');
  return t('ev_kind_other');
}

/** Draws the checked image `bytes` on a canvas no larger than THUMB; null when it cannot be decoded. */
async function thumbnail(bytes, mediaType, name) {
  try {
    const bitmap = await createImageBitmap(new Blob([bytes], { type: mediaType }));
    const scale = Math.min(1, THUMB / Math.max(bitmap.width, bitmap.height));
    const w = Math.max(1, Math.round(bitmap.width * scale));
    const hgt = Math.max(1, Math.round(bitmap.height * scale));
    const dpr = Math.min(2, globalThis.devicePixelRatio || 1);
    const canvas = h('canvas', {
      class: 'thumb', width: String(Math.round(w * dpr)), height: String(Math.round(hgt * dpr)), role: 'img', 'aria-label': t('ev_thumb_label', { name }),
    });
    canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    return canvas;
  } catch {
    return null;
  }
}

/**
 * One evidence document: an icon (a thumbnail once an image's bytes match the ledger), its
 * original name, kind and readable size, and a download that checks the file against the
 * ledger's hash first and saves it under its original name. Images up to
 * AUTO_THUMBNAIL_BYTES are fetched and checked at once when `auto` is set.
 */
export function evidenceItem(ev, { auto = true } = {}) {
  const name = saveName(ev);
  const isImage = String(ev.media_type).startsWith('image/');
  const visual = h('div', { class: 'ev-visual' }, fileIcon(ev.media_type));
  const result = h('p', { class: 'ev-result', role: 'status' });
  const link = h('a', {
    href: evidenceUrl(ev.sha256), download: name, class: 'button ev-download', rel: 'noopener',
  }, t('ev_download'));
  const button = h('button', { type: 'button', class: 'ev-check-button secondary' }, t('ev_check'));
  const wrap = h(
    'div',
    { class: 'ev-check', 'data-sha256': String(ev.sha256) },
    visual,
    h(
      'div',
      { class: 'ev-text' },
      h('p', { class: 'ev-name' }, name),
      h('p', { class: 'note' }, `${typeWords(ev.media_type)} · ${readableSize(ev.size)}`),
      h('p', { class: 'ev-actions' }, link, ' ', button),
      result,
      h('details', { class: 'tech' }, h('summary', {}, t('tech_details')), h('p', {}, t('ev_sha'), ': ', h('code', { class: 'hash' }, String(ev.sha256)))),
    ),
  );
  let checked = null; // the promise of the one check of this document
  let blobUrl = null;
  const check = () => {
    if (!checked) checked = runCheck();
    return checked;
  };
  const runCheck = async () => {
    result.className = 'ev-result';
    result.textContent = t('ev_checking');
    try {
      const r = await checkEvidence(ev.sha256);
      result.dataset.matches = String(r.matches);
      result.className = `ev-result ${r.matches ? 'good' : 'bad'}`;
      result.textContent = r.matches ? t('ev_matches_plain') : t('ev_mismatch_plain');
      if (!r.matches) result.append(h('details', { class: 'tech' }, h('summary', {}, t('tech_details')), h('p', {}, h('code', { class: 'hash' }, t('ev_mismatch', { actual: r.actual })))));
      if (r.matches) button.hidden = true; // checked: nothing more to check
      if (r.matches && isImage) {
        const canvas = await thumbnail(r.bytes, ev.media_type, name);
        if (canvas) visual.replaceChildren(canvas);
      }
      blobUrl = URL.createObjectURL(new Blob([r.bytes], { type: r.matches ? ev.media_type : 'application/octet-stream' }));
      link.href = blobUrl;
      if (!r.matches) link.download = t('ev_mismatch_file', { name });
      return r.matches;
    } catch (e) {
      result.className = 'ev-result bad';
      result.dataset.matches = 'unavailable';
      result.textContent = t('ev_unavailable_plain');
      result.append(h('details', { class: 'tech' }, h('summary', {}, t('tech_details')), h('p', {}, h('code', { class: 'wrap' }, e && e.message ? e.message : String(e)))));
      checked = null; // a later click tries again
      return false;
    }
  };
  button.addEventListener('click', async () => {
    button.disabled = true;
    await check();
    button.disabled = false;
  });
  link.addEventListener('click', async (ev2) => {
    if (blobUrl) return; // checked: the link now saves the checked bytes under their name
    ev2.preventDefault();
    if (await check()) link.click();
  });
  if (auto && isImage && Number(ev.size) <= AUTO_THUMBNAIL_BYTES) check();
  return wrap;
}

/** The list of a payment's evidence documents (a note when it has none). */
export function evidenceList(evidence, opts) {
  if (!evidence || evidence.length === 0) return h('p', { class: 'note' }, t('no_evidence'));
  const ul = h('ul', { class: 'evidence-list' });
  for (const ev of evidence) ul.append(h('li', {}, evidenceItem(ev, opts)));
  return ul;
}
