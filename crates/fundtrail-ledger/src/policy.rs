//! Trust policies (C2SP tlog-policy; SPEC.md §15): which log keys are accepted, which
//! witnesses are known, and the quorum of them that must have cosigned a checkpoint.
//!
//! ```text
//! log <vkey> [<url>]
//! witness <name> <vkey> [<url>]
//! group <name> all|any|<k> <name>...
//! quorum <name>|none
//! ```
//!
//! Lines are split on ASCII spaces and tabs; blank lines and lines starting with `#` are
//! ignored. A group or the quorum may only name witnesses and groups defined above it; a
//! name is a member of a group at most once; exactly one quorum line. The file is read as
//! UTF-8 (names are compared byte for byte).

use crate::checkpoint::{verify_checkpoint, Checkpoint};
use crate::cosignature::{CosignatureError, WitnessKey};
use std::collections::{HashMap, HashSet};

/// The most logs, witnesses or groups a policy may define.
pub const MAX_ITEMS: usize = 64;

/// Why a policy file is not acceptable, with its line number (from 1).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// A line is not one of the forms.
    #[error("policy line {line}: {problem}")]
    Line {
        /// Line number.
        line: usize,
        /// What is wrong.
        problem: String,
    },
    /// No `quorum` line.
    #[error("policy: no quorum line")]
    NoQuorum,
    /// The policy is not UTF-8 or has a control character other than tab and newline.
    #[error("policy: only UTF-8 text with tabs and newlines is accepted")]
    Characters,
}

/// A member of the quorum or of a group.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Member {
    Witness(usize),
    Group(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Group {
    name: String,
    threshold: usize,
    members: Vec<Member>,
}

/// A parsed policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Accepted log verifier keys (with their URLs when given).
    pub logs: Vec<(String, Option<String>)>,
    /// Known witnesses: name, key, URL.
    pub witnesses: Vec<(String, WitnessKey, Option<String>)>,
    groups: Vec<Group>,
    /// `None` for `quorum none`.
    quorum: Option<Member>,
}

/// One witness's part in a checkpoint's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WitnessVerdict {
    /// Its name in the policy.
    pub name: String,
    /// When it cosigned (POSIX seconds), `None` when it did not.
    pub cosigned_at: Option<u64>,
}

/// What a policy says of a signed checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The checkpoint, verified with one of the policy's log keys.
    pub checkpoint: Checkpoint,
    /// The log key it verified with.
    pub log_key: String,
    /// Each known witness, in policy order.
    pub witnesses: Vec<WitnessVerdict>,
    /// Whether the quorum cosigned.
    pub quorum_met: bool,
}

/// Why a checkpoint does not satisfy a policy.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyCheckError {
    /// No log key of the policy verifies it.
    #[error("checkpoint: not signed by any log key of the policy")]
    UnknownLog,
    /// Its cosignatures do not reach the quorum.
    #[error("checkpoint: the policy's quorum of witnesses did not cosign it (cosigned by {cosigned} of {known} known witnesses: {names})")]
    NoQuorum {
        /// How many known witnesses cosigned.
        cosigned: usize,
        /// How many the policy knows.
        known: usize,
        /// Their names, comma separated (`none` when none did).
        names: String,
    },
    /// A known witness's line does not verify.
    #[error("checkpoint: {0}")]
    Cosignature(CosignatureError),
}

impl Policy {
    /// Parses a policy file.
    ///
    /// # Errors
    /// [`PolicyError`] naming the line.
    pub fn parse(bytes: &[u8]) -> Result<Policy, PolicyError> {
        let text = std::str::from_utf8(bytes).map_err(|_| PolicyError::Characters)?;
        if text
            .chars()
            .any(|c| c.is_control() && c != '\t' && c != '\n')
        {
            return Err(PolicyError::Characters);
        }
        let mut p = Parser::default();
        for (i, line) in text.split('\n').enumerate() {
            let words: Vec<&str> = line.split([' ', '\t']).filter(|w| !w.is_empty()).collect();
            if words.is_empty() || words[0].starts_with('#') {
                continue;
            }
            p.line(&words).map_err(|problem| PolicyError::Line {
                line: i + 1,
                problem,
            })?;
        }
        let quorum = p.quorum.ok_or(PolicyError::NoQuorum)?;
        Ok(Policy {
            logs: p.logs,
            witnesses: p.witnesses,
            groups: p.groups,
            quorum,
        })
    }

