// The history check's results as alerts at the top of the page (the checks are in
// history.js): a confirmation, a visible "could not confirm" with its reason behind a fold,
// a rewritten history with the fork proof to download, or a changed key the visitor must
// accept explicitly. Text from the server only ever goes in as text.

import {
  rememberCheckpoint, checkForkProof, forkProofText,
} from './history.js';

/**
 * The alert for the verdict `v` of history.js's checkHistory, or null when there is nothing
 * to say. `ui` gives app.js's helpers `{ h, t, integer, shortHash }` and `retry()`, which
 * runs the check again. Remembers today's checkpoint when the check confirmed it.
 */
export function historyAlert(v, ui) {
  const { h, t, integer } = ui;
  const box = (kind, ...children) => h('div', {
    class: `alert ${kind}`, role: kind === 'good' ? 'status' : 'alert', 'data-history': v.kind,
  }, h('div', { class: 'alert-body' }, ...children));
  switch (v.kind) {
    case 'same':
      if (!v.remembered?.note) rememberCheckpoint(v.current.note, v.current.key).catch(() => {});
      return null;
    case 'extended': {
      rememberCheckpoint(v.current.note, v.current.key).catch(() => {});
      const el = box('good', h('p', {}, t('consistency_ok', { size: integer(v.current.size), old: integer(v.remembered.size) })));
      const close = h('button', { type: 'button', class: 'link', 'aria-label': 'OK' }, '×');
      close.addEventListener('click', () => el.remove());
      el.append(close);
      return el;
    }
    case 'unconfirmed':
      return box(
        'warn',
        h('p', {}, t('history_unconfirmed', { size: integer(v.remembered.size) })),
        h('p', { class: 'alert-note' }, t(`history_unconfirmed_${v.step}`)),
        details(ui, v.reason),
        h('p', {}, retryButton(ui)),
      );
    case 'rewritten': {
      const text = v.how === 'shrunk'
        ? t('shrunk', { old: integer(v.remembered.size), size: integer(v.current.size) })
        : t('consistency_failed', { old: integer(v.remembered.size), root: ui.shortHash(v.remembered.root), size: integer(v.current.size) });
      const el = box('bad', h('p', {}, text), details(ui, v.reason));
      if (v.proof) el.firstChild.append(forkProofDownload(v.proof, ui));
      return el;
    }
    case 'key_changed':
      return keyChanged(v, ui, box);
    default:
      return null;
  }
}

function details({ h, t }, reason) {
  return h('details', {}, h('summary', {}, t('verify_details')), h('p', {}, h('code', { class: 'wrap' }, reason)));
}

function retryButton({ h, t, retry }) {
  const b = h('button', { type: 'button', class: 'secondary' }, t('retry'));
  b.addEventListener('click', () => {
    b.disabled = true;
    retry();
  });
  return b;
}

/** "Download the proof": the fork proof file as a Blob URL, and what it shows. */
function forkProofDownload(file, { h, t }) {
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
function keyChanged(v, ui, box) {
  const { h, t } = ui;
  const el = box('bad', h('p', {}, t('key_changed', { old: v.oldKey, key: v.newKey })), h('p', { class: 'alert-note' }, t('key_changed_kept')));
  if (v.current) {
    const accept = h('button', { type: 'button', id: 'accept-key', class: 'secondary' }, t('key_accept'));
    accept.addEventListener('click', async () => {
      accept.disabled = true;
      try {
        await rememberCheckpoint(v.current.note, v.current.key);
        el.className = 'alert good';
        el.setAttribute('role', 'status');
        el.firstChild.replaceChildren(h('p', {}, t('key_accepted', { key: v.newKey })));
      } catch (e) {
        accept.disabled = false;
        el.firstChild.append(details(ui, String(e && e.message ? e.message : e)));
      }
    });
    el.firstChild.append(h('p', {}, accept));
  }
  return el;
}
