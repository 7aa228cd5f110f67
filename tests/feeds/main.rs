//! Issue 18's feeds part, through the HTTP API of a real server and the CLI: narrative
//! updates (SPEC.md §20.1), Atom feeds parsed with a real XML reader (§20.2), and donor
//! statements that verify offline and fail when tampered (§21), and signed webhooks retried
//! in the background (§20.3).

#[path = "../helpers/mod.rs"]
mod helpers;

mod atom;
mod statements;
mod updates;
mod webhook_isolation;
mod webhooks;
mod widget;
