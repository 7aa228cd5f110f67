//! What the integration-test areas share. Each area (`tests/<area>/main.rs`) includes this
//! tree with `#[path = "../helpers/mod.rs"] mod helpers;` and uses the parts it needs:
//!
//! - [`app`]: a real server in the test's own process, on a random loopback port over a
//!   fresh temporary data folder ([`app::spawn_app`]), and short behaviour-level requests.
//! - [`binary`]: the built `fundtrail` binary as a separate process: `init`, `serve` on a
//!   free loopback port, any other command and its exit code.
//! - [`ledger`]: valid ledgers built in memory, entry by entry or at random from a seed.
//! - [`postgres`]: a throwaway PostgreSQL cluster (or a skip notice where it is missing).
//! - [`memory`]: the resident memory of another process, from Linux's `/proc`.
//! - [`multipart`]: evidence uploads as multipart/form-data.
//! - [`receipts`]: donation receipts written to files and checked with `verify-receipt`.
//! - [`qr`]: the text of a QR code the server drew as SVG, read back with a QR decoder.
#![allow(dead_code)] // Each area uses a different part of these modules.

pub mod app;
pub mod binary;
pub mod ledger;
pub mod memory;
pub mod multipart;
pub mod postgres;
pub mod qr;
pub mod receipts;
