//! `fundtrail import-statement`: a preview, an import and a re-import of the fixture
//! statement, and a malformed statement refused with nothing recorded.

use crate::fixture;
use crate::helpers::app::spawn_app;
use crate::helpers::binary::fundtrail;
use serde_json::Value;

#[tokio::test]
async fn the_cli_previews_imports_and_re_imports_a_statement() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let size = app.checkpoint_size().await;
    let ledger = app.stop().await;
    let data = ledger.data_dir().display().to_string();
    let file = fixture("vcb-2026-11.csv");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "import-statement",
            &file,
            "--campaign",
            &flood,
            "--data",
            &data,
        ];
        args.extend_from_slice(extra);
        fundtrail(&args)
    };

    let preview = run(&["--dry-run"]);
    let imported = run(&[]);
    let again = run(&["--json"]);

    let text = |o: &std::process::Output| String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(
        preview.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&preview.stderr)
    );
    assert!(
        text(&preview).contains("Dry run: would record 4 donation(s)"),
        "{}",
        text(&preview)
    );
    assert!(
        text(&preview)
            .contains("line 6: 2026-11-25 -15000000 VND ref FT26329003: skipped: outgoing"),
        "{}",
        text(&preview)
    );
    assert!(
        text(&preview).contains("returned transfer (of line 6)"),
        "{}",
        text(&preview)
    );
    assert_eq!(
        imported.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    assert!(
        text(&imported).contains("Recorded 4 donation(s)"),
        "{}",
        text(&imported)
    );
    let report: Value = serde_json::from_str(&text(&again)).expect("JSON report");
    assert_eq!(report["recorded"], 0);
    let app = ledger.restart().await;
    assert_eq!(app.checkpoint_size().await, size + 4);
    assert_eq!(app.campaign_totals(&flood).await["donated"], "4200000");
}

#[tokio::test]
async fn the_cli_refuses_a_malformed_statement_and_records_nothing() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let size = app.checkpoint_size().await;
    let ledger = app.stop().await;
    let data = ledger.data_dir().display().to_string();

    let output = fundtrail(&[
        "import-statement",
        &fixture("bad-amount-line-17.csv"),
        "--campaign",
        &flood,
        "--data",
        &data,
    ]);

    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("line 17, column \"Số tiền\": \"1.000.0x0\" is not an amount"),
        "{stderr}"
    );
    let app = ledger.restart().await;
    assert_eq!(app.checkpoint_size().await, size);
}
