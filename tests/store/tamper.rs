//! Tampering with a stopped ledger's database behind the server's back: the append-only
//! triggers refuse it, `fundtrail verify --data` finds it and names the entry, and a server
//! started on it refuses appends while still serving reads.

use crate::helpers::app::{spawn_app, StoppedApp, TestApp};
use crate::helpers::binary::verify_data;

/// A stopped ledger of four entries; entry 2 is the only donation of "500000".
async fn stopped_ledger() -> StoppedApp {
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    app.donate(&campaign, "100000").await.seq();
    assert_eq!(app.donate(&campaign, "500000").await.seq(), 2);
    app.donate(&campaign, "200000").await.seq();
    app.stop().await
}

/// Changes the amount inside entry 2's leaf bytes from 500000 to 900000.
async fn change_amount_of_entry_2(ledger: &StoppedApp) {
    ledger
        .execute("drop trigger entries_are_never_updated")
        .await
        .expect("trigger dropped");
    let changed = ledger
        .execute(
            "update entries set leaf = cast(replace(leaf, '\"500000\"', '\"900000\"') as blob) \
             where seq = 2",
        )
        .await
        .expect("leaf rewritten");
    assert_eq!(changed, 1);
}

/// Deletes entry 2, leaving entries 0, 1 and 3.
async fn delete_entry_2(ledger: &StoppedApp) {
    ledger
        .execute("drop trigger entries_are_never_deleted")
        .await
        .expect("trigger dropped");
    let deleted = ledger
        .execute("delete from entries where seq = 2")
        .await
        .expect("row deleted");
    assert_eq!(deleted, 1);
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test]
async fn the_append_only_triggers_refuse_to_update_or_delete_an_entry() {
    let ledger = stopped_ledger().await;

    let update = ledger
        .execute("update entries set leaf = cast('{}' as blob) where seq = 2")
        .await;
    let delete = ledger.execute("delete from entries where seq = 2").await;

    let update = update.expect_err("update refused").to_string();
    assert!(update.contains("append-only"), "{update}");
    let delete = delete.expect_err("delete refused").to_string();
    assert!(delete.contains("append-only"), "{delete}");
    let verified = verify_data(&ledger.data_dir());
    assert_eq!(verified.status.code(), Some(0), "{}", stderr(&verified));
}

#[tokio::test]
async fn an_amount_changed_inside_a_stored_entry_fails_verify_naming_that_entry() {
    let ledger = stopped_ledger().await;
    change_amount_of_entry_2(&ledger).await;

    let verified = verify_data(&ledger.data_dir());

    assert_eq!(verified.status.code(), Some(1), "{}", stderr(&verified));
    let message = stderr(&verified);
    assert!(message.contains("verification FAILED"), "{message}");
    assert!(message.contains("entry 2"), "{message}");
}

#[tokio::test]
async fn a_deleted_middle_entry_fails_verify_naming_the_missing_entry() {
    let ledger = stopped_ledger().await;
    delete_entry_2(&ledger).await;

    let verified = verify_data(&ledger.data_dir());

    assert_eq!(verified.status.code(), Some(1), "{}", stderr(&verified));
    let message = stderr(&verified);
    assert!(message.contains("entry 2"), "{message}");
    assert!(message.contains("missing"), "{message}");
}

#[tokio::test]
async fn a_changed_stored_campaign_total_fails_verify_naming_the_campaign() {
    let ledger = stopped_ledger().await;

    let changed = ledger
        .execute(
            "update campaigns set state = replace(state, '\"800000\"', '\"8000000\"') \
             where id = 'flood-2026'",
        )
        .await
        .expect("campaign row rewritten");
    let verified = verify_data(&ledger.data_dir());

    assert_eq!(changed, 1);
    assert_eq!(verified.status.code(), Some(1), "{}", stderr(&verified));
    let message = stderr(&verified);
    assert!(message.contains("flood-2026"), "{message}");
}

// The start-up check re-reads the last 256 entries; these ledgers are shorter, so the
// tampered entry is always inside it.

#[tokio::test]
async fn a_server_started_on_a_ledger_with_a_changed_entry_refuses_appends_but_serves_totals() {
    let ledger = stopped_ledger().await;
    change_amount_of_entry_2(&ledger).await;
    let app = ledger.restart().await;

    let append = app.donate("flood-2026", "100000").await;

    assert_eq!(append.status(), 503, "{}", append.text());
    assert_eq!(append.json()["error"], "unavailable");
    let totals = app.get_json("/totals").await;
    assert_eq!(totals["size"], 4);
    assert_eq!(totals["campaigns"][0]["donated"], "800000");
    let info = app.get_json("/info").await;
    let reason = info["read_only"].as_str().expect("a read-only reason");
    assert!(reason.contains("entry 2"), "{reason}");
    app.stop().await;
}

#[tokio::test]
async fn a_server_started_on_a_ledger_with_a_deleted_entry_refuses_appends_but_serves_totals() {
    let ledger = stopped_ledger().await;
    delete_entry_2(&ledger).await;
    let app = ledger.restart().await;

    let append = app.donate("flood-2026", "100000").await;

    assert_eq!(append.status(), 503, "{}", append.text());
    assert_eq!(append.json()["error"], "unavailable");
    assert_eq!(app.get_json("/totals").await["size"], 4);
    app.stop().await;
}

