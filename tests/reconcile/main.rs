//! Bank statements reconciled with the ledger (SPEC.md §16), through the real binary: a
//! three-month, two-account ledger with every kind of difference, a clean one, and published
//! lines changed after the fact. The ledgers are built in memory (`books`), their bundles and
//! published lines written to a temporary folder, and `fundtrail verify` reads them.

#[path = "../helpers/mod.rs"]
mod helpers;

mod api;
mod atomic;
mod books;
mod cli_import;
mod demo;
mod file_import;
mod formats;
mod scenario;
mod streaming;
mod vectors;
