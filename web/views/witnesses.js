// Which witnesses cosigned a checkpoint (SPEC.md §14), when, and whether the quorum of the
// policy the server publishes at /log/policy (SPEC.md §15) is met: checked in the browser
// by the independent verifier (verify.js's parsePolicy and judgeCheckpoint).

import { parsePolicy, judgeCheckpoint } from '../verify.js';
import { t, locale } from '../i18n.js';
import { h, section } from './dom.js';

function failed(error) {
  return section(
    t('witnesses_title'),
    h('div', { class: 'verdict bad', role: 'alert', id: 'witness-quorum' }, h('p', { class: 'verdict-text' }, t('witnesses_failed', { error }))),
  );
}

/**
 * The witnesses section for the signed checkpoint `note`, or null when the server publishes
 * no witness policy.
 */
export async function witnessesSection(note) {
  let text;
  try {
    const r = await fetch('/log/policy', { cache: 'no-store' });
    if (r.status === 204 || r.status === 404) return null;
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    text = await r.text();
  } catch (e) {
    return failed(e.message);
  }
  try {
    const policy = await parsePolicy(text);
    const v = await judgeCheckpoint(note, policy);
    const cosigned = v.witnesses.filter((w) => w.at !== null).length;
    const items = v.witnesses.map((w) => h(
      'li',
      { 'data-witness': w.name, class: w.at === null ? 'missing' : 'cosigned' },
      w.at === null
        ? t('witness_missing', { name: w.name })
        : t('witness_cosigned', { name: w.name, when: new Date(w.at * 1000).toLocaleString(locale()) }),
    ));
    const verdict = h(
      'div',
      { class: `verdict ${v.quorumMet ? 'good' : 'bad'}`, role: v.quorumMet ? 'status' : 'alert', id: 'witness-quorum' },
      h('p', { class: 'verdict-text' }, t(v.quorumMet ? 'witnesses_quorum_met' : 'witnesses_quorum_not_met', { n: cosigned, total: v.witnesses.length })),
    );
    return section(t('witnesses_title'), h('p', {}, t('witnesses_intro')), verdict, h('ul', { class: 'witnesses' }, ...items));
  } catch (e) {
    return failed(e.message);
  }
}
