// Static checks of the public page's and the staff console's files: CSP-safe (no inline
// script or style, no eval), never HTML from data, both languages complete, every module
// reachable from an entry point (index.html, staff/index.html) with one-way imports, no
// browser storage in the console, and (with a built server binary) every file embedded and
// served with its content type under the strict CSP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { keysOf, LANGS, has as pageHas } from '../../web/i18n.js';
import { staffKeysOf } from '../../web/staff/i18n.js';
import { platformKeysOf, LANGS as PLATFORM_LANGS } from '../../web/platform/i18n.js';
import {
  webDir as web, webFiles, binPath, startDemo,
} from './harness.mjs';

const read = (f) => fs.readFileSync(path.join(web, f), 'utf8');
const scripts = () => webFiles().filter((f) => f.endsWith('.js'));

/** The modules `file` (relative to web/) imports or re-exports from, relative to web/. */
function importsOf(file) {
  const src = read(file);
  const out = [];
  for (const m of src.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s*'([^']+)'|^\s*import\s*'([^']+)'/gm)) {
    const spec = m[1] ?? m[2];
    assert.ok(spec.startsWith('./') || spec.startsWith('../'), `${file} imports ${spec}: only relative imports of web/ files`);
    out.push(path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)));
  }
  assert.ok(!/\bimport\s*\(/.test(src), `${file}: no dynamic import (every module is found from index.html)`);
  return out;
}

/** The HTML pages: the public page, the staff console and the platform page. */
const PAGES = ['index.html', 'staff/index.html', 'platform/index.html'];

/** The module scripts `html` (a page of web/) loads, relative to web/. */
function entryPoints(html) {
  const dir = path.posix.dirname(html);
  return [...read(html).matchAll(/<script type="module" src="([^"]+)"><\/script>/g)].map((m) => path.posix.join(dir, m[1]));
}

/** The modules `html` preloads, relative to web/. */
function preloadsOf(html) {
  const dir = path.posix.dirname(html);
  return [...read(html).matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => path.posix.normalize(path.posix.join(dir, m[1])));
}