    /// Checks `note` against the policy: signed by one of its logs, and each known
    /// witness's cosignature read (lines of unknown keys are ignored).
    ///
    /// # Errors
    /// [`PolicyCheckError::UnknownLog`], or [`PolicyCheckError::Cosignature`] when a known
    /// witness's line is there but does not verify.
    pub fn judge(&self, note: &str) -> Result<Verdict, PolicyCheckError> {
        let (checkpoint, log_key) = self
            .logs
            .iter()
            .find_map(|(key, _)| {
                verify_checkpoint(note, key)
                    .ok()
                    .map(|cp| (cp, key.clone()))
            })
            .ok_or(PolicyCheckError::UnknownLog)?;
        let mut witnesses = Vec::with_capacity(self.witnesses.len());
        for (name, key, _) in &self.witnesses {
            let cosigned_at = key
                .cosigned_at(note)
                .map_err(PolicyCheckError::Cosignature)?;
            witnesses.push(WitnessVerdict {
                name: name.clone(),
                cosigned_at,
            });
        }
        let signed: Vec<bool> = witnesses.iter().map(|w| w.cosigned_at.is_some()).collect();
        let quorum_met = match &self.quorum {
            None => true,
            Some(m) => self.witnessed(m, &signed),
        };
        Ok(Verdict {
            checkpoint,
            log_key,
            witnesses,
            quorum_met,
        })
    }

    /// [`Policy::judge`], failing unless the quorum is met.
    ///
    /// # Errors
    /// [`PolicyCheckError`].
    pub fn require(&self, note: &str) -> Result<Verdict, PolicyCheckError> {
        let verdict = self.judge(note)?;
        if verdict.quorum_met {
            return Ok(verdict);
        }
        let names: Vec<&str> = verdict
            .witnesses
            .iter()
            .filter(|w| w.cosigned_at.is_some())
            .map(|w| w.name.as_str())
            .collect();
        Err(PolicyCheckError::NoQuorum {
            cosigned: names.len(),
            known: verdict.witnesses.len(),
            names: if names.is_empty() {
                "none".into()
            } else {
                names.join(", ")
            },
        })
    }

    fn witnessed(&self, member: &Member, signed: &[bool]) -> bool {
        match member {
            Member::Witness(i) => signed[*i],
            Member::Group(g) => {
                let group = &self.groups[*g];
                let count = group
                    .members
                    .iter()
                    .filter(|m| self.witnessed(m, signed))
                    .count();
                count >= group.threshold
            }
        }
    }
}

#[derive(Default)]
struct Parser {
    logs: Vec<(String, Option<String>)>,
    witnesses: Vec<(String, WitnessKey, Option<String>)>,
    groups: Vec<Group>,
    quorum: Option<Option<Member>>,
    names: HashMap<String, Member>,
    public_keys: HashSet<Vec<u8>>,
}

impl Parser {
    fn line(&mut self, words: &[&str]) -> Result<(), String> {
        match words {
            ["log", key] | ["log", key, _] => self.log(key, words.get(2)),
            ["witness", name, key] | ["witness", name, key, _] => {
                self.witness(name, key, words.get(3))
            }
            ["group", name, threshold, members @ ..] if !members.is_empty() => {
                self.group(name, threshold, members)
            }
            ["quorum", name] => self.set_quorum(name),
            [first, ..] => Err(format!(
                "expected `log`, `witness`, `group` or `quorum` with their values, found {first:?} with {} values",
                words.len() - 1
            )),
            [] => Ok(()),
        }
    }

