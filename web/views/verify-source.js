// Where "Verify everything" reads the ledger from (SPEC.md §13): this site's own tiles at
// /log/ when it offers them (the default), a tiles mirror this site lists in /info
// (`tiles_mirrors`; the only other places its Content-Security-Policy lets the page connect
// to), or this site's API (/api/v1/entries). Whatever the source, the entries are checked
// against a checkpoint signed with the key this site publishes.

import { t } from '../i18n.js';
import { h } from './dom.js';
import { url } from '../base.js';

/** The value of the API source (every other value is a tiles prefix URL ending in `/`). */
export const API_SOURCE = 'api';

/** The absolute URL of this site's own tiles prefix. */
export const ownTiles = () => url('log/');

/** Whether this site serves its tiles: /log/checkpoint answers with a checkpoint. */
async function offersTiles() {
  try {
    const r = await fetch(url('log/checkpoint'), { cache: 'no-store' });
    return r.ok && (await r.text()).includes('\n\n');
  } catch {
    return false;
  }
}

/**
 * The source picker for `info` (/api/v1/info): a labelled select (#verify-source) of this
 * site's tiles (first, chosen, when offered), its mirrors, and its API.
 */
export async function sourcePicker(info) {
  const select = h('select', { id: 'verify-source' });
  if (await offersTiles()) select.append(h('option', { value: ownTiles() }, t('verify_source_own')));
  for (const url of Array.isArray(info.tiles_mirrors) ? info.tiles_mirrors : []) {
    if (typeof url === 'string' && /^https?:\/\/[^\s]+\/$/.test(url)) {
      select.append(h('option', { value: url }, t('verify_source_mirror', { url })));
    }
  }
  select.append(h('option', { value: API_SOURCE }, t('verify_source_api')));
  select.value = select.options[0].value;
  return h('p', { class: 'source' }, h('label', { for: 'verify-source' }, t('verify_source_label')), ' ', select);
}
