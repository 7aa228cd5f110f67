//! What `serve` and `demo` are told about the staff console: how long its sessions live, and
//! the public address its sign-in links and receipt QR codes use.

use crate::audit::schedule::parse_interval;
use crate::auth::session::SessionPolicy;
use crate::http::origin::parse_public_url;
use std::time::Duration;

/// Staff console sessions and the public address.
#[derive(Debug, Clone, clap::Args)]
pub struct ConsoleArgs {
    /// End a staff console session unused for this long, e.g. 8h or 30m.
    #[arg(long, default_value = "8h", value_parser = parse_interval, env = "FUNDTRAIL_SESSION_IDLE")]
    pub session_idle: Duration,
    /// End a staff console session this long after sign-in, however busy, e.g. 12h.
    #[arg(long, default_value = "12h", value_parser = parse_interval, env = "FUNDTRAIL_SESSION_MAX")]
    pub session_max: Duration,
    /// The address the public reaches this server at, e.g. https://ledger.example.org (a
    /// path is allowed). Sign-in links and receipt QR codes use it; without it they are made
    /// from each request's Host header.
    #[arg(long, env = "FUNDTRAIL_PUBLIC_URL", value_parser = parse_public_url, value_name = "URL")]
    pub public_url: Option<String>,
}

impl ConsoleArgs {
    /// How long sessions live, as these options say.
    pub fn sessions(&self) -> SessionPolicy {
        SessionPolicy {
            idle: self.session_idle,
            max: self.session_max,
        }
    }
}
