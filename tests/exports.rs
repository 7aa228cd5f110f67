//! CSV and IATI exports on a real server and through the CLI.

mod common;
mod ledger_common;

use common::{fundtrail, spawn_app, TestApp};
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

#[tokio::test]
async fn the_csv_running_balance_ends_at_each_campaigns_published_balance() {
    let app = spawn_app().await;
    let (flood, kits) = busy_ledger(&app).await;

    let csv = app.get_text("/export/csv").await;

    assert_eq!(
        csv.lines().count(),
        1 + app.checkpoint_size().await as usize
    );
    let balances = final_balances(&csv);
    for id in [&flood, &kits] {
        assert_eq!(
            balances[id.as_str()],
            app.campaign_totals(id).await["balance"]
                .as_str()
                .expect("balance"),
            "{id}\n{csv}"
        );
    }
    assert_eq!(balances[flood.as_str()], "250000");
    assert!(
        csv.contains(",donation,flood-2026,,500000,VND,Lan <Minh> & Co,FT1,"),
        "{csv}"
    );
    assert!(
        csv.contains(",reversal,flood-2026,,300000,VND,,,error,3,"),
        "{csv}"
    );
}

#[tokio::test]
async fn a_campaign_csv_holds_only_the_entries_touching_that_campaign() {
    let app = spawn_app().await;
    let (_, kits) = busy_ledger(&app).await;

    let csv = app.get_text(&format!("/export/csv?campaign={kits}")).await;

    let kinds: Vec<&str> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(2).expect("kind"))
        .collect();
    assert_eq!(kinds, ["campaign.open", "donation", "transfer"]);
    assert_eq!(final_balances(&csv)["school-kits"], "300000");
    assert_eq!(app.get("/export/csv?campaign=nope").await.status(), 404);
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

#[tokio::test]
async fn the_iati_export_validates_against_the_iati_2_03_schema_and_escapes_names() {
    let app = spawn_app().await;
    let (flood, _) = busy_ledger(&app).await;
    app.close_campaign(&flood).await;
    let app = with_iati_org_id(app, "VN-COA-12345").await;

    let xml = app.get_text("/export/iati").await;

    assert_eq!(xml.matches("<iati-activity ").count(), 2);
    assert!(xml.contains("<iati-identifier>VN-COA-12345-flood-2026</iati-identifier>"));
    assert!(
        xml.contains("<narrative>Lan &lt;Minh&gt; &amp; Co</narrative>"),
        "{xml}"
    );
    assert!(!xml.contains("<Minh>"));
    assert!(xml.contains("<transaction-type code=\"1\"/>"));
    assert!(xml.contains("<transaction-type code=\"3\"/>"));
    assert!(
        xml.contains("<value currency=\"VND\" value-date=\""),
        "{xml}"
    );
    assert!(
        xml.contains(">-300000</value>"),
        "the reversal is a negative transaction"
    );
    if let Some(result) = validate_iati(&xml, &app.scratch("")) {
        result.unwrap_or_else(|e| panic!("IATI schema validation failed: {e}\n{xml}"));
    }
}

#[tokio::test]
async fn the_iati_export_needs_an_organisation_identifier() {
    let app = spawn_app().await;
    app.open_campaign("flood-2026", "VND").await;

    let response = app.get("/export/iati").await;

    assert_eq!(response.status(), 404);
    assert_eq!(response.json()["error"], "not_configured");
}

#[tokio::test]
async fn the_cli_writes_the_same_csv_and_a_valid_iati_file() {
    let app = spawn_app().await;
    busy_ledger(&app).await;
    let served = app.get_text("/export/csv").await;
    let csv_path = app.scratch("entries.csv");
    let xml_path = app.scratch("iati.xml");
    let ledger = app.stop().await;
    let data = ledger.data_dir().display().to_string();

    let csv = fundtrail(&[
        "export",
        "--data",
        &data,
        "--format",
        "csv",
        "-o",
        &csv_path.display().to_string(),
    ]);
    let iati = fundtrail(&[
        "export",
        "--data",
        &data,
        "--format",
        "iati",
        "--iati-org-id",
        "VN-COA-1",
        "-o",
        &xml_path.display().to_string(),
    ]);
    let without_id = fundtrail(&["export", "--data", &data, "--format", "iati"]);

    assert_eq!(
        csv.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&csv.stderr)
    );
    assert_eq!(std::fs::read_to_string(&csv_path).expect("csv"), served);
    assert_eq!(
        iati.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&iati.stderr)
    );
    let xml = std::fs::read_to_string(&xml_path).expect("xml");
    assert!(xml.contains("<reporting-org ref=\"VN-COA-1\""));
    if let Some(result) = validate_iati(&xml, ledger.dir.path()) {
        result.unwrap_or_else(|e| panic!("IATI schema validation failed: {e}\n{xml}"));
    }
    assert_eq!(without_id.status.code(), Some(2));
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
    common::StoppedApp {
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
            assert_eq!(served, &golden(file), "{file} differs");
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

/// `GET /api/v1{path}` read to its end: the body, or why it could not be read whole.
async fn read_whole(app: &TestApp, path: &str) -> Result<String, String> {
    let response = app
        .client
        .get(format!("{}/api/v1{path}", app.address))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if response.status() != 200 {
        return Err(format!("status {}", response.status()));
    }
    response.text().await.map_err(|e| e.to_string())
}

#[tokio::test]
async fn a_campaigns_exports_read_only_its_entries_and_those_of_its_transfer_partners() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let kits = app.open_campaign("school-kits", "VND").await;
    let other = app.open_campaign("clinic", "VND").await;
    app.donate(&flood, "500000").await.seq();
    let unrelated = app.donate(&other, "300000").await.seq();
    app.transfer(&flood, &kits, "100000").await.seq();
    app.donate(&kits, "200000").await.seq();
    let app = with_iati_org_id(app, "VN-COA-12345").await;
    let before = app.get_text(&format!("/export/csv?campaign={flood}")).await;
    // Make the other campaign's donation unreadable behind the server's back.
    let stopped = app.stop().await;
    stopped
        .execute("drop trigger entries_are_never_updated")
        .await
        .expect("trigger dropped");
    let changed = stopped
        .execute(&format!(
            "update entries set leaf = cast('not an entry' as blob) where seq = {unrelated}"
        ))
        .await
        .expect("leaf replaced");
    assert_eq!(changed, 1);
    let app = stopped.restart().await;

    let flood_csv = read_whole(&app, &format!("/export/csv?campaign={flood}")).await;
    let kits_csv = read_whole(&app, &format!("/export/csv?campaign={kits}")).await;
    let flood_iati = read_whole(&app, &format!("/export/iati?campaign={flood}")).await;
    let other_csv = read_whole(&app, &format!("/export/csv?campaign={other}")).await;
    let whole_csv = read_whole(&app, "/export/csv").await;

    assert_eq!(flood_csv.as_deref(), Ok(before.as_str()));
    assert!(kits_csv.is_ok_and(|c| c.contains(",transfer,flood-2026,school-kits,")));
    assert!(flood_iati.is_ok_and(|x| x.ends_with("</iati-activities>\n")));
    assert!(
        other_csv.is_err(),
        "the unreadable entry is the other campaign's"
    );
    assert!(whole_csv.is_err(), "the whole export reads every entry");
}

