// Receipts as C2SP tlog-proof files (`.tlog-proof`; SPEC.md §12.1), read from the format
// description: a header line, the donation's leaf as `extra` (base64), its `index`, its
// inclusion proof (one base64 hash a line), an empty line, and the signed checkpoint with
// whatever cosignatures it has. Checking one is checking the JSON receipt it stands for
// (verifyReceipt): same leaf, same proof, same checkpoint, against the charity's key.

import { decodeUtf8, fromBase64, toHex } from './bytes.js';
import { VerifyError } from './errors.js';
import { leafHash } from './merkle.js';
import { readCheckpointUnverified } from './note.js';
import { RECEIPT_TYPE, receiptCode } from './receipt.js';

/** The first line of every tlog-proof file. */
export const TLOG_PROOF_HEADER = 'c2sp.org/tlog-proof@v1';

const malformed = (why) => new VerifyError('malformed', `tlog-proof: ${why}`);

/**
 * Parses a tlog-proof file's text: `{ extra, index, proof, checkpoint }` (`extra` bytes or
 * null, `proof` hex hashes). Throws VerifyError (code `malformed`) naming the line at fault.
 */
export function parseTlogProof(text) {
  const s = String(text);
  const split = s.indexOf('\n\n');
  if (split < 0) throw malformed('no empty line before the checkpoint');
  const lines = s.slice(0, split).split('\n');
  const checkpoint = s.slice(split + 2);
  if (lines.shift() !== TLOG_PROOF_HEADER) throw malformed(`the first line must be ${TLOG_PROOF_HEADER}`);
  let extra = null;
  if (lines.length > 0 && lines[0].startsWith('extra ')) {
    extra = fromBase64(lines.shift().slice(6));
    if (!extra) throw malformed('extra is not base64');
  }
  const m = /^index (0|[1-9][0-9]*)$/.exec(lines.shift() ?? '');
  if (!m || !Number.isSafeInteger(Number(m[1]))) throw malformed('expected `index <n>`');
  const proof = lines.map((line) => {
    const h = fromBase64(line);
    if (!h || h.length !== 32) throw malformed('a proof line is not a base64 hash');
    return toHex(h);
  });
  return {
    extra, index: Number(m[1]), proof, checkpoint,
  };
}

/**
 * The JSON receipt (without salt) the tlog-proof `text` stands for, naming `key` (the
 * charity's verifier key the caller will check it with): its size and root read from the
 * checkpoint, whose signature verifyReceipt then checks. Throws VerifyError when the file
 * is malformed or carries no leaf.
 */
export async function tlogProofReceipt(text, key) {
  const p = parseTlogProof(text);
  if (!p.extra) throw malformed('no extra line, so no entry to check (a fundtrail receipt carries its leaf as extra)');
  let leaf;
  try {
    leaf = decodeUtf8(p.extra);
  } catch {
    throw malformed('the extra data is not a UTF-8 leaf');
  }
  const hash = toHex(await leafHash(p.extra));
  const cp = readCheckpointUnverified(p.checkpoint);
  return {
    type: RECEIPT_TYPE,
    v: 1,
    seq: p.index,
    code: receiptCode(p.index, hash),
    leaf,
    leaf_hash: hash,
    proof: {
      index: p.index, size: cp.size, leaf_hash: hash, root: cp.root, proof: p.proof,
    },
    checkpoint: p.checkpoint,
    key: String(key ?? ''),
  };
}
