//! Three months (September to November 2024) of two accounts, as `fundtrail verify` reports
//! them: every difference with its statement, line and day; a clean ledger reconciled through
//! its last day; a published line changed after the fact.

use crate::books::{bidv, line, vcb, verify, Books};
use crate::helpers::binary::{explain, text};
use fundtrail::ledger::entry::ExclusionReason::{Fee, Interest, ReturnedTransfer};

const SEPTEMBER: (&str, &str) = ("2024-09-01", "2024-09-30");
const OCTOBER: (&str, &str) = ("2024-10-01", "2024-10-31");
const NOVEMBER: (&str, &str) = ("2024-11-01", "2024-11-30");

/// The messy books: Vietcombank's October has a donation nobody recorded (line 1), one
/// recorded twice (line 2), a transfer returned to its sender (lines 3 and 4), a payment out
/// without a disbursement (line 5) and a fee (line 7); its November statement starts on 25
/// October (an overlap). BIDV has no October statement (a gap) and earns interest.
pub fn messy() -> Books {
    let mut b = Books::new();
    b.donation("relief", "FT1", 500_000);
    b.donation("relief", "FT2", 300_000);
    b.donation("relief", "FT4", 150_000);
    b.donation("relief", "FT4", 150_000);
    b.disbursement("relief", "DB7", 100_000);
    b.donation("relief", "FT8", 50_000);
    b.donation("schools", "FTB1", 1_000_000);
    b.donation("schools", "FTB2", 70_000);
    b.statement(
        vcb(),
        SEPTEMBER,
        Some(1_000_000),
        vec![
            line("2024-09-09", "FT1", 500_000),
            line("2024-09-10", "FT2", 300_000),
            line("2024-09-30", "INT9", 1_200),
            line("2024-09-30", "FEE9", -11_000),
        ],
        &[(3, Interest), (4, Fee)],
    );
    b.statement(
        vcb(),
        OCTOBER,
        None,
        vec![
            line("2024-10-03", "FT3", 200_000),
            line("2024-10-05", "FT4", 150_000),
            line("2024-10-07", "RT5", 250_000),
            line("2024-10-08", "RT5R", -250_000),
            line("2024-10-15", "DB6", -400_000),
            line("2024-10-20", "DB7", -100_000),
            line("2024-10-31", "FEE10", -11_000),
        ],
        &[(3, ReturnedTransfer), (4, ReturnedTransfer), (7, Fee)],
    );
    b.statement(
        vcb(),
        ("2024-10-25", "2024-11-30"),
        None,
        vec![line("2024-11-04", "FT8", 50_000)],
        &[],
    );
    b.statement(
        bidv(),
        SEPTEMBER,
        Some(0),
        vec![line("2024-09-12", "FTB1", 1_000_000)],
        &[],
    );
    b.statement(
        bidv(),
        NOVEMBER,
        None,
        vec![
            line("2024-11-02", "FTB2", 70_000),
            line("2024-11-30", "INTB11", 900),
        ],
        &[(2, Interest)],
    );
    b
}

/// The same two accounts with every line accounted for, every month.
fn clean() -> Books {
    let mut b = Books::new();
    b.donation("relief", "FT1", 500_000);
    b.donation("relief", "FT3", 200_000);
    b.disbursement("relief", "DB7", 100_000);
    b.donation("schools", "FTB1", 1_000_000);
    b.donation("schools", "FTB2", 70_000);
    b.statement(
        vcb(),
        SEPTEMBER,
        Some(1_000_000),
        vec![
            line("2024-09-09", "FT1", 500_000),
            line("2024-09-30", "FEE9", -11_000),
        ],
        &[(2, Fee)],
    );
    b.statement(
        vcb(),
        OCTOBER,
        None,
        vec![
            line("2024-10-03", "FT3", 200_000),
            line("2024-10-20", "DB7", -100_000),
        ],
        &[],
    );
    b.statement(vcb(), NOVEMBER, None, vec![], &[]);
    b.statement(
        bidv(),
        SEPTEMBER,
        Some(0),
        vec![line("2024-09-12", "FTB1", 1_000_000)],
        &[],
    );
    b.statement(
        bidv(),
        OCTOBER,
        None,
        vec![line("2024-10-30", "INTB10", 800)],
        &[(1, Interest)],
    );
    b.statement(
        bidv(),
        NOVEMBER,
        None,
        vec![line("2024-11-02", "FTB2", 70_000)],
        &[],
    );
    b
}

