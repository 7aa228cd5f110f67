// A donation's receipt as the console hands it to the donor: the code, the QR code of the
// public receipt address (an SVG the server draws), the address itself, and buttons to print
// it, share or copy the address, and save the receipt file. Also the copy button the token
// screen uses.

import { h } from '../views/dom.js';
import { t } from './i18n.js';
import { apiUrl, publicUrl } from './api.js';

/**
 * A button that copies `text()` to the clipboard and says so in `status`; where the browser
 * cannot (no clipboard over plain http), it selects `fallback` (an input holding the text) so
 * the staff member can copy it by hand.
 */
export function copyButton(labelText, text, fallback) {
  const status = h('span', { class: 'copy-status', role: 'status', 'aria-live': 'polite' });
  const button = h('button', {
    type: 'button',
    class: 'secondary',
    on: {
      click: async () => {
        try {
          await navigator.clipboard.writeText(text());
          status.textContent = t('copied');
        } catch {
          if (fallback) {
            fallback.focus();
            fallback.select();
          }
          status.textContent = t('copy_by_hand');
        }
      },
    },
  }, labelText);
  return h('span', { class: 'copy' }, button, ' ', status);
}

/** A read-only text box holding `value` (to read, select or copy). */
export function readOnlyBox(value, labelText, name) {
  const id = `ro-${name}-${Math.random().toString(36).slice(2)}`;
  const input = h('input', {
    id, type: 'text', readonly: true, value, class: 'readonly', 'data-value': name, spellcheck: 'false', autocomplete: 'off',
  });
  return { input, el: h('div', { class: 'field' }, h('label', { for: id }, labelText), input) };
}

/** Saves `text` as a file named `name` (type `type`) through a temporary object URL. */
function saveFile(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * The receipt card of donation receipt `code`: the code, its QR code, the public address,
 * print / share / copy buttons, and (with `receipt`, the receipt JSON of the answer) a button
 * saving the donor's receipt file.
 */
export function receiptCard(code, receipt = null) {
  const url = publicUrl(`#/receipt/${encodeURIComponent(code)}`);
  const box = readOnlyBox(url, t('receipt_url'), 'receipt-url');
  const buttons = h('div', { class: 'buttons no-print' });
  buttons.append(h('button', { type: 'button', class: 'secondary', 'data-action': 'print', on: { click: () => window.print() } }, t('print')));
  if (typeof navigator.share === 'function') {
    buttons.append(h('button', {
      type: 'button',
      class: 'secondary',
      'data-action': 'share',
      on: {
        click: () => navigator.share({ title: t('receipt_share_title'), text: t('receipt_share_text', { code }), url }).catch(() => {}),
      },
    }, t('share')));
  }
  buttons.append(copyButton(t('copy_link'), () => url, box.input));
  if (receipt) {
    buttons.append(h('button', {
      type: 'button',
      class: 'secondary',
      'data-action': 'save-receipt',
      on: { click: () => saveFile(`receipt-${code}.json`, `${JSON.stringify(receipt, null, 2)}\n`, 'application/json') },
    }, t('save_receipt')));
  }
  return h(
    'section',
    { class: 'card receipt-card', 'data-receipt': code },
    h('h3', {}, t('receipt_code')),
    h('p', { class: 'receipt-code' }, h('code', {}, code)),
    h('img', {
      class: 'qr', src: apiUrl(`receipts/${encodeURIComponent(code)}/qr.svg`), alt: t('qr_alt', { code }), width: 200, height: 200,
    }),
    h('p', { class: 'note' }, t('receipt_note')),
    box.el,
    buttons,
    receipt && receipt.salt ? h('p', { class: 'note no-print' }, t('receipt_salt_note')) : null,
  );
}
