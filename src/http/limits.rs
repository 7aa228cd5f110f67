//! Rate limits per client address ([`super::client`] says which address that is): public reads
//! (a governor keyed limiter in front of the API's GET routes), and failed staff
//! authentications (after the allowance is used up, a request from that address without a
//! valid token is refused with 429; a valid token is never refused). Every 429 carries a
//! `Retry-After` of at least one whole second, rounded up from the limiter's own wait.

use super::client::{client_of, TrustedProxies};
use super::error::ApiError;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a client may take to send a request's headers (and how long an idle keep-alive
/// connection stays open) before the connection is closed.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Limits per client address. Zero turns a limit off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Sustained public GET requests per second.
    pub reads_per_second: u32,
    /// Public GET requests allowed in a burst.
    pub reads_burst: u32,
    /// Failed authentications allowed per minute.
    pub failed_auth_per_minute: u32,
    /// Time allowed for one request, body included (always applies).
    pub request_timeout: Duration,
    /// Time allowed to send a request's headers; an idle connection is closed after it too
    /// (always applies).
    pub header_read_timeout: Duration,
    /// Open connections allowed per TCP peer address; more are closed at once (0: no limit).
    /// Connections from a trusted proxy are not counted.
    pub max_connections_per_address: u32,
}

impl Limits {
    /// No limits (tests, benchmarks, or a deployment behind a limiting proxy).
    pub const OFF: Limits = Limits {
        reads_per_second: 0,
        reads_burst: 0,
        failed_auth_per_minute: 0,
        request_timeout: super::REQUEST_TIMEOUT,
        header_read_timeout: HEADER_READ_TIMEOUT,
        max_connections_per_address: 0,
    };

    /// What `fundtrail serve` uses unless told otherwise: generous enough for the page's
    /// "Verify everything" (which reads the ledger in pages of 1000 entries).
    pub const RECOMMENDED: Limits = Limits {
        reads_per_second: 100,
        reads_burst: 400,
        failed_auth_per_minute: 10,
        request_timeout: super::REQUEST_TIMEOUT,
        header_read_timeout: HEADER_READ_TIMEOUT,
        max_connections_per_address: 64,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::OFF
    }
}

/// The whole seconds a client should wait: `wait` rounded up, and never less than one (a
/// `Retry-After: 0` would invite an immediate retry that is refused again).
pub fn whole_seconds_to_wait(wait: Duration) -> u64 {
    let rounded_up = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    rounded_up.max(1)
}

/// A governor limiter keyed by client address, whose idle keys are dropped now and then so
/// its memory stays bounded by the addresses seen recently.
struct PerAddress {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    checks: AtomicU64,
}

impl PerAddress {
    /// Checks made between looks at the limiter's size.
    const HOUSEKEEPING_EVERY: u64 = 4096;
    /// Addresses kept before idle ones are dropped.
    const KEYS_KEPT: usize = 10_000;

    fn new(quota: Quota) -> Self {
        PerAddress {
            limiter: RateLimiter::keyed(quota),
            checks: AtomicU64::new(0),
        }
    }

    /// Takes one from `ip`'s allowance; when none is left, how long until there is one.
    fn take(&self, ip: IpAddr) -> Result<(), Duration> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % Self::HOUSEKEEPING_EVERY == 0
            && self.limiter.len() > Self::KEYS_KEPT
        {
            self.limiter.retain_recent();
            self.limiter.shrink_to_fit();
        }
        self.limiter
            .check_key(&ip)
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }
}

/// Tracks failed staff authentications per address.
pub struct FailedAuth {
    limiter: Option<PerAddress>,
    blocked: Mutex<HashMap<IpAddr, Instant>>,
}

impl std::fmt::Debug for FailedAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FailedAuth({})", self.limiter.is_some())
    }
}

impl FailedAuth {
    /// A tracker allowing `per_minute` failures a minute per address (0: unlimited).
    pub fn new(per_minute: u32) -> Self {
        let limiter = NonZeroU32::new(per_minute).map(|n| PerAddress::new(Quota::per_minute(n)));
        FailedAuth {
            limiter,
            blocked: Mutex::new(HashMap::new()),
        }
    }

    /// When `ip` has used up its allowance of failures, how long until it has one again.
    pub fn blocked_for(&self, ip: IpAddr) -> Option<Duration> {
        let mut blocked = self.blocked.lock().ok()?;
        let until = *blocked.get(&ip)?;
        let now = Instant::now();
        if now < until {
            Some(until - now)
        } else {
            blocked.remove(&ip);
            None
        }
    }

