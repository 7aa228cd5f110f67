//! The spec's companion files, each byte for byte what the core generates and deciding every
//! case as SPEC.md says: the currency appendix (`SPEC-currencies.md`) and the vectors of
//! single leaves, signed checkpoints and edge bundles under `tests/vectors/`. The JavaScript
//! verifier is tested against the same files (`tests/web/spec.test.mjs`).
//! `FUNDTRAIL_WRITE_VECTORS=1 cargo test -p fundtrail-ledger --test spec` rewrites them all.

mod approval;
mod budgets;
mod checkpoints;
mod companion;
mod currencies;
mod donor_statements;
mod edge;
mod identifiers;
mod leaves;
mod registry;
mod rotation;
mod statements;
mod updates;
