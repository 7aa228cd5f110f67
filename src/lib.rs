//! fundtrail: a tamper-evident, publicly verifiable ledger of charity money.
//!
//! Start reading at [`ledger`], the pure core (the `fundtrail-ledger` crate); SPEC.md describes
//! its bytes.

pub mod audit;
pub mod auth;
pub mod cli;
pub mod demo;
pub mod demo_updates;
pub mod donor_statements;
pub mod evidence;
pub mod export;
pub mod http;
pub mod key_rotation;
/// The pure core, its own crate (`crates/fundtrail-ledger`); every `crate::ledger::…` path
/// names an item of that crate.
pub use fundtrail_ledger as ledger;
pub mod platform;
pub mod private_fs;
pub mod sequencer;
pub mod startup;
pub mod statement;
pub mod store;
pub mod tiles;
pub mod vietqr;
pub mod webhooks;
pub mod witness;
