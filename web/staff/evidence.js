// Evidence documents of a payment: files dropped on the form, chosen, or photographed with
// the phone's camera. Each file is hashed in the browser (SHA-256, WebCrypto) as soon as it is
// added; when the payment is reviewed the files are uploaded (POST /evidence, ten at a time)
// and what the server says it stored must have exactly the hash and size computed here, or
// the payment is not offered for recording: the ledger will name these bytes forever.

import { h } from '../views/dom.js';
import { sha256Hex, sha256Sync } from '../verify/sha256.js';
import { toHex } from '../verify/bytes.js';
import { t } from './i18n.js';
import { request } from './api.js';
import { errorText } from './format.js';

/** The most documents one payment may list. */
export const MAX_DOCUMENTS = 100;
/** The server's default size limit of one file (`serve --evidence-max-bytes`). */
export const DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024;
/** How many files one upload request may carry. */
const FILES_PER_UPLOAD = 10;

const TYPES = new Set([
  'application/pdf', 'image/jpeg', 'image/png', 'image/webp', 'image/heic', 'image/heif', 'text/csv', 'text/plain',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
]);
const EXTENSIONS = /\.(pdf|jpe?g|png|webp|heic|heif|csv|txt|xlsx)$/i;

/** Whether the server may accept `file` by its declared type or, without one, its name. */
export function acceptable(file) {
  if (TYPES.has(file.type)) return true;
  return (file.type === '' || file.type === 'application/octet-stream') && EXTENSIONS.test(file.name);
}

/** The lower-case hex SHA-256 of `file`'s bytes. */
export async function hashFile(file) {
  const bytes = await file.arrayBuffer();
  if (globalThis.crypto && crypto.subtle) return sha256Hex(bytes);
  return toHex(sha256Sync(new Uint8Array(bytes)));
}

const sizeText = (n) => (n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`);

/**
 * The evidence part of the payment form. Returns a field-like
 * `{ name: 'evidence', el, input, label, value, setError, focus, upload() }`; `upload()`
 * stores every file not stored yet and resolves to the `evidence` list of the disbursement,
 * or throws (an ApiError, a NetworkError, or an Error whose message says which file the
 * server stored differently).
 */
export function evidencePicker() {
  const items = []; // { file, sha256: Promise<string>, stored: evidence | null, li }
  const list = h('ul', { class: 'evidence-files', 'aria-live': 'polite' });
  const error = h('p', { class: 'field-error', id: 'evidence-err', hidden: true });
  const chooser = h('input', {
    type: 'file', id: 'evidence-files', multiple: true,
    accept: 'image/*,application/pdf,text/csv,text/plain,.csv,.txt,.xlsx,.heic,.heif', 'aria-describedby': 'evidence-hint evidence-err',
  });
  const camera = h('input', {
    type: 'file', id: 'evidence-camera', accept: 'image/*,application/pdf', capture: 'environment', 'aria-describedby': 'evidence-hint evidence-err',
  });
  const zone = h(
    'div',
    { class: 'dropzone', 'data-dropzone': '' },
    h('p', { class: 'drop-words' }, t('evidence_drop')),
    h('div', { class: 'file-pick' }, h('label', { for: 'evidence-files' }, t('evidence_choose')), chooser),
    h('div', { class: 'file-pick' }, h('label', { for: 'evidence-camera' }, t('evidence_camera')), camera),
  );
  const el = h('fieldset', { class: 'field evidence-field', 'data-field': 'evidence' }, h('legend', {}, t('evidence')), h('p', { class: 'hint', id: 'evidence-hint' }, t('evidence_hint')), zone, list, error);

  const setError = (text) => {
    error.textContent = text || '';
    error.hidden = !text;
    if (text) chooser.setAttribute('aria-invalid', 'true');
    else chooser.removeAttribute('aria-invalid');
  };

  function add(files) {
    setError(null);
    for (const file of files) {
      if (items.length >= MAX_DOCUMENTS) {
        setError(t('evidence_too_many', { max: MAX_DOCUMENTS }));
        break;
      }
      if (!acceptable(file)) {
        setError(t('evidence_type', { name: file.name, type: file.type || '?' }));
        continue;
      }
      if (file.size > DEFAULT_MAX_FILE_BYTES) {
        setError(t('evidence_size', { name: file.name, max: sizeText(DEFAULT_MAX_FILE_BYTES) }));
        continue;
      }
      if (file.size === 0) {
        setError(t('evidence_empty', { name: file.name }));
        continue;
      }
      const item = { file, stored: null };
      const hashText = h('code', { class: 'hash' }, t('evidence_hashing'));
      const remove = h('button', {
        type: 'button',
        class: 'link-button',
        'aria-label': t('evidence_remove_named', { name: file.name }),
        on: {
          click: () => {
            items.splice(items.indexOf(item), 1);
            item.li.remove();
            chooser.focus();
          },
        },
      }, t('evidence_remove'));
      item.li = h('li', { 'data-file': file.name }, h('strong', { class: 'file-name' }, file.name), ` · ${file.type || '?'} · ${sizeText(file.size)}`, h('br'), t('evidence_sha'), ' ', hashText, ' ', remove);
      item.sha256 = hashFile(file).then((hex) => {
        hashText.textContent = hex;
        hashText.dataset.sha256 = hex;
        return hex;
      }, (e) => {
        hashText.textContent = t('evidence_hash_failed', { error: e.message });
        throw e;
      });
      item.sha256.catch(() => {});
      items.push(item);
      list.append(item.li);
    }
  }

  for (const input of [chooser, camera]) {
    input.addEventListener('change', () => {
      add([...input.files]);
      input.value = '';
    });
  }
  zone.addEventListener('dragover', (ev) => {
    ev.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (ev) => {
    ev.preventDefault();
    zone.classList.remove('over');
    add([...(ev.dataTransfer?.files ?? [])]);
  });

  async function upload() {
    const waiting = items.filter((i) => !i.stored);
    for (let at = 0; at < waiting.length; at += FILES_PER_UPLOAD) {
      const batch = waiting.slice(at, at + FILES_PER_UPLOAD);
      const form = new FormData();
      for (const i of batch) form.append('file', i.file, i.file.name);
      const { data } = await request('POST', 'evidence', { body: form });
      const stored = data?.evidence ?? [];
      for (const [n, i] of batch.entries()) {
        const local = await i.sha256;
        const s = stored[n];
        if (!s || s.sha256 !== local || s.size !== i.file.size) {
          throw new Error(t('evidence_mismatch', { name: i.file.name }));
        }
        i.stored = s;
        i.li.classList.add('stored');
        i.li.append(' ', h('span', { class: 'ok-line', 'data-stored': '' }, t('evidence_stored')));
      }
    }
    return items.map((i) => i.stored);
  }

  return {
    name: 'evidence',
    el,
    input: chooser,
    label: t('evidence'),
    get value() {
      return items.length;
    },
    setError,
    focus: () => chooser.focus(),
    async upload() {
      try {
        return await upload();
      } catch (e) {
        setError(e instanceof Error && e.name === 'Error' ? e.message : errorText(e));
        throw e;
      }
    },
  };
}
