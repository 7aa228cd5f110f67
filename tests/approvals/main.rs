//! Two-person approval of payments (SPEC.md §17) through the HTTP API, against a real
//! server on a loopback port: the rule in force refuses a covered payment recorded
//! directly, a proposal appends only once enough other staff approve it, the proposer
//! cannot approve their own payment, a rejection appends nothing, two approvers at once
//! append it once, a rule change applies from its seq on, and a bundle with a skipped
//! approval is caught by `fundtrail verify` with the entry's number.

#[path = "../helpers/mod.rs"]
mod helpers;

mod api;
mod in_force;
mod retries;
mod verify;
