// Writes a valid bundle of N entries (not part of the test suite; run it by hand), for the
// browser benchmark of "Verify everything" on a large ledger:
//
//   node tests/web/make-bundle.mjs OUT.txt [N]      (N defaults to 1000000)
//   fundtrail import --data DIR OUT.txt            (the ledger the server then serves)
//
// The ledger: three campaigns (two VND, one USD), then donations with a Vietnamese donor name,
// a bank reference and a memo, and a disbursement every 20th entry (mean leaf about 340
// bytes, as benches/verify.rs builds). Leaves are canonical JSON (web/verify.js's
// canonicalize), leaf hashes and the RFC 6962 root are computed with node:crypto, and the
// checkpoint is signed with a new Ed25519 key (tests/web/fixtures.mjs).

import crypto from 'node:crypto';
import fs from 'node:fs';
import { canonicalize } from '../../web/verify.js';
import { makeKey, checkpoint } from './fixtures.mjs';

const [out, countText = '1000000'] = process.argv.slice(2);
if (!out) {
  console.error('usage: node tests/web/make-bundle.mjs OUT.txt [N]');
  process.exit(2);
}
const n = Number(countText);
const key = await makeKey('bench.fundtrail.example');

const leafHash = (leaf) => crypto.createHash('sha256').update(Buffer.from([0])).update(leaf).digest();
const nodeHash = (l, r) => crypto.createHash('sha256').update(Buffer.from([1])).update(l).update(r).digest();

/** The RFC 6962 root of a stream of leaf hashes, kept as a stack of perfect subtrees. */
class Tree {
  constructor() { this.stack = []; } // [{ size, hash }]

  push(hash) {
    let item = { size: 1, hash };
    while (this.stack.length && this.stack[this.stack.length - 1].size === item.size) {
      const left = this.stack.pop();
      item = { size: left.size * 2, hash: nodeHash(left.hash, item.hash) };
    }
    this.stack.push(item);
  }

  root() {
    let hash = null;
    for (let i = this.stack.length - 1; i >= 0; i--) hash = hash ? nodeHash(this.stack[i].hash, hash) : this.stack[i].hash;
    return hash ?? crypto.createHash('sha256').digest();
  }
}

const campaigns = [
  { id: 'flood-2026', currency: 'VND', title: 'Flood relief 2026', amount: () => String(50000 + (Math.floor(Math.random() * 40) * 5000)) },
  { id: 'school-2026', currency: 'VND', title: 'School books 2026', amount: () => String(100000 + (Math.floor(Math.random() * 20) * 10000)) },
  { id: 'water-usd', currency: 'USD', title: 'Clean water', amount: () => String(500 + Math.floor(Math.random() * 10000)) },
];
const DONORS = ['Nguyễn Văn An', 'Trần Thị Bích', 'Lê Hoàng Minh', 'Phạm Thu Hà', 'Anonymous', 'Võ Quốc Bảo'];
const start = Date.UTC(2026, 0, 1);
const stamp = (i) => `${new Date(start + i * 20).toISOString().slice(0, 23)}000Z`;

const fd = fs.openSync(out, 'w');
let buffer = [];
const flush = () => {
  fs.writeSync(fd, buffer.join(''));
  buffer = [];
};
buffer.push(`fundtrail-bundle v1\nkey ${key.vkey}\n\n`);
const tree = new Tree();
let prev = '0'.repeat(64);
const t0 = Date.now();
for (let seq = 0; seq < n; seq++) {
  let kind;
  let body;
  if (seq < campaigns.length) {
    const c = campaigns[seq];
    kind = 'campaign.open';
    body = {
      accounts: [{ bank: 'Vietcombank', holder: 'Quỹ Cứu trợ Cộng đồng', number: '0071001234567' }], currency: c.currency, id: c.id, purpose: `Purpose of ${c.title}`, title: c.title,
    };
  } else {
    const c = campaigns[seq % campaigns.length];
    const day = stamp(seq).slice(0, 10);
    if (seq % 20 === 0) {
      kind = 'disbursement';
      body = {
        amount: c.currency === 'USD' ? '100' : '10000', campaign: c.id, currency: c.currency, evidence: [], paid_at: day, purpose: 'Rice and clean water for 12 families', recipient: 'Hợp tác xã Nghĩa Hành',
      };
    } else {
      kind = 'donation';
      body = {
        amount: c.amount(), campaign: c.id, channel: 'bank_transfer', currency: c.currency, donor: DONORS[seq % DONORS.length], memo: `Ủng hộ ${c.id} đợt ${seq % 97}`, received_at: day, reference: `FT${String(26000000000 + seq)}`,
      };
    }
  }
  const leaf = canonicalize({
    body, kind, prev, recorded_at: stamp(seq), recorded_by: 'bench', seq, v: 1,
  });
  const hash = leafHash(leaf);
  tree.push(hash);
  prev = hash.toString('hex');
  buffer.push(leaf, '\n');
  if (buffer.length >= 20000) flush();
}
const root = tree.root().toString('hex');
buffer.push('\n', await checkpoint(key, n, root));
flush();
fs.closeSync(fd);
console.log(`wrote ${n} entries to ${out} (${(fs.statSync(out).size / 1e6).toFixed(1)} MB, root ${root}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
