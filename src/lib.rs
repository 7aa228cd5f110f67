//! fundtrail: a tamper-evident, publicly verifiable ledger of charity money.
//!
//! Start reading at [`ledger`], the pure core; SPEC.md describes its bytes.

pub mod ledger;
