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

/** Checks a ledger one leaf at a time, in O(log n) memory besides the state's campaigns. */
export class Verifier {
  constructor() {
    this.state = new LedgerState();
    this.budgets = new Budgets();
    this.pledges = new Pledges();
    this.registry = new Registry();
    this.tree = new CompactTree();
    this.checkpoints = new Map(); // size -> callback(rootHex) to check a prefix root
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
    const hex = toHex(hash);
    try {
      this.state.apply(entry, hex);
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
    this.tree.push(hash);
    return { entry, hash: hex };
  }

  /**
   * pushLeafSync for a leaf decoded elsewhere (a worker running decodeLeaf and leafHashSync on
   * it, see verify-decoder.js): `entry` is decodeLeaf's result and `hash` the leaf hash
   * (32 bytes). Checks seq, the prev link, time order and every invariant, then adds it to
   * the tree and the totals, exactly as pushLeafSync does after decoding.
   */
  pushDecodedSync(entry, hash) {
    const seq = this.state.size;
    const hex = toHex(hash);
    try {
      this.state.apply(entry, hex);
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
    this.tree.push(hash);
    return hex;
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
   * Finishes: when `checkpoint` = {note, key} is given, verifies it and checks it covers
   * exactly these entries; when `claimed` totals are given, compares them.
   * Returns {size, root, checkpoint, totals}.
   */
  async finish(checkpoint, claimed) {
    const root = await this.root();
    const size = this.state.size;
    let cp = null;
    if (checkpoint) {
      cp = await verifyCheckpoint(checkpoint.note, checkpoint.key);
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
      size, root, checkpoint: cp, totals, budgets: this.budgets, pledges: this.pledges, registry: this.registry,
    };
  }
}
