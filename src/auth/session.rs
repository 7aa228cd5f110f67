//! Staff console sessions: what a session id is, what the store keeps of it, the CSRF value
//! that goes with it, and when it expires. The HTTP side (`src/http/sessions.rs`) hands the
//! id out as a cookie; the store (`src/store/sessions.rs`) keeps only [`session_hash`].

use crate::ledger::hash::{sha256, Hash};
pub use crate::store::SessionTimes;
use base64::Engine;
use std::time::Duration;

/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "fundtrail_session";

/// How long an unused session lives, unless `serve --session-idle` says otherwise.
pub const DEFAULT_IDLE: Duration = Duration::from_secs(8 * 3600);

/// How long a session lives after sign-in however busy, unless `serve --session-max` says
/// otherwise.
pub const DEFAULT_MAX: Duration = Duration::from_secs(12 * 3600);

/// The longest time between two writes of a session's last-seen time.
pub const MAX_TOUCH_INTERVAL: Duration = Duration::from_secs(60);

/// How long sessions live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    /// A session not used for this long ends (its last-seen time slides with each use).
    pub idle: Duration,
    /// A session ends this long after sign-in, however busy.
    pub max: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy {
            idle: DEFAULT_IDLE,
            max: DEFAULT_MAX,
        }
    }
}

/// Whether a stored session may still be used, judged at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Liveness {
    /// Usable; `touch` says its last-seen time is old enough to be written again.
    Live {
        /// Write the new last-seen time.
        touch: bool,
    },
    /// Unused for longer than the idle expiry.
    Idle,
    /// Past its absolute expiry.
    Over,
}

impl SessionPolicy {
    /// How often the last-seen time is written: at most once a minute, and often enough
    /// (an eighth of the idle expiry) that a short idle expiry still slides with use.
    pub fn touch_interval(&self) -> Duration {
        (self.idle / 8).min(MAX_TOUCH_INTERVAL)
    }

    /// The times of a session made at `now_ms`.
    pub fn new_session(&self, now_ms: i64) -> SessionTimes {
        SessionTimes {
            created_at: now_ms,
            last_seen_at: now_ms,
            expires_at: now_ms.saturating_add(millis(self.max)),
        }
    }

    /// Whether a session with `times` may be used at `now_ms`.
    pub fn judge(&self, times: &SessionTimes, now_ms: i64) -> Liveness {
        if now_ms >= times.expires_at {
            return Liveness::Over;
        }
        let unused = now_ms.saturating_sub(times.last_seen_at);
        if unused >= millis(self.idle) {
            return Liveness::Idle;
        }
        Liveness::Live {
            touch: unused >= millis(self.touch_interval()),
        }
    }

    /// The last-seen time before which a session at `now_ms` has passed its idle expiry.
    pub fn idle_cutoff(&self, now_ms: i64) -> i64 {
        now_ms.saturating_sub(millis(self.idle))
    }

    /// When a session with `times` ends if it is not used again: the earlier of its idle
    /// and absolute expiries, in milliseconds.
    pub fn ends_at(&self, times: &SessionTimes) -> i64 {
        times
            .last_seen_at
            .saturating_add(millis(self.idle))
            .min(times.expires_at)
    }
}

/// `d` in whole milliseconds, saturating.
fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// Now, in milliseconds since 1970-01-01 UTC.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// A new random session id: 43 base64url characters (256 bits). It travels only in the
/// cookie; the store keeps its [`session_hash`].
pub fn new_session_id() -> String {
    use rand_core::RngCore;
    let mut bytes = [0u8; 32];
    rand_core::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What the store keeps of session `id`, and looks it up by: its SHA-256.
pub fn session_hash(id: &str) -> Hash {
    sha256(id.as_bytes())
}

/// The CSRF value of session `id`: derived from the id (so nothing more is stored and every
/// server of a deployment computes the same), and not from its stored hash (so a copy of the
/// database does not yield it).
pub fn csrf_for(id: &str) -> String {
    let digest = sha256(format!("fundtrail csrf\n{id}").as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest.0)
}

/// Whether `a` and `b` are equal, in a time that depends only on their lengths.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |diff, (x, y)| diff | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECOND: i64 = 1000;

    fn policy(idle: u64, max: u64) -> SessionPolicy {
        SessionPolicy {
            idle: Duration::from_secs(idle),
            max: Duration::from_secs(max),
        }
    }

    #[test]
    fn a_session_ends_when_unused_for_the_idle_time_or_at_its_absolute_expiry() {
        let p = policy(60, 600);
        let t = p.new_session(1_000 * SECOND);

        assert_eq!(
            p.judge(&t, 1_000 * SECOND + 59 * SECOND),
            Liveness::Live { touch: true }
        );
        assert_eq!(p.judge(&t, 1_000 * SECOND + 60 * SECOND), Liveness::Idle);
        let busy = SessionTimes {
            last_seen_at: 1_599 * SECOND,
            ..t
        };
        assert_eq!(p.judge(&busy, 1_600 * SECOND), Liveness::Over);
        assert_eq!(p.ends_at(&t), 1_060 * SECOND);
        assert_eq!(p.ends_at(&busy), 1_600 * SECOND);
    }

    #[test]
    fn the_last_seen_time_is_written_at_most_once_a_minute_and_often_enough_for_short_idles() {
        assert_eq!(
            SessionPolicy::default().touch_interval(),
            Duration::from_secs(60)
        );
        assert_eq!(policy(2, 60).touch_interval(), Duration::from_millis(250));
        let p = policy(8 * 3600, 12 * 3600);
        let t = p.new_session(0);
        assert_eq!(p.judge(&t, 59 * SECOND), Liveness::Live { touch: false });
        assert_eq!(p.judge(&t, 60 * SECOND), Liveness::Live { touch: true });
    }

    #[test]
    fn session_ids_are_random_and_their_hash_and_csrf_value_differ_from_them_and_each_other() {
        let (a, b) = (new_session_id(), new_session_id());

        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_ne!(csrf_for(&a), csrf_for(&b));
        assert_eq!(csrf_for(&a), csrf_for(&a));
        assert_ne!(csrf_for(&a), session_hash(&a).to_base64());
        assert!(!csrf_for(&a).contains(&a));
    }

    #[test]
    fn secrets_compare_equal_only_when_every_byte_is_equal() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "abcd"));
        assert!(!same_secret("", "a"));
    }
}
