//! Erasing a donor's personal data for good (API or CLI) while the ledger, its totals and
//! every proof still verify, and no public answer, log line or database file keeps a copy.
//! Run on SQLite and on a throwaway PostgreSQL cluster (skipped with a notice when
//! PostgreSQL is missing).

use crate::helpers::app::spawn_app;
use crate::helpers::binary::{command, free_port, start, Server};
use crate::helpers::postgres;
use crate::{
    admin_get, count_sqlite_donors, private_donation, salt_of, ADDRESS, EMAIL, NAME, PHONE,
    REFERENCE,
};
use serde_json::{json, Value};
use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

/// How many rows of personal data the PostgreSQL database at `url` holds.
async fn count_postgres_donors(url: &str) -> i64 {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(url).await.expect("connect");
    let n: i64 = sqlx::query_scalar("select count(*) from donors")
        .fetch_one(&mut conn)
        .await
        .expect("count donors");
    conn.close().await.expect("closed");
    n
}

/// `fundtrail ARGS` on SQLite, or on PostgreSQL at `database_url`.
fn run(args: &[&str], database_url: Option<&str>) -> Output {
    let mut c = command();
    c.args(args).env_remove("DATABASE_URL");
    if let Some(url) = database_url {
        c.args(["--database-url", url]);
    }
    c.output().expect("fundtrail runs")
}

/// The rest of the line of a successful command's output that starts with `prefix`.
fn stdout_line(out: &Output, prefix: &str) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .lines()
        .find_map(|l| l.strip_prefix(prefix))
        .unwrap_or_else(|| panic!("no {prefix:?} in {stdout}"))
        .trim()
        .to_string()
}

/// `fundtrail serve` on `data` (and PostgreSQL at `database_url`), logging at debug level to
/// `log`.
async fn serve(data: &Path, database_url: Option<&str>, log: &Path) -> Server {
    let port = free_port();
    let mut c = command();
    c.args(["serve", "--data"])
        .arg(data)
        .args(["--addr", &format!("127.0.0.1:{port}")])
        .env("RUST_LOG", "debug")
        .env_remove("DATABASE_URL")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).expect("log file"));
    if let Some(url) = database_url {
        c.args(["--database-url", url]);
    }
    start(c, port).await
}

/// `method url` with an optional token and JSON body: the status and the body.
async fn call(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, String) {
    let mut r = client.request(method, url);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    if let Some(b) = body {
        r = r.json(&b);
    }
    let r = r.send().await.expect("sent");
    (r.status().as_u16(), r.text().await.expect("body"))
}