    /// Records a failure from `ip`; returns how long it is now refused, if the allowance
    /// is used up.
    pub fn record_failure(&self, ip: IpAddr) -> Option<Duration> {
        let limiter = self.limiter.as_ref()?;
        let wait = limiter.take(ip).err()?.max(Duration::from_secs(1));
        if let Ok(mut blocked) = self.blocked.lock() {
            if blocked.len() > 100_000 {
                let now = Instant::now();
                blocked.retain(|_, until| *until > now);
            }
            blocked.insert(ip, Instant::now() + wait);
        }
        Some(wait)
    }
}

/// The limits of one server, the trackers they imply, and whose address a request is.
#[derive(Debug)]
pub struct Guard {
    /// The configured limits.
    pub limits: Limits,
    /// Failed staff authentications per address.
    pub failed_auth: FailedAuth,
    /// Public reads per address, when limited.
    reads: Option<PerAddress>,
    /// The reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: TrustedProxies,
}

impl std::fmt::Debug for PerAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PerAddress({} addresses)", self.limiter.len())
    }
}

impl Guard {
    /// A guard enforcing `limits`, believing no proxy.
    pub fn new(limits: Limits) -> Self {
        let reads = NonZeroU32::new(limits.reads_per_second).and_then(|_| {
            let period_ns = (1_000_000_000 / u64::from(limits.reads_per_second)).max(1);
            let burst = NonZeroU32::new(limits.reads_burst.max(1))?;
            Quota::with_period(Duration::from_nanos(period_ns)).map(|q| q.allow_burst(burst))
        });
        Guard {
            limits,
            failed_auth: FailedAuth::new(limits.failed_auth_per_minute),
            reads: reads.map(PerAddress::new),
            trusted_proxies: TrustedProxies::default(),
        }
    }

    /// This guard, taking the client address from `X-Forwarded-For` when the request comes
    /// from one of `proxies`.
    pub fn trusting(mut self, proxies: TrustedProxies) -> Self {
        self.trusted_proxies = proxies;
        self
    }
}

/// Adds the public-read limit (GET and HEAD requests, per client address) to `router` when
/// it is on. Refused requests get 429 `too_many_requests` with Retry-After.
pub fn limit_reads<S: Clone + Send + Sync + 'static>(
    router: axum::Router<S>,
    guard: Arc<Guard>,
) -> axum::Router<S> {
    if guard.reads.is_none() {
        return router;
    }
    router.layer(axum::middleware::from_fn_with_state(
        guard,
        refuse_reads_over_the_limit,
    ))
}

async fn refuse_reads_over_the_limit(
    State(guard): State<Arc<Guard>>,
    request: Request,
    next: Next,
) -> Response {
    let is_read = matches!(*request.method(), Method::GET | Method::HEAD);
    let client = client_of(&request, &guard.trusted_proxies);
    if let (true, Some(reads), Some(ip)) = (is_read, guard.reads.as_ref(), client) {
        if let Err(wait) = reads.take(ip) {
            let seconds = whole_seconds_to_wait(wait);
            return ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_requests",
                format!("too many requests from this address; retry in {seconds} s"),
            )
            .retry_after(wait)
            .into_response();
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_are_rounded_up_to_whole_seconds_and_never_zero() {
        assert_eq!(whole_seconds_to_wait(Duration::ZERO), 1);
        assert_eq!(whole_seconds_to_wait(Duration::from_millis(10)), 1);
        assert_eq!(whole_seconds_to_wait(Duration::from_secs(1)), 1);
        assert_eq!(whole_seconds_to_wait(Duration::from_millis(1001)), 2);
        assert_eq!(whole_seconds_to_wait(Duration::from_secs(6)), 6);
    }

    #[test]
    fn a_failure_allowance_used_up_blocks_only_that_address() {
        let failed = FailedAuth::new(2);
        let (a, b): (IpAddr, IpAddr) = ("192.0.2.1".parse().unwrap(), "192.0.2.2".parse().unwrap());

        assert_eq!(failed.record_failure(a), None);
        assert_eq!(failed.record_failure(a), None);
        let wait = failed
            .record_failure(a)
            .expect("third failure is over the allowance");

        assert!(wait >= Duration::from_secs(1));
        assert!(failed.blocked_for(a).is_some());
        assert!(failed.blocked_for(b).is_none());
    }
}
