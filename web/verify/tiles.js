// C2SP tlog-tiles (SPEC.md §13), read from the specification: tile paths (`<N>` in groups of
// three digits, all but the last prefixed with `x`) and entry bundles (each leaf after its
// length as a big-endian u16), turned into the pages of newline-ended leaves the verifier
// reads (answers.js's verifyServedLedger), so a ledger can be verified from static files.

import { concat } from './bytes.js';
import { VerifyError } from './errors.js';

/** Leaves (and hashes) in a full tile. */
export const TILE_WIDTH = 256;

/** `<N>` as path groups: 1234067 -> "x001/x234/067". */
export function indexPath(n) {
  let rest = BigInt(n);
  const groups = [String(rest % 1000n).padStart(3, '0')];
  rest /= 1000n;
  while (rest > 0n) {
    groups.unshift(`x${String(rest % 1000n).padStart(3, '0')}`);
    rest /= 1000n;
  }
  return groups.join('/');
}

/** The path of a tile: `level` a number, or 'entries' for an entry bundle. */
export function tilePath(level, index, width) {
  const base = `tile/${level}/${indexPath(index)}`;
  return width === TILE_WIDTH ? base : `${base}.p/${width}`;
}

/** The `width` leaves of an entry bundle (Uint8Array views). */
export function decodeBundle(bytes, width) {
  const leaves = [];
  let at = 0;
  while (leaves.length < width) {
    if (at + 2 > bytes.length) throw new VerifyError('tiles', `entry bundle is truncated after ${leaves.length} of ${width} entries`);
    const len = (bytes[at] << 8) | bytes[at + 1];
    if (at + 2 + len > bytes.length) throw new VerifyError('tiles', `entry bundle is truncated after ${leaves.length} of ${width} entries`);
    leaves.push(bytes.subarray(at + 2, at + 2 + len));
    at += 2 + len;
  }
  if (at !== bytes.length) throw new VerifyError('tiles', `entry bundle has ${bytes.length - at} bytes after its last entry`);
  return leaves;
}

/**
 * A `fetchEntries(start, count)` for verifyServedLedger (with pageSize TILE_WIDTH) that reads
 * the entry bundles of the tree of `size` leaves through `getTile(path)` (bytes of a file
 * under the tiles prefix).
 */
export function entriesFromTiles(getTile, size) {
  return async (start) => {
    const index = Math.floor(start / TILE_WIDTH);
    const width = Math.min(TILE_WIDTH, size - index * TILE_WIDTH);
    const bytes = await getTile(tilePath('entries', index, width));
    const leaves = decodeBundle(bytes, width);
    const nl = new Uint8Array([10]);
    return concat(...leaves.flatMap((l) => [l, nl]));
  };
}
