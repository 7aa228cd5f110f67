//! A real fundtrail server for integration tests: [`spawn_app`] starts one on a random
//! loopback port over a fresh temporary data folder, with an admin and a recorder token,
//! and [`TestApp`] gives tests short, behaviour-level helpers.

use fundtrail::auth::new_token;
use fundtrail::ledger::hash::sha256;
use fundtrail::ledger::{verify_checkpoint, Checkpoint};
use fundtrail::startup::{Application, Config, DataDir};
use fundtrail::store::Store;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The checkpoint origin of every test ledger.
pub const ORIGIN: &str = "test.fundtrail.local/ledger";

/// An answer from the server, read in full so tests can assert on it synchronously.
#[derive(Debug)]
pub struct TestResponse {
    status: u16,
    body: String,
}

impl TestResponse {
    /// The HTTP status code.
    pub fn status(&self) -> u16 {
        self.status
    }
    /// The body as text.
    pub fn text(&self) -> &str {
        &self.body
    }
    /// The body as JSON; panics with the body when it is not JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("response is not JSON ({e}): {}", self.body))
    }
    /// Reads `response` in full.
    pub async fn read(response: reqwest::Response) -> TestResponse {
        let status = response.status().as_u16();
        let body = response.text().await.expect("response body");
        TestResponse { status, body }
    }
    /// The `seq` of an acknowledged append; panics unless the append succeeded.
    pub fn seq(&self) -> u64 {
        assert!(
            self.status == 200 || self.status == 201,
            "append was refused with {}: {}",
            self.status,
            self.body
        );
        self.json()["seq"].as_u64().expect("seq is a number")
    }
}

/// A running server over a temporary data folder.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    /// A client with a time limit, so a hung server fails the test instead of stalling it.
    pub client: reqwest::Client,
    /// A token with the admin role.
    pub admin_token: String,
    /// A token with the recorder role.
    pub recorder_token: String,
    /// The recorder token's row id (for revoking it).
    pub recorder_token_id: i64,
    /// The server's store, for arranging what the API cannot (revoking tokens).
    pub store: Store,
    dir: TempDir,
    shutdown: oneshot::Sender<()>,
    server: JoinHandle<std::io::Result<()>>,
}

/// A ledger whose server was stopped gracefully: the data folder can be inspected,
/// tampered with, verified with the CLI, or served again.
pub struct StoppedApp {
    /// The data folder (deleted when this is dropped).
    pub dir: TempDir,
    /// The admin token, still valid in the folder's database.
    pub admin_token: String,
    /// The recorder token, still valid in the folder's database.
    pub recorder_token: String,
}

/// Stores a new token with `role`, as `fundtrail token create` does; returns it and its id.
async fn create_token(store: &Store, role: &str, name: &str) -> (String, i64) {
    let token = new_token();
    let id = store
        .create_token(name, role, &sha256(token.as_bytes()))
        .await
        .expect("token stored");
    (token, id)
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .expect("HTTP client")
}

/// Serves `app` on a random loopback port until the returned sender fires.
async fn serve(app: Application) -> (String, oneshot::Sender<()>, JoinHandle<std::io::Result<()>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a loopback port");
    let address = format!("http://{}", listener.local_addr().expect("local address"));
    let (tx, rx) = oneshot::channel::<()>();
    let server = tokio::spawn(app.serve(listener, async move {
        let _ = rx.await;
    }));
    (address, tx, server)
}

/// Starts a server over a new, empty ledger with an admin and a recorder token.
pub async fn spawn_app() -> TestApp {
    spawn_app_with_limits(fundtrail::http::limits::Limits::OFF).await
}

/// [`spawn_app`] enforcing rate limits.
pub async fn spawn_app_with_limits(limits: fundtrail::http::limits::Limits) -> TestApp {
    spawn(limits, tempfile::tempdir().expect("temporary folder")).await
}

/// [`spawn_app`] with its data folder inside `parent` (e.g. a small disk).
pub async fn spawn_app_in(parent: &Path) -> TestApp {
    let dir = tempfile::tempdir_in(parent).expect("temporary folder");
    spawn(fundtrail::http::limits::Limits::OFF, dir).await
}

/// [`spawn_app`] keeping its entries in the PostgreSQL database at `url`.
pub async fn spawn_app_on_database(url: &str) -> TestApp {
    let dir = tempfile::tempdir().expect("temporary folder");
    spawn_with(
        fundtrail::http::limits::Limits::OFF,
        dir,
        Some(url.to_string()),
        None,
        |app| app,
    )
    .await
}

/// [`spawn_app`] enforcing rate limits, with `configure` applied to the application before
/// it serves (e.g. to trust a proxy).
pub async fn spawn_app_configured(
    limits: fundtrail::http::limits::Limits,
    configure: impl FnOnce(Application) -> Application,
) -> TestApp {
    let dir = tempfile::tempdir().expect("temporary folder");
    spawn_with(limits, dir, None, None, configure).await
}

