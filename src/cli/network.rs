//! What `serve` and `demo` are told about the network in front of them: the per-address
//! limits and the reverse proxies whose `X-Forwarded-For` names the client.

use super::CliError;
use crate::http::client::TrustedProxies;
use crate::http::limits::Limits;
use std::time::Duration;

/// Limits per client address and trusted proxies.
#[derive(Debug, Clone, clap::Args)]
pub struct NetworkArgs {
    /// Public GET requests per second per client address (0: no limit).
    #[arg(long, default_value_t = 100, env = "FUNDTRAIL_READ_LIMIT")]
    pub read_limit: u32,
    /// Reverse proxies (IP addresses, comma-separated) whose X-Forwarded-For header names the
    /// client; requests from any other address are limited by their own address.
    #[arg(long, env = "FUNDTRAIL_TRUSTED_PROXY", value_name = "IP[,IP...]")]
    pub trusted_proxy: Option<String>,
    /// Open connections allowed per client address; more are closed at once (0: no limit).
    /// Connections from a trusted proxy are not counted.
    #[arg(
        long,
        default_value_t = Limits::RECOMMENDED.max_connections_per_address,
        env = "FUNDTRAIL_MAX_CONNECTIONS_PER_ADDRESS"
    )]
    pub max_connections_per_address: u32,
    /// Seconds a client may take to send a request's headers; idle connections are closed
    /// after as long.
    #[arg(
        long,
        default_value_t = Limits::RECOMMENDED.header_read_timeout.as_secs(),
        env = "FUNDTRAIL_HEADER_READ_TIMEOUT",
        value_name = "SECONDS"
    )]
    pub header_read_timeout: u64,
}

impl NetworkArgs {
    /// The limits these options set (the recommended ones otherwise).
    ///
    /// # Errors
    /// [`CliError::Usage`] for a zero header read timeout.
    pub fn limits(&self) -> Result<Limits, CliError> {
        if self.header_read_timeout == 0 {
            return Err(CliError::Usage(
                "--header-read-timeout must be at least 1 second".into(),
            ));
        }
        Ok(Limits {
            reads_per_second: self.read_limit,
            reads_burst: self.read_limit.saturating_mul(4),
            max_connections_per_address: self.max_connections_per_address,
            header_read_timeout: Duration::from_secs(self.header_read_timeout),
            ..Limits::RECOMMENDED
        })
    }

    /// The proxies `--trusted-proxy` names (none when absent).
    ///
    /// # Errors
    /// [`CliError::Usage`] naming an item that is not an IP address.
    pub fn trusted_proxies(&self) -> Result<TrustedProxies, CliError> {
        TrustedProxies::parse(self.trusted_proxy.as_deref().unwrap_or(""))
            .map_err(|e| CliError::Usage(e.to_string()))
    }
}
