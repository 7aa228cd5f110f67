// Receipt codes as donors type them: `r 12 ab12cd34`, `R-12-AB12CD34` and `R-12-ab12cd34`
// are the same code. No dependencies.

/**
 * The receipt code `R-<seq>-<8 lower-case hex digits>` that `text` spells (case, spaces and
 * dashes forgiven), or null when it is not one.
 */
export function normalReceiptCode(text) {
  const m = /^r[\s-]*(0|[1-9]\d{0,15})[\s-]+([0-9a-f]{8})$/i.exec(String(text ?? '').trim());
  if (!m || !Number.isSafeInteger(Number(m[1]))) return null;
  return `R-${m[1]}-${m[2].toLowerCase()}`;
}
