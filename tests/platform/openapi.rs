//! The platform API's OpenAPI document (`GET /api/v1/platform/openapi.json`): OpenAPI 3.1
//! whose every reference resolves, listing exactly the routes the platform serves under
//! `/api/v1/platform`, each with its error answers.

use crate::harness::{spawn_platform, TestPlatform};
use serde_json::Value;
use std::collections::BTreeSet;

/// Every route of the platform API (under `/api/v1`), as `METHOD /path`. A route added to
/// the platform's router without being here (or the other way round) fails
/// `the_platform_document_lists_exactly_the_routes_the_platform_serves`.
const ROUTES: [&str; 11] = [
    "GET /platform",
    "GET /platform/orgs",
    "POST /platform/orgs",
    "POST /platform/orgs/{slug}/accounts",
    "POST /platform/orgs/{slug}/suspend",
    "POST /platform/orgs/{slug}/resume",
    "POST /platform/orgs/{slug}/close",
    "POST /platform/orgs/{slug}/rotate-key",
    "GET /platform/check-account",
    "GET /platform/campaigns",
    "GET /platform/openapi.json",
];

const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

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

async fn document(platform: &TestPlatform) -> Value {
    let answer = platform.get("/api/v1/platform/openapi.json").await;
    assert_eq!(answer.status(), 200, "{}", answer.text());
    answer.json()
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
async fn the_platform_document_lists_exactly_the_routes_the_platform_serves() {
    let platform = spawn_platform().await;
    let doc = document(&platform).await;

    let documented = documented_routes(&doc);

    let expected: BTreeSet<String> = ROUTES.iter().map(|r| r.to_string()).collect();
    assert_eq!(documented, expected, "the document's routes");
    let paths: BTreeSet<&str> = documented
        .iter()
        .filter_map(|r| r.split_once(' ').map(|(_, p)| p))
        .collect();
    for path in paths {
        let concrete = format!("/api/v1{}", path.replace("{slug}", "no-such-org"));
        for method in METHODS {
            let answer = platform
                .send(method.parse().expect("method"), &concrete, None, None)
                .await;
            let route = format!("{method} {path}");
            if documented.contains(&route) {
                assert_ne!(answer.status(), 405, "{route} is documented but not served");
                assert_ne!(
                    answer.json()["message"],
                    "no such API route",
                    "{route} is documented but not routed"
                );
            } else {
                assert_eq!(answer.status(), 405, "{route} is served but not documented");
            }
        }
    }
}

#[tokio::test]
async fn the_platform_document_is_openapi_3_1_with_every_reference_resolved_and_every_error_described(
) {
    let platform = spawn_platform().await;

    let doc = document(&platform).await;

    assert!(doc["openapi"]
        .as_str()
        .is_some_and(|v| v.starts_with("3.1.")));
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
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            let route = format!("{method} {path}");
            let declared: BTreeSet<&str> = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "path")
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
            if method == "post" {
                for status in ["401", "403", "422"] {
                    assert!(responses.contains_key(status), "{route} lacks {status}");
                }
            }
            for (status, answer) in responses {
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
    let check = &doc["paths"]["/platform/check-account"]["get"];
    let number = check["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|p| p["name"] == "number" && p["in"] == "query");
    assert!(number, "the account check documents its number");
}

#[tokio::test]
async fn the_api_reference_names_every_route_of_the_platform_document() {
    let platform = spawn_platform().await;
    let doc = document(&platform).await;
    let reference = std::fs::read_to_string(
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/api.md"),
    )
    .expect("docs/api.md");

    for route in documented_routes(&doc) {
        assert!(
            reference.contains(&format!("`{route}`")),
            "docs/api.md does not name {route}"
        );
    }
}

#[tokio::test]
async fn an_organisations_ledger_document_names_its_own_prefix_as_its_server() {
    let platform = spawn_platform().await;
    platform
        .create_org(
            "ngo-a",
            serde_json::json!([crate::harness::account("BIDV", "1122334455")]),
        )
        .await;

    let at_org = platform.get("/o/ngo-a/api/v1/openapi.json").await;
    let at_registry = platform.get("/registry/api/v1/openapi.json").await;

    assert_eq!(at_org.status(), 200, "{}", at_org.text());
    assert_eq!(at_registry.status(), 200, "{}", at_registry.text());
    let (org_doc, registry_doc): (Value, Value) = (at_org.json(), at_registry.json());
    assert_eq!(org_doc["servers"].as_array().map(Vec::len), Some(1));
    assert_eq!(org_doc["servers"][0]["url"], "/o/ngo-a/api/v1");
    assert_eq!(registry_doc["servers"][0]["url"], "/registry/api/v1");
    assert!(
        org_doc["paths"]["/donations"]["post"].is_object(),
        "the same routes"
    );
    assert_eq!(org_doc["paths"], registry_doc["paths"]);
}
