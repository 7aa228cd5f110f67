//! The OpenAPI document of `/api/v1` (`GET /api/v1/openapi.json`): it is OpenAPI 3.1 whose
//! every reference resolves, it lists exactly the routes the router serves, and
//! schemathesis, generating requests from it against a running demo server, finds no
//! server error and no answer the document does not describe.

use crate::helpers::app::{spawn_app, TestApp};
use crate::helpers::binary;
use serde_json::Value;
use std::collections::BTreeSet;
use std::io::{BufRead as _, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// Every route of `/api/v1`, as `METHOD /path`. A route added to the router without being
/// added here (or the other way round) fails
/// `the_document_lists_exactly_the_routes_the_router_serves`.
const ROUTES: [&str; 65] = [
    "GET /info",
    "GET /checkpoint",
    "GET /key",
    "GET /entries",
    "GET /entries/{seq}",
    "GET /totals",
    "GET /search",
    "GET /proof/inclusion",
    "GET /proof/consistency",
    "GET /campaigns",
    "POST /campaigns",
    "GET /campaigns/{id}",
    "GET /campaigns/{id}/entries",
    "POST /campaigns/{id}/close",
    "GET /campaigns/{id}/vietqr",
    "GET /campaigns/{id}/vietqr/{index}/qr.svg",
    "POST /donations",
    "POST /disbursements",
    "POST /transfers",
    "POST /reversals",
    "POST /budgets",
    "GET /campaigns/{id}/budget",
    "POST /pledges",
    "POST /pledges/{seq}/cancel",
    "GET /campaigns/{id}/pledges",
    "POST /corrections",
    "POST /approval-policies",
    "GET /approval-policies",
    "POST /proposals",
    "GET /proposals",
    "GET /proposals/{id}",
    "POST /proposals/{id}/approve",
    "POST /proposals/{id}/reject",
    "POST /evidence",
    "GET /evidence/{sha256}",
    "POST /statements",
    "POST /statements/entries",
    "POST /statements/file",
    "GET /statements/{sha256}/lines",
    "GET /statements/lines",
    "GET /statements/reconciliation",
    "GET /receipts/{key}",
    "GET /receipts/{code}/qr.svg",
    "GET /receipts/{code}/status",
    "GET /receipts/{code}/receipt.tlog-proof",
    "POST /session",
    "GET /session",
    "DELETE /session",
    "GET /tokens",
    "POST /tokens",
    "DELETE /tokens/{id}",
    "GET /donors/{seq}",
    "DELETE /donors/{seq}",
    "GET /export",
    "GET /export/csv",
    "GET /export/iati",
    "GET /openapi.json",
    "POST /updates",
    "GET /feed",
    "GET /campaigns/{id}/feed",
    "POST /donor-statements",
    "GET /webhooks",
    "POST /webhooks",
    "DELETE /webhooks/{id}",
    "GET /webhooks/{id}/deliveries",
];

const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

/// The document's routes, as `METHOD /path`.
fn documented_routes(doc: &Value) -> BTreeSet<String> {
    let mut routes = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            if item.get(method.to_lowercase()).is_some() {
                routes.insert(format!("{method} {path}"));
            }
        }
    }
    routes
}

/// `path` with a plausible value in each `{parameter}`.
fn concrete(path: &str) -> String {
    path.replace("{seq}", "0")
        .replace("{id}", "no-such-campaign")
        .replace("{sha256}", &"0".repeat(64))
        .replace("{key}", "R-0-00000000")
        .replace("{code}", "R-0-00000000")
        .replace("{index}", "0")
}

async fn document(app: &TestApp) -> Value {
    let answer = app.get("/openapi.json").await;
    assert_eq!(answer.status(), 200, "{}", answer.text());
    answer.json()
}

#[tokio::test]
async fn the_document_lists_exactly_the_routes_the_router_serves() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let client = reqwest::Client::new();

    let documented = documented_routes(&doc);
    let expected: BTreeSet<String> = ROUTES.iter().map(|r| r.to_string()).collect();

    assert_eq!(documented, expected, "the document's routes");
    let paths: BTreeSet<&str> = documented
        .iter()
        .filter_map(|r| r.split_once(' ').map(|(_, p)| p))
        .collect();
    for path in paths {
        let url = format!("{}/api/v1{}", app.address, concrete(path));
        for method in METHODS {
            let answer = client
                .request(method.parse().expect("method"), &url)
                .send()
                .await
                .expect("answer");
            let status = answer.status().as_u16();
            let json = answer
                .headers()
                .get("content-type")
                .is_some_and(|t| t.as_bytes().starts_with(b"application/json"));
            if documented.contains(&format!("{method} {path}")) {
                assert_ne!(status, 405, "{method} {path} is documented but not served");
                // A handler's 404 is a JSON error; the page's is plain text.
                assert!(
                    status != 404 || json,
                    "{method} {path} is documented but not routed"
                );
            } else {
                assert_eq!(status, 405, "{method} {path} is served but not documented");
            }
        }
    }
}

