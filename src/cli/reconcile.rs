//! Bank statements reconciled after `fundtrail verify` (SPEC.md §16.4): per account, the day
//! it is reconciled through, the bank's and the ledger's balance, and every finding with its
//! statement, line and day.

use super::verify::Server;
use super::CliError;
use crate::ledger::entry::Statement;
use crate::ledger::money::format_decimal;
use crate::ledger::reconcile::{Reconciler, Reconciliation};
use crate::ledger::{decode, Currency, Hash};
use std::collections::HashMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};

/// The options of `fundtrail verify` about bank statements.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct StatementArgs {
    /// A folder of published statement lines, one file per statement named
    /// `<lines_sha256>.jsonl` (as served at /api/v1/statements/<lines_sha256>/lines). A URL
    /// verification fetches them from the server instead.
    #[arg(long, value_name = "DIR")]
    pub statements: Option<PathBuf>,
    /// Exit 1 unless every bank statement reconciles without a finding.
    #[arg(long)]
    pub reconciled: bool,
}

/// Feeds every leaf of the bundle at `path` (already verified) to a [`Reconciler`].
///
/// # Errors
/// [`CliError::Usage`] when the file cannot be read again.
pub(super) fn read_bundle(path: &Path) -> Result<Reconciler, CliError> {
    let file = std::fs::File::open(path)
        .map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))?;
    let mut reconciler = Reconciler::new();
    // Header: magic, key, blank line; then one leaf per line up to the blank line.
    for line in std::io::BufReader::new(file).split(b'\n').skip(3) {
        let line = line.map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))?;
        if line.is_empty() {
            break;
        }
        let entry = decode(&line).map_err(|e| CliError::Verification(e.to_string()))?;
        reconciler.observe(&entry);
    }
    Ok(reconciler)
}

/// The published lines of each statement, read from `dir` (`<lines_sha256>.jsonl`).
pub(super) fn lines_from_dir(reconciler: &Reconciler, dir: &Path) -> HashMap<Hash, Vec<u8>> {
    reconciler
        .statements()
        .iter()
        .filter_map(|(_, s)| {
            let file = dir.join(format!("{}.jsonl", s.lines_sha256));
            std::fs::read(file)
                .ok()
                .map(|bytes| (s.lines_sha256, bytes))
        })
        .collect()
}

/// The published lines of each statement, fetched from `server`; a statement whose lines
/// cannot be had is left out (and reported as such).
pub(super) async fn lines_from_server(
    reconciler: &Reconciler,
    server: &Server,
) -> HashMap<Hash, Vec<u8>> {
    let mut out = HashMap::new();
    for (_, s) in reconciler.statements() {
        let path = format!("statements/{}/lines", s.lines_sha256);
        if let Ok(response) = server.get(&path).await {
            if let Ok(bytes) = response.bytes().await {
                out.insert(s.lines_sha256, bytes.to_vec());
            }
        }
    }
    out
}

/// Reconciles with the lines gathered, prints it, and with `--reconciled` fails on any
/// finding.
///
/// # Errors
/// [`CliError::Verification`] (exit 1) with `--reconciled` when anything differs.
pub(super) fn finish(
    reconciler: Reconciler,
    lines: &HashMap<Hash, Vec<u8>>,
    args: &StatementArgs,
) -> Result<(), CliError> {
    if reconciler.statements().is_empty() {
        return Ok(());
    }
    let result = reconciler.finish(|s: &Statement| lines.get(&s.lines_sha256).cloned());
    print(&result);
    let findings = result.findings().count();
    if args.reconciled && findings > 0 {
        return Err(CliError::Verification(format!(
            "bank statements: {findings} finding(s), listed above"
        )));
    }
    Ok(())
}

fn money(units: i128, currency: Currency) -> String {
    let text = format_decimal(units.unsigned_abs(), currency);
    if units < 0 {
        format!("-{text}")
    } else {
        text
    }
}

/// Prints each account's reconciliation (SPEC.md §16.3).
pub(super) fn print(result: &Reconciliation) {
    println!("  bank statements (SPEC.md §16):");
    for a in &result.accounts {
        let c = a.currency;
        println!(
            "    {} {} ({}), {c}: {} statement(s), {} line(s) checked",
            a.account.bank,
            a.account.number,
            a.account.holder,
            a.statements.len(),
            a.lines
        );
        match &a.reconciled_through {
            Some(day) => println!("      reconciled through {day}"),
            None => println!("      not reconciled: the first statement already differs"),
        }
        let bank = i128::from(a.bank_balance.get());
        println!(
            "      bank balance {} {c}, ledger balance {} {c}, difference {}",
            money(bank, c),
            money(a.ledger_balance, c),
            money(bank - a.ledger_balance, c)
        );
        for x in &a.excluded {
            println!("      {x}");
        }
        if a.findings.is_empty() {
            println!("      every line is accounted for");
        }
        for f in &a.findings {
            println!("      {f}");
        }
    }
}
