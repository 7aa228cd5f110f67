//! Rate limits: public reads per client address (tower_governor middleware), and failed
//! staff authentication per client address (a governor keyed limiter: after the allowance
//! is used up, the address is refused with 429 before any token is looked up).

use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

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
    pub request_timeout: std::time::Duration,
}

impl Limits {
    /// No limits (tests, benchmarks, or a deployment behind a limiting proxy).
    pub const OFF: Limits = Limits {
        reads_per_second: 0,
        reads_burst: 0,
        failed_auth_per_minute: 0,
        request_timeout: super::REQUEST_TIMEOUT,
    };

    /// What `fundtrail serve` uses unless told otherwise: generous enough for the page's
    /// "Verify everything" (which reads the ledger in pages of 1000 entries).
    pub const RECOMMENDED: Limits = Limits {
        reads_per_second: 100,
        reads_burst: 400,
        failed_auth_per_minute: 10,
        request_timeout: super::REQUEST_TIMEOUT,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::OFF
    }
}

/// Tracks failed staff authentications per address.
pub struct FailedAuth {
    limiter: Option<DefaultKeyedRateLimiter<IpAddr>>,
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
        let limiter = NonZeroU32::new(per_minute).map(|n| RateLimiter::keyed(Quota::per_minute(n)));
        FailedAuth {
            limiter,
            blocked: Mutex::new(HashMap::new()),
        }
    }

    /// When `ip` is refused until some time, how long is left.
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
        match limiter.check_key(&ip) {
            Ok(()) => None,
            Err(not_until) => {
                let wait = not_until
                    .wait_time_from(DefaultClock::default().now())
                    .max(Duration::from_secs(1));
                if let Ok(mut blocked) = self.blocked.lock() {
                    if blocked.len() > 100_000 {
                        blocked.clear();
                    }
                    blocked.insert(ip, Instant::now() + wait);
                }
                Some(wait)
            }
        }
    }
}

/// The limits of one server and the failed-authentication tracker they imply.
#[derive(Debug)]
pub struct Guard {
    /// The configured limits.
    pub limits: Limits,
    /// Failed staff authentications per address.
    pub failed_auth: FailedAuth,
}

impl Guard {
    /// A guard enforcing `limits`.
    pub fn new(limits: Limits) -> Self {
        Guard {
            limits,
            failed_auth: FailedAuth::new(limits.failed_auth_per_minute),
        }
    }
}

/// Adds the public-read limit (GET requests, per client address) to `router` when it is on.
/// Refused requests get 429 with Retry-After.
pub fn limit_reads<S: Clone + Send + Sync + 'static>(
    router: axum::Router<S>,
    limits: Limits,
) -> axum::Router<S> {
    if limits.reads_per_second == 0 {
        return router;
    }
    let period_ns = (1_000_000_000 / u64::from(limits.reads_per_second)).max(1);
    let config = tower_governor::governor::GovernorConfigBuilder::default()
        .per_nanosecond(period_ns)
        .burst_size(limits.reads_burst.max(1))
        .methods(vec![axum::http::Method::GET])
        .finish();
    match config {
        Some(config) => router.layer(tower_governor::GovernorLayer::new(config)),
        None => router,
    }
}