/// The whole life of a donor's data on one store: recorded, kept out of every public
/// answer and log, erased by the CLI and by the API, gone from the database, and the
/// ledger still verifies. Longer than 80 lines because it is one story told in order: split,
/// its steps would pass a dozen values (server, tokens, seqs, answers) between them.
async fn erase_suite(database_url: Option<&str>, scratch: &Path) {
    let data = scratch.join("data");
    let d = data.to_str().expect("utf-8 path");
    let init = run(
        &["init", "--data", d, "--origin", "donors.test/ledger"],
        database_url,
    );
    let admin = stdout_line(&init, "Admin token (shown once; store it safely): ");
    let log_path = scratch.join("server.log");
    let server = serve(&data, database_url, &log_path).await;
    let client = reqwest::Client::new();
    let api = |p: &str| format!("{}/api/v1{p}", server.base);
    let get = reqwest::Method::GET;
    let (status, body) = call(
        &client,
        reqwest::Method::POST,
        api("/campaigns"),
        Some(&admin),
        Some(json!({
            "id": "flood-2026", "title": "Flood", "purpose": "Relief.", "currency": "VND",
        })),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let mut seqs = Vec::new();
    for _ in 0..2 {
        let (status, body) = call(
            &client,
            reqwest::Method::POST,
            api("/donations"),
            Some(&admin),
            Some({
                let mut body = private_donation("flood-2026");
                body["separate_gift"] = json!(true);
                body
            }),
        )
        .await;
        assert_eq!(status, 201, "{body}");
        let answer: Value = serde_json::from_str(&body).expect("json");
        seqs.push((
            answer["seq"].as_u64().expect("seq"),
            answer["receipt"]["code"]
                .as_str()
                .expect("code")
                .to_string(),
        ));
    }
    let recorder = stdout_line(
        &run(
            &[
                "token", "create", "--role", "recorder", "--name", "r", "--data", d,
            ],
            database_url,
        ),
        "",
    );

    let mut public = String::new();
    for path in [
        "/entries".to_string(),
        format!("/entries/{}", seqs[0].0),
        format!("/search?reference={REFERENCE}"),
        "/export".to_string(),
        format!("/receipts/{}", seqs[0].1),
        "/campaigns/flood-2026/entries".to_string(),
        "/totals".to_string(),
        "/info".to_string(),
    ] {
        let (status, body) = call(&client, get.clone(), api(&path), None, None).await;
        assert_eq!(status, 200, "{path}: {body}");
        public.push_str(&body);
    }
    let (recorder_status, _) = call(
        &client,
        get.clone(),
        api(&format!("/donors/{}", seqs[0].0)),
        Some(&recorder),
        None,
    )
    .await;
    let before = call(
        &client,
        get.clone(),
        api(&format!("/donors/{}", seqs[0].0)),
        Some(&admin),
        None,
    )
    .await;
    let cli_erase = run(
        &["donor", "erase", &seqs[0].0.to_string(), "--data", d],
        database_url,
    );
    let api_erase = call(
        &client,
        reqwest::Method::DELETE,
        api(&format!("/donors/{}", seqs[1].0)),
        Some(&admin),
        None,
    )
    .await;
    let api_erase_again = call(
        &client,
        reqwest::Method::DELETE,
        api(&format!("/donors/{}", seqs[1].0)),
        Some(&admin),
        None,
    )
    .await;
    let mut after = Vec::new();
    for (seq, _) in &seqs {
        after.push(
            call(
                &client,
                get.clone(),
                api(&format!("/donors/{seq}")),
                Some(&admin),
                None,
            )
            .await,
        );
    }
    let receipt_after = call(
        &client,
        get.clone(),
        api(&format!("/receipts/{}", seqs[0].0)),
        Some(&admin),
        None,
    )
    .await;
    drop(server);
    let verified = run(&["verify", "--data", d], database_url);

    for secret in [NAME, EMAIL, PHONE, ADDRESS] {
        assert!(
            !public.contains(secret),
            "a public answer contains {secret:?}"
        );
    }
    assert_eq!(recorder_status, 403);
    assert_eq!(before.0, 200);
    assert!(before.1.contains(EMAIL));
    assert!(
        cli_erase.status.success(),
        "{}",
        String::from_utf8_lossy(&cli_erase.stderr)
    );
    assert_eq!(api_erase.0, 204, "{}", api_erase.1);
    assert_eq!(api_erase_again.0, 404);
    for (status, body) in &after {
        assert_eq!(*status, 404, "{body}");
    }
    assert_eq!(receipt_after.0, 200);
    let receipt: Value = serde_json::from_str(&receipt_after.1).expect("json");
    assert!(receipt.get("salt").is_none(), "the salt was erased too");
    let rows = match database_url {
        Some(url) => count_postgres_donors(url).await,
        None => count_sqlite_donors(&data.join("ledger.db")).await,
    };
    assert_eq!(rows, 0);
    assert!(
        verified.status.success(),
        "{}{}",
        String::from_utf8_lossy(&verified.stdout),
        String::from_utf8_lossy(&verified.stderr)
    );
    let log = std::fs::read_to_string(&log_path).expect("log");
    assert!(log.contains("donor personal data erased"), "{log}");
    for secret in [NAME, EMAIL, PHONE, ADDRESS] {
        assert!(!log.contains(secret), "the log contains {secret:?}");
    }
    if database_url.is_none() {
        // secure_delete and the truncating checkpoint leave no copy in the files.
        for file in ["ledger.db", "ledger.db-wal"] {
            let bytes = std::fs::read(data.join(file)).unwrap_or_default();
            let found = bytes.windows(EMAIL.len()).any(|w| w == EMAIL.as_bytes());
            assert!(!found, "{file} still holds the e-mail address");
        }
    }
}

// The CLI blocks a thread while the server (another process) answers; tokio needs another.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erasing_donors_on_sqlite_leaves_no_trace_and_the_ledger_still_verifies() {
    let scratch = tempfile::tempdir().expect("temporary folder");
    erase_suite(None, scratch.path()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erasing_donors_on_postgres_leaves_no_row_and_the_ledger_still_verifies() {
    let Some(cluster) = postgres::Cluster::start("erasing_donors_on_postgres") else {
        return;
    };
    let url = cluster.new_database().await;
    let scratch = tempfile::tempdir().expect("temporary folder");
    erase_suite(Some(&url), scratch.path()).await;
}

/// Which of `secrets` are in `ledger.db` or `ledger.db-wal` under `data`, by file.
fn secrets_in_files(data: &Path, secrets: &[(&str, Vec<u8>)]) -> Vec<String> {
    let mut found = Vec::new();
    for file in ["ledger.db", "ledger.db-wal"] {
        let bytes = std::fs::read(data.join(file)).unwrap_or_default();
        for (what, secret) in secrets {
            if bytes.windows(secret.len()).any(|w| w == secret.as_slice()) {
                found.push(format!("{what} in {file}"));
            }
        }
    }
    found
}

#[tokio::test]
async fn an_erasure_during_another_connections_read_reports_the_purge_pending_then_leaves_no_byte()
{
    use sqlx::Connection;
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    let answer = app
        .post("/donations", &private_donation(&campaign), app.recorder())
        .await;
    assert_eq!(answer.status(), 201, "{}", answer.text());
    let answer = answer.json();
    let seq = answer["seq"].as_u64().expect("seq");
    let salt = salt_of(&answer);
    let secrets = [
        ("the e-mail", EMAIL.as_bytes().to_vec()),
        ("the address", ADDRESS.as_bytes().to_vec()),
        ("the salt", salt.to_vec()),
        ("the salt in hex", hex::encode(salt).into_bytes()),
    ];
    let data = app.data_dir();
    assert!(
        !secrets_in_files(&data, &secrets).is_empty(),
        "the personal data is in the files before the erasure"
    );
    // A reader that began before the erasure: another connection inside a read transaction.
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(data.join("ledger.db"));
    let mut reader = sqlx::SqliteConnection::connect_with(&options)
        .await
        .expect("second connection");
    sqlx::query("begin")
        .execute(&mut reader)
        .await
        .expect("begin");
    let donors: i64 = sqlx::query_scalar("select count(*) from donors")
        .fetch_one(&mut reader)
        .await
        .expect("read");
    assert_eq!(donors, 1);

    let erased = app
        .client
        .delete(format!("{}/api/v1/donors/{seq}", app.address))
        .bearer_auth(&app.admin_token)
        .send()
        .await
        .expect("sent");
    let (status, body) = (erased.status().as_u16(), erased.text().await.expect("body"));
    let (after, _) = admin_get(&app, &format!("/donors/{seq}"), &app.admin_token).await;
    let while_reading = secrets_in_files(&data, &secrets);
    sqlx::query("commit")
        .execute(&mut reader)
        .await
        .expect("commit");
    reader.close().await.expect("closed");
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut left = secrets_in_files(&data, &secrets);
    while !left.is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
        left = secrets_in_files(&data, &secrets);
    }

    assert_eq!(status, 202, "{body}");
    let body: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(body["erased"], true);
    assert_eq!(body["purged"], false);
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("ledger.db-wal")),
        "{body}"
    );
    assert_eq!(after, 404);
    assert!(!while_reading.is_empty(), "the reader kept a copy");
    assert_eq!(left, Vec::<String>::new(), "after the reader finished");
    assert_eq!(app.checkpoint_size().await, 2);
}

