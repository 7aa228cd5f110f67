// Admin: outgoing webhooks (SPEC.md §20.3). The list (never a secret: the server shows one
// only when a webhook is registered), registering a URL with an optional secret (the secret
// the server answers is shown this once, with a warning to copy it now), removing one after a
// confirmation naming its URL, and a webhook's delivery log in plain words: which entry, which
// attempt, when, and what the receiver answered or why it failed.

import { h, clear } from '../../views/dom.js';
import { t } from '../i18n.js';
import { field, formOf } from '../form.js';
import { timeEl, errorText } from '../format.js';
import { request, getJson, ApiError } from '../api.js';
import { copyButton, readOnlyBox } from '../receipt.js';

/** The screen. */
export async function viewWebhooks(out) {
  out.append(h('h1', {}, t('hook_title')), h('p', { class: 'lead' }, t('hook_lead')));
  const created = h('div', { class: 'hook-created' });
  const listHost = h('section', { class: 'card', 'aria-labelledby': 'hooks-list-h', 'data-hooks': '' });
  out.append(createForm(created, listHost), created, listHost);
  await showList(listHost);
}

async function showList(host) {
  const { webhooks } = await getJson('webhooks');
  clear(host);
  host.append(h('h2', { id: 'hooks-list-h' }, t('hook_list')));
  const ul = h('ul', { class: 'tokens plain' });
  for (const w of webhooks) {
    const removed = Boolean(w.revoked_at);
    const log = h('div', { class: 'hook-log', 'data-log': String(w.id) });
    const li = h(
      'li',
      { class: `token${removed ? ' revoked' : ''}`, 'data-hook': String(w.id), 'data-removed': String(removed) },
      h('p', { class: 'token-name' }, h('strong', { class: 'hook-url', 'data-url': '' }, w.url), ` #${w.id}`),
      h('p', { class: 'note' }, t('hook_created', { by: w.created_by }), ' · ', timeEl(w.created_at), removed ? [' · ', t('hook_removed'), ' ', timeEl(w.revoked_at)] : ''),
      removed ? null : h('p', { class: 'note', 'data-owed': '' }, t('hook_owed', { seq: w.next_seq })),
    );
    const buttons = h('div', { class: 'buttons' }, h('button', {
      type: 'button', class: 'secondary', 'data-action': 'log', on: { click: () => showLog(w, log) },
    }, t('hook_log_show')));
    if (!removed) buttons.append(' ', removeControl(w, host));
    li.append(buttons, log);
    ul.append(li);
  }
  host.append(webhooks.length ? ul : h('p', { 'data-none': '' }, t('hook_none')));
}

/** "Delete", then a confirmation naming the address, then the request. */
function removeControl(w, listHost) {
  const wrap = h('span', { class: 'hook-remove' });
  const start = h('button', { type: 'button', class: 'secondary danger', 'data-action': 'delete' }, t('hook_delete'));
  wrap.append(start);
  start.addEventListener('click', () => {
    clear(wrap);
    const status = h('p', { class: 'review-status', role: 'status' });
    const yes = h('button', { type: 'button', class: 'primary danger', 'data-action': 'delete-confirm' }, t('hook_delete_yes'));
    const no = h('button', { type: 'button', class: 'secondary', 'data-action': 'delete-cancel' }, t('cancel'));
    wrap.append(h('p', { class: 'warn-text', 'data-confirm': '' }, t('hook_delete_question', { url: w.url })), yes, ' ', no, status);
    yes.focus();
    no.addEventListener('click', () => {
      clear(wrap);
      wrap.append(start);
      start.focus();
    });
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      try {
        await request('DELETE', `webhooks/${encodeURIComponent(w.id)}`);
        await showList(listHost);
        listHost.querySelector('h2')?.setAttribute('tabindex', '-1');
        listHost.querySelector('h2')?.focus();
      } catch (e) {
        status.className = 'review-status bad';
        status.textContent = errorText(e);
        yes.disabled = false;
      }
    });
  });
  return wrap;
}

