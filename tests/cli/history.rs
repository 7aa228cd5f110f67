//! History across time, from outside: `fundtrail verify URL --since CHECKPOINT_FILE` against
//! real servers (a ledger that grew, one rewritten under the same key, one signed with another
//! key, one that cannot give a proof), and `fundtrail verify-fork` on fork proof files made
//! from real servers. The shared fork proof vectors are checked in `tests/ledger/`.

use crate::helpers::app::{spawn_app, StoppedApp, TestApp};
use crate::helpers::binary::{fundtrail, text};
use fundtrail::ledger::fork::{ForkProof, PrefixEvidence, FORK_PROOF_FORMAT};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

fn code(out: &Output) -> Option<i32> {
    out.status.code()
}

/// `fundtrail verify URL --since FILE [extra...]`.
fn verify_since(url: &str, kept: &Path, extra: &[&str]) -> Output {
    let kept = kept.display().to_string();
    let mut args = vec!["verify", url, "--since", &kept];
    args.extend_from_slice(extra);
    fundtrail(&args)
}

/// Saves the server's current signed checkpoint, as an auditor would.
async fn keep_checkpoint(app: &TestApp, name: &str) -> PathBuf {
    let path = app.scratch(name);
    std::fs::write(&path, app.get_text("/checkpoint").await).expect("checkpoint saved");
    path
}

fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("folder created");
    for entry in std::fs::read_dir(from).expect("folder read") {
        let entry = entry.expect("folder entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_folder(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("file copied");
        }
    }
}

