//! The demo ledger's bank statement (`fundtrail demo`): the first half of November 2026 of
//! the demo's Vietcombank account in đồng, whose four incoming transfers the demo's
//! donations name, plus the bank's interest, excluded as interest. It reconciles cleanly
//! through 2026-11-15, so the page's `#/accounts` view has an account to show.

use crate::ledger::entry::{Account, Body, Exclusion, ExclusionReason, SignedMinor, Statement};
use crate::ledger::hash::sha256;
use crate::ledger::money::Currency;
use crate::ledger::reconcile::{encode_lines, lines_root, LinesFile, StatementLine};
use crate::sequencer::{AppendError, AppendRequest, SequencerHandle, StatementImport};
use std::sync::Arc;

/// The media type the published lines are stored with.
pub const LINES_MEDIA_TYPE: &str = "application/x-ndjson";

fn line(amount: i64, date: &str, id: &str, counterparty: Option<&str>) -> StatementLine {
    StatementLine {
        amount: SignedMinor(amount),
        counterparty: counterparty.map(Into::into),
        counterparty_commitment: None,
        date: date.into(),
        id: id.into(),
        memo: None,
    }
}

/// The demo statement's lines, in the bank's order.
pub fn demo_lines() -> Vec<StatementLine> {
    vec![
        line(
            5_000_000,
            "2026-11-02",
            "FT26306001234",
            Some("NGUYEN VAN AN"),
        ),
        line(250_000, "2026-11-02", "FT26306009876", None),
        line(
            12_000_000,
            "2026-11-03",
            "FT26307004455",
            Some("CONG TY TNHH HOA BINH"),
        ),
        line(
            20_000_000,
            "2026-11-04",
            "FT26308001111",
            Some("TRAN THI BINH"),
        ),
        line(12_345, "2026-11-15", "INT261115", None),
    ]
}

/// The `statement` entry of [`demo_lines`]: opening at 0, closing at their sum, the interest
/// line excluded.
pub fn demo_statement(lines: &[StatementLine]) -> Statement {
    let closing: i64 = lines.iter().map(|l| l.amount.get()).sum();
    let file = encode_lines(lines);
    Statement {
        account: Account {
            bank: "Vietcombank".into(),
            holder: "Quỹ Cứu trợ Cộng đồng".into(),
            number: "0071 0012 34567".into(),
        },
        closing: SignedMinor(closing),
        currency: Currency::parse("VND")
            .unwrap_or_else(|_| unreachable!("VND is in the ISO 4217 table")),
        exclusions: vec![Exclusion {
            line: 5,
            note: Some("Lãi tiền gửi tháng 11 / November interest".into()),
            reason: ExclusionReason::Interest,
        }],
        file_sha256: sha256(
            b"demo bank statement: Vietcombank 0071 0012 34567, 2026-11-01 to 2026-11-15",
        ),
        from: "2026-11-01".into(),
        lines: lines.len() as u64,
        lines_root: lines_root(lines),
        lines_sha256: sha256(&file),
        opening: SignedMinor(0),
        to: "2026-11-15".into(),
    }
}

/// Records the demo statement through the sequencer's statement path (after the demo
/// entries, whose donations it names), as `recorded_by`. Returns its seq and the file of
/// lines to publish (stored by the caller with [`LINES_MEDIA_TYPE`]).
///
/// # Errors
/// The sequencer's refusal.
pub async fn record_demo_statement(
    sequencer: &SequencerHandle,
    recorded_by: &str,
) -> Result<(u64, Vec<u8>), AppendError> {
    let lines = demo_lines();
    let file = encode_lines(&lines);
    let import = StatementImport {
        request: AppendRequest {
            body: Body::Statement(demo_statement(&lines)),
            recorded_by: recorded_by.into(),
            idempotency_key: None,
            separate_gift: false,
            private: None,
        },
        lines: Arc::new(LinesFile::of(&lines)),
    };
    let recorded = sequencer
        .record_statement(import, std::iter::empty())
        .await?;
    Ok((recorded.statement.seq, file))
}
