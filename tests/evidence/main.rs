//! Evidence files: uploaded one request at a time (limits, media types checked by content,
//! names that never reach the disk), listed in a disbursement, downloaded byte for byte.

#[path = "../helpers/mod.rs"]
mod helpers;

mod requests;
mod uploads;
