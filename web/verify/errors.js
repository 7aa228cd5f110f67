// The verifier's one error type, VerifyError: a `code` a caller can act on (the page turns it
// into words with i18n.js's `err_<code>` labels) and a message in plain English. The codes
// name the check that failed in the verification procedure of SPEC.md §9.

/** Any verification failure. `seq` is set when one entry is at fault. */
export class VerifyError extends Error {
  constructor(code, message, extra = {}) {
    super(message);
    this.name = 'VerifyError';
    this.code = code;
    Object.assign(this, extra);
  }
}

/** The VerifyError of entry `seq`: its message starts with "entry <seq>: ". */
export function entryError(seq, code, problem, extra = {}) {
  return new VerifyError(code, `entry ${seq}: ${problem}`, { seq, problem, ...extra });
}
