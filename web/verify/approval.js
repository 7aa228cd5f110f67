// Two-person approval of payments (SPEC.md §17), written apart from the Rust core: the field
// rules of the `approval.policy` body, of the `approval` key of disbursements and transfers
// and of the rule a `campaign.open` may declare, and the rules in force as entries are
// applied in order. A payment of at least a rule's threshold needs that many distinct
// approvers other than its proposer; a campaign's rule and the ledger-wide rule of its
// currency both apply, the stricter deciding. No dependencies but the field and state errors.

export const MAX_APPROVERS = 20;

const SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;

function approvers(FieldError, field, n, least) {
  if (typeof n !== 'number' || n < least || n > MAX_APPROVERS) throw new FieldError(field, `must be ${least} to ${MAX_APPROVERS}`);
}

function staffId(FieldError, field, id) {
  if (!SLUG.test(id)) {
    throw new FieldError(field, `${JSON.stringify(id)} is not a staff id (1-64 lower-case letters, digits or '-', such as staff-3)`);
  }
}

/** The field rules of a payment's `approval` key (SPEC.md §17.2), in the Rust core's order. */
export function validateApproval(FieldError, a) {
  staffId(FieldError, 'approval.proposed_by', a.proposed_by);
  const n = a.approved_by.length;
  if (n === 0 || n > MAX_APPROVERS) throw new FieldError('approval.approved_by', `must list 1 to ${MAX_APPROVERS} approvers`);
  a.approved_by.forEach((id, i) => {
    staffId(FieldError, 'approval.approved_by', id);
    if (a.approved_by.slice(0, i).includes(id)) throw new FieldError('approval.approved_by', `lists ${id} twice`);
    if (id === a.proposed_by) throw new FieldError('approval.approved_by', `${id} proposed this payment and cannot approve it too`);
  });
}

/** The field rules of a campaign.open's `approval` key (SPEC.md §17.1). */
export function validateOpeningRule(FieldError, r) {
  approvers(FieldError, 'approval.approvers', r.approvers, 1);
}

/** The field rules of an `approval.policy` body (SPEC.md §17.1). */
export function validatePolicy(FieldError, b, longText) {
  approvers(FieldError, 'approvers', b.approvers, 0);
  if (b.campaign !== undefined && !SLUG.test(b.campaign)) {
    throw new FieldError('campaign', "must be 1-64 lower-case letters, digits or '-', starting with a letter or digit");
  }
  if (b.note !== undefined) longText('note', b.note);
}

/** The rule `approvers` and `threshold` declare at entry `since`, or null when it asks for none. */
export function ruleOf(approvers, threshold, since) {
  return approvers > 0 ? { approvers, threshold: BigInt(threshold), since } : null;
}

function distinctApprovers(a) {
  if (!a) return 0;
  return new Set(a.approved_by.filter((id) => id !== a.proposed_by)).size;
}

/**
 * Checks a payment of `amount` (BigInt) in `currency` against its campaign's rule and the
 * ledger-wide rule of its currency (either may be null); throws `makeError(code, message)`.
 */
export function checkPayment(campaignRule, ledgerRule, amount, currency, approval, makeError) {
  let best = null;
  for (const r of [campaignRule, ledgerRule]) {
    const n = r && amount >= r.threshold ? r.approvers : 0;
    if (n > 0 && (!best || n > best.n)) best = { n, rule: r };
  }
  if (!best) return;
  const what = `approval: a payment of ${amount} minor units of ${currency} needs ${best.n}`;
  if (!approval) {
    throw makeError('approval_required', `${what} approvers other than its proposer under the rule of entry ${best.rule.since}, and names none`);
  }
  const got = distinctApprovers(approval);
  if (got < best.n) {
    throw makeError('too_few_approvers', `${what} distinct approvers other than its proposer under the rule of entry ${best.rule.since}, and names ${got}`);
  }
}