/// [`spawn_app_configured`] over a ledger signed with the existing key `signing_key` (a
/// second ledger of the same log, as an operator rewriting history would make).
pub async fn spawn_app_signed_with(
    signing_key: &str,
    configure: impl FnOnce(Application) -> Application,
) -> TestApp {
    let dir = tempfile::tempdir().expect("temporary folder");
    let limits = fundtrail::http::limits::Limits::OFF;
    spawn_with(limits, dir, None, Some(signing_key), configure).await
}

async fn spawn(limits: fundtrail::http::limits::Limits, dir: TempDir) -> TestApp {
    spawn_with(limits, dir, None, None, |app| app).await
}

async fn spawn_with(
    limits: fundtrail::http::limits::Limits,
    dir: TempDir,
    database_url: Option<String>,
    signing_key: Option<&str>,
    configure: impl FnOnce(Application) -> Application,
) -> TestApp {
    let config = Config {
        name: "Test Relief Fund".into(),
        origin: ORIGIN.into(),
        iati_org_id: None,
    };
    let (store, signer) = DataDir::new(dir.path().join("data"))
        .with_database_url(database_url)
        .init(&config, signing_key)
        .await
        .expect("ledger initialised");
    let (admin_token, _) = create_token(&store, "admin", "test-admin").await;
    let (recorder_token, recorder_token_id) =
        create_token(&store, "recorder", "test-recorder").await;
    let app = Application::from_parts(config, store.clone(), signer)
        .await
        .expect("application started")
        .with_limits(limits)
        .with_evidence(DataDir::new(dir.path().join("data")).evidence_store());
    let (address, shutdown, server) = serve(configure(app)).await;
    TestApp {
        address,
        client: client(),
        admin_token,
        recorder_token,
        recorder_token_id,
        store,
        dir,
        shutdown,
        server,
    }
}

impl StoppedApp {
    /// The data folder (`config.json`, `signing.key`, `ledger.db`).
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// `ledger.db`.
    pub fn db_path(&self) -> PathBuf {
        self.data_dir().join("ledger.db")
    }

    /// Serves the folder again, as `fundtrail serve` does (with its start-up check).
    pub async fn restart(self) -> TestApp {
        let data = DataDir::new(self.data_dir());
        let app = Application::build(&data)
            .await
            .expect("application started");
        let store = app.state.store.clone();
        let recorder_token_id = store
            .list_tokens()
            .await
            .expect("tokens listed")
            .into_iter()
            .find(|t| t.role == "recorder" && t.revoked_at.is_none())
            .map_or(-1, |t| t.id);
        let (address, shutdown, server) = serve(app).await;
        TestApp {
            address,
            client: client(),
            admin_token: self.admin_token,
            recorder_token: self.recorder_token,
            recorder_token_id,
            store,
            dir: self.dir,
            shutdown,
            server,
        }
    }

    /// Runs `sql` directly on `ledger.db`, bypassing the server.
    ///
    /// # Errors
    /// The database's refusal, e.g. from an append-only trigger.
    pub async fn execute(&self, sql: &str) -> Result<u64, sqlx::Error> {
        use sqlx::Connection;
        let options = sqlx::sqlite::SqliteConnectOptions::new().filename(self.db_path());
        let mut conn = sqlx::SqliteConnection::connect_with(&options).await?;
        // Tests write their own SQL here; nothing comes from outside.
        let result = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
            .execute(&mut conn)
            .await;
        conn.close().await?;
        Ok(result?.rows_affected())
    }
}

impl TestApp {
    /// The data folder (`config.json`, `signing.key`, `ledger.db`).
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// A scratch path next to the data folder, removed with it.
    pub fn scratch(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Stops the server gracefully: queued appends finish and the database is closed.
    pub async fn stop(self) -> StoppedApp {
        let _ = self.shutdown.send(());
        self.server
            .await
            .expect("server task did not panic")
            .expect("server stopped cleanly");
        StoppedApp {
            dir: self.dir,
            admin_token: self.admin_token,
            recorder_token: self.recorder_token,
        }
    }

    /// The admin token, as the `token` argument of [`TestApp::post`].
    pub fn admin(&self) -> Option<&str> {
        Some(&self.admin_token)
    }

    /// The recorder token, as the `token` argument of [`TestApp::post`].
    pub fn recorder(&self) -> Option<&str> {
        Some(&self.recorder_token)
    }

    fn url(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.address)
    }

    /// `POST /api/v1{path}` with a JSON `body`, as `Bearer token` when one is given.
    pub async fn post(&self, path: &str, body: &Value, token: Option<&str>) -> TestResponse {
        self.post_with(path, body.to_string().into_bytes(), token, None)
            .await
    }