/// Every `$ref` in `value`.
fn references<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.push(r);
            }
            map.values().for_each(|v| references(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| references(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn the_document_is_openapi_3_1_with_every_reference_resolved_and_every_error_described() {
    let app = spawn_app().await;

    let doc = document(&app).await;

    assert!(doc["openapi"]
        .as_str()
        .is_some_and(|v| v.starts_with("3.1.")));
    assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());
    assert_eq!(doc["servers"][0]["url"], "/api/v1");
    let mut refs = Vec::new();
    references(&doc, &mut refs);
    assert!(!refs.is_empty());
    for r in refs {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("{r} is not a component schema"));
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "{r} does not resolve"
        );
    }
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["bearer"]["type"], "http");
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            let route = format!("{method} {path}");
            for requirement in op["security"].as_array().into_iter().flatten() {
                for scheme in requirement.as_object().expect("requirement").keys() {
                    assert!(schemes[scheme].is_object(), "{route}: {scheme}");
                }
            }
            let declared: BTreeSet<&str> = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "path")
                .inspect(|p| assert_eq!(p["required"], true, "{route}"))
                .filter_map(|p| p["name"].as_str())
                .collect();
            let in_path: BTreeSet<&str> = path
                .split('/')
                .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
                .collect();
            assert_eq!(declared, in_path, "{route}: path parameters");
            let responses = op["responses"].as_object().expect("responses");
            for status in ["500", "503", "408"] {
                assert!(responses.contains_key(status), "{route} lacks {status}");
            }
            for (status, answer) in responses {
                assert!(
                    status.len() == 3 && status.bytes().all(|b| b.is_ascii_digit()),
                    "{route}: {status}"
                );
                assert!(answer["description"].is_string(), "{route} {status}");
                if status.starts_with(['4', '5']) && status != "408" {
                    assert_eq!(
                        answer["content"]["application/json"]["schema"]["$ref"],
                        "#/components/schemas/ErrorBody",
                        "{route} {status}"
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn the_api_reference_names_every_route_of_the_document() {
    let app = spawn_app().await;
    let doc = document(&app).await;
    let reference =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/api.md"))
            .expect("docs/api.md");

    for route in documented_routes(&doc) {
        assert!(
            reference.contains(&format!("`{route}")),
            "docs/api.md does not name {route}"
        );
    }
}

/// The schemathesis to run: `$SCHEMATHESIS`, else the one `.ci/run` installs, else one on
/// the `PATH`.
fn schemathesis() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("SCHEMATHESIS") {
        return Some(PathBuf::from(path));
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    let installed = cache.join(format!(
        "fundtrail/schemathesis-{SCHEMATHESIS_VERSION}/bin/schemathesis"
    ));
    if installed.exists() {
        return Some(installed);
    }
    Command::new("schemathesis")
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|_| PathBuf::from("schemathesis"))
}

/// The version `.ci/run` installs.
const SCHEMATHESIS_VERSION: &str = "4.32.5";

/// `fundtrail demo` on a free port, killed when dropped, with its admin token.
struct Demo {
    child: Child,
    base: String,
    admin: String,
    _dir: tempfile::TempDir,
}

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_demo() -> Demo {
    let dir = tempfile::tempdir().expect("temporary folder");
    let port = binary::free_port();
    let mut child = Command::new(binary::BIN)
        .args([
            "demo",
            "--read-limit",
            "0",
            "--max-connections-per-address",
            "0",
        ])
        .args(["--addr", &format!("127.0.0.1:{port}")])
        .arg("--data")
        .arg(dir.path().join("data"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start fundtrail demo");
    let stdout = child.stdout.take().expect("demo output");
    let mut admin = None;
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("demo output line");
        if let Some(token) = line.strip_prefix("Admin token: ") {
            admin = Some(token.to_string());
        }
        if line.starts_with("Open http://") {
            break;
        }
    }
    Demo {
        child,
        base: format!("http://127.0.0.1:{port}"),
        admin: admin.expect("the demo prints its admin token"),
        _dir: dir,
    }
}

#[test]
fn schemathesis_finds_no_server_error_and_no_answer_outside_the_document() {
    let Some(schemathesis) = schemathesis() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "schemathesis is not installed: .ci/run installs it before the tests"
        );
        println!("SKIPPED: schemathesis is not installed (.ci/run installs it)");
        return;
    };
    let demo = start_demo();
    let report = tempfile::tempdir().expect("report folder");

    let out = Command::new(&schemathesis)
        .arg("run")
        .arg(format!("{}/api/v1/openapi.json", demo.base))
        .args(["--url", &format!("{}/api/v1", demo.base)])
        .args(["--header", &format!("Authorization: Bearer {}", demo.admin)])
        // A webhook registered with a generated address would have the server POST entries
        // to it: network tests touch only loopback (tests/feeds/webhooks.rs tests the route).
        .args(["--exclude-name", "POST /webhooks"])
        .args([
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance",
        ])
        .args(["--phases", "examples,coverage,fuzzing"])
        .args(["--max-examples", "20", "--seed", "13"])
        .args(["--request-timeout", "30", "--workers", "2"])
        .args(["--suppress-health-check", "all", "--generation-database", "none"])
        .arg("--no-color")
        .arg("--report-dir")
        .arg(report.path())
        .current_dir(report.path())
        .output()
        .expect("run schemathesis");

    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "schemathesis found problems:\n{text}");
}
