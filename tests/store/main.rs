//! Where the ledger is kept: the shared suite on SQLite and PostgreSQL, several servers on
//! one PostgreSQL database, stops, restarts and upgrades, crashes and full or read-only
//! disks, tampering behind the server's back, and the data folder's permissions.

#[path = "../helpers/mod.rs"]
mod helpers;

mod faults;
#[cfg(unix)]
mod permissions;
mod postgres_budget;
mod postgres_cluster;
mod postgres_commit;
mod postgres_schemas;
mod restarts;
mod stores;
mod tamper;
mod upgrades;
