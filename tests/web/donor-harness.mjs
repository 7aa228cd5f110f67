// Shared plumbing of the public page's donor tests (tests/web/donor-*.e2e.test.mjs), on top of
// harness.mjs and staff-harness.mjs: every screen is opened in both languages on a 360 px
// phone and a 1280 px desktop, checked for overflow, CSP violations, console errors and
// serious or critical axe-core findings, and saved as a screenshot in target/e2e/donor/.

import fs from 'node:fs';
import path from 'node:path';
import { outDir } from './harness.mjs';
import {
  staffPage, axeProblems, cspViolations, VIEWPORTS, LOCALES,
} from './staff-harness.mjs';

export {
  until, axeMissing, axeProblems, VIEWPORTS, LOCALES,
} from './staff-harness.mjs';

/** Where the donor tests' screenshots go. */
export const donorShots = path.join(outDir, 'donor');

/** Every [lang, device] pair: English and Vietnamese, phone and desktop. */
export const EVERY_SCREEN = Object.keys(LOCALES).flatMap((lang) => Object.keys(VIEWPORTS).map((device) => [lang, device]));

/** A page in `lang` on `device` that records CSP violations, console errors and dialogs. */
export function donorPage(browser, base, lang, device, extra = {}) {
  return staffPage(browser, base, { locale: LOCALES[lang], viewport: VIEWPORTS[device], ...extra });
}

/** Saves a full-page screenshot as target/e2e/donor/`name`.png and returns its path. */
export async function donorShot(page, name) {
  fs.mkdirSync(donorShots, { recursive: true });
  const file = path.join(donorShots, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * What is wrong with the page as drawn: wider than `width`, CSP violations, serious or
 * critical axe findings, console errors (as lines; empty when nothing is).
 */
export async function screenProblems(page, problems, width) {
  const out = [];
  const scroll = await page.evaluate(() => document.scrollingElement.scrollWidth);
  if (scroll > width) out.push(`wider than the screen: ${scroll}px`);
  out.push(...(await cspViolations(page, problems)).map((v) => `CSP: ${v}`));
  out.push(...(await axeProblems(page)).map((v) => `axe: ${v}`));
  out.push(...problems.errors.filter((e) => !/Content Security Policy/.test(e)).map((e) => `console: ${e}`));
  return out;
}

/** The levels of the page's headings in order (h1 = 1), for checking that none is skipped. */
export function headingLevels(page) {
  return page.evaluate(() => [...document.querySelectorAll('main h1, main h2, main h3, main h4, main h5, main h6')]
    .filter((el) => el.getClientRects().length > 0 || el.closest('details'))
    .map((el) => Number(el.tagName[1])));
}

/** Whether `levels` start at 1, have one h1, and never go down more than one level at a time. */
export function headingOrderOk(levels) {
  if (levels[0] !== 1 || levels.filter((l) => l === 1).length !== 1) return false;
  return levels.every((l, i) => i === 0 || l <= levels[i - 1] + 1);
}

/** POSTs `body` as JSON to /api/v1`p` with `token`; returns the parsed answer (asserting `status`). */
export async function post(base, p, token, body, status = 201) {
  const r = await fetch(`${base}/api/v1${p}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await r.text();
  if (r.status !== status) throw new Error(`POST ${p}: HTTP ${r.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** Words of the page's own English labels that a Vietnamese screen must not show. */
const ENGLISH_CHROME = ['Anonymous', 'Entry ', 'Loading', 'Verified', 'Download', 'Something went wrong', 'Technical details', 'Reversed', 'Balance', 'Payments', 'Donations', 'Receipt', 'Not proved', 'Check this file', 'Show more', 'Campaign'];

/**
 * The page's own English words shown on a Vietnamese screen (ledger text, such as a
 * campaign's English title, is left out: it is not the page's to translate).
 */
export async function englishOnPage(page) {
  const text = await page.evaluate(() => {
    const clone = document.body.cloneNode(true);
    for (const el of clone.querySelectorAll('code, pre, .prewrap, [data-ledger], .receipt-org, h1, li.campaign h3 a, script, noscript')) el.remove();
    return clone.innerText ?? clone.textContent;
  });
  return ENGLISH_CHROME.filter((w) => text.includes(w));
}
