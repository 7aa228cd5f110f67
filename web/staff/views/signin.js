// The sign-in panel: paste the token an administrator gave you (or open your personal sign-in
// link, which app.js reads). The token goes to the server once, to start a session, and is
// then dropped: the field is emptied and nothing keeps it.

import { h } from '../../views/dom.js';
import { t } from '../i18n.js';
import { field } from '../form.js';
import { signIn } from '../session.js';
import { ApiError } from '../api.js';
import { errorText } from '../format.js';

/**
 * The panel; `why` is 'start' (no session yet), 'ended' (the session expired or was ended
 * elsewhere while the page was open), 'signed_out' or 'bad_link' (a sign-in link's token was
 * refused). `signedIn()` runs once a session is started.
 */
export function signInPanel(why, signedIn) {
  const token = field({
    name: 'token', label: t('signin_token'), kind: 'password', required: true, hint: t('signin_token_hint'),
    attrs: { autocomplete: 'off', spellcheck: 'false', autocapitalize: 'none' },
  });
  const status = h('div', { class: 'review-status', role: 'status', 'aria-live': 'polite' });
  const button = h('button', { type: 'submit', class: 'primary' }, t('signin_button'));
  const form = h('form', { class: 'card staff-form signin', id: 'signin-form', novalidate: true }, token.el, status, h('div', { class: 'buttons' }, button));
  let busy = false;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (busy) return;
    token.setError(null);
    const value = token.value.trim();
    if (!value) {
      token.setError(t('check_empty'));
      token.focus();
      return;
    }
    busy = true;
    button.disabled = true;
    status.textContent = t('signin_checking');
    try {
      await signIn(value);
      token.value = '';
      status.textContent = '';
      signedIn();
    } catch (e) {
      status.textContent = '';
      token.setError(e instanceof ApiError && e.status === 401 ? t('signin_bad_token') : errorText(e));
      token.focus();
    } finally {
      busy = false;
      button.disabled = false;
    }
  });
  const lead = {
    start: null,
    ended: h('div', { class: 'msg warn', role: 'alert', 'data-signin-reason': 'ended' }, h('p', {}, t('signin_ended'))),
    signed_out: h('div', { class: 'msg info', role: 'status', 'data-signin-reason': 'signed_out' }, h('p', {}, t('signin_signed_out'))),
    bad_link: h('div', { class: 'msg bad', role: 'alert', 'data-signin-reason': 'bad_link' }, h('p', {}, t('signin_bad_link'))),
  }[why] ?? null;
  return h(
    'section',
    { class: 'signin-panel', 'aria-labelledby': 'signin-h' },
    h('h1', { id: 'signin-h', tabindex: '-1' }, t('signin_title')),
    lead,
    h('p', {}, t('signin_lead')),
    form,
    h('p', { class: 'note' }, t('signin_private')),
  );
}
