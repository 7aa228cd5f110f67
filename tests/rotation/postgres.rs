//! Key rotation on PostgreSQL: the rotation is found again from the store after a restart
//! (the query of `key.rotate` entries), and the full audit verifies the ledger from its first
//! key.

use crate::helpers::postgres::Cluster;
use fundtrail::key_rotation::rotate_signing_key;
use fundtrail::startup::{Application, Config, DataDir};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ledger_on_postgres_rotated_then_restarted_keeps_both_keys_and_passes_the_audit() {
    let Some(cluster) = Cluster::start("rotation_on_postgres") else {
        return;
    };
    let url = cluster.new_database().await;
    let folder = tempfile::tempdir().expect("folder");
    let data = DataDir::new(folder.path().join("data")).with_database_url(Some(url));
    let config = Config::new("Quỹ", "example.org/ledger");
    let (store, signer) = data.init(&config, None).await.expect("init");
    let first_key = signer.verifier_key().to_string();
    let app = Application::from_parts(config, store, signer)
        .await
        .expect("started");

    let rotated = rotate_signing_key(&app.state, &data, Some("yearly".into()), "test")
        .await
        .expect("rotated");
    let store = app.state.store.clone();
    drop(app.state);
    let _ = app.sequencer.await;
    store.close().await;
    let again = Application::build(&data).await.expect("restarted");

    let keys: Vec<String> = again
        .state
        .key_history()
        .keys()
        .iter()
        .map(|(_, k)| k.clone())
        .collect();
    assert_eq!(keys, vec![first_key.clone(), rotated.verifier_key.clone()]);
    let report = fundtrail::audit::audit(&again.state.store, &first_key, |_| {})
        .await
        .expect("the audit passes from the first key");
    assert_eq!(report.keys.len(), 2);
    let store = again.state.store.clone();
    drop(again.state);
    let _ = again.sequencer.await;
    store.close().await;
}
