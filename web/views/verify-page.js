// Verify everything (#/verify): the whole ledger checked in the browser against the signed
// checkpoint and the published totals (in a worker, verify-run.js), read from this site's
// tiles, a tiles mirror or its API (verify-source.js), its download size stated first and
// the check stoppable; the signed checkpoint and totals by currency; and a bundle
// file from disk checked with no request to the server at all (verifyBundle).

import * as V from '../verify.js';
import * as History from '../history.js';
import { t, locale } from '../i18n.js';
import {
  h, clear, dl, section, nextFrame,
} from './dom.js';
import {
  money, integer, shortHash, label, describe,
} from './format.js';
import {
  API_BASE, getInfo, getJSON, cachedInfo,
} from './server.js';
import { showHistory } from './history-alert.js';
import { verifyEverythingServed } from './verify-run.js';
import { readableSize } from './evidence.js';
import { checkpointCard, currencyTotals } from './ledger-card.js';
import { witnessesSection, sameCheckpointFromServer } from './witnesses.js';
import { API_SOURCE, ownTiles, sourcePicker } from './verify-source.js';
import { fetchTilesCheckpoint } from '../tiles-fetch.js';


/** The verdict of a failed check: the error in words, its own message behind a fold. */
function failureBox(err, prefixKey = 'verify_failed') {
  return h(
    'div',
    { class: 'verdict bad', role: 'alert' },
    h('p', { class: 'verdict-text' }, t(prefixKey, { what: describe(err) })),
    h('details', { class: 'tech' }, h('summary', {}, t('tech_details')), h('p', {}, h('code', { class: 'wrap' }, String(err && err.message ? err.message : err)))),
  );
}

/** The download size of the whole ledger, in words, from /info's `bundle_bytes` when it has one. */
function sizeWords(inf) {
  const n = integer(inf.size);
  if (Number.isSafeInteger(inf.bundle_bytes) && inf.bundle_bytes >= 0) return t('verify_size', { n, size: readableSize(inf.bundle_bytes) });
  return t('verify_size_unknown', { n });
}