/** One delivery attempt in words. */
function attemptLine(d) {
  let outcome;
  if (d.delivered) outcome = t('hook_delivered', { status: d.status ?? '' });
  else if (d.status !== null && d.status !== undefined) outcome = t('hook_refused', { status: d.status });
  else outcome = t('hook_failed', { error: d.error ?? '' });
  return h(
    'li',
    { 'data-delivery': String(d.seq), 'data-delivered': String(Boolean(d.delivered)) },
    h('span', {}, t('hook_attempt', { seq: d.seq, attempt: d.attempt })), ' · ', timeEl(d.attempted_at), ' · ',
    h('span', { class: d.delivered ? 'good-text' : 'warn-text', 'data-outcome': '' }, outcome),
  );
}

/** The webhook's delivery log, newest first, in `host`. */
async function showLog(w, host) {
  clear(host);
  host.append(h('p', { class: 'loading', role: 'status' }, t('loading')));
  try {
    const { deliveries } = await getJson(`webhooks/${encodeURIComponent(w.id)}/deliveries`);
    clear(host);
    host.append(h('h3', {}, t('hook_log_title')));
    host.append(deliveries.length
      ? h('ul', { class: 'plain hook-deliveries' }, deliveries.map(attemptLine))
      : h('p', { class: 'note', 'data-no-delivery': '' }, t('hook_log_none')));
  } catch (e) {
    clear(host);
    host.append(h('p', { class: 'review-status bad' }, errorText(e)));
  }
}

/** The refusal of `url` (before asking the server), or null. */
function urlRefusal(url) {
  if (url === '') return t('hook_err_url_empty');
  return /^https?:\/\/[^/\s]+/i.test(url) && url.length <= 2000 ? null : t('hook_err_url');
}

/** The refusal of `secret` (empty: the server makes one), or null. */
function secretRefusal(secret) {
  if (secret === '') return null;
  const n = [...secret].length;
  // eslint-disable-next-line no-control-regex
  return n < 16 || n > 200 || /[\u0000-\u001f\u007f-\u009f]/.test(secret) ? t('hook_err_secret') : null;
}

function createForm(created, listHost) {
  const url = field({
    name: 'url', label: t('hook_url'), required: true, hint: t('hook_url_hint'), kind: 'url', attrs: { autocomplete: 'off', spellcheck: 'false' },
  });
  const secret = field({
    name: 'secret', label: t('hook_secret'), hint: t('hook_secret_hint'), attrs: { autocomplete: 'off', spellcheck: 'false' },
  });
  const form = formOf('hook-form', [h('h2', {}, t('hook_new')), url, secret], { submitLabel: t('hook_create') });
  let busy = false;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (busy) return;
    url.setError(null);
    secret.setError(null);
    clear(created);
    const u = url.value.trim();
    const s = secret.value;
    const bad = [[url, urlRefusal(u)], [secret, secretRefusal(s)]].filter(([, why]) => why);
    for (const [f, why] of bad) f.setError(why);
    if (bad.length) {
      bad[0][0].focus();
      return;
    }
    busy = true;
    try {
      const json = s === '' ? { url: u } : { url: u, secret: s };
      const { data } = await request('POST', 'webhooks', { json });
      url.value = '';
      secret.value = '';
      created.append(shownOnce(data));
      created.querySelector('h2').focus();
      await showList(listHost);
    } catch (e) {
      const target = e instanceof ApiError ? { url, secret }[e.field] : null;
      if (target) {
        target.setError(e.field === 'url' ? t('hook_err_url') : t('hook_err_secret'));
        target.focus();
      } else {
        created.append(h('div', { class: 'msg bad', role: 'alert' }, h('p', {}, errorText(e))));
      }
    } finally {
      busy = false;
    }
  });
  return form;
}

/** A new webhook and its secret, shown this once. */
function shownOnce(data) {
  const box = readOnlyBox(data.secret, t('hook_the_secret'), 'secret');
  return h(
    'section',
    { class: 'card shown-once', 'data-new-hook': String(data.id) },
    h('h2', { tabindex: '-1' }, t('hook_created_title', { url: data.url })),
    h('div', { class: 'msg warn', role: 'status' }, h('p', { 'data-once': '' }, t('hook_once'))),
    box.el,
    copyButton(t('hook_copy_secret'), () => data.secret, box.input),
    h('p', { class: 'note' }, t('hook_next', { seq: data.next_seq })),
  );
}
