//! Recording a statement file is one all-or-nothing step (SPEC.md §16): a store failure in
//! the middle of a long import (after its first chunks were written in the transaction)
//! leaves nothing, on SQLite and on PostgreSQL, the next append takes the position the
//! import would have taken, and the same file sent again is recorded whole. Two statements
//! of one account sent at once are judged one after the other: only one is recorded.

use crate::helpers::app::{spawn_app, spawn_app_on_database, TestApp, TestResponse};
use crate::helpers::postgres::Cluster;
use crate::streaming::statement;
use serde_json::json;

/// Credit lines of the statement: more than two of the sequencer's chunks.
const LINES: usize = 2_500;

async fn open_yagi(app: &TestApp) {
    let opened = app
        .post(
            "/campaigns",
            &json!({"id": "yagi", "title": "Bão Yagi", "purpose": "Cứu trợ", "currency": "VND",
                    "accounts": [{"bank": "Vietcombank", "holder": "Quỹ", "number": "0071000123456"}]}),
            app.admin(),
        )
        .await;
    assert_eq!(opened.status(), 201, "{}", opened.text());
}

async fn send_file(app: &TestApp, file: &str) -> TestResponse {
    let request = app
        .client
        .post(format!(
            "{}/api/v1/statements/file?campaign=yagi&format=mt940",
            app.address
        ))
        .bearer_auth(&app.recorder_token)
        .body(file.to_string());
    TestResponse::read(request.send().await.expect("sent")).await
}

async fn donate(app: &TestApp, reference: &str) -> TestResponse {
    app.post(
        "/donations",
        &json!({"campaign": "yagi", "amount": "1000", "donor": "Anonymous", "channel": "bank_transfer",
                "reference": reference, "received_at": "2024-10-01"}),
        app.recorder(),
    )
    .await
}

