use super::super::testing::{donation, jobs, open_flood_campaign, seq_of, Ledger};
use crate::ledger::decode;
use crate::ledger::entry::Body;
use crate::ledger::merkle::verify_inclusion;
use crate::sequencer::{AppendError, Durable};
use crate::store::StoreError;

/// The bank references of the stored donations, in ledger order.
async fn stored_references(store: &crate::store::Store) -> Vec<String> {
    let size = store.size().await.expect("size");
    store
        .entries(0, size)
        .await
        .expect("entries")
        .iter()
        .filter_map(|e| match decode(&e.leaf).expect("leaf").body {
            Body::Donation(d) => d.reference,
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn requests_are_admitted_in_queue_order_and_a_refused_one_takes_no_seq() {
    let ledger = Ledger::new();
    let store = ledger.store().await;
    let mut sequencer = ledger.lead(&store).await;
    let (opening, _) = jobs(vec![open_flood_campaign()]);
    sequencer.process(opening).await;
    let (batch, answers) = jobs(vec![
        donation("flood-2026", 100, "FT-1"),
        donation("no-such-campaign", 100, "FT-X"),
        donation("flood-2026", 200, "FT-2"),
        donation("flood-2026", 300, "FT-3"),
    ]);

    sequencer.process(batch).await;

    let mut answers = answers.into_iter();
    let mut next = || seq_of(answers.next().expect("an answer per request"));
    assert_eq!(next().await.expect("admitted"), (1, false));
    assert!(matches!(next().await, Err(AppendError::Invariant(_))));
    assert_eq!(next().await.expect("admitted"), (2, false));
    assert_eq!(next().await.expect("admitted"), (3, false));
    assert_eq!(stored_references(&store).await, ["FT-1", "FT-2", "FT-3"]);
}

#[tokio::test]
async fn a_key_used_twice_in_one_batch_replays_the_first_entry_and_refuses_another_request() {
    let ledger = Ledger::new();
    let store = ledger.store().await;
    let mut sequencer = ledger.lead(&store).await;
    let (opening, _) = jobs(vec![open_flood_campaign()]);
    sequencer.process(opening).await;
    let keyed = |amount, reference| {
        let mut request = donation("flood-2026", amount, reference);
        request.idempotency_key = Some("key-1".into());
        request
    };
    let (batch, answers) = jobs(vec![
        keyed(100, "FT-1"),
        keyed(100, "FT-1"),
        keyed(999, "FT-9"),
    ]);

    sequencer.process(batch).await;

    let mut answers = answers.into_iter();
    let first = answers.next().expect("answer");
    assert_eq!(seq_of(first).await.expect("admitted"), (1, false));
    let replayed = match answers.next().expect("answer").await.expect("answered") {
        Ok(Durable::Answered(appended)) => appended,
        Ok(Durable::Fresh { seq, .. }) => panic!("the retry was written again, at {seq}"),
        Err(e) => panic!("the retry was refused: {e}"),
    };
    assert!(replayed.replayed);
    assert_eq!(replayed.seq, 1);
    verify_inclusion(
        1,
        replayed.checkpoint.size,
        &replayed.leaf_hash,
        &replayed.proof,
        &replayed.checkpoint.root,
    )
    .expect("the replayed entry is proved in the batch's checkpoint");
    let other = seq_of(answers.next().expect("answer")).await;
    assert!(matches!(other, Err(AppendError::IdempotencyMismatch)));
    assert_eq!(stored_references(&store).await, ["FT-1"]);
}

#[tokio::test]
async fn a_failed_group_commit_refuses_the_whole_batch_writes_nothing_and_the_next_batch_goes_on() {
    let ledger = Ledger::new();
    let store = ledger.store().await;
    let mut sequencer = ledger.lead(&store).await;
    let (opening, _) = jobs(vec![open_flood_campaign()]);
    sequencer.process(opening).await;
    let mut raw = ledger.raw().await;
    sqlx::query(
        "create trigger disk_on_fire before insert on checkpoints \
         begin select raise(abort, 'disk on fire'); end",
    )
    .execute(&mut raw)
    .await
    .expect("trigger");
    let (batch, answers) = jobs(vec![
        donation("flood-2026", 100, "FT-1"),
        donation("flood-2026", 200, "FT-2"),
    ]);

    sequencer.process(batch).await;

    for answer in answers {
        let refused = seq_of(answer).await;
        assert!(
            matches!(refused, Err(AppendError::Store(StoreError::Unavailable(_)))),
            "{refused:?}"
        );
    }
    assert_eq!(store.size().await.expect("size"), 1, "nothing of the batch");
    assert_eq!(
        store
            .latest_checkpoint()
            .await
            .expect("read")
            .map(|c| c.size),
        Some(1)
    );
    sqlx::query("drop trigger disk_on_fire")
        .execute(&mut raw)
        .await
        .expect("drop trigger");
    let (next, answers) = jobs(vec![donation("flood-2026", 300, "FT-3")]);
    sequencer.process(next).await;
    let answer = answers.into_iter().next().expect("answer");
    assert_eq!(seq_of(answer).await.expect("admitted"), (1, false));
    assert_eq!(stored_references(&store).await, ["FT-3"]);
}

#[tokio::test]
async fn an_entry_longer_than_65535_bytes_is_refused_and_takes_no_seq() {
    use crate::ledger::entry::{Disbursement, Evidence};
    use crate::ledger::money::{Currency, Minor};
    let ledger = Ledger::new();
    let store = ledger.store().await;
    let mut sequencer = ledger.lead(&store).await;
    let (opening, _) = jobs(vec![open_flood_campaign()]);
    sequencer.process(opening).await;
    // 100 documents with 200-character names of 4-byte characters: about 100 KB of leaf.
    let document = |i: u8| Evidence {
        media_type: "application/pdf".into(),
        name: Some("𝄞".repeat(200)),
        sha256: crate::ledger::hash::Hash([i; 32]),
        size: 1,
    };
    let mut large = donation("flood-2026", 1, "FT-1");
    large.body = Body::Disbursement(Disbursement {
        approval: None,
        amount: Minor::new(1).expect("positive"),
        budget_line: None,
        campaign: "flood-2026".into(),
        currency: Currency::parse("VND").expect("currency"),
        evidence: (0..100).map(document).collect(),
        paid_at: "2026-11-20".into(),
        purpose: "roofs".into(),
        recipient: "builder".into(),
        reference: None,
    });
    let (batch, answers) = jobs(vec![donation("flood-2026", 100, "FT-2"), large]);

    sequencer.process(batch).await;

    let mut answers = answers.into_iter();
    let funded = seq_of(answers.next().expect("an answer")).await;
    let refused = seq_of(answers.next().expect("an answer")).await;
    assert_eq!(funded.expect("admitted"), (1, false));
    assert!(
        matches!(refused, Err(AppendError::LeafTooLarge { bytes }) if bytes > 65_535),
        "{refused:?}"
    );
    assert_eq!(store.size().await.expect("size"), 2);
}

#[tokio::test]
async fn a_statement_sent_as_a_plain_append_without_its_lines_is_refused_and_takes_no_seq() {
    let ledger = Ledger::new();
    let store = ledger.store().await;
    let mut sequencer = ledger.lead(&store).await;
    let (opening, _) = jobs(vec![open_flood_campaign()]);
    sequencer.process(opening).await;
    let lines: Vec<crate::ledger::reconcile::StatementLine> = Vec::new();
    let mut statement = crate::statement::demo::demo_statement(&lines);
    statement.account.number = "0071 0012 34567".into();
    let mut request = donation("flood-2026", 100, "FT-1");
    request.body = Body::Statement(statement);
    let (batch, answers) = jobs(vec![request, donation("flood-2026", 100, "FT-2")]);

    sequencer.process(batch).await;

    let mut answers = answers.into_iter();
    let mut next = || seq_of(answers.next().expect("an answer per request"));
    assert!(matches!(
        next().await,
        Err(AppendError::Statement(
            crate::sequencer::StatementRefused::WithoutLines
        ))
    ));
    assert_eq!(next().await.expect("admitted"), (1, false));
    assert_eq!(stored_references(&store).await, ["FT-2"]);
}
