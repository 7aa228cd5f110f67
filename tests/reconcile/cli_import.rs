//! `fundtrail import-statement --format mt940` takes the statement path: a dry run records
//! nothing, the import records the statement and its missing donations together, and the same
//! file again is refused whole (it overlaps the statement recorded), recording nothing.

use crate::formats::swift;
use crate::helpers::app::spawn_app;
use crate::helpers::binary::fundtrail;
use serde_json::json;

#[tokio::test]
async fn the_cli_previews_then_records_an_mt940_statement_with_its_donations_and_refuses_it_twice()
{
    let app = spawn_app().await;
    let opened = app
        .post(
            "/campaigns",
            &json!({"id": "yagi", "title": "Bão Yagi", "purpose": "Cứu trợ", "currency": "VND",
                    "accounts": [{"bank": "Vietcombank", "holder": "Quỹ", "number": "0071000123456"}]}),
            app.admin(),
        )
        .await;
    assert_eq!(opened.status(), 201, "{}", opened.text());
    let before = app.store.size().await.expect("size");
    let stopped = app.stop().await;
    let data = stopped.data_dir().display().to_string();
    let path = stopped.data_dir().join("statement.sta");
    std::fs::write(&path, swift()).expect("written");
    let file = path.display().to_string();
    let run = |extra: &[&str]| {
        let mut args = vec![
            "import-statement",
            &file,
            "--campaign",
            "yagi",
            "--format",
            "mt940",
            "--data",
            &data,
        ];
        args.extend_from_slice(extra);
        fundtrail(&args)
    };
    let text = |o: &std::process::Output| {
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    };

    let preview = run(&["--dry-run", "--exclude", "4:interest,5:fee"]);
    let recorded = run(&["--exclude", "4:interest,5:fee"]);
    let again = run(&["--exclude", "4:interest,5:fee"]);

    assert_eq!(preview.status.code(), Some(0), "{}", text(&preview));
    assert!(text(&preview).contains("Dry run: would record the statement of account 0071000123456 from 2024-09-01 to 2024-09-30"), "{}", text(&preview));
    assert_eq!(recorded.status.code(), Some(0), "{}", text(&recorded));
    assert!(
        text(&recorded).contains(&format!("as entry {before}")),
        "{}",
        text(&recorded)
    );
    assert_ne!(again.status.code(), Some(0), "{}", text(&again));
    assert!(text(&again).contains("already covers"), "{}", text(&again));
    let donations = text(&recorded).matches("donation recorded").count() as u64;
    assert!(donations >= 1, "{}", text(&recorded));
    let app = stopped.restart().await;
    assert_eq!(
        app.store.size().await.expect("size"),
        before + 1 + donations
    );
}
