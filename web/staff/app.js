// fundtrail staff console: the entry point. Reads a sign-in link's token out of the address
// before anything else, resumes or starts the session, draws the header (who is signed in,
// sign out, language) and the menu for the staff member's role, and shows the screen the
// address (location.hash) asks for. Each screen lives in views/.
//
// When the server says the session is over (idle or absolute expiry, signed out in another
// tab, token revoked), the sign-in panel appears above the screen, which is kept as it was:
// once signed in again, the staff member goes on where they were (a form's Idempotency-Key
// is kept too, so pressing "Record" again cannot record twice).

import { takeTokenFromAddress, session, isAdmin, signIn, resume, signOut, forget } from './session.js';
import { h, clear, message } from '../views/dom.js';
import { t, lang, setLang } from './i18n.js';
import { whenSessionLost, getJson, publicUrl, ApiError } from './api.js';
import { errorText, label } from './format.js';
import { signInPanel } from './views/signin.js';
import { viewDashboard } from './views/dashboard.js';
import { viewDonation } from './views/donation.js';
import { viewPayout } from './views/payout.js';
import { viewUpdate } from './views/update.js';
import { viewTransfer } from './views/transfer.js';
import { viewReversal } from './views/reversal.js';
import { viewCampaignOpen, viewCampaignClose } from './views/campaigns.js';
import { viewStatement } from './views/statement.js';
import { viewTokens } from './views/tokens.js';
import { viewDonors } from './views/donors.js';
import { viewEntry } from './views/entry.js';
import { viewApprovals } from './views/approvals.js';
import { viewBudget } from './views/budget.js';
import { viewPledges } from './views/pledges.js';
import { viewWebhooks } from './views/webhooks.js';

// First of all: a sign-in link's token leaves the address bar (and the history) at once.
let linkToken = takeTokenFromAddress();

const $main = document.getElementById('main');

/** The screens: their menu label, whether only admins may use them, and the view. */
const SCREENS = {
  dashboard: { key: 'nav_dashboard', view: viewDashboard, href: '#/' },
  donation: { key: 'nav_donation', view: viewDonation, href: '#/donation' },
  payout: { key: 'nav_payout', view: viewPayout, href: '#/payout' },
  transfer: { key: 'nav_transfer', view: viewTransfer, href: '#/transfer' },
  update: { key: 'nav_update', view: viewUpdate, href: '#/update' },
  approvals: { key: 'appr_nav', view: viewApprovals, href: '#/approvals' },
  reversal: { key: 'nav_reversal', view: viewReversal, href: '#/reversal' },
  statement: { key: 'nav_statement', view: viewStatement, href: '#/statement' },
  budget: { key: 'bud_nav', view: viewBudget, href: '#/budget' },
  pledges: { key: 'pl_nav', view: viewPledges, href: '#/pledges' },
  'campaign-open': {
    key: 'nav_campaign_open', view: viewCampaignOpen, href: '#/campaign-open', admin: true,
  },
  'campaign-close': {
    key: 'nav_campaign_close', view: viewCampaignClose, href: '#/campaign-close', admin: true,
  },
  tokens: {
    key: 'nav_tokens', view: viewTokens, href: '#/tokens', admin: true,
  },
  donors: {
    key: 'nav_donors', view: viewDonors, href: '#/donors', admin: true,
  },
  webhooks: {
    key: 'hook_nav', view: viewWebhooks, href: '#/webhooks', admin: true,
  },
  entry: { key: 'entry', view: viewEntry, hidden: true },
  missing: { key: 'not_found', view: viewMissing, hidden: true },
};

/** The screen the address asks for, and its parameters. */
function parseRoute() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [pathPart, query = ''] = raw.split('?');
  const parts = pathPart.split('/').filter(Boolean);
  const params = new URLSearchParams(query);
  const seq = /^\d{1,15}$/.test(params.get('seq') ?? '') ? Number(params.get('seq')) : undefined;
  const name = parts[0] ?? 'dashboard';
  if (name === 'entry') return /^\d{1,15}$/.test(parts[1] ?? '') ? { name, seq: Number(parts[1]) } : { name: 'missing' };
  if (!Object.hasOwn(SCREENS, name) || parts.length > 1) return { name: 'missing' };
  return { name, seq, id: params.get('id') ?? undefined };
}

let orgName = '';

/** The header: organisation, who is signed in, sign out, language, and the menu. */
function renderChrome() {
  document.documentElement.lang = lang();
  document.getElementById('brand').textContent = orgName || 'fundtrail';
  document.getElementById('console-name').textContent = t('console_name');
  document.getElementById('skip').textContent = t('skip');
  const sw = document.getElementById('lang');
  sw.textContent = t('lang_switch');
  sw.setAttribute('aria-label', t('lang_switch_label'));
  sw.setAttribute('lang', lang() === 'vi' ? 'en' : 'vi');
  const who = document.getElementById('who');
  const out = document.getElementById('signout');
  const nav = document.getElementById('nav');
  clear(who);
  clear(nav);
  const s = session();
  out.hidden = !s;
  out.textContent = t('signout');
  const menu = document.getElementById('menu');
  menu.hidden = !s;
  menu.textContent = t('menu');
  menu.setAttribute('aria-expanded', String(nav.classList.contains('open')));
  nav.hidden = !s;
  nav.setAttribute('aria-label', t('nav_label'));
  if (s) {
    who.append(t('signed_in_as', { name: s.staff.name, role: label('role', s.staff.role) }));
    const current = parseRoute().name;
    for (const [name, screen] of Object.entries(SCREENS)) {
      if (screen.hidden || (screen.admin && !isAdmin())) continue;
      nav.append(h('a', { href: screen.href, 'aria-current': current === name ? 'page' : undefined, 'data-nav': name }, t(screen.key)));
    }
  }
  document.getElementById('public-link').textContent = t('public_page_link');
  document.getElementById('public-link').href = publicUrl('#/');
}

