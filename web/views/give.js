// How to give, on an open campaign's page: its official accounts, each with a VietQR (NAPAS)
// code a banking app can scan (GET /campaigns/{id}/vietqr: the account, and a suggested
// transfer message carrying the campaign's code so that statement imports can assign the
// transfer), and the message to type. Once the campaign is closed, only a plain "closed": no
// account, no code.

import { t } from '../i18n.js';
import {
  h, code, dl, section,
} from './dom.js';
import { API_BASE, getJSON, HttpError } from './server.js';

/** The VietQR answer for campaign `id`, or null (not a VND campaign, no such route, closed). */
async function vietqrOf(id) {
  try {
    return await getJSON(`/campaigns/${encodeURIComponent(id)}/vietqr`);
  } catch (e) {
    if (e instanceof HttpError) return null;
    throw e;
  }
}

/** A "Copy" button that puts `text` on the clipboard (hidden where the browser cannot). */
function copyButton(text, what) {
  if (!globalThis.navigator?.clipboard) return null;
  const done = h('span', { class: 'note', role: 'status' });
  const b = h('button', {
    type: 'button',
    class: 'secondary copy',
    'aria-label': t('copy_label', { what }),
    on: {
      click: async () => {
        try {
          await navigator.clipboard.writeText(text);
          done.textContent = t('copied');
        } catch {
          done.textContent = t('copy_failed');
        }
      },
    },
  }, t('copy'));
  return h('span', { class: 'copy-wrap' }, b, ' ', done);
}

/** The section "How to give" of campaign `c` (the API's campaign details). */
export async function giveSection(c) {
  const box = section(t('give_title'));
  box.id = 'give';
  if (c.status === 'closed') {
    box.append(h('p', { class: 'msg info', 'data-closed': 'true' }, t('give_closed')));
    return box;
  }
  if (!c.accounts || c.accounts.length === 0) {
    box.append(h('p', {}, t('no_accounts')));
    return box;
  }
  // VietQR carries VND only.
  const qr = c.currency === 'VND' ? await vietqrOf(c.id) : null;
  box.append(h('p', { class: 'note' }, t('accounts_note')));
  if (qr && qr.message) {
    box.append(h(
      'div',
      { class: 'give-message' },
      h('p', {}, t('give_message_intro')),
      h('p', { class: 'message-line' }, h('code', { class: 'transfer-message', 'data-field': 'message' }, qr.message), ' ', copyButton(qr.message, t('give_message_what'))),
    ));
  }
  const codes = new Map((qr?.accounts ?? []).map((a) => [a.index, a]));
  const ul = h('ul', { class: 'accounts' });
  c.accounts.forEach((a, i) => {
    const q = codes.get(i);
    const li = h('li', { 'data-account': String(i) });
    if (q && q.svg) {
      // The code's address is built here, below this site's API, rather than taken from the
      // answer's `svg` (a path from the server's root, which is not this site's under a prefix).
      const src = `${API_BASE}/campaigns/${encodeURIComponent(c.id)}/vietqr/${i}/qr.svg`;
      li.append(h('img', {
        class: 'vietqr', src, width: '180', height: '180', alt: t('give_qr_alt', { bank: a.bank, number: a.number }),
      }));
    }
    li.append(dl([[t('bank'), a.bank], [t('account_number'), h('span', {}, code(a.number, 'account'), ' ', copyButton(a.number, t('account_number')))], [t('holder'), a.holder]]));
    ul.append(li);
  });
  box.append(ul);
  if (qr) box.append(h('p', { class: 'note' }, t('give_qr_note')));
  return box;
}