    fn log(&mut self, key: &str, url: Option<&&str>) -> Result<(), String> {
        let name = crate::checkpoint::parse_verifier_key(key).map_err(|e| e.to_string())?;
        use base64::Engine;
        let public = base64::engine::general_purpose::STANDARD
            .decode(key.trim().splitn(3, '+').nth(2).unwrap_or_default())
            .map(|raw| raw.get(1..).unwrap_or_default().to_vec())
            .map_err(|_| format!("log {name}: malformed key"))?;
        if !self.public_keys.insert(public) {
            return Err(format!("log {name}: the same key is listed twice"));
        }
        self.limit(self.logs.len())?;
        self.logs
            .push((key.to_string(), url.map(|u| u.to_string())));
        Ok(())
    }

    fn witness(&mut self, name: &str, key: &str, url: Option<&&str>) -> Result<(), String> {
        let key = WitnessKey::parse(key).map_err(|e| e.to_string())?;
        self.define(name, Member::Witness(self.witnesses.len()))?;
        if !self.public_keys.insert(key.public_bytes().to_vec()) {
            return Err(format!("witness {name}: the same key is listed twice"));
        }
        self.limit(self.witnesses.len())?;
        self.witnesses
            .push((name.to_string(), key, url.map(|u| u.to_string())));
        Ok(())
    }

    fn group(&mut self, name: &str, threshold: &str, names: &[&str]) -> Result<(), String> {
        let mut members = Vec::with_capacity(names.len());
        let mut seen = HashSet::new();
        for member in names {
            if !seen.insert(*member) {
                return Err(format!("group {name}: {member} is listed twice"));
            }
            members.push(self.lookup(member)?);
        }
        let n = members.len();
        let threshold = match threshold {
            "all" => n,
            "any" => 1,
            k => k
                .parse::<usize>()
                .ok()
                .filter(|k| (1..=n).contains(k) && !k.to_string().starts_with('0'))
                .filter(|k| k.to_string() == *threshold)
                .ok_or_else(|| {
                    format!("group {name}: threshold must be all, any or 1 to {n}, not {k:?}")
                })?,
        };
        self.limit(self.groups.len())?;
        self.define(name, Member::Group(self.groups.len()))?;
        self.groups.push(Group {
            name: name.to_string(),
            threshold,
            members,
        });
        Ok(())
    }

    fn set_quorum(&mut self, name: &str) -> Result<(), String> {
        if self.quorum.is_some() {
            return Err("a second quorum line".into());
        }
        let member = if name == "none" {
            None
        } else {
            Some(self.lookup(name)?)
        };
        self.quorum = Some(member);
        Ok(())
    }

    fn define(&mut self, name: &str, member: Member) -> Result<(), String> {
        if name == "none" {
            return Err("`none` cannot name a witness or group".into());
        }
        if self.names.insert(name.to_string(), member).is_some() {
            return Err(format!("{name} is defined twice"));
        }
        Ok(())
    }

    fn lookup(&self, name: &str) -> Result<Member, String> {
        self.names
            .get(name)
            .cloned()
            .ok_or_else(|| format!("{name} is not a witness or group defined above"))
    }

