//! A real log and three real witnesses on loopback: the quorum is reached; with one witness
//! down appends go on and the others reach the quorum; an operator who rewrites history
//! and re-signs it with its own key gets no cosignature, and `verify --policy` refuses the
//! rewritten ledger; a split view (two histories under one key) is refused by any witness
//! that saw the other.

use crate::helpers::app::{spawn_app_configured, spawn_app_signed_with, TestApp};
use crate::helpers::binary::{explain, fundtrail};
use crate::{eventually, start_witness, RunningWitness, SpecCosignatureVerifier};
use fundtrail::http::limits::Limits;
use fundtrail::ledger::policy::Policy;
use fundtrail::startup::Application;

/// The policy text: the log `key`, each witness (`name`, key, URL), and a group needing
/// `quorum` of them.
pub(crate) fn policy_text(
    log_key: &str,
    witnesses: &[(&str, String, String)],
    quorum: usize,
) -> String {
    let mut text = format!("log {log_key}\n");
    let mut names = Vec::new();
    for (name, key, url) in witnesses {
        text.push_str(&format!("witness {name} {key} {url}\n"));
        names.push(*name);
    }
    text.push_str(&format!(
        "group partners {quorum} {}\nquorum partners\n",
        names.join(" ")
    ));
    text
}

/// `configure` for an application that follows a policy of `witnesses` (with a `quorum`),
/// whatever its key; the text it used is written to `out`.
pub(crate) fn with_policy(
    witnesses: Vec<(&'static str, String, String)>,
    quorum: usize,
    out: std::sync::Arc<std::sync::Mutex<String>>,
) -> impl FnOnce(Application) -> Application {
    move |app| {
        let text = policy_text(&app.state.site.verifier_key, &witnesses, quorum);
        let parsed = Policy::parse(text.as_bytes()).expect("a valid policy");
        *out.lock().expect("lock") = text.clone();
        app.with_witness_policy(&text, &parsed)
    }
}

pub(crate) fn entry(w: &RunningWitness, name: &'static str) -> (&'static str, String, String) {
    (name, w.key.clone(), w.url.clone())
}

pub(crate) async fn trust(app: &TestApp, witnesses: &[&RunningWitness]) {
    let key = app.key().await;
    let origin = fundtrail::ledger::checkpoint::parse_verifier_key(&key).expect("key");
    for w in witnesses {
        w.witness
            .store()
            .add_log(&origin, &key)
            .await
            .expect("log added");
    }
}

async fn log_checkpoint(app: &TestApp) -> String {
    app.client
        .get(format!("{}/log/checkpoint", app.address))
        .send()
        .await
        .expect("request sent")
        .text()
        .await
        .expect("text")
}

/// Which of `witnesses` cosigned `note` (checked with signed_note and the spec verifier).
pub(crate) fn cosigners(note: &str, witnesses: &[&RunningWitness]) -> Vec<bool> {
    witnesses
        .iter()
        .map(|w| {
            SpecCosignatureVerifier::new(&w.key)
                .cosigned_at(note)
                .is_some()
        })
        .collect()
}

async fn donate(app: &TestApp, n: usize) {
    for i in 0..n {
        let r = app.donate("flood-2026", &format!("{}", 5000 + i)).await;
        assert_eq!(r.status(), 201, "{}", r.text());
    }
}

fn write(app: &TestApp, name: &str, text: &str) -> String {
    let path = app.scratch(name);
    std::fs::write(&path, text).expect("written");
    path.display().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_witnesses_cosign_and_verify_with_the_policy_accepts_the_ledger_and_receipts() {
    let ws = [
        start_witness("w1.example", &[]).await,
        start_witness("w2.example", &[]).await,
        start_witness("w3.example", &[]).await,
    ];
    let text = std::sync::Arc::default();
    let list = vec![
        entry(&ws[0], "w1"),
        entry(&ws[1], "w2"),
        entry(&ws[2], "w3"),
    ];
    let app = spawn_app_configured(
        Limits::OFF,
        with_policy(list, 3, std::sync::Arc::clone(&text)),
    )
    .await;
    let all: Vec<&RunningWitness> = ws.iter().collect();
    trust(&app, &all).await;
    app.open_campaign("flood-2026", "VND").await;
    donate(&app, 3).await;
    let size = app.checkpoint_size().await;

    eventually(
        "all three witnesses cosigned the latest checkpoint",
        || async { cosigners(&log_checkpoint(&app).await, &all) == [true, true, true] },
    )
    .await;

    let policy_text = text.lock().expect("lock").clone();
    let policy_file = write(&app, "policy.txt", &policy_text);
    let note = log_checkpoint(&app).await;
    let verdict = Policy::parse(policy_text.as_bytes())
        .expect("policy")
        .require(&note)
        .expect("the quorum cosigned");
    assert_eq!(verdict.checkpoint.size, size);
    assert_eq!(
        app.get_text("/checkpoint").await,
        note,
        "/api/v1/checkpoint carries them too"
    );
    let published = app
        .client
        .get(format!("{}/log/policy", app.address))
        .send()
        .await
        .expect("policy")
        .text()
        .await
        .expect("text");
    assert_eq!(published, policy_text);

    let verified = fundtrail(&["verify", &app.address, "--policy", &policy_file]);
    assert!(verified.status.success(), "{}", explain(&verified));
    assert!(crate::helpers::binary::text(&verified.stdout).contains("quorum:     met"));

    // The receipt of donation 1 as a tlog-proof file, cosigned.
    let leaf_hash = app.get_json("/entries/1").await["leaf_hash"]
        .as_str()
        .expect("hex")
        .to_string();
    let code = format!("R-1-{}", &leaf_hash[..8]);
    let proof = app
        .get_text(&format!("/receipts/{code}/receipt.tlog-proof"))
        .await;
    assert!(
        proof.starts_with("c2sp.org/tlog-proof@v1\nextra "),
        "{proof}"
    );
    let proof_file = write(&app, "receipt.tlog-proof", &proof);
    let checked = fundtrail(&["verify-receipt", &proof_file, "--policy", &policy_file]);
    assert!(checked.status.success(), "{}", explain(&checked));
    let json = app.get_text(&format!("/receipts/{code}")).await;
    let json_file = write(&app, "receipt.json", &json);
    let checked = fundtrail(&["verify-receipt", &json_file, "--policy", &policy_file]);
    assert!(checked.status.success(), "{}", explain(&checked));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_one_witness_down_appends_go_on_and_the_other_two_reach_the_quorum() {
    let ws = [
        start_witness("w1.example", &[]).await,
        start_witness("w2.example", &[]).await,
    ];
    let down = start_witness("w3.example", &[]).await;
    let down_entry = (
        "w3",
        down.key.clone(),
        format!("http://127.0.0.1:{}", crate::helpers::binary::free_port()),
    );
    let text = std::sync::Arc::default();
    let list = vec![entry(&ws[0], "w1"), entry(&ws[1], "w2"), down_entry];
    let app = spawn_app_configured(
        Limits::OFF,
        with_policy(list, 2, std::sync::Arc::clone(&text)),
    )
    .await;
    let up: Vec<&RunningWitness> = ws.iter().collect();
    trust(&app, &up).await;
    app.open_campaign("flood-2026", "VND").await;

    donate(&app, 20).await;

    assert_eq!(app.checkpoint_size().await, 21);
    eventually("the two witnesses that are up cosigned", || async {
        cosigners(&log_checkpoint(&app).await, &[&ws[0], &ws[1], &down]) == [true, true, false]
    })
    .await;
    let policy = Policy::parse(text.lock().expect("lock").as_bytes()).expect("policy");
    let verdict = policy
        .require(&log_checkpoint(&app).await)
        .expect("two of three");
    assert_eq!(verdict.witnesses[2].cosigned_at, None);
}

/// The true ledger with 4 entries cosigned by `witnesses`, and its signing key.
async fn cosigned_ledger(witnesses: &[&RunningWitness]) -> (TestApp, String, String) {
    let text = std::sync::Arc::default();
    let names = ["w1", "w2", "w3"];
    let list = witnesses
        .iter()
        .zip(names)
        .map(|(w, n)| entry(w, n))
        .collect();
    let app = spawn_app_configured(
        Limits::OFF,
        with_policy(list, witnesses.len(), std::sync::Arc::clone(&text)),
    )
    .await;
    trust(&app, witnesses).await;
    app.open_campaign("flood-2026", "VND").await;
    donate(&app, 3).await;
    eventually("the witnesses cosigned the true ledger", || async {
        cosigners(&log_checkpoint(&app).await, witnesses)
            .iter()
            .all(|c| *c)
    })
    .await;
    let skey = std::fs::read_to_string(app.data_dir().join("signing.key")).expect("key");
    let policy = text.lock().expect("lock").clone();
    (app, skey, policy)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_history_rewritten_and_resigned_by_the_operator_gets_no_cosignature_and_fails_verify() {
    let ws = [
        start_witness("w1.example", &[]).await,
        start_witness("w2.example", &[]).await,
        start_witness("w3.example", &[]).await,
    ];
    let all: Vec<&RunningWitness> = ws.iter().collect();
    let (honest, skey, policy) = cosigned_ledger(&all).await;
    let held = |w: &RunningWitness| {
        let store = w.witness.store().clone();
        async move {
            store
                .head(crate::helpers::app::ORIGIN)
                .await
                .expect("read")
                .map(|h| (h.size, h.root))
        }
    };
    let before = held(&ws[0]).await;

    // The operator rebuilds the ledger with other entries, signs it with the same key, and
    // sends it to the same witnesses (its server is configured with the same policy).
    let list = vec![
        entry(&ws[0], "w1"),
        entry(&ws[1], "w2"),
        entry(&ws[2], "w3"),
    ];
    let rewritten =
        spawn_app_signed_with(&skey, with_policy(list, 3, std::sync::Arc::default())).await;
    assert_eq!(rewritten.key().await, honest.key().await);
    rewritten.open_campaign("flood-2026", "VND").await;
    donate(&rewritten, 6).await;
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;

    let note = log_checkpoint(&rewritten).await;
    assert_eq!(cosigners(&note, &all), [false, false, false], "{note}");
    assert_eq!(
        held(&ws[0]).await,
        before,
        "the witness still holds the true tree"
    );
    let policy_file = write(&rewritten, "policy.txt", &policy);
    let refused = fundtrail(&["verify", &rewritten.address, "--policy", &policy_file]);
    assert_eq!(refused.status.code(), Some(1), "{}", explain(&refused));
    assert!(
        crate::helpers::binary::text(&refused.stderr).contains("quorum"),
        "{}",
        explain(&refused)
    );
    let bundle = write(&rewritten, "rewritten.txt", &rewritten.export().await);
    let refused = fundtrail(&["verify", &bundle, "--policy", &policy_file]);
    assert_eq!(refused.status.code(), Some(1), "{}", explain(&refused));
    let accepted = fundtrail(&["verify", &honest.address, "--policy", &policy_file]);
    assert!(accepted.status.success(), "{}", explain(&accepted));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_split_view_is_refused_by_the_witness_that_saw_the_other_history() {
    let shared = start_witness("shared.example", &[]).await;
    let (first, skey, _) = cosigned_ledger(&[&shared]).await;
    // A second history under the same key, shown to the shared witness and to one that
    // never saw the first.
    let other = start_witness("other.example", &[]).await;
    let list = vec![entry(&shared, "shared"), entry(&other, "other")];
    let second =
        spawn_app_signed_with(&skey, with_policy(list, 1, std::sync::Arc::default())).await;
    trust(&second, &[&other]).await;
    second.open_campaign("flood-2026", "VND").await;
    donate(&second, 5).await;

    eventually(
        "the witness that saw only the second history cosigned it",
        || async { cosigners(&log_checkpoint(&second).await, &[&other]) == [true] },
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert_eq!(
        cosigners(&log_checkpoint(&second).await, &[&shared, &other]),
        [false, true]
    );
    assert_eq!(cosigners(&log_checkpoint(&first).await, &[&shared]), [true]);
}
