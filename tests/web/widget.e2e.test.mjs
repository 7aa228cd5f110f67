// The embeddable widget and badge (SPEC.md §20.4) as another site shows them, in Chromium:
// a page served from a second loopback origin frames `/widget/flood-2026` and shows
// `/badge/flood-2026.svg` as an image; the widget draws the campaign's title and progress in
// the asked language at a phone's and a desktop's width, and the public page itself refuses to
// be framed there (`frame-ancestors 'none'`). Screenshots in target/e2e/donor/.
//
// Needs Chromium, playwright-core and a built server binary (tests/web/harness.mjs); skipped
// with the reason when one is missing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { skipReason, launchBrowser, shutDown, startDemo } from './harness.mjs';
import { VIEWPORTS, donorShot, until } from './donor-harness.mjs';

const skip = skipReason || false;
if (skipReason) console.log(`# SKIP widget tests: ${skipReason}`);

let demo = null;
let browser = null;
let other = null;
let otherBase = '';

/** Another site on another loopback port: one page framing the widget and the public page. */
function otherSite(base, lang) {
  const html = `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>A partner's site</title></head>
<body><h1>Flood appeal</h1>
<iframe id="widget" title="widget" src="${base}/widget/flood-2026?lang=${lang}" width="320" height="200"></iframe>
<p><img id="badge" alt="badge" src="${base}/badge/flood-2026.svg?lang=${lang}"></p>
<iframe id="page" title="page" src="${base}/" width="320" height="120"></iframe>
</body></html>`;
  return html;
}

before(async () => {
  if (skipReason) return;
  demo = await startDemo({ tmpPrefix: 'fundtrail-widget-' });
  other = http.createServer((req, res) => {
    const lang = new URL(req.url, 'http://x').searchParams.get('lang') || 'en';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(otherSite(demo.base, lang));
  });
  await new Promise((r) => { other.listen(0, '127.0.0.1', r); });
  otherBase = `http://127.0.0.1:${other.address().port}`;
  browser = await launchBrowser();
});

after(async () => {
  if (other) await new Promise((r) => { other.close(r); });
  await shutDown(browser, demo);
});

for (const [lang, raised] of [['en', /raised/i], ['vi', /quyên góp/i]]) {
  for (const device of Object.keys(VIEWPORTS)) {
    test(`another site frames the widget in ${lang} on a ${device} and shows the badge, but not the public page`, { skip }, async () => {
      const context = await browser.newContext({ viewport: VIEWPORTS[device] });
      const page = await context.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));

      await page.goto(`${otherBase}/?lang=${lang}`);
      const widget = page.frameLocator('#widget');
      await widget.locator('body').waitFor();
      const text = await widget.locator('body').textContent();
      await until(async () => page.evaluate(() => document.getElementById('badge').naturalWidth > 0), 'the badge image');
      await donorShot(page, `widget-${lang}-${device}`);

      assert.match(text, /Central Vietnam flood relief 2026/);
      assert.match(text, raised);
      assert.match(text, /%/);
      const scripts = await widget.locator('script:not([type="application/ld+json"])').count();
      assert.equal(scripts, 0, 'the widget runs no script');
      const framedPage = page.frames().find((f) => f.url().startsWith(`${demo.base}/`) && !f.url().includes('/widget/'));
      const pageText = framedPage ? await framedPage.evaluate(() => document.body?.innerText ?? '').catch(() => '') : '';
      assert.ok(!/Community Relief Fund/.test(pageText), 'the public page is not drawn inside another site');
      assert.deepEqual(errors, []);
      await context.close();
    });
  }
}
