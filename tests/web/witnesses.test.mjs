// The JavaScript reading of tiles and witnesses (web/verify/tiles.js, witnesses.js; SPEC.md
// §13–§15), against notes, cosignatures and bundles made here with node:crypto from the C2SP
// texts alone (no fundtrail code makes them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import {
  indexPath, tilePath, decodeBundle, entriesFromTiles, parsePolicy, judgeCheckpoint,
  parseWitnessKey, cosignedAt,
} from '../../web/verify.js';

const b64 = (bytes) => Buffer.from(bytes).toString('base64');
const sha = (bytes) => crypto.createHash('sha256').update(bytes).digest();

/** An Ed25519 key: {sign(bytes), raw public key}. */
function keyPair() {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(12);
  return { raw, sign: (msg) => crypto.sign(null, Buffer.from(msg), privateKey) };
}

/** A vkey `name+id+base64(alg || key)` and the 4-byte id. */
function vkey(name, alg, raw) {
  const material = Buffer.concat([Buffer.from([alg]), raw]);
  const id = sha(Buffer.concat([Buffer.from(`${name}\n`), material])).subarray(0, 4);
  return { text: `${name}+${id.toString('hex')}+${b64(material)}`, id };
}

function logNote(log, body) {
  const k = vkey('log.example/ledger', 1, log.raw);
  const sig = Buffer.concat([k.id, log.sign(Buffer.from(body))]);
  return { note: `${body}\n\u2014 log.example/ledger ${b64(sig)}\n`, key: k.text };
}

function cosign(name, w, body, time) {
  const k = vkey(name, 4, w.raw);
  const stamp = Buffer.alloc(8);
  stamp.writeBigUInt64BE(BigInt(time));
  const sig = w.sign(Buffer.concat([Buffer.from(`cosignature/v1\ntime ${time}\n`), Buffer.from(body)]));
  return { line: `\u2014 ${name} ${b64(Buffer.concat([k.id, stamp, sig]))}\n`, key: k.text };
}

const BODY = `log.example/ledger\n5\n${b64(Buffer.alloc(32, 7))}\n`;

test('tile paths and entry bundles are read as tlog-tiles writes them', async () => {
  assert.equal(indexPath(1234067), 'x001/x234/067');
  assert.equal(indexPath(0), '000');
  assert.equal(tilePath('entries', 1, 3), 'tile/entries/001.p/3');
  assert.equal(tilePath(0, 1000, 256), 'tile/0/x001/000');
  const bundle = new Uint8Array([0, 2, 97, 98, 0, 1, 99]);
  assert.deepEqual(decodeBundle(bundle, 2).map((l) => Buffer.from(l).toString()), ['ab', 'c']);
  assert.throws(() => decodeBundle(bundle, 3), /truncated/);
  assert.throws(() => decodeBundle(bundle, 1), /after its last entry/);
  const pages = entriesFromTiles(async (p) => {
    assert.equal(p, 'tile/entries/000.p/2');
    return bundle;
  }, 2);
  assert.equal(Buffer.from(await pages(0)).toString(), 'ab\nc\n');
});

test('a two-of-three policy is met by two valid cosignatures and not by one', async () => {
  const log = keyPair();
  const ws = [keyPair(), keyPair(), keyPair()];
  const { note, key } = logNote(log, BODY);
  const c = ws.map((w, i) => cosign(`w${i}.example`, w, BODY, 1700000000 + i));
  const policy = await parsePolicy(`log ${key}\nwitness A ${c[0].key}\nwitness B ${c[1].key}\nwitness C ${c[2].key}\ngroup g 2 A B C\nquorum g\n`);
  const one = note + c[0].line;
  const two = one + c[2].line;

  const v1 = await judgeCheckpoint(one, policy);
  const v2 = await judgeCheckpoint(two, policy);

  assert.equal(v1.quorumMet, false);
  assert.equal(v2.quorumMet, true);
  assert.deepEqual(v2.witnesses.map((w) => w.at), [1700000000, null, 1700000002]);
  assert.equal(v2.checkpoint.size, 5);
});

test('a cosignature moved to another checkpoint or another time is refused', async () => {
  const w = keyPair();
  const c = cosign('w.example', w, BODY, 10);
  const key = await parseWitnessKey(c.key);
  const log = keyPair();
  const other = logNote(log, BODY.replace('\n5\n', '\n6\n')).note;
  await assert.rejects(cosignedAt(other + c.line, key), /does not verify/);
  const retimed = cosign('w.example', w, BODY, 11).line.split(' ')[2];
  const sig = Buffer.from(retimed, 'base64');
  sig[11] ^= 1;
  await assert.rejects(cosignedAt(`${logNote(log, BODY).note}\u2014 w.example ${b64(sig)}\n`, key), /does not verify/);
  assert.equal(await cosignedAt(logNote(log, BODY).note, key), null);
  await assert.rejects(parseWitnessKey(vkey('w.example', 1, w.raw).text), /not a cosignature\/v1 key/);
});

test('malformed policies are refused, naming the line', async () => {
  const w = vkey('w.example', 4, keyPair().raw).text;
  await assert.rejects(parsePolicy(`witness W ${w}\n`), /no quorum line/);
  await assert.rejects(parsePolicy(`quorum W\nwitness W ${w}\n`), /line 1/);
  await assert.rejects(parsePolicy(`witness W ${w}\ngroup g 2 W\nquorum g\n`), /threshold/);
  await assert.rejects(parsePolicy(`witness W ${w}\nquorum W\nquorum W\n`), /second quorum/);
  assert.equal((await parsePolicy('# nothing\nquorum none\n')).quorum, null);
});