fn written(books: &Books) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    books.write(dir.path());
    dir
}

#[test]
fn every_difference_of_three_months_on_two_accounts_is_reported_with_its_line_and_day() {
    let books = messy();
    let dir = written(&books);
    let output = verify(dir.path(), &[]);
    assert!(output.status.success(), "{}", explain(&output));
    let stdout = text(&output.stdout);
    // Statements are entries 10 to 14 (two campaigns and eight entries come first).
    for expected in [
        "statement 11 line 1 (2024-10-03): credit 200000 (FT3) is in the statement but no donation names it",
        "statement 11 line 2 (2024-10-05): FT4 is named by 2 entries (4, 5): a duplicate",
        "statement 11 line 5 (2024-10-15): debit -400000 (DB6) is in the statement but no disbursement or transfer names it",
        "statement 12 (2024-10-25): covers 2024-10-25 to 2024-10-31, which statement 11 covers too (an overlap)",
        "statement 14 (2024-10-01): no statement covers 2024-10-01 to 2024-10-31 (a gap)",
        "statement 11 line 3 (2024-10-07): 250000 (RT5) explained as returned_transfer",
        "statement 11 line 4 (2024-10-08): -250000 (RT5R) explained as returned_transfer",
        "statement 10 line 3 (2024-09-30): 1200 (INT9) explained as interest",
        "statement 11 line 7 (2024-10-31): -11000 (FEE10) explained as fee",
        "statement 14 line 2 (2024-11-30): 900 (INTB11) explained as interest",
        "reconciled through 2024-09-30",
    ] {
        assert!(stdout.contains(expected), "missing {expected:?} in\n{stdout}");
    }
    // Vietcombank: the bank received 200,000 no donation records and paid 400,000 out that no
    // disbursement records; the duplicate counts once. The bank holds 200,000 less.
    assert!(
        stdout.contains("bank balance 1679200 VND, ledger balance 1879200 VND, difference -200000"),
        "{stdout}"
    );
    let strict = verify(dir.path(), &["--reconciled"]);
    assert_eq!(strict.status.code(), Some(1), "{}", explain(&strict));
    assert!(
        text(&strict.stderr).contains("bank statements: 5 finding(s)"),
        "{}",
        explain(&strict)
    );
}

#[test]
fn a_clean_ledger_reconciles_both_accounts_through_their_last_day() {
    let dir = written(&clean());
    let output = verify(dir.path(), &["--reconciled"]);
    assert!(output.status.success(), "{}", explain(&output));
    let stdout = text(&output.stdout);
    assert_eq!(
        stdout.matches("reconciled through 2024-11-30").count(),
        2,
        "{stdout}"
    );
    assert_eq!(
        stdout.matches("every line is accounted for").count(),
        2,
        "{stdout}"
    );
}

#[test]
fn a_published_line_changed_after_the_fact_is_caught() {
    let books = clean();
    let dir = written(&books);
    let (sha, bytes) = &books.published[1];
    let path = dir.path().join("lines").join(format!("{sha}.jsonl"));
    let changed = String::from_utf8(bytes.clone())
        .expect("UTF-8")
        .replace("\"200000\"", "\"20000\"");
    assert_ne!(changed.as_bytes(), &bytes[..]);
    std::fs::write(&path, changed).expect("write");
    let output = verify(dir.path(), &["--reconciled"]);
    assert_eq!(output.status.code(), Some(1), "{}", explain(&output));
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains("statement 8 (2024-10-01): the published lines (2) are not the 2 lines the ledger committed to"),
        "{stdout}"
    );
}

#[test]
fn statements_whose_lines_are_not_given_are_reported_as_unavailable() {
    let dir = written(&clean());
    std::fs::remove_dir_all(dir.path().join("lines")).expect("remove");
    let output = verify(dir.path(), &[]);
    assert!(output.status.success(), "{}", explain(&output));
    assert_eq!(
        text(&output.stdout)
            .matches("its published lines are not available")
            .count(),
        6
    );
}