/** The verify page (`#/verify`): the check of everything first, then the checkpoint and totals. */
export async function viewVerify(out, route = {}) {
  out.append(h('h1', {}, t('verify_title')));
  const [inf, published] = await Promise.all([getInfo(true), getJSON('/totals')]);
  const stored = History.loadRemembered();
  const box = section(t('verify_all_title'), h('p', {}, t('verify_intro_plain')), h('p', { class: 'note' }, t('plain_cannot')));
  box.append(h('details', { class: 'tech' }, h('summary', {}, t('tech_details')), h('p', {}, t('verify_intro'))));
  box.append(h('p', { class: 'size-first', id: 'verify-size', 'data-bytes': inf.bundle_bytes ?? '' }, h('strong', {}, sizeWords(inf))));
  const source = await sourcePicker(inf);
  box.append(source);
  if (stored) box.append(h('p', { class: 'note' }, t('verify_last', { size: integer(stored.size), root: shortHash(stored.root) })));
  const bar = h('progress', {
    id: 'verify-progress', max: '1', value: '0', hidden: true, 'aria-label': t('verify_progress_label'),
  });
  const status = h('p', { id: 'verify-status', role: 'status', 'aria-live': 'polite' });
  const verdict = h('div', { id: 'verdict' });
  const btn = h('button', { type: 'button', id: 'verify-all', class: 'primary' }, t('verify_button'));
  const stop = h('button', {
    type: 'button', id: 'verify-stop', class: 'secondary', hidden: true,
  }, t('verify_stop'));
  let controller = null;
  stop.addEventListener('click', () => controller?.abort());
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    stop.hidden = false;
    controller = new AbortController();
    clear(verdict);
    bar.hidden = false;
    try {
      const from = source.querySelector('select').value;
      const r = await verifyEverything(bar, status, controller.signal, route.helpers, from);
      status.textContent = '';
      const good = h(
        'div',
        {
          class: 'verdict good', role: 'status', 'data-helpers': String(r.helpers ?? 0), 'data-source': from,
        },
        h('p', { class: 'verdict-text' }, t('verify_ok_plain', { n: integer(r.size) })),
        h('details', { class: 'tech' }, h('summary', {}, t('tech_details')), h('p', {}, t('verify_ok', { n: integer(r.size), root: r.root }))),
      );
      if (r.totalsSkipped) good.append(h('p', { class: 'note', id: 'verify-totals-skipped' }, t('verify_totals_skipped', { size: integer(r.size), now: integer(r.totalsSkipped) })));
      verdict.append(good);
      const note = r.note || cachedInfo().checkpoint;
      const witnesses = await witnessesSection(note, sameCheckpointFromServer(note));
      if (witnesses) verdict.append(witnesses);
    } catch (e) {
      status.textContent = '';
      verdict.append(failureBox(e, e && e.code === 'cancelled' ? 'verify_stopped' : 'verify_failed'));
    } finally {
      btn.disabled = false;
      stop.hidden = true;
      bar.hidden = true;
      controller = null;
    }
  });
  box.append(h('div', { class: 'actions' }, btn, ' ', stop), bar, status, verdict);
  out.append(box);
  out.append(await checkpointCard(inf), currencyTotals(published));

  // A bundle from disk: no request to the server at all.
  const file = h('input', {
    id: 'bundle-file', type: 'file', accept: '.txt,.bundle,text/plain',
  });
  const bbar = h('progress', { id: 'bundle-progress', max: '1', value: '0', hidden: true });
  const bstatus = h('p', { role: 'status', 'aria-live': 'polite' });
  const bverdict = h('div', { id: 'bundle-verdict' });
  file.addEventListener('change', async () => {
    const f = file.files && file.files[0];
    if (!f) return;
    clear(bverdict);
    file.disabled = true;
    bbar.hidden = false;
    bbar.max = Math.max(1, f.size);
    bbar.value = 0;
    try {
      const r = await verifyFile(f, bbar, bstatus);
      bstatus.textContent = '';
      const good = h('div', { class: 'verdict good', role: 'status' }, h('p', { class: 'verdict-text' }, t('bundle_ok', { n: integer(r.size), root: r.root, key: r.key })));
      bverdict.append(good);
      const published = cachedInfo();
      if (published && published.key) {
        // After a key rotation (SPEC.md §23) the bundle names the first key; the site's key in
        // force is then one its verified rotations handed over to.
        const signedBySite = published.key.trim() === r.key || (r.keys || []).some((k) => k.key === published.key.trim());
        good.append(h('p', {}, signedBySite ? t('bundle_key_same') : t('bundle_key_other', { key: published.key })));
      }
      bverdict.append(totalsView(r.totals));
    } catch (e) {
      bstatus.textContent = '';
      bverdict.append(failureBox(e));
    } finally {
      file.disabled = false;
    }
  });
  out.append(section(
    t('bundle_title'),
    h('p', {}, t('bundle_intro')),
    h('p', {}, h('a', { href: `${API_BASE}/export`, download: 'fundtrail-bundle.txt' }, t('bundle_download')), ' ', h('span', { class: 'note' }, sizeWords(inf))),
    h('label', { for: 'bundle-file' }, t('bundle_label')),
    file,
    bbar,
    bstatus,
    bverdict,
  ));
  getInfo().catch(() => {}); // to compare a bundle's key with the published one, when there is a server
}

function totalsView(totals) {
  const wrap = h('div', { class: 'bundle-totals' }, h('h3', {}, t('bundle_totals')));
  for (const [c, x] of Object.entries(totals.currencies)) {
    wrap.append(h('h4', {}, c), dl([
      [t('donated'), money(x.donated, c)],
      [t('disbursed'), money(x.disbursed, c)],
      [t('balance'), money(x.balance, c)],
      [t('reversed'), money(x.reversed, c)],
    ]));
  }
  const ul = h('ul', { class: 'campaigns' });
  for (const c of totals.campaigns) {
    ul.append(h('li', { class: 'campaign' }, h('h4', {}, c.title, ' ', h('span', { class: `badge ${c.status}` }, label('status', c.status))), dl([
      [t('donated'), money(c.donated, c.currency)],
      [t('disbursed'), money(c.disbursed, c.currency)],
      [t('balance'), money(c.balance, c.currency)],
    ])));
  }
  wrap.append(ul);
  return wrap;
}

