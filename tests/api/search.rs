//! `GET /search`, as forgiving as a donor needs: case and spaces ignored, part of a bank
//! reference, a receipt code, words of a public memo, or the amount and day received; each
//! result naming its campaign, its receipt and its reversal. Also the search index of a
//! ledger stored before the index existed, built at start-up.

use crate::helpers::app::{spawn_app, TestApp};
use serde_json::{json, Value};

/// Records a donation of `amount` received on `day` with `reference` (and `memo`), as
/// recorder; returns its answer.
async fn gift(
    app: &TestApp,
    amount: &str,
    day: &str,
    reference: &str,
    memo: Option<&str>,
) -> Value {
    let mut body = json!({
        "campaign": "flood-2026", "amount": amount, "received_at": day,
        "channel": "bank_transfer", "reference": reference,
    });
    if let Some(memo) = memo {
        body["memo"] = json!(memo);
    }
    let response = app.post("/donations", &body, app.recorder()).await;
    assert_eq!(response.status(), 201, "{}", response.text());
    response.json()
}

/// The seqs of a search answer's results.
fn seqs(answer: &Value) -> Vec<u64> {
    answer["results"]
        .as_array()
        .unwrap_or_else(|| panic!("results: {answer}"))
        .iter()
        .map(|r| r["seq"].as_u64().expect("seq"))
        .collect()
}

/// An app with campaign `flood-2026` (VND).
async fn flood_app() -> TestApp {
    let app = spawn_app().await;
    app.open_campaign("flood-2026", "VND").await;
    app
}

#[tokio::test]
async fn a_reference_typed_in_lower_case_with_spaces_finds_the_gift_with_its_campaign_and_receipt()
{
    let app = flood_app().await;
    gift(&app, "100000", "2025-11-20", "FT-OTHER-1", None).await;
    let given = gift(&app, "500000", "2025-11-24", "FT26305000123", None).await;

    let found = app.get_json("/search?q=ft%202630%205000%20123").await;

    assert_eq!(seqs(&found), vec![given["seq"].as_u64().unwrap()]);
    let hit = &found["results"][0];
    assert_eq!(hit["matched"], "reference");
    assert_eq!(
        hit["campaign"],
        json!({"id": "flood-2026", "title": "Campaign flood-2026"})
    );
    let code = given["receipt"]["code"].as_str().expect("a receipt code");
    assert_eq!(hit["receipt"]["code"], code);
    assert_eq!(hit["receipt"]["path"], format!("#/receipt/{code}"));
    assert_eq!(hit["reversed_by"], Value::Null);
    assert_eq!(found["truncated"], false);
}

#[tokio::test]
async fn six_characters_of_a_reference_find_the_gift_and_five_find_nothing() {
    let app = flood_app().await;
    let given = gift(&app, "500000", "2025-11-24", "FT26305000123", None).await;
    gift(&app, "100000", "2025-11-24", "FT99999999999", None).await;

    let six = app.get_json("/search?q=000123").await;
    let five = app.get_json("/search?q=00123").await;
    let middle = app.get_json("/search?q=30500").await;

    assert_eq!(seqs(&six), vec![given["seq"].as_u64().unwrap()]);
    assert_eq!(six["results"][0]["matched"], "partial_reference");
    assert_eq!(seqs(&five), Vec::<u64>::new());
    assert_eq!(seqs(&middle), Vec::<u64>::new());
    let middle_six = app.get_json("/search?q=6305000").await;
    assert_eq!(seqs(&middle_six), vec![given["seq"].as_u64().unwrap()]);
}

#[tokio::test]
async fn a_receipt_code_typed_in_any_case_finds_its_donation() {
    let app = flood_app().await;
    let given = gift(&app, "500000", "2025-11-24", "FT1", None).await;
    let code = given["receipt"]["code"].as_str().expect("code").to_string();

    let found = app
        .get_json(&format!("/search?q=%20{}", code.to_uppercase()))
        .await;
    let wrong = app
        .get_json(&format!("/search?q={}", code.replace("R-", "R-1")))
        .await;

    assert_eq!(seqs(&found), vec![given["seq"].as_u64().unwrap()]);
    assert_eq!(found["results"][0]["matched"], "receipt_code");
    assert_eq!(seqs(&wrong), Vec::<u64>::new());
}

