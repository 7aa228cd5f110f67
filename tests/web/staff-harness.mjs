// Shared plumbing of the staff console's browser tests (tests/web/staff-*.e2e.test.mjs), on top
// of harness.mjs: the console's address, signing a page in (with a sign-in link or a pasted
// token), reading the ledger through the API, running axe-core under the strict CSP, watching
// for CSP violations, and screenshots into target/e2e/staff/.

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { outDir, openPage, startDemo } from './harness.mjs';

/** Where the console's screenshots go. */
export const shotDir = path.join(outDir, 'staff');
/** A phone and a desktop. */
export const VIEWPORTS = { phone: { width: 360, height: 740 }, desktop: { width: 1280, height: 900 } };
/** Both languages, as browser locales. */
export const LOCALES = { en: 'en-US', vi: 'vi-VN' };

let axeSource = null;
try {
  axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
} catch {
  axeSource = null;
}
/** Why axe-core cannot run (the npm package is missing), or null. */
export const axeMissing = axeSource ? null : 'the npm package axe-core is not installed (run: npm install)';

/**
 * Starts `fundtrail demo` for console tests (with its recorder and admin tokens): every page,
 * context and API check of a test comes from the one loopback address, so the per-address
 * read and connection limits, which a real browser never meets, are lifted. `args` are more
 * arguments of `fundtrail demo`.
 */
export function startStaffDemo(tmpPrefix, args = []) {
  return startDemo({
    tmpPrefix, recorderToken: true, args: ['--max-connections-per-address', '0', '--read-limit', '0', ...args],
  });
}

/**
 * The console's address on `base`: `/staff/`, or `/staff/index.html` while a server does not
 * serve the folder's index at `/staff/` (which the static tests report).
 */
export async function consoleUrl(base) {
  const r = await fetch(`${base}/staff/`);
  return r.ok ? `${base}/staff/` : `${base}/staff/index.html`;
}

/** A sign-in link made for `/staff/`, pointed at the console's address `url`. */
export const linkFor = (url, token) => `${url}#token=${token}`;

/**
 * A new page (locale and viewport as given) that records CSP violations, console errors and
 * dialogs in `problems` ({ dialogs, errors, csp }).
 */
export async function staffPage(browser, base, opts = {}) {
  const opened = await openPage(browser, base, opts);
  opened.problems.csp = [];
  await opened.context.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return opened;
}

/** The CSP violations the page has seen (and console errors mentioning the policy). */
export async function cspViolations(page, problems) {
  const seen = await page.evaluate(() => window.cspViolations ?? []);
  return [...seen, ...problems.errors.filter((e) => /Content Security Policy/i.test(e))];
}

/** Polls `check()` every 50 ms until it returns a truthy value (or throws after `ms`). */
export async function until(check, what, ms = 10_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => { setTimeout(r, 50); });
  }
}

/** Signs `page` in by opening a personal sign-in link, and waits for the dashboard. */
export async function signInByLink(page, url, token) {
  await page.goto(linkFor(url, token));
  await page.waitForSelector('[data-screen="dashboard"]');
}

/** Signs `page` in by pasting `token` on the console's sign-in panel. */
export async function signInByPaste(page, url, token) {
  await page.goto(url);
  await page.waitForSelector('#signin-form input[type=password]');
  await page.fill('#signin-form input[type=password]', token);
  await page.click('#signin-form button[type=submit]');
  await page.waitForSelector('[data-screen="dashboard"]');
}

/** Opens screen `hash` (e.g. `#/donation`) of a signed-in page and waits until it is drawn. */
export async function openScreen(page, url, hash, name) {
  await page.goto(`${url}${hash}`);
  await page.waitForSelector(`[data-screen="${name}"]`);
}

/** GET `p` (under /api/v1) as JSON, with `token` when given. */
export async function api(base, p, token) {
  const r = await fetch(`${base}/api/v1${p}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  assert.ok(r.ok, `${p}: HTTP ${r.status}`);
  return r.json();
}

/** The ledger's size now. */
export const ledgerSize = async (base) => (await api(base, '/info')).size;

/** The donations whose reference is `ref`. */
/** The entries whose bank reference is `ref` exactly (search also answers longer references containing it). */
export const byReference = async (base, ref) => (await api(base, `/search?reference=${encodeURIComponent(ref)}`))
  .results.filter((r) => r.entry.body.reference === ref);

/**
 * Runs axe-core on the page (injected through the DevTools protocol, so the page's CSP, which
 * forbids inline script, is not weakened) and returns its serious and critical violations as
 * `rule: target` lines.
 */
export async function axeProblems(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')), help: v.help }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}: ${v.help}): ${v.targets.slice(0, 3).join(', ')}`);
}

/** Saves a full-page screenshot as target/e2e/staff/`name`.png. */
export async function shot(page, name) {
  fs.mkdirSync(shotDir, { recursive: true });
  await page.screenshot({ path: path.join(shotDir, `${name}.png`), fullPage: true });
}

/** The text of the field error shown for the field named `name` (or '' when there is none). */
export async function fieldError(page, name) {
  const el = page.locator(`[data-field="${name}"] .field-error`).first();
  if ((await el.count()) === 0 || !(await el.isVisible())) return '';
  return (await el.textContent()) ?? '';
}
