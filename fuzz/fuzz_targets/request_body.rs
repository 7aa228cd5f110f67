//! Request bodies against every append route of the real router (in process, over a
//! temporary SQLite ledger): whatever the bytes, the answer is never a server error, and an
//! input that is refused appends nothing.
#![no_main]

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use fundtrail::auth::new_token;
use fundtrail::ledger::hash::sha256;
use fundtrail::startup::{Application, Config, DataDir};
use libfuzzer_sys::fuzz_target;
use std::net::SocketAddr;
use std::sync::OnceLock;
use tower::ServiceExt;

const ROUTES: [&str; 7] = [
    "/api/v1/donations",
    "/api/v1/disbursements",
    "/api/v1/transfers",
    "/api/v1/reversals",
    "/api/v1/campaigns",
    "/api/v1/campaigns/flood-2026/close",
    "/api/v1/statements?campaign=flood-2026&dry_run=true",
];

struct World {
    runtime: tokio::runtime::Runtime,
    router: Router,
    token: String,
    _dir: tempfile::TempDir,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let dir = tempfile::tempdir().expect("temporary folder");
        let (router, token) = runtime.block_on(async {
            let config = Config {
                name: "Fuzz Relief Fund".into(),
                origin: "fuzz.fundtrail.local/ledger".into(),
                iati_org_id: None,
            };
            let data = DataDir::new(dir.path().join("data"));
            let (store, signer) = data.init(&config, None).await.expect("ledger");
            let token = new_token();
            store
                .create_token("fuzz-admin", "admin", &sha256(token.as_bytes()))
                .await
                .expect("token");
            let app = Application::from_parts(config, store, signer)
                .await
                .expect("application")
                .with_evidence(data.evidence_store());
            let router = fundtrail::http::router(app.state.clone());
            (router, token)
        });
        let w = World { runtime, router, token, _dir: dir };
        for (route, body) in [
            (4, r#"{"id":"flood-2026","title":"Flood","purpose":"Water","currency":"VND"}"#),
            (4, r#"{"id":"kits","title":"Kits","purpose":"Kits","currency":"USD"}"#),
            (0, r#"{"campaign":"flood-2026","amount":"500000","donor":"A"}"#),
            (0, r#"{"campaign":"kits","amount":"12.50","donor":"B"}"#),
        ] {
            let status = w.post(route, body.as_bytes().to_vec(), "application/json");
            assert!(status.is_success(), "setup {body}: {status}");
        }
        w
    })
}

impl World {
    fn post(&self, route: usize, body: Vec<u8>, content_type: &str) -> StatusCode {
        let mut request = Request::post(ROUTES[route % ROUTES.len()])
            .header(header::AUTHORIZATION, format!("Bearer {}", self.token))
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .expect("request");
        let peer: SocketAddr = "127.0.0.1:9".parse().expect("address");
        request.extensions_mut().insert(ConnectInfo(peer));
        self.runtime
            .block_on(self.router.clone().oneshot(request))
            .expect("the router never fails")
            .status()
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let w = world();
    let content_type = if selector & 0x80 == 0 {
        "application/json"
    } else {
        "text/csv"
    };
    let status = w.post(usize::from(selector & 0x7f), body.to_vec(), content_type);
    assert!(
        !status.is_server_error(),
        "{status} for {:?} on {}",
        String::from_utf8_lossy(body),
        ROUTES[usize::from(selector & 0x7f) % ROUTES.len()]
    );
});
