//! Donations with personal data: privacy (what the chain, the public and each role see),
//! erasure (for good, on both stores, with nothing left in answers, logs or files) and
//! receipts. Keyed retries carrying personal data are in `tests/api/idempotency.rs`.

#[path = "../helpers/mod.rs"]
mod helpers;

mod erasure;
mod privacy;
mod receipts;

use fundtrail::ledger::hash::Hash;
use helpers::app::TestApp;
use serde_json::{json, Value};
use std::path::Path;

/// The donor's personal data, none of which may reach the chain or a public answer.
const NAME: &str = "Trần Văn Bình";
const EMAIL: &str = "tran.van.binh@example.vn";
const PHONE: &str = "+84 912 345 678";
const ADDRESS: &str = "12 Lê Lợi, Đồng Hới, Quảng Bình";
/// The bank reference of [`private_donation`].
const REFERENCE: &str = "VCB-20261102-0042";

/// A 500000 VND donation to `campaign` with all of the donor's personal data, the name not
/// to be published.
fn private_donation(campaign: &str) -> Value {
    json!({
        "campaign": campaign, "amount": "500000", "reference": REFERENCE,
        "donor_private": { "name": NAME, "email": EMAIL, "phone": PHONE, "address": ADDRESS },
        "publish_name": false,
    })
}

/// The salt of the receipt in a donation's answer.
fn salt_of(answer: &Value) -> [u8; 32] {
    Hash::from_hex(answer["receipt"]["salt"].as_str().expect("salt"))
        .expect("salt is 64 hex digits")
        .0
}

/// `GET /api/v1{path}` as `token`: the status and the body.
async fn admin_get(app: &TestApp, path: &str, token: &str) -> (u16, String) {
    let r = app
        .client
        .get(format!("{}/api/v1{path}", app.address))
        .bearer_auth(token)
        .send()
        .await
        .expect("sent");
    (r.status().as_u16(), r.text().await.expect("body"))
}

/// How many rows of personal data the SQLite database `db` holds.
async fn count_sqlite_donors(db: &Path) -> i64 {
    use sqlx::Connection;
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(db);
    let mut conn = sqlx::SqliteConnection::connect_with(&options)
        .await
        .expect("open ledger.db");
    let n: i64 = sqlx::query_scalar("select count(*) from donors")
        .fetch_one(&mut conn)
        .await
        .expect("count donors");
    conn.close().await.expect("closed");
    n
}
