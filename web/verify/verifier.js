// The streaming verifier (SPEC.md §9): leaves in order, each decoded and checked (entry.js),
// applied to the ledger state (state.js) and added to the Merkle tree (merkle.js); at the end,
// the signed checkpoint must cover exactly these entries and the claimed totals must be theirs.

import { toHex, utf8 } from './bytes.js';
import { VerifyError, entryError } from './errors.js';
import { decodeLeaf } from './entry.js';
import { leafHashSync, CompactTree } from './merkle.js';
import { LedgerState, InvariantError } from './state.js';
import { Budgets } from './budget.js';
import { Pledges } from './pledge.js';
import { Registry } from './registry.js';
import { totalsOf, checkTotals } from './totals.js';
import { verifyCheckpoint } from './note.js';
import { KeyChain } from './rotation.js';

/** Checks a ledger one leaf at a time, in O(log n) memory besides the state's campaigns. */
export class Verifier {
  constructor() {
    this.state = new LedgerState();
    this.budgets = new Budgets();
    this.pledges = new Pledges();
    this.registry = new Registry();
    this.tree = new CompactTree();
    this.checkpoints = new Map(); // size -> callback(rootHex) to check a prefix root
    this.lastEntry = null; // the entry checkLeafSync checked last
    this.rotations = []; // the key.rotate entries: {seq, prev, body} (SPEC.md §23)
  }

  get size() {
    return this.state.size;
  }

  /**
   * Checks the next leaf (bytes or string): canonical form, fields, seq, prev link, time
   * order and every invariant; then adds it to the tree and the totals. Returns
   * {entry, hash (hex)}. Throws VerifyError naming the entry number.
   */
  async pushLeaf(leaf) {
    return this.pushLeafSync(leaf);
  }

  /**
   * pushLeaf without a promise, for loops over many leaves. `decoded`, when given, must be
   * the leaf's bytes decoded as UTF-8 (decodeUtf8(leaf)), as splitLeafTexts gives it.
   */
  pushLeafSync(leaf, decoded) {
    const hash = this.checkLeafSync(leaf, decoded);
    return { entry: this.lastEntry, hash: toHex(hash) };
  }

  /**
   * pushLeafSync without its answer (the entry stays in `lastEntry`): the same checks, with
   * nothing built for a caller that only wants the verdict. Returns the leaf hash (32 bytes).
   */
  checkLeafSync(leaf, decoded) {
    const seq = this.state.size;
    const bytes = typeof leaf === 'string' ? utf8(leaf) : leaf;
    let entry;
    try {
      entry = decodeLeaf(bytes, typeof leaf === 'string' ? undefined : decoded);
    } catch (e) {
      if (e instanceof VerifyError) throw entryError(seq, e.code, e.message, { field: e.field });
      throw e;
    }
    const hash = leafHashSync(bytes);
    this.applyDecoded(seq, entry, hash);
    this.lastEntry = entry;
    return hash;
  }

  /**
   * pushLeafSync for a leaf decoded elsewhere (a worker running decodeLeaf and leafHashSync on
   * it, see verify-decoder.js): `entry` is decodeLeaf's result and `hash` the leaf hash
   * (32 bytes). Checks seq, the prev link, time order and every invariant, then adds it to
   * the tree and the totals, exactly as pushLeafSync does after decoding. Returns the hash in hex.
   */
  pushDecodedSync(entry, hash) {
    this.applyDecoded(this.state.size, entry, hash);
    return toHex(hash);
  }

  /** The checks of entry `seq` after its decoding; then the entry added to the state and the tree. */
  applyDecoded(seq, entry, hash) {
    try {
      this.state.apply(entry, hash);
      // SPEC.md §18, §19: after the ledger rules of §7.
      this.budgets.apply(entry);
      this.pledges.apply(entry);
      // SPEC.md §22: a platform registry's rules.
      this.registry.apply(entry);
    } catch (e) {
      if (e instanceof InvariantError) {
        const { code, message, ...extra } = e;
        throw entryError(seq, code, e.message, extra);
      }
      throw e;
    }
    if (entry.kind === 'key.rotate') this.rotations.push({ seq, prev: entry.prev, body: entry.body });
    this.tree.push(hash);
  }

  rootSync() {
    return toHex(this.tree.rootSync());
  }

  async root() {
    return this.rootSync();
  }

  totals() {
    return totalsOf(this.state);
  }

  /**
   * The chain of keys from `firstKey` through every rotation so far (SPEC.md §23); throws the
   * VerifyError of a malformed key or of the first rotation the key in force did not sign.
   */
  async keysFrom(firstKey) {
    const chain = await KeyChain.startingWith(firstKey);
    for (const r of this.rotations) await chain.apply(r.seq, r.prev, r.body);
    return chain;
  }

  /**
   * Finishes: when `checkpoint` = {note, key} is given (`key` the ledger's first key), checks
   * every key rotation from that key, verifies the checkpoint with the key in force and checks
   * it covers exactly these entries; when `claimed` totals are given, compares them.
   * Returns {size, root, checkpoint, totals, keys ([{from, key}], with a checkpoint)}.
   */
  async finish(checkpoint, claimed) {
    const root = await this.root();
    const size = this.state.size;
    let cp = null;
    let keys = [];
    if (checkpoint) {
      const chain = await this.keysFrom(checkpoint.key);
      keys = chain.keys;
      cp = await verifyCheckpoint(checkpoint.note, chain.inForce());
      if (cp.size !== size) {
        throw new VerifyError('checkpoint_size', `checkpoint: covers ${cp.size} entries, but the ledger has ${size}`, { checkpointSize: cp.size, entries: size });
      }
      if (cp.root !== root) {
        throw new VerifyError('root_mismatch', `checkpoint: root ${cp.root} does not match the root of the ${size} entries, ${root}`, { claimedRoot: cp.root, computedRoot: root });
      }
    }
    const totals = totalsOf(this.state);
    if (claimed) checkTotals(claimed, totals);
    return {
      size, root, checkpoint: cp, totals, budgets: this.budgets, pledges: this.pledges, registry: this.registry, keys,
    };
  }
}