/**
 * Verifies the server's whole ledger against today's signed checkpoint and the published
 * totals, checking on the way that it extends the checkpoint remembered from an earlier visit
 * (same key); remembers today's checkpoint when it verifies. Stops when `signal` aborts;
 * `helpers` (from the address, `#/verify?helpers=N`) asks for N helper workers. `from` is
 * the source: API_SOURCE, or a tiles prefix URL whose checkpoint must be signed with the key
 * this site publishes (a mirror may lag behind: its ledger is then checked without the
 * totals, which are the site's at a later size). Returns `{ size, root, note, helpers,
 * totalsSkipped }` (`totalsSkipped`: the site's size when the totals were not compared).
 */
async function verifyEverything(bar, status, signal, helpers, from = API_SOURCE) {
  let inf;
  let cp;
  let totals;
  let note;
  const tiles = from === API_SOURCE ? null : from;
  let totalsSkipped = 0;
  for (let attempt = 0; ; attempt++) {
    inf = await getInfo(true);
    totals = await getJSON('/totals');
    note = tiles ? await fetchTilesCheckpoint(tiles, signal) : inf.checkpoint;
    cp = await V.verifyCheckpoint(note, inf.key);
    if (totals.size === cp.size) break;
    if (tiles && tiles !== ownTiles()) {
      totalsSkipped = totals.size;
      totals = null;
      break;
    }
    if (attempt >= 3) throw new V.VerifyError('changed', t('verify_changed'));
    await new Promise((r) => { setTimeout(r, 500); });
  }
  const key = inf.key.trim();
  // A ledger whose key was rotated (SPEC.md §23) is verified from its first key: every
  // rotation is checked, and the checkpoint with the key in force. A remembered key that is
  // one of its keys is then proven to have handed over to today's.
  const keys = Array.isArray(inf.keys) && inf.keys.length ? inf.keys : [{ from: 0, key }];
  const firstKey = keys[0].from === 0 ? keys[0].key : key;
  const stored = History.loadRemembered();
  const sameKey = stored && (stored.key.trim() === key || keys.some((k) => k.key === stored.key.trim()));
  if (stored && !sameKey) {
    showHistory({
      kind: 'key_changed', oldKey: stored.key, newKey: key, remembered: stored, current: { key, note: inf.checkpoint, size: cp.size, root: cp.root },
    });
  }
  if (sameKey && stored.size > cp.size) {
    if (tiles && tiles !== ownTiles()) throw new V.VerifyError('mirror_behind', t('err0_mirror_behind'));
    throw new V.VerifyError('prefix', t('shrunk', { old: integer(stored.size), size: integer(cp.size) }), { prefixSize: stored.size });
  }
  const n = cp.size;
  bar.max = Math.max(1, n);
  bar.value = 0;
  status.textContent = t('verify_running', { n: integer(0), total: integer(n) });
  const report = await verifyEverythingServed({
    note,
    key: firstKey,
    tiles,
    size: n,
    claimed: totals,
    prefix: sameKey ? stored : null,
    signal,
    helpers,
    onProgress: (count) => {
      bar.value = count;
      status.textContent = t('verify_running', { n: integer(count), total: integer(n) });
    },
  });
  // A new key is remembered only when the visitor accepts it (the key-change alert).
  if (!stored || sameKey) await History.rememberCheckpoint(note, key);
  return { ...report, note, totalsSkipped };
}

async function* readChunks(file, onBytes) {
  if (typeof file.stream === 'function') {
    const reader = file.stream().getReader();
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      onBytes(total);
      yield value;
    }
  } else {
    const buf = new Uint8Array(await file.arrayBuffer());
    onBytes(buf.length);
    yield buf;
  }
}

async function verifyFile(f, bar, status) {
  let bytes = 0;
  const pct = () => new Intl.NumberFormat(locale(), { style: 'percent' }).format(f.size ? bytes / f.size : 1);
  return V.verifyBundle(readChunks(f, (n) => { bytes = n; }), {
    onProgress: async (n) => {
      bar.value = bytes;
      status.textContent = t('bundle_running', { n: integer(n), pct: pct() });
      await nextFrame();
    },
  });
}