    /// `POST /api/v1{path}` with raw JSON bytes and an optional `Idempotency-Key`.
    pub async fn post_with(
        &self,
        path: &str,
        body: Vec<u8>,
        token: Option<&str>,
        idempotency_key: Option<&str>,
    ) -> TestResponse {
        let mut request = self
            .client
            .post(self.url(path))
            .header("content-type", "application/json")
            .body(body);
        if let Some(t) = token {
            request = request.bearer_auth(t);
        }
        if let Some(k) = idempotency_key {
            request = request.header("idempotency-key", k);
        }
        TestResponse::read(request.send().await.expect("request sent")).await
    }

    /// `GET /api/v1{path}`, whatever its status.
    pub async fn get(&self, path: &str) -> TestResponse {
        let response = self
            .client
            .get(self.url(path))
            .send()
            .await
            .expect("request sent");
        TestResponse::read(response).await
    }

    /// `GET /api/v1{path}` as JSON; panics unless it answers 200.
    pub async fn get_json(&self, path: &str) -> Value {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "GET {path}: {}", response.text());
        response.json()
    }

    /// `GET /api/v1{path}` as text; panics unless it answers 200.
    pub async fn get_text(&self, path: &str) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "GET {path}: {}", response.text());
        response.body
    }

    /// The published verifier key (`GET /key`).
    pub async fn key(&self) -> String {
        self.get_text("/key").await.trim().to_string()
    }

    /// The latest signed checkpoint, verified against the published key.
    pub async fn checkpoint(&self) -> Checkpoint {
        let note = self.get_text("/checkpoint").await;
        verify_checkpoint(&note, &self.key().await).expect("the checkpoint verifies")
    }

    /// The number of entries the latest signed checkpoint covers.
    pub async fn checkpoint_size(&self) -> u64 {
        self.checkpoint().await.size
    }

    /// Opens a campaign as admin; panics unless it is accepted. Returns its id.
    pub async fn open_campaign(&self, id: &str, currency: &str) -> String {
        let response = self
            .post(
                "/campaigns",
                &json!({
                    "id": id,
                    "title": format!("Campaign {id}"),
                    "purpose": "Relief for families after the flood.",
                    "currency": currency,
                }),
                self.admin(),
            )
            .await;
        assert_eq!(response.status(), 201, "open {id}: {}", response.text());
        id.to_string()
    }

    /// Closes a campaign as admin; panics unless it is accepted.
    pub async fn close_campaign(&self, id: &str) {
        let response = self
            .post(&format!("/campaigns/{id}/close"), &json!({}), self.admin())
            .await;
        assert_eq!(response.status(), 201, "close {id}: {}", response.text());
    }

    /// Records a donation of `amount` (decimal text) as recorder.
    pub async fn donate(&self, campaign: &str, amount: &str) -> TestResponse {
        self.post(
            "/donations",
            &json!({ "campaign": campaign, "amount": amount, "donor": "Nguyễn Văn An" }),
            self.recorder(),
        )
        .await
    }

    /// Records a donation with a bank reference as recorder.
    pub async fn donate_with_reference(
        &self,
        campaign: &str,
        amount: &str,
        reference: &str,
    ) -> TestResponse {
        self.post(
            "/donations",
            &json!({ "campaign": campaign, "amount": amount, "reference": reference }),
            self.recorder(),
        )
        .await
    }

    /// Records a disbursement of `amount` as recorder.
    pub async fn disburse(&self, campaign: &str, amount: &str) -> TestResponse {
        self.post(
            "/disbursements",
            &json!({
                "campaign": campaign, "amount": amount,
                "recipient": "Quang Binh commune", "purpose": "Drinking water",
            }),
            self.recorder(),
        )
        .await
    }

    /// Moves `amount` between two campaigns as recorder.
    pub async fn transfer(&self, from: &str, to: &str, amount: &str) -> TestResponse {
        self.post(
            "/transfers",
            &json!({ "from": from, "to": to, "amount": amount, "reason": "Rebalance" }),
            self.recorder(),
        )
        .await
    }

    /// Reverses entry `seq` (reason `error`) as recorder.
    pub async fn reverse(&self, seq: u64) -> TestResponse {
        self.post(
            "/reversals",
            &json!({ "reverses": seq, "reason": "error" }),
            self.recorder(),
        )
        .await
    }

    /// The bundle served by `GET /export`.
    pub async fn export(&self) -> String {
        self.get_text("/export").await
    }

    /// The totals of campaign `id` from `GET /totals`.
    pub async fn campaign_totals(&self, id: &str) -> Value {
        let totals = self.get_json("/totals").await;
        totals["campaigns"]
            .as_array()
            .expect("campaigns")
            .iter()
            .find(|c| c["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("campaign {id} is not in the totals: {totals}"))
    }
}
