// Plain words for donors: what a check proved and what it cannot prove, in one sentence each,
// with the technical terms behind a "Technical details" fold (<details>).

import { t } from '../i18n.js';
import { h } from './dom.js';

/** A "Technical details" fold holding `text` (an error message, a hash...) as code. */
export function plainDetails(text) {
  return h('details', { class: 'tech' }, h('summary', {}, t('tech_details')), h('p', {}, h('code', { class: 'wrap' }, String(text))));
}

/**
 * What a proved entry means to a donor, and what no check can prove (that goods reached
 * people), as two short paragraphs.
 */
export function whatWasProved() {
  return [h('p', { class: 'plain' }, t('plain_proved')), whatCannotBeProved()];
}

/** What no check can prove (that goods reached people), in one sentence. */
export function whatCannotBeProved() {
  return h('p', { class: 'plain note' }, t('plain_cannot'));
}