/// The import fails at entry `fail_at` (the store refuses it), then succeeds once `heal` has
/// removed the fault.
async fn a_failure_mid_import_records_nothing_and_a_retry_records_everything(
    app: &TestApp,
    inject: impl AsyncFnOnce(u64),
    heal: impl AsyncFnOnce(),
) {
    open_yagi(app).await;
    let (file, _) = statement(LINES);
    let before = app.store.size().await.expect("size");
    let fail_at = before + 1 + 1_500;
    inject(fail_at).await;

    let failed = send_file(app, &file).await;

    assert!(
        failed.status() >= 500,
        "{}: {}",
        failed.status(),
        failed.text()
    );
    assert_eq!(app.store.size().await.expect("size"), before);
    assert_eq!(app.checkpoint_size().await, before);
    assert!(app
        .store
        .entries_of_kind("statement", 10)
        .await
        .expect("statements")
        .is_empty());
    assert!(app
        .store
        .find_by_reference("FT2400000001", 10)
        .await
        .expect("lookup")
        .is_empty());
    // The head was put back: the next append takes the position the import would have.
    let next = donate(app, "FT-OTHER-1").await;
    assert_eq!(next.status(), 201, "{}", next.text());
    assert_eq!(next.seq(), before);

    heal().await;
    let retried = send_file(app, &file).await;

    assert_eq!(retried.status(), 201, "{}", retried.text());
    let r = retried.json();
    assert_eq!(r["statement_seq"], before + 1);
    let credits = (0..LINES).filter(|i| i % 50 != 49).count() as u64;
    assert_eq!(r["recorded"], credits);
    assert_eq!(app.store.size().await.expect("size"), before + 2 + credits);
    assert_eq!(app.checkpoint_size().await, before + 2 + credits);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_a_store_failure_mid_import_records_nothing_and_a_retry_records_the_whole_file() {
    let app = spawn_app().await;
    let run = async |sql: String| {
        use sqlx::Connection;
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(app.data_dir().join("ledger.db"))
            .busy_timeout(std::time::Duration::from_secs(10));
        let mut conn = sqlx::SqliteConnection::connect_with(&options)
            .await
            .expect("connect");
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&mut conn)
            .await
            .expect("fault");
        conn.close().await.expect("closed");
    };
    a_failure_mid_import_records_nothing_and_a_retry_records_everything(
        &app,
        async |seq| {
            run(format!(
                "create trigger fail_import before insert on entries when new.seq = {seq} \
                 begin select raise(abort, 'injected failure'); end"
            ))
            .await;
        },
        async || run("drop trigger fail_import".to_string()).await,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_a_store_failure_mid_import_records_nothing_and_a_retry_records_the_whole_file()
{
    use sqlx::Connection;
    let Some(cluster) = Cluster::start("statement_import_rollback_on_postgres") else {
        return;
    };
    let url = cluster.new_database().await;
    let app = spawn_app_on_database(&url).await;
    let run = async |sql: String| {
        let mut conn = sqlx::PgConnection::connect(&url).await.expect("connect");
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&mut conn)
            .await
            .expect("fault");
        conn.close().await.expect("closed");
    };
    a_failure_mid_import_records_nothing_and_a_retry_records_everything(
        &app,
        async |seq| {
            run(format!(
                "create function fail_import() returns trigger language plpgsql as $$ \
                 begin if new.seq = {seq} then raise exception 'injected failure'; end if; return new; end $$; \
                 create trigger fail_import before insert on entries for each row execute function fail_import();"
            ))
            .await;
        },
        async || run("drop trigger fail_import on entries".to_string()).await,
    )
    .await;
}

/// One month of the account, as `POST /statements/entries` takes it.
fn month(from: &str, to: &str, id: &str) -> serde_json::Value {
    json!({
        "account": {"bank": "Vietcombank", "holder": "Quỹ", "number": "0071000123456"},
        "currency": "VND", "from": from, "to": to, "opening": "0", "closing": "500000",
        "file_sha256": "00".repeat(32),
        "lines": [{"amount": "500000", "date": from, "id": id, "memo": "ung ho"}],
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_overlapping_statements_of_one_account_sent_at_once_are_not_both_recorded() {
    let app = spawn_app().await;
    open_yagi(&app).await;
    let before = app.store.size().await.expect("size");

    let (september, overlapping) = (
        month("2024-09-01", "2024-09-30", "FT-A"),
        month("2024-09-15", "2024-10-14", "FT-B"),
    );
    let (a, b) = tokio::join!(
        app.post("/statements/entries", &september, app.recorder()),
        app.post("/statements/entries", &overlapping, app.recorder()),
    );

    let mut statuses = [a.status(), b.status()];
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 409], "{} / {}", a.text(), b.text());
    let refused = if a.status() == 409 { &a } else { &b };
    assert_eq!(refused.json()["error"], "statement_overlaps");
    assert_eq!(app.store.size().await.expect("size"), before + 1);
}

#[tokio::test]
async fn a_statement_leaving_a_gap_or_breaking_the_balance_chain_is_refused_by_the_sequencer() {
    let app = spawn_app().await;
    open_yagi(&app).await;
    let first = app
        .post(
            "/statements/entries",
            &month("2024-09-01", "2024-09-30", "FT-A"),
            app.recorder(),
        )
        .await;
    assert_eq!(first.status(), 201, "{}", first.text());
    let before = app.store.size().await.expect("size");

    let gap = app
        .post(
            "/statements/entries",
            &month("2024-10-02", "2024-10-31", "FT-B"),
            app.recorder(),
        )
        .await;
    let balance = app
        .post(
            "/statements/entries",
            &month("2024-10-01", "2024-10-31", "FT-C"),
            app.recorder(),
        )
        .await;

    assert_eq!(gap.status(), 409, "{}", gap.text());
    assert_eq!(gap.json()["error"], "statement_gap");
    assert!(
        gap.text().contains("2024-10-01 to 2024-10-01"),
        "{}",
        gap.text()
    );
    assert_eq!(balance.status(), 409, "{}", balance.text());
    assert_eq!(balance.json()["error"], "statement_balance");
    assert_eq!(app.store.size().await.expect("size"), before);
}

/// Line 2,001 (in the sequencer's third chunk) names line 1's bank transaction again: the
/// whole file is refused, naming that line, and nothing is recorded.
async fn a_repeated_transaction_id_is_refused_and_records_nothing(app: &TestApp) {
    open_yagi(app).await;
    let before = app.store.size().await.expect("size");
    let (file, _) = statement(LINES);
    let file = file.replacen("//FT2400002000\r\n", "//FT2400000000\r\n", 1);

    let refused = send_file(app, &file).await;

    assert_eq!(refused.status(), 409, "{}", refused.text());
    assert!(
        refused.text().contains("line 2001"),
        "names the line: {}",
        refused.text()
    );
    assert_eq!(app.store.size().await.expect("size"), before);
    assert!(app
        .store
        .find_by_reference("FT2400000000", 10)
        .await
        .expect("lookup")
        .is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_a_transaction_id_repeated_chunks_later_in_one_file_is_refused() {
    a_repeated_transaction_id_is_refused_and_records_nothing(&spawn_app().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_a_transaction_id_repeated_chunks_later_in_one_file_is_refused() {
    let Some(cluster) = Cluster::start("statement_import_repeated_id_on_postgres") else {
        return;
    };
    let app = spawn_app_on_database(&cluster.new_database().await).await;
    a_repeated_transaction_id_is_refused_and_records_nothing(&app).await;
}