// The CLI blocks a thread while it runs; tokio needs another for the reader.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_says_when_an_erased_donors_copy_is_still_in_the_wal_and_purge_removes_it_later() {
    use sqlx::Connection;
    let app = spawn_app().await;
    let campaign = app.open_campaign("flood-2026", "VND").await;
    let seq = app
        .post("/donations", &private_donation(&campaign), app.recorder())
        .await
        .seq();
    let stopped = app.stop().await;
    let data = stopped.data_dir();
    let d = data.to_str().expect("utf-8 path").to_string();
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(data.join("ledger.db"));
    let mut reader = sqlx::SqliteConnection::connect_with(&options)
        .await
        .expect("second connection");
    sqlx::query("begin")
        .execute(&mut reader)
        .await
        .expect("begin");
    let _: i64 = sqlx::query_scalar("select count(*) from donors")
        .fetch_one(&mut reader)
        .await
        .expect("read");

    let erase = run(&["donor", "erase", &seq.to_string(), "--data", &d], None);
    sqlx::query("commit")
        .execute(&mut reader)
        .await
        .expect("commit");
    let purge = run(&["donor", "purge", "--data", &d], None);
    reader.close().await.expect("closed");

    let said = String::from_utf8_lossy(&erase.stdout).into_owned();
    assert!(erase.status.success(), "{said}");
    assert!(said.contains("Erased the personal data"), "{said}");
    assert!(said.contains("still in ledger.db-wal"), "{said}");
    let said = String::from_utf8_lossy(&purge.stdout).into_owned();
    assert!(purge.status.success(), "{said}");
    assert!(
        said.contains("No copy of erased personal data is left"),
        "{said}"
    );
    let secrets = [("the e-mail", EMAIL.as_bytes().to_vec())];
    assert_eq!(secrets_in_files(&data, &secrets), Vec::<String>::new());
}