#[tokio::test]
async fn the_amount_and_the_day_received_find_the_gift_however_the_amount_is_written() {
    let app = flood_app().await;
    let given = gift(&app, "200000", "2025-11-24", "FT1", None).await;
    gift(&app, "200000", "2025-11-25", "FT2", None).await;
    gift(&app, "300000", "2025-11-24", "FT3", None).await;

    let dotted = app.get_json("/search?amount=200.000&date=24/11/2025").await;
    let plain = app
        .get_json("/search?amount=200000%20%C4%91&date=2025-11-24")
        .await;

    let seq = given["seq"].as_u64().unwrap();
    assert_eq!(seqs(&dotted), vec![seq]);
    assert_eq!(seqs(&plain), vec![seq]);
    assert_eq!(dotted["results"][0]["matched"], "amount_and_date");
    assert_eq!(dotted["date"], "2025-11-24");
}

#[tokio::test]
async fn a_text_with_an_amount_and_a_day_finds_only_gifts_matching_all_three() {
    let app = flood_app().await;
    let given = gift(&app, "200000", "2025-11-24", "FT26305000123", None).await;
    gift(&app, "300000", "2025-11-24", "FT26305000999", None).await;

    let found = app
        .get_json("/search?q=FT263050&amount=200000&date=2025-11-24")
        .await;

    assert_eq!(seqs(&found), vec![given["seq"].as_u64().unwrap()]);
}

#[tokio::test]
async fn words_of_a_public_memo_find_the_gift() {
    let app = flood_app().await;
    let given = gift(
        &app,
        "200000",
        "2025-11-24",
        "FT1",
        Some("Ủng hộ bà con miền Trung"),
    )
    .await;

    let found = app.get_json("/search?q=B%C3%80%20CON%20MI%E1%BB%80N").await;

    assert_eq!(seqs(&found), vec![given["seq"].as_u64().unwrap()]);
    assert_eq!(found["results"][0]["matched"], "memo");
}

#[tokio::test]
async fn a_reversed_gift_is_found_marked_with_its_reversal() {
    let app = flood_app().await;
    let given = gift(&app, "200000", "2025-11-24", "FT26305000123", None).await;
    let seq = given["seq"].as_u64().unwrap();
    let reversal = app.reverse(seq).await.seq();

    let found = app.get_json("/search?q=FT26305000123").await;

    assert_eq!(
        found["results"][0]["reversed_by"],
        json!({"seq": reversal, "reason": "error"})
    );
}

#[tokio::test]
async fn an_amount_without_a_day_or_an_unreadable_day_is_refused_naming_the_field() {
    let app = flood_app().await;

    let no_day = app.get("/search?amount=200000").await;
    let bad_day = app.get("/search?amount=200000&date=yesterday").await;
    let bad_amount = app.get("/search?amount=lots&date=2025-11-24").await;
    let nothing = app.get("/search?q=%20%20").await;

    assert_eq!(no_day.status(), 400);
    assert_eq!(no_day.json()["field"], "date");
    assert_eq!(bad_day.status(), 400);
    assert_eq!(bad_day.json()["field"], "date");
    assert_eq!(bad_amount.status(), 400);
    assert_eq!(bad_amount.json()["field"], "amount");
    assert_eq!(nothing.status(), 400);
    assert_eq!(nothing.json()["field"], "q");
}

