// fundtrail public page: the entry point. Routing (location.hash), the header and footer, the
// language switch, and the history check on every visit; each view lives in views/ and checks
// what it shows with the independent verifier (verify.js). Every piece of text that comes from
// the ledger is put on the page with textContent / createElement, never as HTML.

import {
  t, lang, setLang,
} from './i18n.js';
import { h, clear, message } from './views/dom.js';
import { describe } from './views/format.js';
import { plainDetails } from './views/words.js';
import { getInfo, cachedInfo } from './views/server.js';
import { checkHistory } from './views/history-alert.js';
import { viewOverview } from './views/overview.js';
import { viewCampaign } from './views/campaign.js';
import { viewEntry } from './views/entry.js';
import { viewFind } from './views/find.js';
import { viewVerify } from './views/verify-page.js';
import { viewReceipt } from './views/receipt.js';
import { viewAccounts } from './views/accounts.js';
import { viewDonorStatement } from './views/donor-statement.js';
import { clearCampaignMeta } from './views/campaign-meta.js';
import { useStoreKey, storeKeyFor } from './history.js';
import { sitePath } from './base.js';

const $main = document.getElementById('main');

// This site's checkpoints are remembered apart from those of the other organisations a
// platform serves on the same host (each under its own /o/<slug>/).
useStoreKey(storeKeyFor(sitePath()));

/** The header and footer in the visitor's language, with the current view marked in the menu. */
function renderChrome(orgName) {
  const brand = document.getElementById('brand');
  brand.textContent = orgName || 'fundtrail';
  document.getElementById('skip').textContent = t('skip');
  const nav = document.getElementById('nav');
  clear(nav);
  const route = parseRoute();
  for (const [href, key, name] of [['#/', 'nav_overview', 'overview'], ['#/find', 'nav_find', 'find'], ['#/verify', 'nav_verify', 'verify'], ['#/accounts', 'nav_accounts', 'accounts']]) {
    nav.append(h('a', { href, 'aria-current': route.name === name ? 'page' : undefined }, t(key)));
  }
  const sw = document.getElementById('lang');
  sw.textContent = t('lang_switch');
  sw.setAttribute('aria-label', t('lang_switch_label'));
  sw.setAttribute('lang', lang() === 'vi' ? 'en' : 'vi');
  document.documentElement.lang = lang();
  document.getElementById('footer-text').textContent = t('footer');
  document.getElementById('api-link').textContent = t('api_link');
}

/** The view the address (location.hash) asks for, and its parameters. */
function parseRoute() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [pathPart, query = ''] = raw.split('?');
  const parts = pathPart.split('/').filter(Boolean).map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });
  const params = new URLSearchParams(query);
  if (parts.length === 0) return { name: 'overview' };
  if (parts[0] === 'campaign' && parts[1]) return { name: 'campaign', id: parts[1] };
  if (parts[0] === 'entry' && /^\d+$/.test(parts[1] || '')) return { name: 'entry', seq: Number(parts[1]) };
  if (parts[0] === 'find') {
    return {
      name: 'find', q: params.get('q') ?? params.get('ref') ?? '', amount: params.get('amount') ?? '', date: params.get('date') ?? '', asked: [...params.keys()].length > 0,
    };
  }
  if (parts[0] === 'verify') {
    const helpers = /^[0-4]$/.test(params.get('helpers') ?? '') ? Number(params.get('helpers')) : undefined;
    return { name: 'verify', helpers };
  }
  if (parts[0] === 'receipt') return { name: 'receipt', code: parts[1] ?? '' };
  if (parts[0] === 'accounts') return { name: 'accounts' };
  if (parts[0] === 'donor-statement') return { name: 'donorStatement' };
  return { name: 'missing' };
}

let renderToken = 0;

/** Shows the view of the current address; of two navigations in a row, the later one wins. */
async function render() {
  const token = ++renderToken;
  const route = parseRoute();
  clearCampaignMeta();
  renderChrome(cachedInfo()?.name);
  clear($main);
  $main.append(h('p', { class: 'loading', role: 'status' }, t('loading')));
  const view = {
    overview: viewOverview, campaign: viewCampaign, entry: viewEntry, find: viewFind, verify: viewVerify, missing: viewMissing, receipt: viewReceipt, accounts: viewAccounts, donorStatement: viewDonorStatement,
  }[route.name];
  const out = h('div', { class: 'view' });
  try {
    await view(out, route);
  } catch (e) {
    out.append(message('bad', t('load_failed', { what: t(`what_${route.name}`), error: describe(e) }), plainDetails(e && e.message ? e.message : String(e)), h('button', { type: 'button', on: { click: render } }, t('retry'))));
  }
  if (token !== renderToken) return; // a newer navigation won
  clear($main);
  $main.append(out);
  try {
    const inf = await getInfo();
    if (token !== renderToken) return;
    renderChrome(inf.name);
    document.title = `${inf.name} · fundtrail`;
  } catch {
    // no server (or it is down): the page still works for bundles from disk
  }
}

async function viewMissing(out) {
  out.append(h('h1', {}, t('not_found')), h('p', {}, h('a', { href: '#/' }, t('back_overview'))));
}

// ---------------------------------------------------------------------------------------
// Start

document.getElementById('lang').addEventListener('click', () => {
  setLang(lang() === 'vi' ? 'en' : 'vi');
  render();
});
document.getElementById('skip').addEventListener('click', (ev) => {
  ev.preventDefault();
  $main.focus();
});
window.addEventListener('hashchange', () => {
  render().then(() => $main.focus({ preventScroll: false }));
});
render();
checkHistory();
