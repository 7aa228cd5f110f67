//! `GET /api/v1/approval-policies`: the ledger-wide rules in force in every currency, public,
//! including one in a currency no campaign uses (which no campaign reports).

use crate::api::declare;
use crate::helpers::app::spawn_app;
use serde_json::{json, Value};

#[tokio::test]
async fn every_ledger_wide_rule_in_force_is_listed_even_in_a_currency_no_campaign_uses() {
    let app = spawn_app().await;
    app.open_campaign("water", "VND").await;
    for body in [
        json!({ "currency": "VND", "approvers": 1, "threshold": "5000000" }),
        json!({ "currency": "EUR", "approvers": 2, "threshold": "1000.00" }),
        json!({ "currency": "USD", "approvers": 3, "threshold": "10.00" }),
        json!({ "currency": "USD", "approvers": 0, "threshold": "10.00" }),
        json!({ "campaign": "water", "approvers": 4, "threshold": "9000000" }),
    ] {
        let r = declare(&app, body).await;
        assert_eq!(r.status(), 201, "{}", r.text());
    }

    let listed: Value = app
        .client
        .get(format!("{}/api/v1/approval-policies", app.address))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("JSON");

    let rules: Vec<(String, u64, String)> = listed["ledger"]
        .as_array()
        .expect("ledger")
        .iter()
        .map(|r| {
            (
                r["currency"].as_str().expect("currency").to_string(),
                r["approvers"].as_u64().expect("approvers"),
                r["threshold"].as_str().expect("threshold").to_string(),
            )
        })
        .collect();
    assert_eq!(
        rules,
        [
            ("EUR".to_string(), 2, "100000".to_string()),
            ("VND".to_string(), 1, "5000000".to_string()),
        ],
        "the lifted USD rule and the campaign's own are not listed: {listed}"
    );
    assert!(listed["ledger"][0]["since"].is_u64(), "{listed}");
}
