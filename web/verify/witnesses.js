// Witness cosignatures (C2SP tlog-cosignature, Ed25519 cosignature/v1; SPEC.md §14) and
// witness policies (C2SP tlog-policy; SPEC.md §15), written from the specs, sharing no code
// with the server.
//
// A cosignature line is `— <name> base64(keyid || u64 timestamp || signature)`; the key id is
// SHA-256(name || "\n" || 0x04 || key)[:4]; the signature is over
// "cosignature/v1\ntime <t>\n" followed by the checkpoint body.

import {
  concat, fromBase64, toHex, utf8,
} from './bytes.js';
import { sha256 } from './sha256.js';
import { ed25519Verify } from './ed25519.js';
import { VerifyError } from './errors.js';
import { verifyCheckpoint } from './note.js';

const policyError = (line, why) => new VerifyError('policy', `policy line ${line}: ${why}`);

/** Parses a witness key `name+hexid+base64(0x04 || 32-byte key)`, checking its id. */
export async function parseWitnessKey(vkey) {
  const bad = (why) => new VerifyError('key', `malformed witness key ${JSON.stringify(vkey)}: ${why}`);
  const k = String(vkey).trim();
  const p1 = k.indexOf('+');
  const p2 = p1 < 0 ? -1 : k.indexOf('+', p1 + 1);
  if (p2 < 0) throw bad('expected name+keyid+key');
  const name = k.slice(0, p1);
  const id = k.slice(p1 + 1, p2);
  const raw = fromBase64(k.slice(p2 + 1));
  if (name === '' || /[\s+]/.test(name)) throw bad('bad name');
  if (!/^[0-9a-fA-F]{8}$/.test(id)) throw bad('key id is not 8 hex digits');
  if (!raw || raw.length !== 33 || raw[0] !== 4) throw bad('not a cosignature/v1 key');
  const h = await sha256(concat(utf8(`${name}\n`), raw));
  if (toHex(h.slice(0, 4)) !== id.toLowerCase()) throw bad('key id does not match the key');
  return { name, keyId: id.toLowerCase(), publicKey: raw.slice(1), text: k };
}

/**
 * The time (seconds, as a Number) of `key`'s cosignature on the signed note `note`, or null
 * when the note has no line by it. Throws VerifyError when its line does not verify.
 */
export async function cosignedAt(note, key) {
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new VerifyError('checkpoint', 'checkpoint: not a well-formed signed note');
  const body = note.slice(0, split + 1);
  const lines = note.slice(split + 2).split('\n').filter((l) => l !== '');
  for (const line of lines) {
    if (!line.startsWith('\u2014 ')) continue;
    const rest = line.slice(2);
    const sp = rest.indexOf(' ');
    if (sp < 0 || rest.slice(0, sp) !== key.name) continue;
    const sig = fromBase64(rest.slice(sp + 1));
    if (!sig || sig.length < 4 || toHex(sig.slice(0, 4)) !== key.keyId) continue;
    const bad = () => new VerifyError('cosignature', `the cosignature of ${key.name} does not verify`);
    if (sig.length !== 4 + 8 + 64) throw bad();
    const view = new DataView(sig.buffer, sig.byteOffset + 4, 8);
    const time = view.getBigUint64(0);
    if (time > (1n << 63n) - 1n) throw bad();
    const message = concat(utf8(`cosignature/v1\ntime ${time}\n`), utf8(body));
    if (!(await ed25519Verify(key.publicKey, sig.slice(12), message))) throw bad();
    return Number(time);
  }
  return null;
}

/** Parses a tlog-policy file's text: {logs, witnesses, groups, quorum}. */
export async function parsePolicy(text) {
  const logs = [];
  const witnesses = [];
  const groups = [];
  const names = new Map(); // name -> {kind: 'witness'|'group', index}
  let quorum;
  const lines = String(text).split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const n = i + 1;
    const words = lines[i].split(/[ \t]+/).filter((w) => w !== '');
    if (words.length === 0 || words[0].startsWith('#')) continue;
    const define = (name, value) => {
      if (name === 'none') throw policyError(n, '`none` cannot name a witness or group');
      if (names.has(name)) throw policyError(n, `${name} is defined twice`);
      names.set(name, value);
    };
    const lookup = (name) => {
      if (!names.has(name)) throw policyError(n, `${name} is not a witness or group defined above`);
      return names.get(name);
    };
    const [kind, ...rest] = words;
    if (kind === 'log' && (rest.length === 1 || rest.length === 2)) {
      logs.push({ key: rest[0], url: rest[1] || null });
    } else if (kind === 'witness' && (rest.length === 2 || rest.length === 3)) {
      const key = await parseWitnessKey(rest[1]);
      define(rest[0], { kind: 'witness', index: witnesses.length });
      witnesses.push({ name: rest[0], key, url: rest[2] || null });
    } else if (kind === 'group' && rest.length >= 3) {
      const [name, threshold, ...members] = rest;
      if (new Set(members).size !== members.length) throw policyError(n, `group ${name} lists a member twice`);
      const resolved = members.map(lookup);
      let k;
      if (threshold === 'all') k = members.length;
      else if (threshold === 'any') k = 1;
      else if (/^[1-9][0-9]*$/.test(threshold) && Number(threshold) <= members.length) k = Number(threshold);
      else throw policyError(n, `group ${name}: threshold must be all, any or 1 to ${members.length}`);
      define(name, { kind: 'group', index: groups.length });
      groups.push({ name, threshold: k, members: resolved });
    } else if (kind === 'quorum' && rest.length === 1) {
      if (quorum !== undefined) throw policyError(n, 'a second quorum line');
      quorum = rest[0] === 'none' ? null : lookup(rest[0]);
    } else {
      throw policyError(n, `expected log, witness, group or quorum with their values, found ${JSON.stringify(kind)}`);
    }
  }
  if (quorum === undefined) throw new VerifyError('policy', 'policy: no quorum line');
  return {
    logs, witnesses, groups, quorum,
  };
}

function witnessed(policy, member, signed) {
  if (member.kind === 'witness') return signed[member.index];
  const g = policy.groups[member.index];
  return g.members.filter((m) => witnessed(policy, m, signed)).length >= g.threshold;
}

/**
 * Judges the signed checkpoint `note` by `policy`: it must verify with one of the policy's
 * log keys (else VerifyError). Returns {checkpoint, logKey, witnesses: [{name, at}],
 * quorumMet}, `at` in seconds or null.
 */
export async function judgeCheckpoint(note, policy) {
  let checkpoint = null;
  let logKey = null;
  for (const log of policy.logs) {
    try {
      // eslint-disable-next-line no-await-in-loop
      checkpoint = await verifyCheckpoint(note, log.key);
      logKey = log.key;
      break;
    } catch {
      // another log key of the policy may sign it
    }
  }
  if (!checkpoint) throw new VerifyError('policy', 'checkpoint: not signed by any log key of the policy');
  const result = [];
  for (const w of policy.witnesses) {
    // eslint-disable-next-line no-await-in-loop
    result.push({ name: w.name, at: await cosignedAt(note, w.key) });
  }
  const signed = result.map((w) => w.at !== null);
  const quorumMet = policy.quorum === null ? true : witnessed(policy, policy.quorum, signed);
  return {
    checkpoint, logKey, witnesses: result, quorumMet,
  };
}