/// Two servers signing with the same key whose ledgers share their first entries (a campaign
/// and two donations), then each records a different donation: a fork.
async fn forked_pair() -> (TestApp, TestApp) {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    app.donate(&flood, "500000").await.seq();
    app.donate(&flood, "250000").await.seq();
    let stopped = app.stop().await;
    let copy = tempfile::tempdir().expect("temporary folder");
    copy_folder(&stopped.data_dir(), &copy.path().join("data"));
    let twin = StoppedApp {
        dir: copy,
        admin_token: stopped.admin_token.clone(),
        recorder_token: stopped.recorder_token.clone(),
    };
    let (a, b) = (stopped.restart().await, twin.restart().await);
    a.donate(&flood, "100000").await.seq();
    b.donate(&flood, "999000").await.seq();
    assert_eq!(a.key().await, b.key().await, "one key");
    assert_ne!(
        a.checkpoint().await.root,
        b.checkpoint().await.root,
        "two roots"
    );
    (a, b)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kept_checkpoint_that_the_ledger_extends_verifies_with_exit_0() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    app.donate(&flood, "500000").await.seq();
    let kept = keep_checkpoint(&app, "kept.txt").await;
    app.donate(&flood, "300000").await.seq();
    app.donate(&flood, "200000").await.seq();
    let now = app.checkpoint().await;

    let out = verify_since(&app.address, &kept, &[]);

    assert_eq!(code(&out), Some(0), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(
        report.contains(&format!(
            "History: the ledger (4 entries, root {}) extends the checkpoint you kept (2 entries",
            now.root
        )),
        "{report}"
    );
    assert!(report.contains("entries:    4"), "{report}");
    // The same size and root is fine too.
    let same = keep_checkpoint(&app, "same.txt").await;
    assert_eq!(code(&verify_since(&app.address, &same, &[])), Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ledger_rewritten_under_the_same_key_exits_1_naming_both_sizes_and_roots() {
    let (a, b) = forked_pair().await;
    let kept = keep_checkpoint(&a, "kept.txt").await;
    let (old, same_size) = (a.checkpoint().await, b.checkpoint().await);

    let at_same_size = verify_since(&b.address, &kept, &[]);
    b.donate("flood-2026", "1000").await.seq();
    let larger = b.checkpoint().await;
    let after_growing = verify_since(&b.address, &kept, &[]);

    for (out, new) in [(&at_same_size, &same_size), (&after_growing, &larger)] {
        assert_eq!(code(out), Some(1), "{}", text(&out.stdout));
        let err = text(&out.stderr);
        assert!(err.contains("history rewritten"), "{err}");
        assert!(
            err.contains(&format!("({} entries, root {})", old.size, old.root)),
            "{err}"
        );
        assert!(
            err.contains(&format!("({} entries, root {})", new.size, new.root)),
            "{err}"
        );
    }
    // A ledger that lost entries since the kept checkpoint is rewritten too.
    let longer = keep_checkpoint(&b, "longer.txt").await;
    let rolled_back = verify_since(&a.address, &longer, &[]);
    assert_eq!(code(&rolled_back), Some(1));
    assert!(text(&rolled_back.stderr).contains("fewer entries than before"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kept_checkpoint_signed_with_another_key_exits_1_and_is_never_replaced() {
    let app = spawn_app().await;
    let other = spawn_app().await;
    app.open_campaign("flood-2026", "VND").await;
    other.open_campaign("flood-2026", "VND").await;
    let kept = keep_checkpoint(&other, "kept.txt").await;
    let before = std::fs::read(&kept).expect("kept file");
    let key = app.key().await;

    let published = verify_since(&app.address, &kept, &[]);
    let pinned = verify_since(&app.address, &kept, &["--key", &key]);
    let pinned_other = verify_since(&app.address, &kept, &["--key", &other.key().await]);

    for out in [&published, &pinned] {
        assert_eq!(code(out), Some(1), "{}", text(&out.stdout));
        let err = text(&out.stderr);
        assert!(
            err.contains(&format!("is not signed with the key {key}")),
            "{err}"
        );
        assert!(err.contains("never accepted silently"), "{err}");
    }
    assert_eq!(code(&pinned_other), Some(1));
    assert!(text(&pinned_other.stderr).contains("server's current checkpoint does not verify"));
    assert_eq!(
        std::fs::read(&kept).expect("kept file"),
        before,
        "the file is untouched"
    );
}

/// A server that publishes `key` and `note` but answers every proof request with 500.
async fn server_without_proofs(key: String, note: String) -> String {
    use axum::routing::get;
    let router = axum::Router::new()
        .route("/api/v1/key", get(move || async move { key }))
        .route("/api/v1/checkpoint", get(move || async move { note }))
        .route(
            "/api/v1/proof/consistency",
            get(|| async {
                (
                    axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                    "database busy",
                )
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a loopback port");
    let address = format!("http://{}", listener.local_addr().expect("local address"));
    tokio::spawn(async move { axum::serve(listener, router).await });
    address
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_consistency_proof_that_cannot_be_fetched_exits_2_saying_it_could_not_confirm() {
    let app = spawn_app().await;
    let flood = app.open_campaign("flood-2026", "VND").await;
    let kept = keep_checkpoint(&app, "kept.txt").await;
    app.donate(&flood, "500000").await.seq();
    let failing = server_without_proofs(app.key().await, app.get_text("/checkpoint").await).await;
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        format!("http://{}", l.local_addr().expect("address"))
    };

    let no_proof = verify_since(&failing, &kept, &[]);
    let no_server = verify_since(&closed, &kept, &[]);

    for out in [&no_proof, &no_server] {
        assert_eq!(code(out), Some(2), "{}", text(&out.stdout));
        let err = text(&out.stderr);
        assert!(
            err.contains("could not confirm that history was not rewritten"),
            "{err}"
        );
    }
    assert!(text(&no_proof.stderr).contains("500"));
    // --since needs a URL.
    let bundle = fundtrail(&["verify", "bundle.txt", "--since", "kept.txt"]);
    assert_eq!(code(&bundle), Some(2));
}

/// The fork proof file the page makes: the remembered note `seen_first` (of `first_size`
/// entries), `later`'s current one, and `later`'s inclusion proof of the remembered tree's
/// last leaf.
async fn page_fork_proof(seen_first: String, first_size: u64, later: &TestApp) -> ForkProof {
    let seen_later = later.get_text("/checkpoint").await;
    let size = later.checkpoint().await.size;
    let p = later
        .get_json(&format!(
            "/proof/inclusion?index={}&size={size}",
            first_size - 1
        ))
        .await;
    fn json<T: serde::de::DeserializeOwned>(v: &Value) -> T {
        serde_json::from_value(v.clone()).expect("hashes")
    }
    ForkProof {
        format: FORK_PROOF_FORMAT.into(),
        key: later.key().await,
        seen_first,
        seen_later,
        prefix: Some(PrefixEvidence {
            index: first_size - 1,
            leaf_hash: json(&p["leaf_hash"]),
            proof: json(&p["proof"]),
        }),
        consistency: None,
        site: Some(later.address.clone()),
        found: None,
    }
}

fn write_json(path: &Path, proof: &ForkProof) {
    std::fs::write(path, serde_json::to_string_pretty(proof).expect("JSON")).expect("written");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_fork_exits_0_only_for_a_file_that_proves_a_fork() {
    let (a, b) = forked_pair().await;
    let size = a.checkpoint().await.size;
    let kept = a.get_text("/checkpoint").await;
    b.donate("flood-2026", "1000").await.seq();
    a.donate("flood-2026", "2000").await.seq();
    let key = a.key().await;
    let forked = a.scratch("fork.json");
    write_json(&forked, &page_fork_proof(kept.clone(), size, &b).await);
    let consistent = a.scratch("honest.json");
    write_json(&consistent, &page_fork_proof(kept, size, &a).await);
    let not_json = a.scratch("not.json");
    std::fs::write(&not_json, "hello").expect("written");
    let path = |p: &PathBuf| p.display().to_string();

    let proved = fundtrail(&["verify-fork", &path(&forked), "--key", &key]);
    let unpinned = fundtrail(&["verify-fork", &path(&forked)]);
    let other_key = fundtrail(&[
        "verify-fork",
        &path(&forked),
        "--key",
        &spawn_app().await.key().await,
    ]);
    let no_fork = fundtrail(&["verify-fork", &path(&consistent), "--key", &key]);
    let garbage = fundtrail(&["verify-fork", &path(&not_json), "--key", &key]);

    assert_eq!(code(&proved), Some(0), "{}", text(&proved.stderr));
    assert!(text(&proved.stdout).contains("Fork proved: the larger tree's first 4 entries"));
    assert_eq!(code(&unpinned), Some(0));
    assert!(text(&unpinned.stderr).contains("warning"));
    assert_eq!(code(&other_key), Some(1));
    assert!(text(&other_key.stderr).contains("the checkpoint seen first"));
    assert_eq!(code(&no_fork), Some(1));
    assert!(text(&no_fork.stderr).contains("does not prove a fork"));
    assert_eq!(code(&garbage), Some(2));
}
