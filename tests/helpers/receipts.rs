//! Donation receipts (SPEC.md §12) from a test's point of view: a donation with personal
//! data, its receipt written to a file, and `fundtrail verify-receipt` run on it.

use super::app::TestApp;
use super::binary::fundtrail;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Output;

/// The donor's e-mail address, which the receipt's commitment is made for.
pub const EMAIL: &str = "tran.van.binh@example.vn";

/// Records a 250000 VND donation with the donor's name and [`EMAIL`], not published, plus
/// the fields of `extra`; panics unless it is accepted. Returns the answer.
pub async fn private_donation(app: &TestApp, campaign: &str, extra: Value) -> Value {
    let mut body = json!({
        "campaign": campaign, "amount": "250000",
        "donor_private": { "name": "Trần Văn Bình", "email": EMAIL },
        "publish_name": false,
    });
    if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    let response = app.post("/donations", &body, app.recorder()).await;
    assert_eq!(response.status(), 201, "{}", response.text());
    response.json()
}

/// Writes `receipt` to the scratch file `name` next to the app's data folder.
pub fn write(app: &TestApp, name: &str, receipt: &Value) -> PathBuf {
    let path = app.scratch(name);
    std::fs::write(&path, receipt.to_string()).expect("receipt written");
    path
}

/// `fundtrail verify-receipt PATH EXTRA…`.
pub fn verify_receipt(path: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["verify-receipt", path.to_str().expect("utf-8 path")];
    args.extend_from_slice(extra);
    fundtrail(&args)
}

/// The exit code, -1 when the process was killed by a signal.
pub fn code(output: &Output) -> i32 {
    output.status.code().unwrap_or(-1)
}
