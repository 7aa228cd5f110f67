//! The witness policy a ledger publishes at `/log/policy` (C2SP tlog-policy text), shared by
//! every handle of the running server so that a key rotation can point its `log` line at
//! the new key in place: from the rotation on, the policy served names the key that signs
//! the checkpoints (no restart needed).

use std::sync::{Arc, RwLock};

/// The published policy, or none.
#[derive(Debug, Default)]
pub struct PublishedPolicy(RwLock<Option<Arc<str>>>);

impl PublishedPolicy {
    /// `text` as the published policy.
    pub fn new(text: &str) -> PublishedPolicy {
        PublishedPolicy(RwLock::new(Some(Arc::from(text))))
    }

    /// The policy's text now, if there is one.
    pub fn text(&self) -> Option<Arc<str>> {
        self.0.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Whether a policy is published.
    pub fn is_some(&self) -> bool {
        self.0.read().unwrap_or_else(|p| p.into_inner()).is_some()
    }

    /// Points the policy's `log <old>` line at `new`; true when it had that line (a policy
    /// naming another key, or none, is left as it is).
    pub fn point_at(&self, old: &str, new: &str) -> bool {
        let mut text = self.0.write().unwrap_or_else(|p| p.into_inner());
        match text.as_deref().and_then(|t| pointed_at(t, old, new)) {
            Some(updated) => {
                *text = Some(Arc::from(updated));
                true
            }
            None => false,
        }
    }
}

/// `policy` with its `log <old>` line made `log <new>`, or `None` when it has no such line.
pub fn pointed_at(policy: &str, old: &str, new: &str) -> Option<String> {
    let old_line = format!("log {old}");
    if !policy.lines().any(|l| l.trim() == old_line) {
        return None;
    }
    Some(
        policy
            .lines()
            .map(|l| {
                if l.trim() == old_line {
                    format!("log {new}\n")
                } else {
                    format!("{l}\n")
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointing_the_policy_at_a_new_key_changes_only_its_log_line() {
        let policy =
            PublishedPolicy::new("log a+1+x\nwitness w w+2+y https://w.example\nquorum w\n");

        assert!(policy.point_at("a+1+x", "a+3+z"));
        assert!(
            !policy.point_at("a+1+x", "a+4+q"),
            "the old key is no longer named"
        );

        assert_eq!(
            policy.text().as_deref(),
            Some("log a+3+z\nwitness w w+2+y https://w.example\nquorum w\n")
        );
    }
}
