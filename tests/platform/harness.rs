//! A platform server for the tests of this area: [`spawn_platform`] initialises a platform
//! in a temporary folder, serves it on a random loopback port, and [`TestPlatform`] makes
//! short requests to it (the platform API, an organisation's API under `/o/<slug>/`).

use fundtrail::platform::{OrgSettings, Platform, PlatformConfig, PlatformDir};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::Arc;
use tempfile::TempDir;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use crate::helpers::app::TestResponse;

/// The registry's origin in these tests.
pub const REGISTRY_ORIGIN: &str = "platform.test/registry";

/// A platform being served.
pub struct TestPlatform {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    /// A client with a time limit.
    pub client: reqwest::Client,
    /// The first platform administrator's token.
    pub admin_token: String,
    platform: Arc<Platform>,
    dir: TempDir,
    shutdown: oneshot::Sender<()>,
    server: JoinHandle<std::io::Result<()>>,
}

/// A new organisation's facts, as `POST /api/v1/platform/orgs` answered them.
pub struct TestOrg {
    /// Its slug.
    pub slug: String,
    /// Its first admin token.
    pub admin_token: String,
    /// Its verifier key.
    pub verifier_key: String,
}

/// A platform whose server was stopped: its folder can be tampered with and verified.
pub struct StoppedPlatform {
    /// The temporary folder holding `platform/`.
    pub dir: TempDir,
}

impl StoppedPlatform {
    /// The platform's folder.
    pub fn root(&self) -> PathBuf {
        self.dir.path().join("platform")
    }
}

/// Initialises a platform in a new temporary folder and serves it.
pub async fn spawn_platform() -> TestPlatform {
    spawn_platform_on(None).await
}

/// [`spawn_platform`] keeping every ledger in the PostgreSQL database at `url`, when given.
pub async fn spawn_platform_on(database_url: Option<String>) -> TestPlatform {
    spawn_platform_with_budget(
        database_url,
        fundtrail::platform::folder::DEFAULT_CONNECTION_BUDGET,
    )
    .await
}

/// [`spawn_platform_on`] whose ledgers share a budget of `connections` PostgreSQL
/// connections.
pub async fn spawn_platform_with_budget(
    database_url: Option<String>,
    connections: u32,
) -> TestPlatform {
    let dir = tempfile::tempdir().expect("temporary folder");
    let folder = PlatformDir::new(dir.path().join("platform"))
        .with_database_url(database_url)
        .with_connection_budget(connections);
    let made = folder
        .init(&PlatformConfig {
            name: "Test Platform".into(),
            origin: REGISTRY_ORIGIN.into(),
        })
        .await
        .expect("platform initialised");
    let platform = Arc::new(
        Platform::open(folder, OrgSettings::default())
            .await
            .expect("platform opened"),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind a loopback port");
    let address = format!("http://{}", listener.local_addr().expect("local address"));
    let (shutdown, rx) = oneshot::channel::<()>();
    let router = fundtrail::http::platform::router(Arc::clone(&platform));
    let server = tokio::spawn(fundtrail::http::server::serve(
        listener,
        router,
        platform.guard(),
        async move {
            let _ = rx.await;
        },
    ));
    TestPlatform {
        address,
        client: reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .expect("HTTP client"),
        admin_token: made.admin_token,
        platform,
        dir,
        shutdown,
        server,
    }
}

/// A bank account as the API writes them.
pub fn account(bank: &str, number: &str) -> Value {
    json!({ "bank": bank, "holder": "Quỹ Cứu trợ", "number": number })
}

impl TestPlatform {
    /// Sends `method` to `path` (from the server's root) with an optional bearer token and
    /// JSON body.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> TestResponse {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.address));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        TestResponse::read(request.send().await.expect("request sent")).await
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> TestResponse {
        self.send(reqwest::Method::GET, path, None, None).await
    }

    /// `POST path` with `body` as `token`.
    pub async fn post(&self, path: &str, token: &str, body: &Value) -> TestResponse {
        self.send(reqwest::Method::POST, path, Some(token), Some(body))
            .await
    }

    /// Creates organisation `slug` with `accounts` as the platform administrator; panics
    /// unless it is created.
    pub async fn create_org(&self, slug: &str, accounts: Value) -> TestOrg {
        let response = self
            .post(
                "/api/v1/platform/orgs",
                &self.admin_token,
                &json!({ "slug": slug, "name": format!("Organisation {slug}"), "kind": "ngo", "accounts": accounts }),
            )
            .await;
        assert_eq!(response.status(), 201, "create {slug}: {}", response.text());
        let body = response.json();
        TestOrg {
            slug: slug.to_string(),
            admin_token: body["admin_token"].as_str().expect("token").to_string(),
            verifier_key: body["verifier_key"].as_str().expect("key").to_string(),
        }
    }

    /// Opens campaign `id` in `org` naming `accounts`.
    pub async fn open_campaign(&self, org: &TestOrg, id: &str, accounts: Value) -> TestResponse {
        self.post(
            &format!("/o/{}/api/v1/campaigns", org.slug),
            &org.admin_token,
            &json!({
                "id": id,
                "title": format!("Cứu trợ lũ {id}"),
                "purpose": "Gạo và nước sạch cho các gia đình vùng lũ.",
                "currency": "VND",
                "accounts": accounts,
            }),
        )
        .await
    }

    /// Records a donation of `amount` VND to `campaign` in `org`.
    pub async fn donate(&self, org: &TestOrg, campaign: &str, amount: &str) -> TestResponse {
        self.post(
            &format!("/o/{}/api/v1/donations", org.slug),
            &org.admin_token,
            &json!({ "campaign": campaign, "amount": amount, "channel": "bank_transfer" }),
        )
        .await
    }

    /// The number of entries of `org`'s ledger.
    pub async fn size_of(&self, org: &str) -> u64 {
        let info = self.get(&format!("/o/{org}/api/v1/info")).await;
        assert_eq!(info.status(), 200, "{}", info.text());
        info.json()["size"].as_u64().expect("size")
    }

    /// Whether organisation `slug`'s ledger has been started.
    pub fn is_started(&self, slug: &str) -> bool {
        self.platform.started(slug).is_some()
    }

    /// Makes the registry refuse every append from now on (as a registry that cannot
    /// write would), so a platform change fails after its own checks passed.
    pub fn refuse_registry_appends(&self) {
        self.platform
            .registry()
            .state
            .sequencer
            .gate()
            .set_standing(fundtrail::sequencer::Standing::Suspended);
    }

    /// The platform's folder.
    pub fn root(&self) -> PathBuf {
        self.dir.path().join("platform")
    }

    /// How many `campaign.open` entries the account check and the index read from stores.
    pub fn campaign_entries_read(&self) -> u64 {
        self.platform.campaign_entries_read()
    }

    /// Stops the server and every ledger, keeping the folder.
    pub async fn stop(self) -> StoppedPlatform {
        let _ = self.shutdown.send(());
        let _ = self.server.await;
        Platform::close_shared(self.platform).await;
        StoppedPlatform { dir: self.dir }
    }
}