#[tokio::test]
async fn gifts_stored_before_the_search_index_existed_are_found_after_a_restart() {
    let app = flood_app().await;
    let given = gift(
        &app,
        "200000",
        "2025-11-24",
        "FT26305000123",
        Some("ung ho mien trung"),
    )
    .await;
    gift(&app, "300000", "2025-11-25", "FT26305000999", None).await;
    let size = app.checkpoint_size().await;
    let stopped = app.stop().await;
    // As a ledger written before the search tables: empty tables, everything to index.
    stopped
        .execute(&format!(
            "delete from search_keys; delete from search_days; \
             update search_backfill set below = {size}, done = 0"
        ))
        .await
        .expect("search tables emptied");

    let app = stopped.restart().await;

    // The older entries are indexed in the background of the serving process.
    let seq = given["seq"].as_u64().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while seqs(&app.get_json("/search?q=5000123").await).is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "not indexed within 20 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(seqs(&app.get_json("/search?q=5000123").await), vec![seq]);
    assert_eq!(
        seqs(&app.get_json("/search?q=mien%20Trung").await),
        vec![seq]
    );
    assert_eq!(seqs(&app.get_json("/search?q=ho%20mien").await), vec![seq]);
    assert_eq!(
        seqs(&app.get_json("/search?amount=200000&date=2025-11-24").await),
        vec![seq]
    );
}

#[tokio::test]
async fn the_former_reference_parameter_still_finds_a_reference() {
    let app = flood_app().await;
    let given = gift(&app, "500000", "2025-11-24", "FT26305000123", None).await;

    let found = app.get_json("/search?reference=FT26305000123").await;

    assert_eq!(seqs(&found), vec![given["seq"].as_u64().unwrap()]);
    assert_eq!(found["reference"], "FT26305000123");
}

#[tokio::test]
async fn on_postgresql_the_search_finds_parts_amounts_and_days_and_catches_up_older_entries() {
    use sqlx::Connection;
    let Some(cluster) = crate::helpers::postgres::Cluster::start("search_on_postgres") else {
        return;
    };
    let url = cluster.new_database().await;
    let app = crate::helpers::app::spawn_app_on_database(&url).await;
    app.open_campaign("flood-2026", "VND").await;
    let given = gift(
        &app,
        "200000",
        "2025-11-24",
        "FT26305000123",
        Some("ung ho mien trung"),
    )
    .await;
    let seq = given["seq"].as_u64().unwrap();
    assert_eq!(seqs(&app.get_json("/search?q=ft%2026305").await), vec![seq]);
    assert_eq!(
        seqs(&app.get_json("/search?amount=200.000&date=24/11/2025").await),
        vec![seq]
    );
    let corrected = app
        .post(
            "/corrections",
            &json!({"reverses": seq, "reason": "error", "donation": {
                "campaign": "flood-2026", "amount": "250000", "reference": "FT26305000123"}}),
            app.recorder(),
        )
        .await;
    assert_eq!(corrected.status(), 201, "{}", corrected.text());
    let store = app.store.clone();
    drop(app);
    store.close().await;
    // As a database written before the search tables: empty, everything to index.
    let mut conn = sqlx::PgConnection::connect(&url).await.expect("connect");
    sqlx::query("delete from search_keys")
        .execute(&mut conn)
        .await
        .expect("emptied");
    sqlx::query("delete from search_days")
        .execute(&mut conn)
        .await
        .expect("emptied");
    sqlx::query("update search_backfill set below = (select max(seq) + 1 from entries), done = 0")
        .execute(&mut conn)
        .await
        .expect("reset");
    conn.close().await.expect("closed");

    let store = fundtrail::store::Store::Postgres(
        fundtrail::store::PostgresStore::open(&url)
            .await
            .expect("reopened"),
    );

    store.catch_up_search().await.expect("caught up");

    let (found, truncated) = store
        .search_keys("mientrung", true)
        .await
        .expect("searched");
    assert_eq!(found.into_iter().collect::<Vec<_>>(), vec![seq]);
    assert!(!truncated);
    let (by_reference, _) = store
        .search_keys("ft26305000123", false)
        .await
        .expect("searched");
    assert_eq!(
        by_reference.into_iter().collect::<Vec<_>>(),
        vec![seq, seq + 2]
    );
    store.close().await;
}
