// A stand-in for a platform server (SPEC.md §24) for the platform page's browser tests: a
// loopback node server answering the platform API of the contract with two organisations and
// a real registry (entries signed and proved with tests/web/fixtures.mjs), and serving the
// page as a platform serves it: the files of web/ at their own paths (the platform page at
// /platform/, where `/` leads), under the server's own Content-Security-Policy.
//
// Used where the real platform server is not built; the tests against `fundtrail platform
// serve` use the same page.

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { webDir, MIME } from './harness.mjs';
import {
  makeKey, checkpoint, buildLeaves, inclusionProof,
} from './fixtures.mjs';
import { toHex, rootOf, hashFromHex } from '../../web/verify.js';
import { normaliseBank as sameBankKey, normaliseNumber as sameNumberKey } from '../../web/verify/registry.js';

/** The server's Content-Security-Policy (src/http/mod.rs CONTENT_SECURITY_POLICY). */
export const CSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/** The stub's organisations, as GET /api/v1/platform/orgs lists them (without `registered_seq`). */
export const ORGS = [
  {
    slug: 'hoi-chu-thap-do', name: 'Hội Chữ thập đỏ xã Hòa Phước', kind: 'local_authority', status: 'active',
    accounts: [{ bank: 'Vietcombank', holder: 'HOI CHU THAP DO XA HOA PHUOC', number: '0041000123456' }],
  },
  {
    slug: 'quy-ban-mai', name: 'Quỹ Ban Mai', kind: 'ngo', status: 'suspended',
    accounts: [{ bank: 'BIDV', holder: 'QUY BAN MAI', number: '12010000777888' }],
  },
];

/** The stub's campaigns, by organisation. */
export const CAMPAIGNS = [
  {
    org: 'hoi-chu-thap-do', id: 'lu-quang-nam-2026', title: 'Lũ lụt Quảng Nam 2026', purpose: 'Gạo, nước sạch và sửa nhà cho các hộ ở Quảng Nam', currency: 'VND', open: true, accounts: ['0041000123456'],
  },
  {
    org: 'hoi-chu-thap-do', id: 'truong-hoc', title: 'School roofs after the storm', purpose: 'New roofs for two schools in Hòa Phước', currency: 'VND', open: true, accounts: ['0041000123456'],
  },
  {
    org: 'quy-ban-mai', id: 'mo-mat', title: 'Cataract surgery', purpose: 'Eye operations for elderly people in Huế', currency: 'VND', open: true, accounts: ['12010000777888'],
  },
];

/** Text folded for search: lower case, Vietnamese accents removed. */
const fold = (s) => String(s).normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'd')
  .toLowerCase();

/** Answers `res` with JSON. */
function json(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json', 'content-security-policy': CSP }).end(JSON.stringify(body));
}

/** The file of web/ a platform serves at `pathname` (a folder's index.html), or null. */
function fileAt(pathname) {
  const rel = decodeURIComponent(pathname.slice(1));
  const file = path.join(webDir, rel.endsWith('/') || rel === '' ? `${rel}index.html` : rel);
  return file.startsWith(webDir) && fs.existsSync(file) && fs.statSync(file).isFile() ? file : null;
}

/**
 * Starts the stub on a free loopback port. `tamper` (an account number) makes the registry
 * proof of that account's answer name a changed leaf. Returns `{ base, registryKey, asked,
 * stop() }`; `asked` lists every path requested.
 */