/** The module workers the modules `files` start (`new Worker(new URL('./x.js', import.meta.url), ...)`), relative to web/. */
function workersOf(files) {
  const out = [];
  for (const f of files) {
    for (const m of read(f).matchAll(/new Worker\(new URL\('([^']+)', import\.meta\.url\)/g)) {
      out.push(path.posix.normalize(path.posix.join(path.posix.dirname(f), m[1])));
    }
  }
  return out;
}

/** Every module reached from `entries` through imports; asserts each is a file of web/. */
function reachedFrom(entries) {
  const files = new Set(webFiles());
  const reached = new Set();
  const todo = [...entries];
  while (todo.length > 0) {
    const f = todo.pop();
    if (reached.has(f)) continue;
    assert.ok(files.has(f), `${f} is imported but is not a file of web/`);
    reached.add(f);
    todo.push(...importsOf(f));
  }
  return reached;
}

test('the page has its files', () => {
  const files = webFiles();
  for (const f of [
    'app.js', 'i18n.js', 'index.html', 'style.css', 'verify.js', 'amount.js', 'history.js',
    'verify/bytes.js', 'verify/sha256.js', 'verify/merkle.js', 'verify/json.js', 'verify/entry.js', 'verify/state.js',
    'verify/totals.js', 'verify/note.js', 'verify/ed25519.js', 'verify/bundle.js',
    'views/dom.js', 'views/format.js', 'views/overview.js', 'views/campaign.js', 'views/entry.js', 'views/find.js', 'views/verify-page.js',
  ]) assert.ok(files.includes(f), f);
});

test('no HTML is built from strings, no eval, no inline handlers or styles', () => {
  assert.ok(scripts().length > 20, 'every module of web/ is checked');
  for (const f of scripts()) {
    const src = read(f);
    for (const bad of ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', 'eval(', 'new Function', 'setAttribute(\'style', '.style.']) {
      assert.ok(!src.includes(bad), `${f} uses ${bad}`);
    }
  }
  for (const page of PAGES) {
    const html = read(page);
    assert.ok(!/<script(?![^>]*\bsrc=)[^>]*>/.test(html), `${page}: no inline script`);
    assert.ok(!/<style/i.test(html), `${page}: no style element`);
    assert.ok(!/\sstyle=/i.test(html), `${page}: no style attribute`);
    assert.ok(!/\son[a-z]+=/i.test(html), `${page}: no inline event handler`);
    assert.ok(!/https?:\/\//.test(html), `${page}: no external resource`);
    assert.match(html, /<script type="module" src="app.js"><\/script>/, page);
  }
});

/** `src` (a module, stylesheet or page) without its comments, so prose may name any path. */
const withoutComments = (src) => src
  .replace(/<!--[\s\S]*?-->/g, '')
  .replace(/\/\*[\s\S]*?\*\//g, '')
  .replace(/(^|[\s;,(){}])\/\/.*$/gm, '$1');

/**
 * The absolute same-origin addresses in `src` (a file of web/): a string or attribute starting
 * with one of the server's top-level paths, a request or link whose address starts with `/`,
 * or the host's origin followed by `/`. Each would break the page served under a prefix.
 */
function absoluteAddresses(src) {
  const code = withoutComments(src);
  const patterns = [
    /['"`]\/(?:api|log|staff|widget|badge|registry|o|tiles|platform|static)(?:[/?#'"`]|$)/gm,
    /\b(?:fetch|URL|EventSource|Worker|SharedWorker|importScripts|assign|replace|open|sendBeacon)\(\s*['"`]\/(?!\/)/g,
    /\b(?:href|src|action|formaction|poster|data)\s*[=:]\s*['"`]\/(?!\/)/g,
    /\burl\(\s*['"]?\/(?!\/)/g,
    /location\.origin\s*\}?\s*(?:\+\s*['"`])?\//g,
  ];
  return patterns.flatMap((re) => [...code.matchAll(re)].map((m) => m[0]));
}

test('nothing in web/ names an absolute same-origin address: every request and link is relative to the site root (base.js), so the pages work under /o/<slug>/', () => {
  const files = webFiles().filter((f) => /\.(?:js|html|css)$/.test(f));
  assert.ok(files.length > 60, 'every page, module and stylesheet is checked');
  const found = files.flatMap((f) => absoluteAddresses(read(f)).map((a) => `${f}: ${a}`));
  assert.deepEqual(found, [], 'use url() of web/base.js (or a relative href) instead');
});

test('the check for absolute addresses catches each way of writing one', () => {
  for (const bad of [
    "fetch('/log/checkpoint')", 'fetch(`/api/v1/entries?start=${s}`)', "const API = '/api/v1';", 'new EventSource("/events")',
    "new URL('/log/', location.href)", '<a href="/api/v1/info">', "h('a', { href: '/staff/' })", "h('form', { action: '/x' })",
    '`${location.origin}/#/receipt/${c}`', "location.origin + '/x'", 'background: url(/i.png)',
  ]) assert.notDeepEqual(absoluteAddresses(bad), [], bad);
  for (const good of [
    "fetch(url('log/checkpoint'))", "getJSON('/campaigns')", '<a href="#/">', "h('a', { href: `#/entry/${n}` })",
    '// fetch(\'/api/v1/x\') in a comment', "new URL('//cdn', x)", '<link rel="stylesheet" href="style.css">',
  ]) assert.deepEqual(absoluteAddresses(good), [], good);
});

test('every module under web/ is imported from an entry point (or a worker it starts) and preloaded by its page, and every import is a file of web/', () => {
  const all = new Set();
  for (const page of PAGES) {
    const entries = entryPoints(page);
    assert.deepEqual(entries, [path.posix.join(path.posix.dirname(page), 'app.js')], page);
    const reached = reachedFrom(entries);
    for (const f of reached) all.add(f);
    // A worker's modules load in the worker (which may start workers of its own): the page
    // does not preload them.
    let workers = workersOf(reached);
    while (workers.length > 0) {
      const inWorkers = reachedFrom(workers);
      for (const f of inWorkers) all.add(f);
      workers = workersOf(inWorkers).filter((w) => !all.has(w));
    }
    // Each page preloads every module its entry point imports (no waterfall of import levels).
    assert.deepEqual(preloadsOf(page).sort(), [...reached].filter((f) => !entries.includes(f)).sort(), `${page}'s modulepreload links are the modules its app.js imports`);
  }
  assert.deepEqual(scripts().filter((f) => !all.has(f)), [], 'modules nothing imports');
});

test('the modules import one another one way: no cycles, nothing imports an app.js, the verifier imports no view, the public page imports nothing of the console', () => {
  const graph = new Map(scripts().map((f) => [f, importsOf(f)]));
  const state = new Map(); // file -> 'open' while its imports are walked, then 'done'
  const walk = (f, trail) => {
    if (state.get(f) === 'done') return;
    assert.notEqual(state.get(f), 'open', `import cycle: ${[...trail, f].join(' -> ')}`);
    state.set(f, 'open');
    for (const g of graph.get(f) ?? []) walk(g, [...trail, f]);
    state.set(f, 'done');
  };
  for (const f of graph.keys()) walk(f, []);
  for (const [f, deps] of graph) {
    assert.ok(!deps.includes('app.js') && !deps.includes('staff/app.js'), `${f} imports an app.js`);
    if (f === 'verify.js' || f.startsWith('verify/')) {
      // The independent verifier: its own modules and the currency table, nothing of the page.
      for (const d of deps) assert.ok(d === 'verify.js' || d.startsWith('verify/') || d === 'amount.js', `the verifier module ${f} imports ${d}`);
    }
    if (f.startsWith('verify/')) assert.ok(!deps.includes('verify.js'), `${f} imports the index verify.js (import the module itself)`);
    if (!f.startsWith('staff/')) {
      for (const d of deps) assert.ok(!d.startsWith('staff/'), `the public page's ${f} imports the console's ${d}`);
    }
    if (!f.startsWith('platform/')) {
      for (const d of deps) assert.ok(!d.startsWith('platform/'), `${f} imports the platform page's ${d}`);
    }
  }
});

test('the staff console keeps nothing in browser storage and reads no cookie (the token and the CSRF value stay in memory)', () => {
  const staff = scripts().filter((f) => f.startsWith('staff/'));
  assert.ok(staff.length > 10, 'every module of the console is checked');
  for (const f of staff) {
    const src = read(f);
    for (const bad of ['localStorage', 'sessionStorage', 'indexedDB', 'document.cookie', 'caches.', 'serviceWorker']) {
      assert.ok(!src.includes(bad), `${f} uses ${bad}`);
    }
  }
});

test('the console has a label in English and Vietnamese for every label it uses', () => {
  assert.deepEqual(staffKeysOf('vi').sort(), staffKeysOf('en').sort());
  const own = new Set(staffKeysOf('en'));
  const used = new Set();
  for (const f of scripts().filter((x) => x.startsWith('staff/'))) {
    for (const m of read(f).matchAll(/\bt\(\s*'([a-z0-9_]+)'/g)) used.add(m[1]);
  }
  assert.ok(used.size > 200, `${used.size} labels found`);
  assert.deepEqual([...used].filter((k) => !own.has(k) && !pageHas(k)), [], 'labels used but defined nowhere');
});

test('the platform page has a label in English and Vietnamese for every label it uses, and loads none of the public page\'s long tables', () => {
  assert.deepEqual(PLATFORM_LANGS, ['en', 'vi']);
  assert.deepEqual(platformKeysOf('vi').sort(), platformKeysOf('en').sort());
  const own = new Set(platformKeysOf('en'));
  const used = new Set();
  const files = scripts().filter((x) => x.startsWith('platform/'));
  for (const f of files) {
    for (const m of read(f).matchAll(/\bt\(\s*[`']([a-z0-9_]+)/g)) used.add(m[1]);
    assert.ok(!importsOf(f).some((d) => d === 'i18n.js' || d.startsWith('strings-')), `${f} imports the public page's strings`);
  }
  assert.ok(used.size > 30, `${used.size} labels found`);
  // A key built from a prefix (`pf_kind_${kind}`) needs some label under that prefix.
  const defined = (k) => (k.endsWith('_') ? [...own].some((o) => o.startsWith(k)) : own.has(k));
  assert.deepEqual([...used].filter((k) => !defined(k)), [], 'labels used but not defined');
});

test('English and Vietnamese have the same labels', () => {
  assert.deepEqual(LANGS, ['en', 'vi']);
  assert.deepEqual(keysOf('vi').sort(), keysOf('en').sort());
  assert.ok(keysOf('en').length > 100);
});

// The server binary embeds web/ (src/http/web.rs): every file, subfolders included, must be
// served as it is on disk, with its content type and the strict CSP.
const noBinary = fs.existsSync(binPath) ? false : `no server binary at ${binPath} (build it: cargo build)`;
if (noBinary) console.log(`# SKIP serving checks: ${noBinary}`);
let demo = null;
before(async () => {
  if (!noBinary) demo = await startDemo({ tmpPrefix: 'fundtrail-static-' });
});
after(async () => {
  if (demo) await demo.stop();
});

test('the server serves every file of web/ with its content type, under a CSP without inline script', { skip: noBinary }, async () => {
  const types = {
    '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml',
  };
  for (const f of webFiles()) {
    const r = await fetch(`${demo.base}/${f}`);
    assert.equal(r.status, 200, f);
    assert.equal(r.headers.get('content-type'), types[path.extname(f)], f);
    const csp = r.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'self'/, f);
    assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'), `${f}: ${csp}`);
    assert.ok(
      Buffer.from(await r.arrayBuffer()).equals(fs.readFileSync(path.join(web, f))),
      `the server binary embeds an older web/${f}: rebuild it (cargo build)`,
    );
  }
  const missing = await fetch(`${demo.base}/views/nothing-here.js`);
  assert.equal(missing.status, 404);
});

test('the server serves the staff console at /staff/ (its index.html, under the same CSP)', { skip: noBinary }, async () => {
  const r = await fetch(`${demo.base}/staff/`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.match(r.headers.get('content-security-policy') ?? '', /default-src 'self'/);
  assert.ok(Buffer.from(await r.arrayBuffer()).equals(fs.readFileSync(path.join(web, 'staff', 'index.html'))));
});
