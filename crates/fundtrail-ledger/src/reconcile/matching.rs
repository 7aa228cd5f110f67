//! The rules inside one statement (SPEC.md §16.3): its lines are the committed ones, sum from
//! the opening to the closing balance, fall in its period, and each is matched by exactly one
//! entry naming it or by a fitting exclusion.

use super::line::{decode_lines, lines_root, StatementLine};
use super::{Excluded, Finding, FindingKind, Named, Reconciler};
use crate::entry::Statement;
use crate::hash::sha256;

/// What one statement contributed.
#[derive(Default)]
pub(super) struct Outcome {
    /// Money the ledger explains: matched entries' amounts and excluded lines, signed.
    pub explained: i128,
    /// Lines checked.
    pub lines: u64,
    /// The lines its exclusions explain.
    pub excluded: Vec<Excluded>,
}

/// Checks statement `seq` against its published `file` of lines, adding findings.
pub(super) fn statement(
    r: &Reconciler,
    seq: u64,
    s: &Statement,
    file: Option<Vec<u8>>,
    findings: &mut Vec<Finding>,
) -> Outcome {
    let nothing = Outcome::default();
    let mut whole = |kind| {
        findings.push(Finding {
            statement: seq,
            line: None,
            date: s.from.clone(),
            kind,
        });
    };
    let Some(file) = file else {
        whole(FindingKind::LinesUnavailable);
        return nothing;
    };
    let lines = match decode_lines(&file) {
        Ok(lines) => lines,
        Err(e) => {
            whole(FindingKind::LinesMalformed {
                problem: e.to_string(),
            });
            return nothing;
        }
    };
    if lines.len() as u64 != s.lines
        || lines_root(&lines) != s.lines_root
        || sha256(&file) != s.lines_sha256
    {
        whole(FindingKind::LinesTampered {
            published: lines.len() as u64,
            committed: s.lines,
        });
        return nothing;
    }
    let lines_sum: i128 = lines.iter().map(|l| i128::from(l.amount.get())).sum();
    if i128::from(s.opening.get()) + lines_sum != i128::from(s.closing.get()) {
        whole(FindingKind::SumMismatch {
            opening: s.opening,
            lines_sum,
            closing: s.closing,
        });
    }
    let mut outcome = Outcome {
        lines: lines.len() as u64,
        ..Outcome::default()
    };
    for (number, line) in (1u64..).zip(&lines) {
        outcome.explained += one_line(r, seq, s, number, line, findings, &mut outcome.excluded);
    }
    outcome
}

/// Matches line `number`; returns the money the ledger explains of it.
fn one_line(
    r: &Reconciler,
    seq: u64,
    s: &Statement,
    number: u64,
    line: &StatementLine,
    findings: &mut Vec<Finding>,
    excluded: &mut Vec<Excluded>,
) -> i128 {
    let mut found = |kind| {
        findings.push(Finding {
            statement: seq,
            line: Some(number),
            date: line.date.clone(),
            kind,
        });
    };
    if line.date < s.from || line.date > s.to {
        found(FindingKind::OutsidePeriod);
    }
    let credit = line.is_credit();
    let id = &line.id;
    let naming: Vec<Named> = r
        .named
        .get(id)
        .into_iter()
        .flatten()
        .filter(|n| !r.reversed.contains(&n.seq))
        .copied()
        .collect();
    for n in naming.iter().filter(|n| n.credit != credit) {
        found(FindingKind::WrongDirection {
            id: id.clone(),
            entry: n.seq,
        });
    }
    let fitting: Vec<Named> = naming.into_iter().filter(|n| n.credit == credit).collect();
    let exclusion = s
        .exclusions
        .binary_search_by_key(&number, |x| x.line)
        .ok()
        .map(|i| &s.exclusions[i]);
    if let Some(x) = exclusion {
        if !x.reason.fits(credit) {
            found(FindingKind::ExclusionDoesNotFit { reason: x.reason });
        }
        if !fitting.is_empty() {
            found(FindingKind::ExcludedButNamed {
                id: id.clone(),
                entries: fitting.iter().map(|n| n.seq).collect(),
            });
        }
        excluded.push(Excluded {
            statement: seq,
            line: number,
            date: line.date.clone(),
            id: id.clone(),
            amount: line.amount,
            reason: x.reason,
        });
        return i128::from(line.amount.get());
    }
    match fitting.as_slice() {
        [] if credit => {
            found(FindingKind::UnmatchedCredit {
                id: id.clone(),
                amount: line.amount,
            });
            0
        }
        [] => {
            found(FindingKind::UnmatchedDebit {
                id: id.clone(),
                amount: line.amount,
            });
            0
        }
        [one] => {
            let signed = if credit {
                i128::from(one.amount.get())
            } else {
                -i128::from(one.amount.get())
            };
            if signed != i128::from(line.amount.get()) {
                found(FindingKind::AmountMismatch {
                    id: id.clone(),
                    entry: one.seq,
                    line_amount: line.amount,
                    entry_amount: one.amount.get(),
                });
            }
            signed
        }
        many => {
            found(FindingKind::NamedMoreThanOnce {
                id: id.clone(),
                entries: many.iter().map(|n| n.seq).collect(),
            });
            // Counted once: the bank moved the money once.
            many.first().map_or(0, |one| {
                if credit {
                    i128::from(one.amount.get())
                } else {
                    -i128::from(one.amount.get())
                }
            })
        }
    }
}
