//! CSV and IATI exports on a real server and through the CLI: their content and validity,
//! per campaign, and byte for byte against the goldens in `tests/data/exports/`.

#[path = "../helpers/mod.rs"]
mod helpers;

mod compression;
mod demo_iati;
mod formats;
mod goldens;
mod per_campaign;

use helpers::app::TestApp;
use serde_json::json;
use std::collections::HashMap;
use std::path::Path;

/// Two campaigns with donations, a disbursement, a transfer and a reversal.
async fn busy_ledger(app: &TestApp) -> (String, String) {
    let flood = app.open_campaign("flood-2026", "VND").await;
    let kits = app.open_campaign("school-kits", "VND").await;
    let response = app
        .post(
            "/donations",
            &json!({ "campaign": flood, "amount": "500000", "donor": "Lan <Minh> & Co", "reference": "FT1" }),
            app.recorder(),
        )
        .await;
    response.seq();
    let mistaken = app.donate(&flood, "300000").await.seq();
    app.donate(&kits, "200000").await.seq();
    app.disburse(&flood, "150000").await.seq();
    app.transfer(&flood, &kits, "100000").await.seq();
    app.reverse(mistaken).await.seq();
    (flood, kits)
}

/// Stops `app`, writes `iati_org_id` into its config.json, and serves it again.
async fn with_iati_org_id(app: TestApp, id: &str) -> TestApp {
    let stopped = app.stop().await;
    let path = stopped.data_dir().join("config.json");
    let mut config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("config")).expect("JSON");
    config["iati_org_id"] = json!(id);
    std::fs::write(&path, config.to_string()).expect("config written");
    stopped.restart().await
}

/// Validates `xml` against the IATI 2.03 schema with xmllint; `None` when xmllint is absent.
fn validate_iati(xml: &str, scratch: &Path) -> Option<Result<(), String>> {
    let schema = format!(
        "{}/tests/data/iati-2.03/iati-activities-schema.xsd",
        env!("CARGO_MANIFEST_DIR")
    );
    let file = scratch.join("iati.xml");
    std::fs::write(&file, xml).expect("written");
    let output = std::process::Command::new("xmllint")
        .args(["--noout", "--schema", &schema])
        .arg(&file)
        .output();
    match output {
        Err(_) => {
            eprintln!("NOTICE: xmllint is missing (apt-get install libxml2-utils); IATI schema validation skipped");
            None
        }
        Ok(o) if o.status.success() => Some(Ok(())),
        Ok(o) => Some(Err(String::from_utf8_lossy(&o.stderr).into_owned())),
    }
}

/// The last running balance of each campaign in a CSV export.
fn final_balances(csv: &str) -> HashMap<String, String> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect(name);
    let (campaign, counterpart) = (col("campaign"), col("counterpart_campaign"));
    let (balance, counterpart_balance) = (col("balance"), col("counterpart_balance"));
    let mut out = HashMap::new();
    for line in lines {
        // The fixtures put no commas inside quoted cells of these columns' rows.
        let cells: Vec<&str> = line.split(',').collect();
        out.insert(cells[campaign].to_string(), cells[balance].to_string());
        if !cells[counterpart].is_empty() {
            out.insert(
                cells[counterpart].to_string(),
                cells[counterpart_balance].to_string(),
            );
        }
    }
    out
}
