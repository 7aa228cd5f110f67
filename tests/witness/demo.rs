//! `fundtrail demo` runs three witnesses of its own on loopback (their keys in the demo
//! folder) and publishes a policy of quorum two of three, so its checkpoint comes back
//! cosigned and `verify --policy` accepts it.

use crate::helpers::binary::{free_port, fundtrail, start, BIN};
use crate::{eventually, SpecCosignatureVerifier};
use std::process::{Command, Stdio};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_runs_three_witnesses_whose_quorum_of_two_cosigns_its_checkpoint() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let data = dir.path().join("data");
    let port = free_port();
    let mut command = Command::new(BIN);
    command
        .arg("demo")
        .arg("--data")
        .arg(&data)
        .args(["--addr", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let server = start(command, port).await;
    let client = reqwest::Client::new();

    let policy = client
        .get(format!("{}/log/policy", server.base))
        .send()
        .await
        .expect("policy")
        .text()
        .await
        .expect("text");
    let witness_keys: Vec<String> = policy
        .lines()
        .filter_map(|l| l.strip_prefix("witness "))
        .map(|l| l.split(' ').nth(1).expect("a key").to_string())
        .collect();
    assert_eq!(witness_keys.len(), 3, "{policy}");
    assert!(policy.contains("\ngroup demo-witnesses 2 "), "{policy}");
    assert!(policy.contains("\nquorum demo-witnesses\n"), "{policy}");
    for name in ["partner-ngo", "journalist", "auditor"] {
        assert!(
            data.join("witnesses")
                .join(name)
                .join("witness.key")
                .exists(),
            "{name}"
        );
    }
    let cosigners = |note: &str| {
        witness_keys
            .iter()
            .filter(|k| SpecCosignatureVerifier::new(k).cosigned_at(note).is_some())
            .count()
    };
    eventually(
        "at least two of the demo's witnesses cosigned its checkpoint",
        || async {
            let note = client
                .get(format!("{}/log/checkpoint", server.base))
                .send()
                .await
                .expect("checkpoint")
                .text()
                .await
                .expect("text");
            cosigners(&note) >= 2
        },
    )
    .await;

    let policy_file = dir.path().join("policy.txt");
    std::fs::write(&policy_file, &policy).expect("policy saved");
    let verified = fundtrail(&[
        "verify",
        &server.base,
        "--policy",
        policy_file.to_str().expect("utf-8 path"),
    ]);
    assert!(
        verified.status.success(),
        "{}",
        crate::helpers::binary::explain(&verified)
    );
}