/// A ledger written before hidden characters and implausible days were refused at append
/// time (SPEC.md §2.5): noncharacters and direction controls in a title, a donor and a
/// recipient, a gift received in 1899. Built behind the API's back, signed, and imported as
/// a bundle (which `import` verifies first).
fn ledger_with_hidden_characters(folder: &Path) -> String {
    use fundtrail::ledger::CheckpointSigner;
    use ledger_common::{disbursement, donation, open, LedgerBuilder};
    let mut ledger = LedgerBuilder::new();
    ledger.append("lan", open("flood-2026", "VND", "Flood\u{FFFF} relief"));
    let mut gift = donation("flood-2026", "VND", 500_000, "Lan\u{202E}gnp.exe\u{FFFE}");
    if let fundtrail::ledger::Body::Donation(d) = &mut gift {
        // A day the server no longer accepts for new entries; published, it stays valid.
        d.received_at = "1899-12-31".into();
    }
    ledger.append("lan", gift);
    ledger.append(
        "lan",
        disbursement(
            "flood-2026",
            "VND",
            200_000,
            "Công ty\u{FFFE}\u{FFFF} Hòa Bình\u{FDD0}",
        ),
    );
    let (signer, _) = CheckpointSigner::generate("old.fundtrail.example/ledger").expect("key");
    let bundle = folder.join("old.bundle");
    std::fs::write(&bundle, ledger.bundle(&signer)).expect("bundle written");
    let data = folder.join("data");
    let imported = fundtrail(&[
        "import",
        "--data",
        &data.display().to_string(),
        &bundle.display().to_string(),
    ]);
    assert_eq!(
        imported.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    data.display().to_string()
}

#[test]
fn exports_of_a_ledger_holding_noncharacters_are_well_formed_and_valid() {
    let folder = tempfile::tempdir().expect("temporary folder");
    let data = ledger_with_hidden_characters(folder.path());
    let xml_path = folder.path().join("iati.xml");
    let csv_path = folder.path().join("entries.csv");

    let iati = fundtrail(&[
        "export",
        "--data",
        &data,
        "--format",
        "iati",
        "--iati-org-id",
        "VN-COA-1",
        "-o",
        &xml_path.display().to_string(),
    ]);
    let csv = fundtrail(&[
        "export",
        "--data",
        &data,
        "--format",
        "csv",
        "-o",
        &csv_path.display().to_string(),
    ]);

    assert_eq!(
        iati.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&iati.stderr)
    );
    assert_eq!(
        csv.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&csv.stderr)
    );
    let xml = std::fs::read_to_string(&xml_path).expect("xml");
    assert!(!xml.contains(['\u{FFFE}', '\u{FFFF}']), "{xml}");
    assert!(
        xml.contains("Công ty\u{FFFD}\u{FFFD} Hòa Bình\u{FDD0}"),
        "{xml}"
    );
    match std::process::Command::new("xmllint")
        .arg("--noout")
        .arg(&xml_path)
        .output()
    {
        Ok(o) => assert!(
            o.status.success(),
            "not well-formed: {}",
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(_) => eprintln!("NOTICE: xmllint is missing; well-formedness not checked"),
    }
    if let Some(result) = validate_iati(&xml, folder.path()) {
        result.unwrap_or_else(|e| panic!("IATI schema validation failed: {e}\n{xml}"));
    }
    let csv = std::fs::read_to_string(&csv_path).expect("csv");
    assert_eq!(csv.lines().count(), 4, "{csv}");
    assert!(
        csv.contains("Lan\u{202E}gnp.exe\u{FFFE}"),
        "the CSV keeps the text as stored"
    );
}
