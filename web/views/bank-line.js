// A donor's own bank line (SPEC.md §16.5), on the bank accounts view: found by the bank's
// transaction id, or by amount and day (GET /statements/lines); each answer is proved in the
// browser, the line in its statement's Merkle root (read from the statement entry itself) and
// the statement entry in the checkpoint signed with the published key. A credit line no
// donation names is said plainly: the ledger committed to the bank having received it.

import * as V from '../verify.js';
import { h, clear } from './dom.js';
import { money, dateText } from './format.js';
import { getJSON, getInfo } from './server.js';
import { t } from '../i18n.js';

/** The search form and its results. */
export function bankLineSearch() {
  const id = h('input', { type: 'text', id: 'bank-line-id', autocomplete: 'off' });
  const amount = h('input', { type: 'text', id: 'bank-line-amount', inputmode: 'numeric', autocomplete: 'off' });
  const day = h('input', { type: 'date', id: 'bank-line-date' });
  const out = h('div', { class: 'bank-line-result', role: 'status', 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'bank-line-form' },
    h('label', { for: 'bank-line-id' }, t('acc_line_id')),
    id,
    h('p', { class: 'note' }, t('acc_line_or')),
    h('label', { for: 'bank-line-amount' }, t('acc_line_amount')),
    amount,
    h('label', { for: 'bank-line-date' }, t('acc_line_date')),
    day,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('acc_line_find'))),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clear(out);
    const q = id.value.trim()
      ? `id=${encodeURIComponent(id.value.trim())}`
      : `amount=${encodeURIComponent(amount.value.replace(/[^0-9-]/g, ''))}&date=${encodeURIComponent(day.value)}`;
    try {
      const found = await getJSON(`/statements/lines?${q}`);
      if (found.matches.length === 0) {
        out.append(h('p', { class: 'note' }, t('acc_line_none')));
        return;
      }
      const info = await getInfo();
      const cp = await V.verifyCheckpoint(found.checkpoint, info.key.trim());
      for (const m of found.matches) out.append(await proved(m, cp));
    } catch (e) {
      out.append(h('p', { class: 'verdict bad', role: 'alert' }, t('acc_line_failed', { error: e.message })));
    }
  });
  return h('section', { class: 'card' }, h('h2', {}, t('acc_line_title')), h('p', {}, t('acc_line_intro')), form, out);
}

/** One answer, proved: both inclusion proofs, then what names the line. */
async function proved(m, cp) {
  const entry = V.decodeLeaf(m.entry);
  if (entry.kind !== 'statement') throw new Error(t('acc_line_not_statement', { seq: m.statement }));
  const line = V.decodeStatementLine(m.line);
  const lineHash = V.leafHashSync(V.utf8(m.line));
  await V.verifyInclusion(m.line_number - 1, entry.body.lines, lineHash, m.line_proof, entry.body.lines_root);
  if (BigInt(m.entry_proof.size) !== BigInt(cp.size)) throw new Error(t('acc_line_wrong_checkpoint'));
  await V.verifyInclusion(m.statement, cp.size, V.leafHashSync(V.utf8(m.entry)), m.entry_proof.proof, cp.root);
  const what = t('acc_line_what', {
    date: dateText(line.date), amount: money(line.amount.replace('-', ''), entry.body.currency), id: line.id,
    bank: entry.body.account.bank, number: entry.body.account.number, statement: m.statement, line: m.line_number,
  });
  let verdict;
  if (m.omission) {
    verdict = h('p', { class: 'verdict bad', 'data-omission': '' }, t('acc_line_omission'));
  } else if (m.excluded) {
    verdict = h('p', { class: 'verdict good' }, t('acc_line_excluded', { reason: m.excluded }));
  } else {
    verdict = h('p', { class: 'verdict good' }, t('acc_line_named', { entries: m.named_by.join(', ') }));
  }
  return h('div', { class: 'bank-line', 'data-statement': String(m.statement) }, h('p', {}, what), h('p', { class: 'note' }, t('acc_line_proved', { size: cp.size })), verdict);
}
