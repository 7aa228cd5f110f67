//! Donation receipts (SPEC.md §12): issued with every donation, re-issued to admins,
//! public by code without the salt, and verified offline by `fundtrail verify-receipt`.

mod common;

use common::{fundtrail, spawn_app, TestApp};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::Output;

const EMAIL: &str = "tran.van.binh@example.vn";

async fn private_donation(app: &TestApp, campaign: &str, extra: Value) -> Value {
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

fn write(app: &TestApp, name: &str, receipt: &Value) -> PathBuf {
    let path = app.scratch(name);
    std::fs::write(&path, receipt.to_string()).expect("receipt written");
    path
}

fn verify_receipt(path: &std::path::Path, extra: &[&str]) -> Output {
    let mut args = vec!["verify-receipt", path.to_str().expect("utf-8 path")];
    args.extend_from_slice(extra);
    fundtrail(&args)
}

fn code(output: &Output) -> i32 {
    output.status.code().unwrap_or(-1)
}

fn explain(output: &Output) -> String {
    format!(
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[tokio::test]
async fn a_donation_answer_carries_a_receipt_that_the_cli_verifies_offline() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    let answer = private_donation(&app, &campaign, json!({})).await;
    let key = app.key().await;
    let path = write(&app, "receipt.json", &answer["receipt"]);

    let pinned = verify_receipt(&path, &["--key", &key]);
    let unpinned = verify_receipt(&path, &[]);
    let with_identifier = verify_receipt(&path, &["--key", &key, "--identifier", EMAIL]);

    let receipt = &answer["receipt"];
    assert_eq!(receipt["type"], "fundtrail-receipt");
    assert_eq!(receipt["v"], 1);
    assert_eq!(receipt["seq"], answer["seq"]);
    assert_eq!(receipt["leaf"], answer["leaf"]);
    assert_eq!(receipt["checkpoint"], answer["checkpoint"]);
    assert_eq!(receipt["key"], key.as_str());
    let hash = answer["leaf_hash"].as_str().expect("leaf hash");
    assert_eq!(
        receipt["code"],
        format!("R-{}-{}", answer["seq"], &hash[..8])
    );
    assert_eq!(receipt["salt"].as_str().map(str::len), Some(64));
    assert_eq!(code(&pinned), 0, "{}", explain(&pinned));
    assert!(String::from_utf8_lossy(&pinned.stdout).contains("key pinned"));
    assert_eq!(code(&unpinned), 0, "{}", explain(&unpinned));
    assert!(String::from_utf8_lossy(&unpinned.stderr).contains("warning"));
    assert_eq!(code(&with_identifier), 0, "{}", explain(&with_identifier));
    assert!(
        String::from_utf8_lossy(&with_identifier.stdout).contains("matches the donor commitment")
    );
}

#[tokio::test]
async fn changing_one_byte_of_the_leaf_the_proof_or_the_checkpoint_fails_with_exit_1() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    app.donate(&campaign, "100000").await.seq();
    let answer = private_donation(&app, &campaign, json!({})).await;
    let receipt = answer["receipt"].clone();
    let key = app.key().await;
    let flip = |text: &str, at: usize| {
        let mut bytes = text.as_bytes().to_vec();
        bytes[at] = if bytes[at] == b'0' { b'1' } else { b'0' };
        String::from_utf8(bytes).expect("utf-8")
    };
    let leaf = receipt["leaf"].as_str().expect("leaf");
    let amount_at = leaf.find("250000").expect("amount in the leaf");
    let mut tampered_leaf = receipt.clone();
    tampered_leaf["leaf"] = json!(flip(leaf, amount_at + 1));
    let mut tampered_proof = receipt.clone();
    let first = receipt["proof"]["proof"][0].as_str().expect("a proof hash");
    tampered_proof["proof"]["proof"][0] = json!(flip(first, 10));
    let mut tampered_root = receipt.clone();
    let root = receipt["proof"]["root"].as_str().expect("root");
    tampered_root["proof"]["root"] = json!(flip(root, 3));
    let mut tampered_note = receipt.clone();
    let note = receipt["checkpoint"].as_str().expect("note");
    let signature_at = note.rfind(' ').expect("signature line") + 5;
    let mut bytes = note.as_bytes().to_vec();
    bytes[signature_at] = if bytes[signature_at] == b'A' {
        b'B'
    } else {
        b'A'
    };
    tampered_note["checkpoint"] = json!(String::from_utf8(bytes).expect("utf-8"));
    let mut tampered_seq = receipt.clone();
    tampered_seq["seq"] = json!(1);

    for (name, bad) in [
        ("leaf", tampered_leaf),
        ("proof", tampered_proof),
        ("root", tampered_root),
        ("checkpoint", tampered_note),
        ("seq", tampered_seq),
    ] {
        let path = write(&app, &format!("{name}.json"), &bad);
        let output = verify_receipt(&path, &["--key", &key]);
        assert_eq!(code(&output), 1, "{name}: {}", explain(&output));
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("receipt"),
            "{name}: {}",
            explain(&output)
        );
    }
}

