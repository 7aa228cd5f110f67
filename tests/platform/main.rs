//! Platform mode end to end (SPEC.md §24): a real platform server on a loopback port (in
//! this process, see `harness`), organisations created through the platform API, real
//! tokens, real SQLite files (one per organisation), and the built binary to verify.

#[path = "../helpers/mod.rs"]
mod helpers;

mod accounts;
mod cli;
mod demo;
mod harness;
mod index;
mod index_scale;
mod isolation;
mod openapi;
mod postgres;
mod registry;
mod suspension;
