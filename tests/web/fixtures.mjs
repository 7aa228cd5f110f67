// Test helpers: build small ledgers, signed checkpoints and bundles with WebCrypto, using the
// format's rules directly (canonical JSON, RFC 6962 hashing, C2SP signed notes).
import {
  canonicalize, leafHash, rootOf, toHex, toBase64, sha256, utf8, hashFromHex,
} from '../../web/verify.js';

const subtle = globalThis.crypto.subtle;

export async function makeKey(name) {
  const pair = await subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']);
  const pub = new Uint8Array(await subtle.exportKey('raw', pair.publicKey));
  const raw = new Uint8Array(33);
  raw[0] = 1;
  raw.set(pub, 1);
  const idBytes = (await sha256(new Uint8Array([...utf8(`${name}\n`), ...raw]))).slice(0, 4);
  const vkey = `${name}+${toHex(idBytes)}+${toBase64(raw)}`;
  return { name, vkey, idBytes, privateKey: pair.privateKey };
}

export async function signNote(key, text) {
  const sig = new Uint8Array(await subtle.sign({ name: 'Ed25519' }, key.privateKey, utf8(text)));
  const blob = new Uint8Array(68);
  blob.set(key.idBytes, 0);
  blob.set(sig, 4);
  return `${text}\n\u2014 ${key.name} ${toBase64(blob)}\n`;
}

export async function checkpoint(key, size, rootHex) {
  return signNote(key, `${key.name}\n${size}\n${toBase64(hashFromHex(rootHex))}\n`);
}

/** The leaf (string) of an entry. */
export function leafOf(seq, prev, kind, body, recordedAt, recordedBy = 'lan') {
  return canonicalize({
    body, kind, prev, recorded_at: recordedAt, recorded_by: recordedBy, seq, v: 1,
  });
}

/** Builds leaves from [{kind, body}] with correct seq, prev and increasing times. */
export async function buildLeaves(items) {
  const leaves = [];
  const hashes = [];
  let prev = '0'.repeat(64);
  for (let i = 0; i < items.length; i++) {
    const it = items[i];
    const t = it.recorded_at ?? `2026-11-${String(1 + Math.floor(i / 24)).padStart(2, '0')}T${String(i % 24).padStart(2, '0')}:00:00.000000Z`;
    const leaf = it.leaf ?? leafOf(i, prev, it.kind, it.body, t);
    const h = toHex(await leafHash(leaf));
    leaves.push(leaf);
    hashes.push(h);
    prev = h;
  }
  return { leaves, hashes };
}

export async function bundleOf(key, leaves) {
  const hashes = [];
  for (const l of leaves) hashes.push(await leafHash(l));
  const root = toHex(await rootOf(hashes));
  const note = await checkpoint(key, leaves.length, root);
  return {
    text: `fundtrail-bundle v1\nkey ${key.vkey}\n\n${leaves.map((l) => `${l}\n`).join('')}\n${note}`,
    root,
    note,
  };
}

export const OPEN = {
  accounts: [{ bank: 'Vietcombank', holder: 'Quỹ Từ Thiện', number: '0123456789' }],
  currency: 'VND',
  goal: '100000000',
  id: 'flood-2026',
  purpose: 'Rice and clean water for flooded villages',
  title: 'Flood relief 2026',
};

export function donation(amount, extra = {}) {
  return {
    amount: String(amount),
    campaign: 'flood-2026',
    channel: 'bank_transfer',
    currency: 'VND',
    donor: 'Nguyễn Văn A',
    received_at: '2026-11-01',
    reference: `FT${amount}`,
    ...extra,
  };
}

export function disbursement(amount, extra = {}) {
  return {
    amount: String(amount),
    campaign: 'flood-2026',
    currency: 'VND',
    evidence: [{
      media_type: 'application/pdf', name: 'invoice.pdf', sha256: 'ab'.repeat(32), size: 12345,
    }],
    paid_at: '2026-11-02',
    purpose: 'Rice',
    recipient: 'Công ty Gạo',
    ...extra,
  };
}

/** A small valid ledger exercising every kind. */
export function sampleItems() {
  return [
    { kind: 'campaign.open', body: OPEN },
    {
      kind: 'campaign.open',
      body: {
        accounts: [], currency: 'VND', id: 'school-2026', purpose: 'Books', title: 'School books',
      },
    },
    { kind: 'donation', body: donation(500000) },
    { kind: 'donation', body: donation(250000, { donor: '<img src=x onerror=alert(1)>', memo: 'line\nbreak' }) },
    { kind: 'donation', body: donation(1000, { channel: 'in_kind', in_kind: { description: '10 bags of rice' }, reference: undefined }) },
    { kind: 'disbursement', body: disbursement(300000) },
    {
      kind: 'transfer',
      body: {
        amount: '100000', currency: 'VND', from: 'flood-2026', reason: 'Surplus', to: 'school-2026',
      },
    },
    { kind: 'reversal', body: { reason: 'duplicate', reverses: 3 } },
    { kind: 'campaign.close', body: { campaign: 'school-2026', note: 'Done' } },
  ].map((it) => ({ ...it, body: JSON.parse(JSON.stringify(it.body)) }));
}

const largestPowerOfTwoBelow = (n) => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};

/** The RFC 6962 inclusion proof (hex) of leaf `m` among the leaf hashes `hashes` (bytes). */
export async function inclusionProof(hashes, m) {
  if (hashes.length <= 1) return [];
  const k = largestPowerOfTwoBelow(hashes.length);
  if (m < k) return [...await inclusionProof(hashes.slice(0, k), m), toHex(await rootOf(hashes.slice(k)))];
  return [...await inclusionProof(hashes.slice(k), m - k), toHex(await rootOf(hashes.slice(0, k)))];
}

/** The RFC 6962 consistency proof (hex) from the first `m` of the leaf hashes `hashes`. */
export async function consistencyProof(hashes, m, complete = true) {
  if (m === hashes.length) return complete ? [] : [toHex(await rootOf(hashes))];
  const k = largestPowerOfTwoBelow(hashes.length);
  if (m <= k) return [...await consistencyProof(hashes.slice(0, k), m, complete), toHex(await rootOf(hashes.slice(k)))];
  return [...await consistencyProof(hashes.slice(k), m - k, false), toHex(await rootOf(hashes.slice(0, k)))];
}
