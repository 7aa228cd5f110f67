//! The offline verifier and the bundle commands of the `fundtrail` binary, run as a separate
//! process against ledgers written by real servers: `verify` (a bundle, a data folder, a
//! server `--since` a kept checkpoint), `verify-fork`, `verify-receipt`, `export` and
//! `import`, with their exit codes. Commands that belong to a feature with its own area
//! (`import-statement`, `export csv|iati`, `donor`, `token`) are tested there.

#[path = "../helpers/mod.rs"]
mod helpers;

mod commands;
mod history;
mod registry;
mod verify_receipt;
mod verify_words;