    fn limit(&self, count: usize) -> Result<(), String> {
        if count >= MAX_ITEMS {
            return Err(format!("more than {MAX_ITEMS} of one kind"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkpoint::CheckpointSigner;
    use crate::cosignature::{note_body, with_lines, WitnessSigner};
    use crate::hash::Hash;

    fn witness(name: &str) -> WitnessSigner {
        WitnessSigner::generate_with(&mut rand_core::OsRng, name)
            .expect("key")
            .0
    }

    #[test]
    fn a_two_of_three_quorum_is_met_by_two_cosignatures_and_not_by_one() {
        let (log, _) = CheckpointSigner::generate("example.org/ledger").expect("log");
        let ws: Vec<WitnessSigner> = ["a.example", "b.example", "c.example"]
            .into_iter()
            .map(witness)
            .collect();
        let policy = format!(
            "# partners\nlog {}\n\nwitness A {}\nwitness B\t{} https://b.example/\nwitness C {}\ngroup partners 2 A B C\nquorum partners\n",
            log.verifier_key(),
            ws[0].verifier_key(),
            ws[1].verifier_key(),
            ws[2].verifier_key()
        );
        let policy = Policy::parse(policy.as_bytes()).expect("policy");
        let note = log.sign(3, &Hash([1; 32]));
        let body = note_body(&note).expect("body");
        let one = with_lines(&note, [ws[0].cosign(&body, 5).as_str()]);
        let two = with_lines(&one, [ws[2].cosign(&body, 6).as_str()]);

        let verdict = policy.require(&two).expect("quorum");
        assert_eq!(verdict.witnesses[2].cosigned_at, Some(6));
        assert_eq!(verdict.witnesses[1].cosigned_at, None);
        assert!(matches!(
            policy.require(&one),
            Err(PolicyCheckError::NoQuorum {
                cosigned: 1,
                known: 3,
                ..
            })
        ));
        let (other, _) = CheckpointSigner::generate("example.org/ledger").expect("other");
        assert_eq!(
            policy.judge(&other.sign(3, &Hash([1; 32]))),
            Err(PolicyCheckError::UnknownLog)
        );
    }

    #[test]
    fn nested_groups_and_quorum_none_follow_the_spec() {
        let (log, _) = CheckpointSigner::generate("example.org/ledger").expect("log");
        let (x, y) = (witness("x.example"), witness("y.example"));
        let text = format!(
            "log {}\nwitness X {}\nwitness Y {}\ngroup xs any X\ngroup both all xs Y\nquorum both\n",
            log.verifier_key(),
            x.verifier_key(),
            y.verifier_key()
        );
        let policy = Policy::parse(text.as_bytes()).expect("policy");
        let note = log.sign(1, &Hash([2; 32]));
        let body = note_body(&note).expect("body");
        let only_x = with_lines(&note, [x.cosign(&body, 1).as_str()]);
        let both = with_lines(&only_x, [y.cosign(&body, 1).as_str()]);

        assert!(!policy.judge(&only_x).expect("verdict").quorum_met);
        assert!(policy.judge(&both).expect("verdict").quorum_met);
        let none = Policy::parse(format!("log {}\nquorum none\n", log.verifier_key()).as_bytes())
            .expect("policy");
        assert!(none.require(&note).is_ok());
    }

    #[test]
    fn malformed_policies_are_refused_with_their_line() {
        let (log, _) = CheckpointSigner::generate("example.org/ledger").expect("log");
        let w = witness("w.example");
        let (l, k) = (log.verifier_key(), w.verifier_key());
        let cases = [
            (format!("log {l}\n"), PolicyError::NoQuorum),
            (
                format!("quorum W\nwitness W {k}\n"),
                PolicyError::Line {
                    line: 1,
                    problem: "W is not a witness or group defined above".into(),
                },
            ),
        ];
        for (text, want) in cases {
            assert_eq!(Policy::parse(text.as_bytes()), Err(want));
        }
        for text in [
            format!("witness W {k}\nwitness V {k}\nquorum W\n"),
            format!("witness W {k}\ngroup g 2 W\nquorum g\n"),
            format!("witness W {k}\ngroup g 01 W\nquorum g\n"),
            format!("witness W {k}\ngroup g any W W\nquorum g\n"),
            format!("witness W {l}\nquorum W\n"),
            format!("witness none {k}\nquorum none\n"),
            format!("witness W {k}\nquorum W\nquorum W\n"),
            format!("log {l}\nfrobnicate\nquorum none\n"),
            "quorum none\n\u{1}\n".to_string(),
        ] {
            assert!(Policy::parse(text.as_bytes()).is_err(), "accepted {text:?}");
        }
    }
}
