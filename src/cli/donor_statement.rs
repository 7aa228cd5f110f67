//! `fundtrail statement-for-donor`: an admin makes a donor's statement (SPEC.md §21) from the
//! ledger's data folder, by receipt codes or by the identifier recorded with the gifts; and
//! the offline check of a statement, which `fundtrail verify-receipt` runs when handed one.

use super::{CliError, LedgerArgs};
use crate::donor_statements::{statement_for, Donor};
use crate::ledger::donor_statement::{verify_statement, DonorStatement, VerifiedStatement};
use crate::ledger::money::format_decimal;
use std::path::PathBuf;

/// Arguments of `fundtrail statement-for-donor`.
#[derive(Debug, clap::Args)]
pub struct StatementForDonorArgs {
    /// The ledger's data folder and database.
    #[command(flatten)]
    pub ledger: LedgerArgs,
    /// First day, YYYY-MM-DD (a gift's received day counts).
    #[arg(long)]
    pub from: String,
    /// Last day, inclusive.
    #[arg(long)]
    pub to: String,
    /// A receipt code (R-<seq>-<8 hex digits>); repeat for each gift.
    #[arg(long = "code", conflicts_with = "identifier")]
    pub codes: Vec<String>,
    /// Every gift recorded with this identifier (e-mail, phone...), each with its salt.
    #[arg(long)]
    pub identifier: Option<String>,
    /// Write the statement here (default: standard output).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Makes the statement and writes it.
///
/// # Errors
/// [`CliError::Usage`] for a bad range, code or identifier, or an unreadable ledger.
pub async fn run(args: StatementForDonorArgs) -> Result<(), CliError> {
    let donor = match (args.identifier, args.codes.is_empty()) {
        (Some(id), true) => Donor::AdminIdentifier(id),
        (None, false) => Donor::Codes(args.codes),
        _ => {
            return Err(CliError::Usage(
                "name the donor's gifts with --code (repeated) or --identifier".into(),
            ))
        }
    };
    let dir = args.ledger.dir();
    let key = dir.signer()?.verifier_key().to_string();
    let store = dir.store().await?;
    let made = async {
        let cp = store
            .latest_checkpoint()
            .await?
            .ok_or_else(|| CliError::Usage("the ledger has no signed checkpoint yet".into()))?;
        statement_for(&store, &cp, &cp.note, &key, &donor, (&args.from, &args.to))
            .await
            .map_err(|e| CliError::Usage(e.to_string()))
    }
    .await;
    store.close().await;
    let st = made?;
    let text = serde_json::to_string_pretty(&st).map_err(|e| CliError::Usage(e.to_string()))?;
    match &args.out {
        Some(path) => std::fs::write(path, format!("{text}\n"))
            .map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))?,
        None => println!("{text}"),
    }
    eprintln!(
        "Statement of {} gifts from {} to {}: {}",
        st.receipts.len(),
        st.from,
        st.to,
        totals_text(&st)
    );
    Ok(())
}

fn totals_text(st: &DonorStatement) -> String {
    if st.totals.is_empty() {
        return "no gifts".into();
    }
    st.totals
        .iter()
        .map(|t| {
            let units = t.amount.parse::<u128>().unwrap_or(0);
            format!("{} {}", format_decimal(units, t.currency), t.currency)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether `text` is a donor statement rather than a receipt (its `type` says so).
pub(super) fn is_statement(text: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(text)
        .is_ok_and(|v| v["type"] == crate::ledger::donor_statement::STATEMENT_TYPE)
}

/// Verifies the statement in `text` against `key` (else the key its receipts carry, with a
/// warning) and prints what it proves.
///
/// # Errors
/// [`CliError::Verification`] when it does not verify.
pub(super) fn verify_text(
    text: &str,
    key: Option<String>,
    identifier: Option<String>,
) -> Result<(), CliError> {
    let st: DonorStatement = serde_json::from_str(text).map_err(|e| {
        CliError::Verification(format!("statement: not a valid donor statement: {e}"))
    })?;
    let pinned = key.is_some();
    let key = key
        .or_else(|| st.receipts.first().map(|r| r.key.clone()))
        .unwrap_or_default();
    if !pinned {
        eprintln!(
            "warning: checking the statement against the key its receipts carry; pass --key \
             with the charity's published verifier key to know it is theirs"
        );
    }
    let v = verify_statement(&st, &key, identifier.as_deref())
        .map_err(|e| CliError::Verification(e.to_string()))?;
    print(&st, &v);
    Ok(())
}

fn print(st: &DonorStatement, v: &VerifiedStatement) {
    println!(
        "Verified donor statement, {} to {}: {} gifts",
        st.from,
        st.to,
        v.gifts.len()
    );
    for (seq, code, d, _) in &v.gifts {
        println!(
            "  {code}  entry {seq}, {} {} to {}, received {}",
            format_decimal(u128::from(d.amount.get()), d.currency),
            d.currency,
            d.campaign,
            d.received_at
        );
    }
    println!("  total:       {}", totals_text(st));
    if let Some(cp) = &v.checkpoint {
        println!(
            "  checkpoint:  {} (size {}, signature valid)",
            cp.origin, cp.size
        );
    }
    if v.identifier_checked {
        println!("  identifier:  matches every gift's donor commitment");
    }
}
