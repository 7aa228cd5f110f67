// fundtrail independent verifier: the one entry point to the modules of verify/.
//
// Pure functions over bytes, usable from the browser and from Node >= 20. It shares no code
// with the server: it re-implements, from the format description (SPEC.md), the canonical leaf
// form, the entry rules, the hash chain, the RFC 6962 Merkle tree and its proofs, C2SP
// signed-note checkpoints with Ed25519, the published totals, receipts and fork proof files.
// Money is BigInt throughout. SHA-256 and Ed25519 come from WebCrypto (globalThis.crypto.subtle),
// with JavaScript fallbacks where WebCrypto is slow (leaf and node hashes) or lacking (Ed25519).
//
// Importers use this file. The modules behind it import one another, never this file, in one
// direction, from the bottom up: errors, bytes, json, state (no imports); sha256; merkle,
// ed25519, fields, totals; budget, pledge; note, entry; verifier; bundle, receipt, fork, tiles,
// witnesses; tlog-proof; answers.

export { VerifyError } from './verify/errors.js';
export {
  utf8, decodeUtf8, toHex, hashFromHex, toBase64, fromBase64,
} from './verify/bytes.js';
export { sha256, sha256Sync, sha256Hex } from './verify/sha256.js';
export {
  leafHashSync, nodeHashSync, leafHash, nodeHash, emptyRoot, CompactTree, rootOf,
  verifyInclusion, verifyConsistency, prefixRootFromInclusion,
} from './verify/merkle.js';
// The currency table and money formatting live in amount.js (shared with the staff console).
export { CURRENCIES, formatMinor as formatMoney } from './amount.js';
export { canonicalize } from './verify/json.js';
export { isSlug, isDate, isRecordedAt } from './verify/fields.js';
export { KINDS, decodeLeaf, decodeStatementLine } from './verify/entry.js';
export { Reconciler, decodeStatementLines, statementLinesRoot } from './verify/reconcile.js';
export { LedgerState } from './verify/state.js';
export { parseTotal, totalsOf, checkTotals } from './verify/totals.js';
export { ed25519Verify, setEd25519, ed25519VerifyFallback } from './verify/ed25519.js';
export {
  parseVerifierKey, readCheckpointUnverified, verifyCheckpoint, verifyNote,
} from './verify/note.js';
export { Verifier } from './verify/verifier.js';
export {
  ORG_KINDS, RESERVED_SLUGS, Registry, accountKey, isOrgSlug, normaliseBank, normaliseNumber,
} from './verify/registry.js';
export {
  KeyChain, rotationMessage, isVerifierKeyText, ROTATION_MAGIC,
} from './verify/rotation.js';
export {
  BUNDLE_MAGIC, verifyBundle, splitLeafTexts, splitLeaves,
} from './verify/bundle.js';
export {
  RECEIPT_TYPE, receiptCode, parseReceiptCode, donorCommitment, verifyReceipt,
} from './verify/receipt.js';
export { STATEMENT_TYPE, giftTotalsOf, verifyDonorStatement } from './verify/donor-statement.js';
export {
  FORK_PROOF_FORMAT, forkProof, checkForkProof, forkProofText,
} from './verify/fork.js';
export { TLOG_PROOF_HEADER, parseTlogProof, tlogProofReceipt } from './verify/tlog-proof.js';
export {
  verifyPublishedCheckpoint, verifyEntryAnswer, verifyServedLedger,
} from './verify/answers.js';
export {
  TILE_WIDTH, indexPath, tilePath, decodeBundle, entriesFromTiles,
} from './verify/tiles.js';
export {
  parseWitnessKey, cosignedAt, parsePolicy, judgeCheckpoint,
} from './verify/witnesses.js';
