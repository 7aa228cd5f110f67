// The hashing helper of "Verify everything" on a machine of two cores (verify-worker.js starts
// it, through verify-parallel.js's startHasher): the leaf hashes of a page, computed on the
// other core while the verifying worker checks the page before it. It computes only what
// verify.js's leafHashSync would from the same bytes; every check stays with the verifier.
// Messages:
//
//   in:  { id, bytes }   (a page of newline-ended leaves, as /api/v1/entries answers)
//   out: { id, hashes }  (32 bytes per leaf, in order, transferred; null if the page does not
//                         split into leaves, which the verifier then reports itself)

import { hashPageSync } from './verify-parallel.js';

globalThis.onmessage = ({ data: { id, bytes } }) => {
  const hashes = hashPageSync(bytes);
  postMessage({ id, hashes }, hashes ? [hashes.buffer] : []);
};
