// The mark of an entry a later reversal undid, shown wherever the entry is: the statement,
// the payments, search results, the entry's page and a receipt.

import { t } from '../i18n.js';
import { h } from './dom.js';
import { label } from './format.js';

/** "Reversed by entry N: reason", the mark of an entry a later reversal undid. */
export function reversedMark(seq, reversal) {
  const reason = reversal?.body?.reason ? label('reason', reversal.body.reason) : '';
  const note = reversal?.body?.note ? ` (${reversal.body.note})` : '';
  return h('p', { class: 'reversed-mark', 'data-reversed-by': String(seq) }, h('strong', {}, t('reversed_badge')), ' ', h('a', { href: `#/entry/${seq}` }, t('reversed_by', { seq })), reason ? `: ${reason}${note}` : note);
}
