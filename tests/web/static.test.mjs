// Static checks of the public page's files: CSP-safe (no inline script or style, no eval),
// never HTML from data, both languages complete, every module reachable from the page's entry
// point with one-way imports, and (with a built server binary) every file embedded and served
// with its content type under the strict CSP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { keysOf, LANGS } from '../../web/i18n.js';
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

/** The page's entry points: the module scripts index.html loads. */
function entryPoints() {
  return [...read('index.html').matchAll(/<script type="module" src="([^"]+)"><\/script>/g)].map((m) => m[1]);
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
  const html = read('index.html');
  assert.ok(!/<script(?![^>]*\bsrc=)[^>]*>/.test(html), 'no inline script');
  assert.ok(!/<style/i.test(html), 'no style element');
  assert.ok(!/\sstyle=/i.test(html), 'no style attribute');
  assert.ok(!/\son[a-z]+=/i.test(html), 'no inline event handler');
  assert.ok(!/https?:\/\//.test(html), 'no external resource');
  assert.match(html, /<script type="module" src="app.js"><\/script>/);
});

test('every module under web/ is imported from the page\'s entry point and preloaded by index.html, and every import is a file of web/', () => {
  const files = new Set(webFiles());
  const reached = new Set();
  const todo = entryPoints();
  assert.deepEqual(todo, ['app.js']);
  while (todo.length > 0) {
    const f = todo.pop();
    if (reached.has(f)) continue;
    assert.ok(files.has(f), `${f} is imported but is not a file of web/`);
    reached.add(f);
    todo.push(...importsOf(f));
  }
  assert.deepEqual(scripts().filter((f) => !reached.has(f)), [], 'modules nothing imports');
  // index.html preloads every module the entry point imports (no waterfall of import levels).
  const preloaded = [...read('index.html').matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]).sort();
  assert.deepEqual(preloaded, [...reached].filter((f) => f !== 'app.js').sort(), 'index.html\'s modulepreload links are the modules app.js imports');
});

test('the modules import one another one way: no cycles, nothing imports app.js, the verifier imports no view', () => {
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
    assert.ok(!deps.includes('app.js'), `${f} imports app.js`);
    if (f === 'verify.js' || f.startsWith('verify/')) {
      // The independent verifier: its own modules and the currency table, nothing of the page.
      for (const d of deps) assert.ok(d === 'verify.js' || d.startsWith('verify/') || d === 'amount.js', `the verifier module ${f} imports ${d}`);
    }
    if (f.startsWith('verify/')) assert.ok(!deps.includes('verify.js'), `${f} imports the index verify.js (import the module itself)`);
  }
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
