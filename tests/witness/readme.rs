//! The README's three commands, with the real binary: a partner runs a witness, the charity
//! lists it in `DATA/witness-policy.txt`, and the served ledger's checkpoints come back
//! cosigned.

use crate::helpers::binary::{free_port, init, run, serve, BIN};
use crate::{eventually, SpecCosignatureVerifier};
use serde_json::json;
use std::process::{Child, Command, Stdio};

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readmes_three_commands_run_a_witness_that_cosigns_a_served_ledger() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let (data, witness) = (dir.path().join("data"), dir.path().join("witness"));
    let witness_text = witness.display().to_string();
    let admin = init(&data, &["--origin", "ledger.example.org"]);
    let skey = std::fs::read_to_string(data.join("signing.key")).expect("key");
    let log_key = fundtrail::ledger::CheckpointSigner::from_private_key(&skey)
        .expect("key")
        .verifier_key()
        .to_string();

    let printed = run(&[
        "witness",
        "init",
        "--dir",
        &witness_text,
        "--name",
        "witness.partner.example.org",
    ]);
    run(&["witness", "add-log", "--dir", &witness_text, &log_key]);
    let port = free_port();
    let _witness = Killed(
        Command::new(BIN)
            .args([
                "witness",
                "serve",
                "--dir",
                &witness_text,
                "--addr",
                &format!("127.0.0.1:{port}"),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the witness starts"),
    );
    let witness_key = printed.lines().last().expect("the key").trim().to_string();
    std::fs::write(
        data.join("witness-policy.txt"),
        format!("log {log_key}\nwitness partner {witness_key} http://127.0.0.1:{port}\nquorum partner\n"),
    )
    .expect("policy written");
    let server = serve(&data, &[]).await;
    let client = reqwest::Client::new();
    for (path, body) in [
        (
            "campaigns",
            json!({"id": "flood-2026", "title": "Flood", "purpose": "Relief", "currency": "VND"}),
        ),
        (
            "donations",
            json!({"campaign": "flood-2026", "amount": "250000", "donor": "An"}),
        ),
    ] {
        let r = client
            .post(format!("{}/api/v1/{path}", server.base))
            .bearer_auth(&admin)
            .json(&body)
            .send()
            .await
            .expect("request sent");
        assert_eq!(r.status(), 201, "{path}");
    }

    eventually(
        "the partner's witness cosigned the ledger's checkpoint",
        || async {
            let note = client
                .get(format!("{}/log/checkpoint", server.base))
                .send()
                .await
                .expect("checkpoint")
                .text()
                .await
                .expect("text");
            note.contains("\n2\n")
                && SpecCosignatureVerifier::new(&witness_key)
                    .cosigned_at(&note)
                    .is_some()
        },
    )
    .await;
}