export async function startPlatformStub({ tamper = '' } = {}) {
  const key = await makeKey('platform.test/registry');
  const orgKeys = {};
  for (const o of ORGS) orgKeys[o.slug] = (await makeKey(`platform.test/o/${o.slug}`)).vkey;
  const items = ORGS.map((o) => ({
    kind: 'org.register',
    body: {
      accounts: o.accounts, checks: { registration_number: `${o.slug}-001` }, kind: o.kind, name: o.name, origin: `platform.test/o/${o.slug}`, slug: o.slug, verifier_key: orgKeys[o.slug],
    },
  }));
  items.push({ kind: 'org.suspend', body: { org: 'quy-ban-mai', reason: 'documents being checked' } });
  const { leaves, hashes } = await buildLeaves(items);
  const bytes = hashes.map(hashFromHex);
  const root = toHex(await rootOf(bytes));
  const note = await checkpoint(key, hashes.length, root);
  const asked = [];

  const checkAccount = async (q) => {
    const number = q.get('number') ?? '';
    const bank = q.get('bank') ?? '';
    if (sameNumberKey(number) === '') return [400, { error: { code: 'invalid_field', message: 'number: required', field: 'number' } }];
    const i = ORGS.findIndex((o) => o.accounts.some((a) => sameNumberKey(a.number) === sameNumberKey(number) && (!bank || sameBankKey(a.bank) === sameBankKey(bank))));
    if (i < 0) return [200, { registered: false }];
    const o = ORGS[i];
    const leaf = sameNumberKey(number) === sameNumberKey(tamper) ? leaves[i].replace(o.name, 'Someone else') : leaves[i];
    return [200, {
      registered: true,
      org: { slug: o.slug, name: o.name, status: o.status },
      campaigns: CAMPAIGNS.filter((c) => c.org === o.slug && c.accounts.some((n) => sameNumberKey(n) === sameNumberKey(number))).map((c) => ({
        id: c.id, title: c.title, open: c.open, url: `/o/${c.org}/#/campaign/${c.id}`,
      })),
      registry: {
        seq: i, leaf, proof: await inclusionProof(bytes, i), size: hashes.length, root, checkpoint: note,
      },
    }];
  };

  const server = http.createServer(async (req, res) => {
    const u = new URL(req.url, 'http://stub');
    asked.push(u.pathname + u.search);
    if (u.pathname === '/api/v1/platform') {
      json(res, 200, {
        name: 'Nền tảng minh bạch', origin: 'platform.test/registry', verifier_key: key.vkey, registry: '/registry/',
      });
    } else if (u.pathname === '/api/v1/platform/orgs') {
      json(res, 200, {
        orgs: ORGS.map((o, i) => ({
          ...o, origin: `platform.test/o/${o.slug}`, verifier_key: orgKeys[o.slug], url: `/o/${o.slug}/`, registered_seq: i,
        })),
      });
    } else if (u.pathname === '/api/v1/platform/check-account') {
      const [status, body] = await checkAccount(u.searchParams);
      json(res, status, body);
    } else if (u.pathname === '/api/v1/platform/campaigns') {
      const q = fold(u.searchParams.get('q') ?? '');
      const active = new Set(ORGS.filter((o) => o.status === 'active').map((o) => o.slug));
      const names = Object.fromEntries(ORGS.map((o) => [o.slug, o.name]));
      const found = CAMPAIGNS.filter((c) => active.has(c.org) && c.open)
        .filter((c) => !q || [c.title, c.purpose, names[c.org]].some((s) => fold(s).includes(q)))
        .map((c) => ({
          org: c.org, org_name: names[c.org], id: c.id, title: c.title, purpose: c.purpose, currency: c.currency, open: c.open, url: `/o/${c.org}/#/campaign/${c.id}`,
        }));
      json(res, 200, { campaigns: found });
    } else if (u.pathname === '/') {
      res.writeHead(303, { location: '/platform/' }).end();
    } else if (u.pathname.startsWith('/api/')) {
      json(res, 404, { error: { code: 'not_found', message: 'no such API route' } });
    } else {
      const file = fileAt(u.pathname);
      if (!file) {
        res.writeHead(404, { 'content-type': 'text/plain', 'content-security-policy': CSP }).end('not found');
        return;
      }
      res.writeHead(200, { 'content-type': MIME[path.extname(file)] ?? 'application/octet-stream', 'content-security-policy': CSP, 'cache-control': 'no-cache' });
      res.end(fs.readFileSync(file));
    }
  });
  await new Promise((resolve) => { server.listen(0, '127.0.0.1', resolve); });
  return {
    base: `http://127.0.0.1:${server.address().port}`,
    registryKey: key.vkey,
    asked,
    stop: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(resolve);
    }),
  };
}
