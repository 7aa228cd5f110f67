//! `fundtrail witness` speaking C2SP tlog-witness: each answer the spec gives, and the
//! race it describes (two requests checked against the same head must not both win).

use crate::{start_witness, SpecCosignatureVerifier};
use fundtrail::ledger::checkpoint::CheckpointSigner;
use fundtrail::ledger::hash::leaf_hash;
use fundtrail::ledger::merkle::{consistency_proof, root_of};
use fundtrail::ledger::witness::request_body;
use fundtrail::ledger::Hash;

/// A log kept in the test: its key and its leaf hashes.
struct Log {
    signer: CheckpointSigner,
    leaves: Vec<Hash>,
}

impl Log {
    fn new(seed: &str, n: u64) -> Log {
        let (signer, _) = CheckpointSigner::generate("log.example/ledger").expect("key");
        Log::with(signer, seed, n)
    }

    fn with(signer: CheckpointSigner, seed: &str, n: u64) -> Log {
        Log {
            signer,
            leaves: (0..n)
                .map(|i| leaf_hash(format!("{seed}{i}").as_bytes()))
                .collect(),
        }
    }

    fn note(&self, size: usize) -> String {
        self.signer
            .sign(size as u64, &root_of(&self.leaves[..size]))
    }

    fn proof(&self, from: usize, to: usize) -> Vec<Hash> {
        if from == 0 || from >= to {
            return Vec::new();
        }
        consistency_proof(&self.leaves[..to], from).expect("proof")
    }

    fn request(&self, from: usize, to: usize) -> String {
        request_body(from as u64, &self.proof(from, to), &self.note(to))
    }
}

/// POSTs `body` to `url/add-checkpoint`: status, content type, body.
async fn add(url: &str, body: String) -> (u16, String, String) {
    let r = reqwest::Client::new()
        .post(format!("{url}/add-checkpoint"))
        .body(body)
        .send()
        .await
        .expect("request sent");
    let kind = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().expect("text").to_string())
        .unwrap_or_default();
    (r.status().as_u16(), kind, r.text().await.expect("body"))
}

#[tokio::test]
async fn a_witness_cosigns_consistent_checkpoints_and_answers_409_with_the_size_it_holds() {
    let log = Log::new("a", 20);
    let w = start_witness("w1.example", &[log.signer.verifier_key()]).await;

    let first = add(&w.url, log.request(0, 5)).await;
    let stale = add(&w.url, log.request(0, 8)).await;
    let next = add(&w.url, log.request(5, 12)).await;

    assert_eq!(first.0, 200, "{}", first.2);
    assert_eq!(stale, (409, "text/x.tlog.size".into(), "5\n".into()));
    assert_eq!(next.0, 200, "{}", next.2);
    // Checked by signed_note with a verifier written from the spec, not by fundtrail's.
    let cosigned = format!("{}{}", log.note(12), next.2);
    let at = SpecCosignatureVerifier::new(&w.key).cosigned_at(&cosigned);
    assert!(at.is_some_and(|t| t > 1_700_000_000), "{cosigned}");
    let held = w
        .witness
        .store()
        .head("log.example/ledger")
        .await
        .expect("read");
    assert_eq!(held.map(|h| h.size), Some(12));
}

#[tokio::test]
async fn each_refusal_has_the_status_tlog_witness_gives_it() {
    let log = Log::new("a", 20);
    let other_key = Log::new("a", 20);
    let w = start_witness("w1.example", &[log.signer.verifier_key()]).await;
    assert_eq!(add(&w.url, log.request(0, 8)).await.0, 200);
    let unknown_origin = {
        let (s, _) = CheckpointSigner::generate("other.example/ledger").expect("key");
        Log::with(s, "a", 20).request(0, 3)
    };
    let forked = Log::with(log.signer.clone(), "b", 20);

    let cases = [
        ("unknown origin", unknown_origin, 404),
        ("another key", other_key.request(0, 10), 403),
        ("old size over the new", log.request(9, 8), 400),
        ("not a request", "hello\n".to_string(), 400),
        (
            "a wrong proof",
            request_body(8, &[Hash([1; 32])], &log.note(10)),
            422,
        ),
        ("a fork of the same size", forked.request(8, 8), 409),
        ("a fork that grew", forked.request(8, 12), 422),
    ];
    for (what, body, status) in cases {
        assert_eq!(add(&w.url, body).await.0, status, "{what}");
    }
    let held = w
        .witness
        .store()
        .head("log.example/ledger")
        .await
        .expect("read");
    assert_eq!(
        held.map(|h| (h.size, h.root)),
        Some((8, root_of(&log.leaves[..8])))
    );
}

#[tokio::test]
async fn of_concurrent_requests_from_the_same_size_exactly_one_is_cosigned() {
    let log = Log::new("a", 64);
    let w = start_witness("w1.example", &[log.signer.verifier_key()]).await;
    assert_eq!(add(&w.url, log.request(0, 4)).await.0, 200);
    for round in 0..5 {
        let from = 4 + round * 10;
        // Requests for sizes from+1 .. from+10, all claiming the witness holds `from`: the
        // race of tlog-witness (a smaller one must never overwrite a larger one).
        let requests: Vec<_> = (1..=10)
            .map(|k| add(&w.url, log.request(from, from + k)))
            .collect();
        let answers = futures_util::future::join_all(requests).await;

        let won: Vec<usize> = answers
            .iter()
            .enumerate()
            .filter(|(_, a)| a.0 == 200)
            .map(|(k, _)| from + k + 1)
            .collect();
        assert_eq!(won.len(), 1, "round {round}: {answers:?}");
        for a in answers.iter().filter(|a| a.0 != 200) {
            assert_eq!((a.0, a.1.as_str()), (409, "text/x.tlog.size"), "{a:?}");
        }
        let held = w
            .witness
            .store()
            .head("log.example/ledger")
            .await
            .expect("read");
        assert_eq!(held.map(|h| h.size as usize), Some(won[0]));
        // Bring the witness to the next round's starting size.
        assert_eq!(add(&w.url, log.request(won[0], from + 10)).await.0, 200);
    }
}