#[tokio::test]
async fn a_server_restarted_on_an_untouched_ledger_keeps_appending_where_it_stopped() {
    let ledger = stopped_ledger().await;
    let app = ledger.restart().await;

    let append = app.donate("flood-2026", "100000").await;

    assert_eq!(append.seq(), 4);
    assert_eq!(
        app.get_json("/info").await["read_only"],
        serde_json::Value::Null
    );
    let ledger = app.stop().await;
    let verified = verify_data(&ledger.data_dir());
    assert_eq!(verified.status.code(), Some(0), "{}", stderr(&verified));
}

#[tokio::test]
async fn a_changed_stored_merkle_node_fails_verify_naming_the_entry_it_belongs_to() {
    let ledger = stopped_ledger().await;
    ledger
        .execute("drop trigger tree_hashes_are_never_updated")
        .await
        .expect("trigger dropped");
    // Stored-hash index 4 is entry 3's leaf hash (entries 0..2 use indexes 0, 1, 2 and 3).
    let changed = ledger
        .execute("update tree_hashes set hash = zeroblob(32) where idx = 4")
        .await
        .expect("node rewritten");
    assert_eq!(changed, 1);

    let output = verify_data(&ledger.data_dir());

    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("entry 3: stored Merkle tree node 4"),
        "{}",
        stderr(&output)
    );
}

#[tokio::test]
async fn a_row_slipped_into_the_database_that_does_not_link_to_the_last_entry_is_refused() {
    let ledger = stopped_ledger().await;
    let copy_of_entry_3_as_4 = |prev: &str| {
        format!(
            "insert into entries (seq, leaf, leaf_hash, prev, kind, campaign, recorded_at) \
             select 4, leaf, leaf_hash, {prev}, kind, campaign, recorded_at from entries where seq = 3"
        )
    };

    let unlinked = ledger.execute(&copy_of_entry_3_as_4("prev")).await;
    let zeros = ledger.execute(&copy_of_entry_3_as_4("zeroblob(32)")).await;
    let new_genesis = ledger
        .execute(
            "insert into entries (seq, leaf, leaf_hash, prev, kind, recorded_at) \
             values (0, x'00', x'01', x'02', 'campaign.open', '')",
        )
        .await;

    for refused in [unlinked, zeros] {
        let refused = refused.expect_err("insert refused").to_string();
        assert!(refused.contains("prev is not the leaf hash"), "{refused}");
    }
    assert!(new_genesis.is_err());
    let verified = verify_data(&ledger.data_dir());
    assert_eq!(verified.status.code(), Some(0), "{}", stderr(&verified));
}

// The full audit: the start-up check reads only the last 256 entries, so a change further
// back is found by the audit every serving process runs in the background at start.

/// A stopped ledger of 300 entries; entry 2 is the only donation of "500000", far before
/// the last 256.
async fn long_stopped_ledger() -> StoppedApp {
    let app = std::sync::Arc::new(spawn_app().await);
    let campaign = app.open_campaign("flood-2026", "VND").await;
    app.donate(&campaign, "100000").await.seq();
    assert_eq!(app.donate(&campaign, "500000").await.seq(), 2);
    for round in (3..300).collect::<Vec<_>>().chunks(50) {
        let tasks: Vec<_> = round
            .iter()
            .map(|_| {
                let (app, campaign) = (std::sync::Arc::clone(&app), campaign.clone());
                tokio::spawn(async move { app.donate(&campaign, "100000").await.seq() })
            })
            .collect();
        for task in tasks {
            task.await.expect("append task");
        }
    }
    assert_eq!(app.checkpoint_size().await, 300);
    match std::sync::Arc::try_unwrap(app) {
        Ok(app) => app.stop().await,
        Err(_) => panic!("every task is done"),
    }
}

/// `GET /info`'s `audit` once its state is no longer pending or running.
async fn finished_audit(app: &TestApp) -> serde_json::Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let audit = app.get_json("/info").await["audit"].clone();
        let state = audit["state"].as_str().unwrap_or("absent").to_string();
        if state == "passed" || state == "failed" {
            return audit;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the audit did not finish: {audit}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_amount_far_before_the_tail_is_found_by_the_background_audit_and_appends_stop() {
    let ledger = long_stopped_ledger().await;
    change_amount_of_entry_2(&ledger).await;
    let app = ledger.restart().await;

    let audit = finished_audit(&app).await;
    let append = app.donate("flood-2026", "100000").await;

    assert_eq!(audit["state"], "failed", "{audit}");
    assert_eq!(audit["failure"]["seq"], 2, "{audit}");
    let message = audit["failure"]["message"].as_str().expect("a message");
    assert!(message.contains("entry 2"), "{message}");
    assert_eq!(audit["last_passed_at"], serde_json::Value::Null);
    assert_eq!(append.status(), 503, "{}", append.text());
    assert_eq!(append.json()["error"], "ledger_audit_failed");
    assert!(append.text().contains("entry 2"), "{}", append.text());
    let info = app.get_json("/info").await;
    let reason = info["read_only"].as_str().expect("a read-only reason");
    assert!(reason.contains("entry 2"), "{reason}");
    assert_eq!(app.get_json("/totals").await["size"], 300);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_untouched_long_ledger_passes_the_background_audit_with_its_size_and_keeps_appending() {
    let ledger = long_stopped_ledger().await;
    let app = ledger.restart().await;

    let audit = finished_audit(&app).await;
    let append = app.donate("flood-2026", "100000").await;

    assert_eq!(audit["state"], "passed", "{audit}");
    assert_eq!(audit["last_passed_size"], 300, "{audit}");
    assert!(audit["last_passed_at"].as_str().is_some(), "{audit}");
    assert_eq!(audit["failure"], serde_json::Value::Null);
    assert_eq!(append.seq(), 300);
    app.stop().await;
}
