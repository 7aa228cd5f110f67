// fundtrail platform page (SPEC.md §24): the entry point. One page, phone first: "check an
// account before you transfer" at the top, the combined index of open campaigns, the list of
// organisations, and the registry that records them all. In English and Vietnamese; every
// piece of text from the server goes in as text, never as HTML.

import { t, lang, setLang } from './i18n.js';
import { h, clear } from '../views/dom.js';
import { platformInfo, registryUrl } from './api.js';
import { checkSection } from './check.js';
import { campaignsSection } from './campaigns.js';
import { orgsSection } from './orgs.js';

const $main = document.getElementById('main');

/** What the visitor typed, kept across a change of language. */
const state = { check: {}, campaigns: {} };

/** The platform's description (GET /api/v1/platform), asked for once. */
const info = platformInfo();
info.catch(() => {});
/** The registry's verifier key, for the account check's proofs. */
const registryKey = info.then((i) => {
  if (typeof i?.verifier_key !== 'string') throw new Error('the platform publishes no registry key');
  return i.verifier_key;
});
registryKey.catch(() => {});

/** The header and footer in the visitor's language. */
function renderChrome(name) {
  document.getElementById('brand').textContent = name || 'fundtrail';
  document.getElementById('skip').textContent = t('pf_skip');
  const nav = document.getElementById('nav');
  nav.setAttribute('aria-label', t('pf_nav_label'));
  clear(nav);
  for (const [href, key] of [['#check', 'pf_nav_check'], ['#campaigns', 'pf_nav_campaigns'], ['#orgs', 'pf_nav_orgs']]) {
    nav.append(h('a', { href }, t(key)));
  }
  const sw = document.getElementById('lang');
  sw.textContent = t('pf_lang_switch');
  sw.setAttribute('aria-label', t('pf_lang_switch_label'));
  sw.setAttribute('lang', lang() === 'vi' ? 'en' : 'vi');
  document.documentElement.lang = lang();
  document.getElementById('footer-text').textContent = t('pf_footer');
  document.getElementById('registry-foot').textContent = t('pf_registry_title');
}

/** The registry section: what it is, where to verify it, and its key. */
function registrySection(key) {
  return h(
    'section',
    { class: 'card', id: 'registry', 'aria-labelledby': 'registry-title' },
    h('h2', { id: 'registry-title' }, t('pf_registry_title')),
    h('p', {}, t('pf_registry_text')),
    h('p', {}, h('a', { class: 'button', href: registryUrl(), id: 'pf-registry-link' }, t('pf_registry_link'))),
    key ? h('p', { class: 'note' }, t('pf_registry_key'), ' ', h('code', { class: 'hash' }, key)) : null,
  );
}

/** Draws the whole page in the visitor's language. */
async function render() {
  let about = null;
  try {
    about = await info;
  } catch {
    about = null;
  }
  renderChrome(about?.name);
  document.title = about?.name ? `${about.name} · fundtrail` : 'fundtrail';
  clear($main);
  $main.append(
    h('h1', {}, t('pf_title')),
    h('p', { class: 'promise' }, t('pf_intro')),
    checkSection(state.check, registryKey),
    campaignsSection(state.campaigns),
    orgsSection(),
    registrySection(typeof about?.verifier_key === 'string' ? about.verifier_key : ''),
  );
}

document.getElementById('lang').addEventListener('click', () => {
  setLang(lang() === 'vi' ? 'en' : 'vi');
  render();
});

render();
