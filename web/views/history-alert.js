// The history check on every visit (SPEC.md §6.1) and its results as alerts at the top of the
// page (the checks are in history.js): a confirmation, a visible "could not confirm" with its
// reason behind a fold, a rewritten history with the fork proof to download, or a changed key
// the visitor must accept explicitly. Text from the server only ever goes in as text.

import { checkForkProof, forkProofText } from '../verify.js';
import * as History from '../history.js';
import { t } from '../i18n.js';
import { h } from './dom.js';
import { siteUrl } from '../base.js';
import { integer, shortHash } from './format.js';
import { getInfo, getJSON, forgetInfo } from './server.js';

const historyServer = {
  info: () => getInfo(),
  consistency: (from, to) => getJSON(`/proof/consistency?from=${from}&to=${to}`),
  inclusion: (index, size) => getJSON(`/proof/inclusion?index=${index}&size=${size}`),
  entry: (seq) => getJSON(`/entries/${seq}`),
};

/** Checks today's ledger against the checkpoint remembered from an earlier visit, and shows the verdict. */
export async function checkHistory() {
  const verdict = await History.checkHistory(History.loadRemembered(), historyServer, { site: siteUrl().replace(/\/$/, '') });
  showHistory(verdict);
}

/** Shows a history verdict in the alerts above the page, replacing the previous one. */
export function showHistory(verdict) {
  const alerts = document.getElementById('alerts');
  for (const old of alerts.querySelectorAll('[data-history]')) old.remove();
  const el = historyAlert(verdict);
  if (el) alerts.append(el);
}

/** Asks the server again and runs the check again. */
function retry() {
  forgetInfo();
  checkHistory();
}

/**
 * The alert for the verdict `v` of history.js's checkHistory, or null when there is nothing
 * to say. Remembers today's checkpoint when the check confirmed it.
 */
function historyAlert(v) {
  const box = (kind, ...children) => h('div', {
    class: `alert ${kind}`, role: kind === 'good' ? 'status' : 'alert', 'data-history': v.kind,
  }, h('div', { class: 'alert-body' }, ...children));
  switch (v.kind) {
    case 'same':
      if (!v.remembered?.note) History.rememberCheckpoint(v.current.note, v.current.key).catch(() => {});
      return null;
    case 'extended': {
      History.rememberCheckpoint(v.current.note, v.current.key).catch(() => {});
      const el = box('good', h('p', {}, t('consistency_ok', { size: integer(v.current.size), old: integer(v.remembered.size) })));
      if (v.rotated) el.firstChild.append(h('p', { class: 'alert-note', id: 'key-rotated' }, t('key_rotated_proven', { old: v.rotated.oldKey, key: v.rotated.newKey })));
      const close = h('button', { type: 'button', class: 'link', 'aria-label': t('close') }, '×');
      close.addEventListener('click', () => el.remove());
      el.append(close);
      return el;
    }
    case 'unconfirmed':
      return box(
        'warn',
        h('p', {}, t('history_unconfirmed', { size: integer(v.remembered.size) })),
        h('p', { class: 'alert-note' }, t(`history_unconfirmed_${v.step}`)),
        details(v.reason),
        h('p', {}, retryButton()),
      );
    case 'rewritten': {
      const text = v.how === 'shrunk'
        ? t('shrunk', { old: integer(v.remembered.size), size: integer(v.current.size) })
        : t('consistency_failed', { old: integer(v.remembered.size), root: shortHash(v.remembered.root), size: integer(v.current.size) });
      const el = box('bad', h('p', {}, text), details(v.reason));
      if (v.proof) el.firstChild.append(forkProofDownload(v.proof));
      return el;
    }
    case 'key_changed':
      return keyChanged(v, box);
    default:
      return null;
  }
}

function details(reason) {
  return h('details', {}, h('summary', {}, t('verify_details')), h('p', {}, h('code', { class: 'wrap' }, reason)));
}

function retryButton() {
  const b = h('button', { type: 'button', class: 'secondary' }, t('retry'));
  b.addEventListener('click', () => {
    b.disabled = true;
    retry();
  });
  return b;
}

/** "Download the proof": the fork proof file as a Blob URL, and what it shows. */
function forkProofDownload(file) {
  const text = forkProofText(file);
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const day = (file.found || new Date().toISOString()).slice(0, 10);
  const verdict = h('p', { class: 'alert-note', 'data-field': 'fork-verdict' });
  checkForkProof(file, file.key).then(
    (r) => { verdict.textContent = t(r.verdict === 'fork' ? 'fork_file_proves' : 'fork_file_evidence'); },
    () => { verdict.textContent = t('fork_file_evidence'); },
  );
  return h(
    'div',
    { class: 'fork-proof' },
    h('p', {}, h('a', {
      href: url, download: `fundtrail-fork-proof-${day}.json`, class: 'button', id: 'fork-proof-download',
    }, t('fork_download'))),
    verdict,
    h('p', { class: 'alert-note' }, t('fork_file_check'), ' ', h('code', { class: 'wrap' }, `fundtrail verify-fork FILE --key ${file.key}`)),
  );
}

/**
 * A changed signing key: the remembered checkpoint stays until the visitor accepts the new
 * key with the button (only offered when today's checkpoint verifies with it).
 */
function keyChanged(v, box) {
  const el = box('bad', h('p', {}, t('key_changed', { old: v.oldKey, key: v.newKey })), h('p', { class: 'alert-note' }, t('key_changed_kept')));
  if (v.current) {
    const accept = h('button', { type: 'button', id: 'accept-key', class: 'secondary' }, t('key_accept'));
    accept.addEventListener('click', async () => {
      accept.disabled = true;
      try {
        await History.rememberCheckpoint(v.current.note, v.current.key);
        el.className = 'alert good';
        el.setAttribute('role', 'status');
        el.firstChild.replaceChildren(h('p', {}, t('key_accepted', { key: v.newKey })));
      } catch (e) {
        accept.disabled = false;
        el.firstChild.append(details(String(e && e.message ? e.message : e)));
      }
    });
    el.firstChild.append(h('p', {}, accept));
  }
  return el;
}