async function viewMissing(out) {
  out.append(h('h1', {}, t('not_found')), h('p', {}, h('a', { href: '#/' }, t('back_dashboard'))));
}

async function viewAdminOnly(out) {
  out.append(h('h1', {}, t('admin_only_title')), h('p', {}, t('admin_only')), h('p', {}, h('a', { href: '#/' }, t('back_dashboard'))));
}

let renderToken = 0;

/** Shows the screen of the current address; of two navigations in a row, the later one wins. */
async function render() {
  const token = ++renderToken;
  renderChrome();
  if (!session()) {
    showSignIn('start');
    return;
  }
  const route = parseRoute();
  const screen = SCREENS[route.name];
  clear($main);
  $main.append(h('p', { class: 'loading', role: 'status' }, t('loading')));
  const out = h('div', { class: 'view', 'data-screen': route.name });
  try {
    // Most screens read only public routes: ask whether the session is still live, so that
    // an expired or revoked one is noticed on the next screen, not at the next "Record".
    if (!(await stillSignedIn())) return;
    await (screen.admin && !isAdmin() ? viewAdminOnly : screen.view)(out, route);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return; // the sign-in panel is shown
    out.append(message('bad', t('load_failed_staff', { error: errorText(e) }), h('button', { type: 'button', on: { click: render } }, t('retry'))));
  }
  if (token !== renderToken) return; // a newer navigation won
  clear($main);
  $main.append(out);
  document.title = `${t(screen.key)} · ${t('console_name')} · ${orgName || 'fundtrail'}`;
  const heading = out.querySelector('h1');
  if (heading && document.activeElement !== document.body) {
    heading.setAttribute('tabindex', '-1');
    heading.focus();
  }
}

/**
 * Whether the session is still live (GET /session; this use of it also keeps it from going
 * idle). When it is not, the sign-in panel is shown above the screen.
 */
async function stillSignedIn() {
  try {
    if (await resume()) return true;
  } catch {
    return true; // no answer: the screen's own requests will say what is wrong
  }
  sessionEnded();
  return false;
}

/** The sign-in panel in place of everything (no session). */
function showSignIn(why) {
  renderChrome();
  clear($main);
  $main.append(signInPanel(why, () => {
    renderChrome();
    render();
  }));
  document.title = `${t('signin_title')} · ${orgName || 'fundtrail'}`;
  $main.querySelector('input')?.focus();
}

/** The session ended while a screen was open: sign in above it, then go on where one was. */
function sessionEnded() {
  forget();
  renderChrome();
  if ($main.querySelector('.signin-panel')) return;
  const kept = [...$main.childNodes];
  for (const n of kept) {
    if (n.nodeType === Node.ELEMENT_NODE) n.hidden = true;
  }
  const panel = signInPanel('ended', () => {
    panel.remove();
    if (!kept.some((n) => n.nodeType === Node.ELEMENT_NODE && n.classList.contains('view'))) {
      render(); // the screen had not been drawn yet
      return;
    }
    for (const n of kept) {
      if (n.nodeType === Node.ELEMENT_NODE) n.hidden = false;
    }
    renderChrome();
    $main.querySelector('h1, h2')?.focus();
  });
  $main.prepend(panel);
  panel.querySelector('input')?.focus();
}

async function start() {
  try {
    orgName = (await getJson('info')).name;
  } catch {
    orgName = '';
  }
  try {
    if (linkToken) {
      const token = linkToken;
      linkToken = null;
      try {
        await signIn(token);
      } catch (e) {
        renderChrome();
        showSignIn(e instanceof ApiError && e.status === 401 ? 'bad_link' : 'start');
        if (!(e instanceof ApiError)) $main.prepend(message('bad', errorText(e)));
        return;
      }
    } else {
      await resume();
    }
  } catch (e) {
    clear($main);
    $main.append(message('bad', t('load_failed_staff', { error: errorText(e) }), h('button', { type: 'button', on: { click: start } }, t('retry'))));
    return;
  }
  render();
}

whenSessionLost(sessionEnded);
document.getElementById('lang').addEventListener('click', () => {
  setLang(lang() === 'vi' ? 'en' : 'vi');
  if (session()) render();
  else showSignIn('start');
});
document.getElementById('signout').addEventListener('click', async () => {
  try {
    await signOut();
    showSignIn('signed_out');
  } catch (e) {
    $main.prepend(message('bad', errorText(e)));
  }
});
// On a phone the menu folds away behind a button; choosing a screen folds it again.
document.getElementById('menu').addEventListener('click', (ev) => {
  const open = document.getElementById('nav').classList.toggle('open');
  ev.currentTarget.setAttribute('aria-expanded', String(open));
});
document.getElementById('nav').addEventListener('click', (ev) => {
  if (ev.target.closest('a')) {
    document.getElementById('nav').classList.remove('open');
    document.getElementById('menu').setAttribute('aria-expanded', 'false');
  }
});
document.getElementById('skip').addEventListener('click', (ev) => {
  ev.preventDefault();
  $main.focus();
});
window.addEventListener('hashchange', async () => {
  // A sign-in link opened in a tab that already shows the console.
  const token = takeTokenFromAddress();
  if (token) {
    try {
      await signIn(token);
    } catch (e) {
      showSignIn(e instanceof ApiError && e.status === 401 ? 'bad_link' : 'start');
      return;
    }
  }
  if (session()) render();
});
// Back to the tab after a while: say at once if the session ended meanwhile.
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && session()) stillSignedIn();
});
start();
