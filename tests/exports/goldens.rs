//! The streamed exports, whole and per campaign, served and written by the CLI, equal byte
//! for byte the goldens in `tests/data/exports/` for the demo bundle and for a richer ledger.
//! The IATI goldens are what the earlier whole-in-memory exporter wrote; the CSV goldens
//! were rewritten deliberately when the CSV gained its byte-order mark, signed and
//! minor-unit amounts, days, channels and reversal columns (issue 15), and when it gained
//! the budget_line, budget_category and pledge columns (issue 18).
//! `FUNDTRAIL_WRITE_GOLDENS=1 cargo test --test exports the_streamed_exports` rewrites them
//! after such a change; review the diff.

use crate::helpers::app::{StoppedApp, TestApp};
use crate::helpers::binary::fundtrail;
use crate::validate_iati;
use serde_json::json;

/// Whether to rewrite the goldens (`FUNDTRAIL_WRITE_GOLDENS=1`) after a deliberate format
/// change, instead of comparing with them.
fn writing_goldens() -> bool {
    std::env::var_os("FUNDTRAIL_WRITE_GOLDENS").is_some_and(|v| v == "1")
}

/// Compares `served` with the golden `name`, or rewrites it under `FUNDTRAIL_WRITE_GOLDENS=1`.
fn assert_golden(name: &str, served: &str) {
    if writing_goldens() {
        let path = format!("{}/tests/data/exports/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::write(&path, served).unwrap_or_else(|e| panic!("{path}: {e}"));
        return;
    }
    assert_eq!(served, golden(name), "{name} differs");
}

/// `tests/data/exports/NAME`.
fn golden(name: &str) -> String {
    let path = format!("{}/tests/data/exports/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Serves the ledger of `bundle`, imported the way the goldens' ledgers were: named
/// `Quỹ & <Co>`, with IATI identifier `VN-COA-12345`.
async fn serve_imported(bundle: &str) -> TestApp {
    let dir = tempfile::tempdir().expect("temporary folder");
    let data = dir.path().join("data");
    let imported = fundtrail(&[
        "import",
        "--data",
        &data.display().to_string(),
        "--name",
        "Quỹ & <Co>",
        bundle,
    ]);
    assert_eq!(
        imported.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    let path = data.join("config.json");
    let mut config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("config")).expect("JSON");
    config["iati_org_id"] = json!("VN-COA-12345");
    std::fs::write(&path, config.to_string()).expect("config written");
    StoppedApp {
        dir,
        admin_token: String::new(),
        recorder_token: String::new(),
    }
    .restart()
    .await
}

/// The IATI document with its generation time replaced, as in the goldens.
fn without_generation_time(xml: &str) -> String {
    let start = xml
        .find("generated-datetime=\"")
        .expect("generated-datetime")
        + 20;
    let end = start + xml[start..].find('"').expect("closing quote");
    format!("{}GENERATED{}", &xml[..start], &xml[end..])
}

#[tokio::test]
async fn the_streamed_exports_equal_byte_for_byte_what_the_whole_in_memory_exports_wrote() {
    let ledgers = [
        (
            "demo",
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/demo/bundle.txt"),
        ),
        (
            "rich",
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/data/exports/rich-bundle.txt"
            ),
        ),
    ];
    for (name, bundle) in ledgers {
        let app = serve_imported(bundle).await;
        let campaigns: Vec<String> = app.get_json("/campaigns").await["campaigns"]
            .as_array()
            .expect("campaigns")
            .iter()
            .map(|c| c["id"].as_str().expect("id").to_string())
            .collect();
        assert!(campaigns.len() >= 3, "{name}: {campaigns:?}");

        let mut compared = vec![(format!("{name}.csv"), app.get_text("/export/csv").await)];
        compared.push((
            format!("{name}.xml"),
            without_generation_time(&app.get_text("/export/iati").await),
        ));
        for c in &campaigns {
            compared.push((
                format!("{name}-{c}.csv"),
                app.get_text(&format!("/export/csv?campaign={c}")).await,
            ));
            compared.push((
                format!("{name}-{c}.xml"),
                without_generation_time(&app.get_text(&format!("/export/iati?campaign={c}")).await),
            ));
        }

        for (file, served) in &compared {
            assert_golden(file, served);
        }
        let xml = app.get_text("/export/iati").await;
        if let Some(result) = validate_iati(&xml, &app.scratch("")) {
            result.unwrap_or_else(|e| panic!("{name}: IATI schema validation failed: {e}\n{xml}"));
        }
    }
}

#[tokio::test]
async fn the_cli_exports_equal_the_served_ones() {
    let bundle = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/exports/rich-bundle.txt"
    );
    let app = serve_imported(bundle).await;
    let ledger = app.stop().await;
    let data = ledger.data_dir().display().to_string();
    let export = |extra: &[&str]| {
        let mut args = vec!["export", "--data", data.as_str()];
        args.extend_from_slice(extra);
        let out = fundtrail(&args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("UTF-8")
    };

    let csv = export(&["--format", "csv", "--campaign", "school-roofs"]);
    let xml = export(&["--format", "iati", "--campaign", "clinic"]);

    assert_eq!(csv, golden("rich-school-roofs.csv"));
    assert_eq!(without_generation_time(&xml), golden("rich-clinic.xml"));
}
