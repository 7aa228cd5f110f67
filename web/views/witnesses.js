// Which witnesses cosigned a checkpoint (SPEC.md §14), when, and whether the quorum of the
// policy the server publishes at /log/policy (SPEC.md §15) is met: checked in the browser
// by the independent verifier (verify.js's parsePolicy and judgeCheckpoint).
//
// Witnesses cosign in the background, a moment after each append: a checkpoint only just
// signed has no cosignature yet. When the caller can fetch a newer signed note for the same
// proof (`refresh`), the section says it is waiting and checks again for a while; only then
// does it say the quorum is not met.

import { parsePolicy, judgeCheckpoint } from '../verify.js';
import { t, locale } from '../i18n.js';
import { h, section, clear } from './dom.js';
import { url } from '../base.js';

/** Seconds between the checks of a checkpoint still waiting for its witnesses (~30 s in all). */
const RECHECK_DELAYS = [1, 1, 2, 2, 3, 3, 4, 5, 5, 5];

function failed(error) {
  return section(
    t('witnesses_title'),
    h('div', { class: 'verdict bad', role: 'alert', id: 'witness-quorum' }, h('p', { class: 'verdict-text' }, t('witnesses_failed', { error }))),
  );
}

/** The verdict and the list of witnesses for the judgement `v`; `waiting` while re-checking. */
function judgement(v, waiting) {
  const cosigned = v.witnesses.filter((w) => w.at !== null).length;
  const items = v.witnesses.map((w) => h(
    'li',
    { 'data-witness': w.name, class: w.at === null ? 'missing' : 'cosigned' },
    w.at === null
      ? t('witness_missing', { name: w.name })
      : t('witness_cosigned', { name: w.name, when: new Date(w.at * 1000).toLocaleString(locale()) }),
  ));
  let cls = 'bad';
  let key = 'witnesses_quorum_not_met';
  if (v.quorumMet) {
    cls = 'good';
    key = 'witnesses_quorum_met';
  } else if (waiting) {
    cls = 'wait';
    key = 'witnesses_waiting';
  }
  const verdict = h(
    'div',
    { class: `verdict ${cls}`, role: cls === 'bad' ? 'alert' : 'status', id: 'witness-quorum' },
    h('p', { class: 'verdict-text' }, t(key, { n: cosigned, total: v.witnesses.length })),
  );
  return [verdict, h('ul', { class: 'witnesses' }, ...items)];
}

const sleep = (seconds) => new Promise((r) => { setTimeout(r, seconds * 1000); });

/**
 * Checks again, with `refresh`, a checkpoint whose quorum is not met yet, redrawing `box`
 * when it is met, and saying it is not met when the time runs out. Stops when the section
 * leaves the page (the reader moved on).
 */
async function recheck(sec, box, policy, refresh) {
  for (const delay of RECHECK_DELAYS) {
    // eslint-disable-next-line no-await-in-loop
    await sleep(delay);
    if (!sec.isConnected) return;
    try {
      // eslint-disable-next-line no-await-in-loop
      const note = await refresh();
      // eslint-disable-next-line no-await-in-loop
      const v = note ? await judgeCheckpoint(note, policy) : null;
      if (v && v.quorumMet) {
        clear(box);
        box.append(...judgement(v, false));
        return;
      }
    } catch {
      // a failed fetch is tried again at the next delay
    }
  }
  const v = box.judged;
  clear(box);
  box.append(...judgement(v, false));
}

/**
 * A `refresh` for [witnessesSection]: the server's current signed checkpoint when it is the
 * same checkpoint as `note` (same origin, size and root; perhaps with more cosignatures).
 */
export function sameCheckpointFromServer(note) {
  const body = note.slice(0, note.indexOf('\n\n') + 1);
  return async () => {
    const r = await fetch(url('log/checkpoint'), { cache: 'no-store' });
    if (!r.ok) return null;
    const now = await r.text();
    return body && now.startsWith(`${body}\n`) ? now : null;
  };
}

/**
 * The witnesses section for the signed checkpoint `note`, or null when the server publishes
 * no witness policy. `refresh`, when given, returns a newer signed note proving the same
 * thing (or null): it is used to check again while witnesses have not cosigned yet.
 */
export async function witnessesSection(note, refresh = null) {
  let text;
  try {
    const r = await fetch(url('log/policy'), { cache: 'no-store' });
    if (r.status === 204 || r.status === 404) return null;
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    text = await r.text();
  } catch (e) {
    return failed(e.message);
  }
  try {
    const policy = await parsePolicy(text);
    const v = await judgeCheckpoint(note, policy);
    const waiting = !v.quorumMet && refresh !== null;
    const box = h('div', { class: 'witness-judgement' }, ...judgement(v, waiting));
    box.judged = v;
    const sec = section(t('witnesses_title'), h('p', {}, t('witnesses_intro')), box);
    if (waiting) recheck(sec, box, policy, refresh);
    return sec;
  } catch (e) {
    return failed(e.message);
  }
}
