//! A ledger that rotates its key while serving.

use crate::helpers::app::TestApp;
use crate::rotatable_app;
use fundtrail::key_rotation::rotate_signing_key;
use fundtrail::ledger::checkpoint::verify_checkpoint;
use fundtrail::ledger::receipt::{verify_receipt, Receipt};
use fundtrail::ledger::verify_bundle;
use fundtrail::startup::DataDir;
use serde_json::Value;

/// Opens a campaign, records a donation and returns its receipt.
async fn donation_receipt(app: &TestApp) -> Value {
    let answer = app.donate("flood-2026", "250000").await;
    assert_eq!(answer.status(), 201, "{}", answer.text());
    answer.json()["receipt"].clone()
}

fn receipt_verifies(receipt: &Value) -> Result<(), String> {
    let parsed: Receipt = serde_json::from_value(receipt.clone()).map_err(|e| e.to_string())?;
    let key = receipt["key"].as_str().unwrap_or_default();
    verify_receipt(&parsed, key, None)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

#[tokio::test]
async fn a_ledger_rotated_while_serving_verifies_with_its_first_key_and_with_its_new_key() {
    let (app, state) = rotatable_app().await;
    let first_key = app.key().await;
    app.open_campaign("flood-2026", "VND").await;
    let before = donation_receipt(&app).await;
    let data = DataDir::new(app.data_dir());

    let rotated = rotate_signing_key(&state, &data, Some("Scheduled change".into()), "test")
        .await
        .expect("rotated");
    let after = donation_receipt(&app).await;

    assert_eq!(rotated.seq, 2);
    assert_eq!(rotated.previous_key, first_key);
    assert_ne!(rotated.verifier_key, first_key);
    assert_eq!(app.key().await, rotated.verifier_key);
    let info = app.get_json("/info").await;
    assert_eq!(info["key"], rotated.verifier_key.as_str());
    assert_eq!(info["keys"][0]["key"], first_key.as_str());
    assert_eq!(info["keys"][0]["from"], 0);
    assert_eq!(info["keys"][1]["key"], rotated.verifier_key.as_str());
    assert_eq!(info["keys"][1]["from"], 3);
    let bundle = app.get_text("/export").await;
    for pinned in [&first_key, &rotated.verifier_key] {
        let report = verify_bundle(bundle.as_bytes(), Some(pinned), None, |_| {})
            .unwrap_or_else(|e| panic!("pinned {pinned}: {e}"));
        assert_eq!(report.size, 4);
    }
    assert_eq!(receipt_verifies(&before), Ok(()));
    assert_eq!(receipt_verifies(&after), Ok(()));
    assert_eq!(before["key"], first_key.as_str());
    assert_eq!(after["key"], rotated.verifier_key.as_str());
    drop(state);
    app.stop().await;
}

#[tokio::test]
async fn appends_around_a_rotation_keep_their_order_and_every_checkpoint_after_it_is_signed_by_the_new_key(
) {
    let (app, state) = rotatable_app().await;
    let first_key = app.key().await;
    app.open_campaign("flood-2026", "VND").await;
    let data = DataDir::new(app.data_dir());

    let donations = (0..20).map(|_| app.donate("flood-2026", "1000"));
    let (answers, rotated) = tokio::join!(
        futures_util::future::join_all(donations),
        rotate_signing_key(&state, &data, None, "test")
    );
    let rotated = rotated.expect("rotated");
    app.donate("flood-2026", "1000").await;

    assert!(answers.iter().all(|a| a.status() == 201));
    let size = app.checkpoint_size().await;
    assert_eq!(size, 23);
    for n in 1..=size {
        let Some(cp) = app.store.checkpoint_at(n).await.expect("store") else {
            continue;
        };
        let key = if n > rotated.seq {
            &rotated.verifier_key
        } else {
            &first_key
        };
        assert!(
            verify_checkpoint(&cp.note, key).is_ok(),
            "checkpoint of {n} entries (rotation at {}) is not signed by {key}",
            rotated.seq
        );
    }
    drop(state);
    app.stop().await;
}

#[tokio::test]
async fn after_a_rotation_the_folder_holds_the_new_key_and_the_retired_old_one_and_a_restart_keeps_both(
) {
    let (app, state) = rotatable_app().await;
    let first_key = app.key().await;
    let data = DataDir::new(app.data_dir());
    let rotated = rotate_signing_key(&state, &data, None, "test")
        .await
        .expect("rotated");
    drop(state);
    let stopped = app.stop().await;

    let id = first_key.split('+').nth(1).expect("key id");
    assert!(stopped
        .data_dir()
        .join(format!("signing.key.retired-{id}"))
        .exists());
    assert!(!stopped.data_dir().join("signing.key.next").exists());
    let signer = data.signer().expect("signing.key");
    assert_eq!(signer.verifier_key(), rotated.verifier_key);
    let app = stopped.restart().await;
    let info = app.get_json("/info").await;
    let keys: Vec<&str> = info["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .filter_map(|k| k["key"].as_str())
        .collect();
    assert_eq!(
        keys,
        vec![first_key.as_str(), rotated.verifier_key.as_str()]
    );
    app.open_campaign("after-restart", "VND").await;
    let bundle = app.get_text("/export").await;
    verify_bundle(bundle.as_bytes(), Some(&first_key), None, |_| {}).expect("verifies");
    app.stop().await;
}

#[tokio::test]
async fn a_rotation_with_an_empty_note_is_refused_naming_the_note_and_leaves_the_key_in_force() {
    let (app, state) = rotatable_app().await;
    let first_key = app.key().await;
    let data = DataDir::new(app.data_dir());

    let refused = rotate_signing_key(&state, &data, Some("  ".into()), "test")
        .await
        .expect_err("refused");

    assert_eq!(
        refused.field.as_deref(),
        Some("note"),
        "{}",
        refused.message
    );
    assert_eq!(app.key().await, first_key);
    assert_eq!(data.signer().expect("key").verifier_key(), first_key);
    assert!(!app.data_dir().join("signing.key.next").exists());
    assert_eq!(app.checkpoint_size().await, 0);
    drop(state);
    app.stop().await;
}

#[tokio::test]
async fn an_interrupted_rotation_is_finished_at_the_next_start_when_the_ledger_holds_it() {
    let (app, state) = rotatable_app().await;
    let data = DataDir::new(app.data_dir());
    let rotated = rotate_signing_key(&state, &data, None, "test")
        .await
        .expect("rotated");
    drop(state);
    let stopped = app.stop().await;
    // As if the process died after the append, before swapping the files back.
    let folder = stopped.data_dir();
    let retired = std::fs::read_dir(&folder)
        .expect("folder")
        .flatten()
        .find(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("signing.key.retired-")
        })
        .expect("a retired key")
        .path();
    std::fs::rename(folder.join("signing.key"), folder.join("signing.key.next")).expect("mv");
    std::fs::rename(&retired, folder.join("signing.key")).expect("mv");

    let app = stopped.restart().await;

    assert_eq!(app.key().await, rotated.verifier_key);
    assert!(!folder.join("signing.key.next").exists());
    app.open_campaign("after-restart", "VND").await;
    app.stop().await;
}
