//! The CSV export carries each payment's budget line and category and each gift's pledge;
//! the IATI export carries `<sector>` and `<budget>` and incoming pledges (transaction type
//! 13), valid against the IATI 2.03 schema.

use crate::helpers::app::{spawn_app, TestApp};
use crate::{budgeted_campaign, pay};
use serde_json::json;
use std::path::Path;

/// Stops `app`, gives it an IATI organisation id, and serves it again.
async fn with_iati_org_id(app: TestApp) -> TestApp {
    let stopped = app.stop().await;
    let path = stopped.data_dir().join("config.json");
    let mut config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("config")).expect("JSON");
    config["iati_org_id"] = json!("VN-COA-12345");
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
    match std::process::Command::new("xmllint")
        .args(["--noout", "--schema", &schema])
        .arg(&file)
        .output()
    {
        Err(_) => {
            eprintln!("NOTICE: xmllint is missing (apt-get install libxml2-utils); IATI schema validation skipped");
            None
        }
        Ok(o) if o.status.success() => Some(Ok(())),
        Ok(o) => Some(Err(String::from_utf8_lossy(&o.stderr).into_owned())),
    }
}

async fn budget_and_pledges(app: &TestApp) {
    budgeted_campaign(app, "flood-2026").await;
    pay(app, "flood-2026", "3000000", Some("rice")).await.seq();
    let pledge = app
        .post(
            "/pledges",
            &json!({"campaign": "flood-2026", "amount": "3000000", "donor": "Hội Phụ nữ xã"}),
            app.recorder(),
        )
        .await
        .seq();
    app.post(
        "/donations",
        &json!({"campaign": "flood-2026", "amount": "1000000", "donor": "Hội Phụ nữ xã", "pledge": pledge}),
        app.recorder(),
    )
    .await
    .seq();
    app.post(
        &format!("/pledges/{pledge}/cancel"),
        &json!({"reason": "Hội đã chuyển tiền cho chiến dịch khác"}),
        app.recorder(),
    )
    .await
    .seq();
}

#[tokio::test]
async fn the_csv_names_each_payments_budget_line_and_category_and_each_gifts_pledge() {
    let app = spawn_app().await;
    budget_and_pledges(&app).await;

    let csv = app.get_text("/export/csv").await;

    let header: Vec<&str> = csv.lines().next().expect("header").split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect(name);
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    let payment = rows
        .iter()
        .find(|r| r[col("kind")] == "disbursement")
        .expect("a payment row");
    assert_eq!(payment[col("budget_line")], "rice");
    assert_eq!(payment[col("budget_category")], "food");
    let gift = rows
        .iter()
        .find(|r| r[col("kind")] == "donation" && !r[col("pledge")].is_empty())
        .expect("a gift fulfilling a pledge");
    assert_eq!(gift[col("pledge")], "4");
    assert!(csv.contains(",budget,flood-2026,"), "{csv}");
    assert!(
        csv.contains("rice: Gạo cho 500 hộ (food, sector 72040) 8000000 VND"),
        "{csv}"
    );
}

#[tokio::test]
async fn the_iati_export_carries_sectors_a_budget_and_incoming_pledges_and_validates() {
    let app = spawn_app().await;
    budget_and_pledges(&app).await;
    let app = with_iati_org_id(app).await;

    let xml = app.get_text("/export/iati").await;

    assert!(
        xml.contains("<sector vocabulary=\"1\" code=\"72040\" percentage=\"88.88\"/>"),
        "{xml}"
    );
    assert!(
        xml.contains("<sector vocabulary=\"1\" code=\"91010\" percentage=\"11.12\"/>"),
        "{xml}"
    );
    assert!(
        xml.contains("<sector vocabulary=\"99\" code=\"x-boat-repair\""),
        "{xml}"
    );
    assert!(xml.contains("<budget type=\"1\" status=\"1\">"), "{xml}");
    assert!(xml.contains(">14000000</value>"), "{xml}");
    assert_eq!(
        xml.matches("<transaction-type code=\"13\"/>").count(),
        2,
        "{xml}"
    );
    assert!(
        xml.contains(">-2000000</value>"),
        "the cancelled rest: {xml}"
    );
    if let Some(result) = validate_iati(&xml, &app.scratch("")) {
        result.expect("valid against the IATI 2.03 schema");
    }
}