#[tokio::test]
async fn a_wrong_identifier_or_a_foreign_key_fails_and_a_missing_file_is_a_usage_error() {
    let app = spawn_app().await;
    let other = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    let answer = private_donation(&app, &campaign, json!({})).await;
    let path = write(&app, "receipt.json", &answer["receipt"]);

    let wrong_identifier = verify_receipt(&path, &["--identifier", "someone@example.vn"]);
    let foreign_key = verify_receipt(&path, &["--key", &other.key().await]);
    let missing = verify_receipt(&app.scratch("nothing.json"), &[]);
    let bad_key = verify_receipt(&path, &["--key", "not a key"]);

    assert_eq!(code(&wrong_identifier), 1, "{}", explain(&wrong_identifier));
    assert_eq!(code(&foreign_key), 1, "{}", explain(&foreign_key));
    assert_eq!(code(&missing), 2, "{}", explain(&missing));
    assert_eq!(code(&bad_key), 2, "{}", explain(&bad_key));
}

// The CLI blocks this thread while it talks to the server: the server needs another.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receipt_is_proven_consistent_with_the_servers_newer_checkpoint() {
    let app = spawn_app().await;
    let other = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    let answer = private_donation(&app, &campaign, json!({})).await;
    for _ in 0..5 {
        app.donate(&campaign, "1000").await.seq();
    }
    let path = write(&app, "receipt.json", &answer["receipt"]);
    let key = app.key().await;

    let same_server = verify_receipt(&path, &["--key", &key, "--url", &app.address]);
    let other_server = verify_receipt(&path, &["--key", &key, "--url", &other.address]);

    assert_eq!(code(&same_server), 0, "{}", explain(&same_server));
    let stdout = String::from_utf8_lossy(&same_server.stdout);
    assert!(
        stdout.contains("latest checkpoint (size 7) extends"),
        "{stdout}"
    );
    assert_eq!(code(&other_server), 1, "{}", explain(&other_server));
}

#[tokio::test]
async fn the_public_receipt_by_code_has_no_salt_and_still_verifies() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    let answer = private_donation(&app, &campaign, json!({})).await;
    app.donate(&campaign, "1000").await.seq();
    let code_text = answer["receipt"]["code"]
        .as_str()
        .expect("code")
        .to_string();

    let public = app.get_json(&format!("/receipts/{code_text}")).await;
    let path = write(&app, "public.json", &public);
    let verified = verify_receipt(&path, &["--key", &app.key().await]);
    let with_identifier = verify_receipt(&path, &["--identifier", EMAIL]);

    assert!(public.get("salt").is_none(), "{public}");
    assert_eq!(public["leaf"], answer["leaf"]);
    assert_eq!(public["proof"]["size"], 3);
    assert_eq!(code(&verified), 0, "{}", explain(&verified));
    assert_eq!(code(&with_identifier), 1, "{}", explain(&with_identifier));
}

