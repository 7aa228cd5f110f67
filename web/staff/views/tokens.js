// Admin: the staff tokens. The list (never a token itself: the server keeps only hashes),
// a new token for a named person with a role, shown exactly once with its personal sign-in
// link and copy buttons, and revoking a token (its sessions end at once). An admin cannot
// revoke the token of their own session from here.

import { h, clear } from '../../views/dom.js';
import { t } from '../i18n.js';
import { session } from '../session.js';
import { field, radioGroup, formOf } from '../form.js';
import { checkTokenName } from '../checks.js';
import { timeEl, label, errorText, checkText } from '../format.js';
import { request, getJson, ApiError } from '../api.js';
import { copyButton, readOnlyBox } from '../receipt.js';

/** The screen. */
export async function viewTokens(out) {
  out.append(h('h1', {}, t('tokens_title')), h('p', { class: 'lead' }, t('tokens_lead')));
  const created = h('div', { class: 'token-created' });
  const listHost = h('section', { class: 'card', 'aria-labelledby': 'tokens-list-h' });
  out.append(createForm(created, listHost), created, listHost);
  await showList(listHost);
}

async function showList(host) {
  const { tokens } = await getJson('tokens');
  clear(host);
  host.append(h('h2', { id: 'tokens-list-h' }, t('tokens_list')));
  const me = session()?.staff?.id;
  const ul = h('ul', { class: 'tokens plain' });
  for (const tok of tokens) {
    const revoked = Boolean(tok.revoked_at);
    const li = h(
      'li',
      { class: `token${revoked ? ' revoked' : ''}`, 'data-token-id': String(tok.id) },
      h('p', { class: 'token-name' }, h('strong', {}, tok.name), ` #${tok.id} · ${label('role', tok.role)}`, tok.id === me ? ` · ${t('tokens_you')}` : ''),
      h('p', { class: 'note' }, t('tokens_created'), ' ', timeEl(tok.created_at), revoked ? [' · ', t('tokens_revoked'), ' ', timeEl(tok.revoked_at)] : ''),
    );
    if (!revoked && tok.id !== me) li.append(revokeControl(tok, host));
    ul.append(li);
  }
  host.append(tokens.length ? ul : h('p', {}, t('tokens_none')));
}

/** "Revoke", then a confirmation naming the person, then the request. */
function revokeControl(tok, listHost) {
  const wrap = h('div', { class: 'buttons' });
  const start = h('button', { type: 'button', class: 'secondary danger', 'data-action': 'revoke' }, t('tokens_revoke'));
  wrap.append(start);
  start.addEventListener('click', () => {
    clear(wrap);
    const status = h('p', { class: 'review-status', role: 'status' });
    const yes = h('button', { type: 'button', class: 'primary danger', 'data-action': 'revoke-confirm' }, t('tokens_revoke_yes', { name: tok.name }));
    const no = h('button', { type: 'button', class: 'secondary' }, t('cancel'));
    wrap.append(h('p', { class: 'warn-text' }, t('tokens_revoke_question', { name: tok.name })), yes, ' ', no, status);
    yes.focus();
    no.addEventListener('click', () => {
      clear(wrap);
      wrap.append(start);
      start.focus();
    });
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      try {
        await request('DELETE', `tokens/${encodeURIComponent(tok.id)}`);
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

function createForm(created, listHost) {
  const name = field({
    name: 'name', label: t('tokens_name'), required: true, hint: t('tokens_name_hint'), attrs: { autocomplete: 'off' },
  });
  const role = radioGroup({
    name: 'role',
    legend: t('tokens_role'),
    value: 'recorder',
    options: [['recorder', label('role', 'recorder'), t('role_recorder_hint')], ['admin', label('role', 'admin'), t('role_admin_hint')]],
  });
  const form = formOf('token-form', [h('h2', {}, t('tokens_new')), name, role], { submitLabel: t('tokens_create') });
  form.classList.add('token-form');
  let busy = false;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (busy) return;
    name.setError(null);
    clear(created);
    const refusal = checkTokenName(name.value);
    if (refusal) {
      name.setError(checkText(refusal));
      name.focus();
      return;
    }
    busy = true;
    try {
      const { data } = await request('POST', 'tokens', { json: { name: name.value, role: role.value } });
      name.value = '';
      created.append(shownOnce(data));
      created.querySelector('h2').focus();
      await showList(listHost);
    } catch (e) {
      if (e instanceof ApiError && (e.field === 'name' || e.code === 'name_taken')) {
        name.setError(e.code === 'name_taken' ? t('api_name_taken') : errorText(e));
        name.focus();
      } else {
        created.append(h('div', { class: 'msg bad', role: 'alert' }, h('p', {}, errorText(e))));
      }
    } finally {
      busy = false;
    }
  });
  return form;
}

/** A new token and its sign-in link, shown this once. */
function shownOnce(data) {
  const token = readOnlyBox(data.token, t('tokens_the_token'), 'token');
  const link = readOnlyBox(data.link, t('tokens_the_link'), 'link');
  return h(
    'section',
    { class: 'card shown-once', 'data-new-token': String(data.id) },
    h('h2', { tabindex: '-1' }, t('tokens_created_for', { name: data.name, role: label('role', data.role) })),
    h('div', { class: 'msg warn', role: 'status' }, h('p', {}, t('tokens_once'))),
    link.el,
    copyButton(t('copy_link'), () => data.link, link.input),
    token.el,
    copyButton(t('copy_token'), () => data.token, token.input),
    h('p', { class: 'note' }, t('tokens_send_hint')),
  );
}
