//! Budgets and pledges (SPEC.md §18, §19) end to end: recorded and refused through the HTTP
//! API with the field at fault in words, read back as budget vs actual and pledged /
//! received / outstanding, caught by `fundtrail verify` with their entry number when a
//! ledger breaks them, and carried by the CSV and IATI exports (the IATI file validated
//! with xmllint against the 2.03 schema).

#[path = "../helpers/mod.rs"]
mod helpers;

mod api;
mod exports;
mod kept_views;
mod pledges;
mod verifier;

use helpers::app::{TestApp, TestResponse};
use serde_json::{json, Value};

/// A budget line for `POST /budgets`, with the IATI sector code of its category where the
/// staff console would suggest one.
fn line(id: &str, label: &str, category: &str, amount: &str) -> Value {
    let mut l = json!({"id": id, "label": label, "category": category, "amount": amount});
    let sector = match category {
        "food" => Some("72040"),
        "water" => Some("14030"),
        "administration" => Some("91010"),
        _ => None,
    };
    if let Some(s) = sector {
        l["sector"] = json!(s);
    }
    l
}

/// Records a budget (or, with `revises`, a revision) of `campaign` as recorder.
async fn record_budget(
    app: &TestApp,
    campaign: &str,
    lines: Vec<Value>,
    revises: Option<u64>,
) -> TestResponse {
    let mut body = json!({"campaign": campaign, "lines": lines});
    if let Some(r) = revises {
        body["revises"] = json!(r);
    }
    app.post("/budgets", &body, app.recorder()).await
}

/// Pays `amount` out of `campaign` against budget line `line` as recorder.
async fn pay(app: &TestApp, campaign: &str, amount: &str, line: Option<&str>) -> TestResponse {
    let mut body = json!({
        "campaign": campaign, "amount": amount, "recipient": "Hợp tác xã Thành Công",
        "purpose": "Gạo cho bà con",
    });
    if let Some(l) = line {
        body["budget_line"] = json!(l);
    }
    app.post("/disbursements", &body, app.recorder()).await
}

/// A campaign holding 20,000,000 VND with a budget of three lines; returns the budget's seq.
async fn budgeted_campaign(app: &TestApp, id: &str) -> u64 {
    app.open_campaign(id, "VND").await;
    app.donate(id, "20000000").await.seq();
    record_budget(
        app,
        id,
        vec![
            line("rice", "Gạo cho 500 hộ", "food", "8000000"),
            line("boats", "Sửa thuyền", "x-boat-repair", "5000000"),
            line("admin", "Chi phí quản lý", "administration", "1000000"),
        ],
        None,
    )
    .await
    .seq()
}