#[tokio::test]
async fn receipt_codes_that_do_not_name_a_donation_are_not_found() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    let seq = app.donate(&campaign, "1000").await.seq();
    let hash = app.get_json(&format!("/entries/{seq}")).await["leaf_hash"]
        .as_str()
        .expect("hash")
        .to_string();
    let campaign_hash = app.get_json("/entries/0").await["leaf_hash"]
        .as_str()
        .expect("hash")
        .to_string();

    let right = app.get(&format!("/receipts/R-{seq}-{}", &hash[..8])).await;
    let wrong_prefix = app.get(&format!("/receipts/R-{seq}-00000000")).await;
    let beyond = app.get(&format!("/receipts/R-99-{}", &hash[..8])).await;
    let not_a_donation = app
        .get(&format!("/receipts/R-0-{}", &campaign_hash[..8]))
        .await;
    let garbage = app.get("/receipts/hello").await;

    assert_eq!(right.status(), 200, "{}", right.text());
    assert_eq!(wrong_prefix.status(), 404);
    assert_eq!(beyond.status(), 404);
    assert_eq!(not_a_donation.status(), 404);
    assert_eq!(garbage.status(), 404);
}

#[tokio::test]
async fn admins_reissue_a_receipt_with_the_salt_and_recorders_cannot() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    let answer = private_donation(&app, &campaign, json!({})).await;
    app.donate(&campaign, "1000").await.seq();
    let seq = answer["seq"].as_u64().expect("seq");

    let as_admin = app
        .client
        .get(format!("{}/api/v1/receipts/{seq}", app.address))
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .expect("sent");
    let as_admin: Value = as_admin.json().await.expect("json");
    let as_recorder = app
        .client
        .get(format!("{}/api/v1/receipts/{seq}", app.address))
        .bearer_auth(&app.recorder_token)
        .send()
        .await
        .expect("sent");
    let anonymous = app.get(&format!("/receipts/{seq}")).await;

    assert_eq!(as_admin["salt"], answer["receipt"]["salt"]);
    assert_eq!(as_admin["proof"]["size"], 3);
    let path = write(&app, "reissued.json", &as_admin);
    let verified = verify_receipt(&path, &["--identifier", EMAIL]);
    assert_eq!(code(&verified), 0, "{}", explain(&verified));
    assert_eq!(as_recorder.status(), 403);
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test]
async fn cash_and_in_kind_gifts_get_receipts_the_same_way() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    let key = app.key().await;

    let cash = private_donation(&app, &campaign, json!({ "channel": "cash" })).await;
    let in_kind = app
        .post(
            "/donations",
            &json!({
                "campaign": campaign, "amount": "3000000", "channel": "in_kind",
                "in_kind_description": "20 bags of rice, 25 kg each",
            }),
            app.recorder(),
        )
        .await;

    assert_eq!(in_kind.status(), 201, "{}", in_kind.text());
    let in_kind = in_kind.json();
    assert!(in_kind["receipt"].get("salt").is_none());
    for (name, answer) in [("cash", cash), ("in-kind", in_kind)] {
        let path = write(&app, &format!("{name}.json"), &answer["receipt"]);
        let output = verify_receipt(&path, &["--key", &key]);
        assert_eq!(code(&output), 0, "{name}: {}", explain(&output));
    }
}

#[tokio::test]
async fn a_retried_donation_returns_the_same_receipt_and_salt() {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    let body = json!({
        "campaign": campaign, "amount": "250000",
        "donor_private": { "email": EMAIL }, "publish_name": false,
    })
    .to_string()
    .into_bytes();

    let first = app
        .post_with("/donations", body.clone(), app.recorder(), Some("gift-1"))
        .await;
    let retry = app
        .post_with("/donations", body, app.recorder(), Some("gift-1"))
        .await;

    assert_eq!(first.status(), 201, "{}", first.text());
    assert_eq!(retry.status(), 200, "{}", retry.text());
    assert_eq!(retry.json()["replayed"], true);
    assert_eq!(
        retry.json()["receipt"]["salt"],
        first.json()["receipt"]["salt"]
    );
    assert_eq!(retry.json()["seq"], first.json()["seq"]);
    assert_eq!(app.checkpoint_size().await, 2);
}
