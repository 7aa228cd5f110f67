//! The public page: the files of `web/`, embedded in the binary so one file runs anywhere.
//!
//! Every file is served with `Cache-Control: no-cache` and a strong `ETag` (the SHA-256 of
//! its embedded bytes, computed once per file): a browser asks again on each visit, and a
//! file it already holds is answered `304 Not Modified` without its bytes. A new binary
//! with a changed file changes that file's tag, so no visitor keeps a stale module.

use crate::ledger::hash::sha256;
use axum::extract::Path;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use include_dir::{include_dir, Dir, File};
use std::collections::HashMap;
use std::sync::LazyLock;

static WEB: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/web");

/// The tag of every embedded file, by path.
static TAGS: LazyLock<HashMap<&'static str, HeaderValue>> = LazyLock::new(|| {
    let mut tags = HashMap::new();
    add_tags(&WEB, &mut tags);
    tags
});

fn add_tags(dir: &'static Dir<'static>, tags: &mut HashMap<&'static str, HeaderValue>) {
    for file in dir.files() {
        if let Some(path) = file.path().to_str() {
            tags.insert(path, tag_of(file));
        }
    }
    for sub in dir.dirs() {
        add_tags(sub, tags);
    }
}

/// The strong entity tag of `file`: its SHA-256, quoted.
fn tag_of(file: &File<'_>) -> HeaderValue {
    let text = format!("\"{}\"", sha256(file.contents()).to_hex());
    HeaderValue::from_str(&text).unwrap_or(HeaderValue::from_static("\"\""))
}

fn media_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Whether `If-None-Match` in `headers` names `tag` (or is `*`), by the weak comparison
/// RFC 9110 §13.1.2 prescribes for it: `W/"x"` matches `"x"`.
fn client_holds(headers: &HeaderMap, tag: &HeaderValue) -> bool {
    let tag = tag.as_bytes();
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|candidate| candidate == "*" || candidate.trim_start_matches("W/").as_bytes() == tag)
}

fn serve(path: &str, headers: &HeaderMap) -> Response {
    let (Some(file), Some(tag)) = (WEB.get_file(path), TAGS.get(path)) else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let validators = [
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        (header::ETAG, tag.clone()),
    ];
    if client_holds(headers, tag) {
        return (StatusCode::NOT_MODIFIED, validators).into_response();
    }
    (
        validators,
        [(header::CONTENT_TYPE, media_type(path))],
        file.contents(),
    )
        .into_response()
}

/// `/` serves `index.html`; `/{file}` serves the other files of `web/`.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route(
            "/",
            get(|headers: HeaderMap| async move { serve("index.html", &headers) }),
        )
        .route(
            "/{*path}",
            get(|Path(path): Path<String>, headers: HeaderMap| async move {
                serve(&path, &headers)
            }),
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::{to_bytes, Body};
    use axum::http::Request;
    use tower::ServiceExt as _;

    async fn get(path: &str, if_none_match: Option<&str>) -> Response {
        let mut request = Request::get(path);
        if let Some(tags) = if_none_match {
            request = request.header(header::IF_NONE_MATCH, tags);
        }
        routes::<()>()
            .oneshot(request.body(Body::empty()).expect("request"))
            .await
            .expect("answer")
    }

    fn etag(response: &Response) -> String {
        let tag = response.headers().get(header::ETAG).expect("an ETag");
        tag.to_str().expect("text").to_string()
    }

    async fn body(response: Response) -> Vec<u8> {
        to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body")
            .to_vec()
    }

    #[tokio::test]
    async fn every_file_carries_a_strong_etag_of_its_bytes_and_no_cache() {
        let file = WEB
            .get_file("verify/sha256.js")
            .expect("an embedded module");

        let page = get("/", None).await;
        let module = get("/verify/sha256.js", None).await;

        let index = WEB.get_file("index.html").expect("index.html");
        let expected = |f: &File<'_>| format!("\"{}\"", sha256(f.contents()).to_hex());
        assert_eq!(etag(&page), expected(index));
        assert_eq!(etag(&module), expected(file));
        assert_eq!(module.headers()[header::CACHE_CONTROL], "no-cache");
        assert_eq!(body(module).await, file.contents());
    }

    #[tokio::test]
    async fn a_file_the_browser_holds_is_answered_304_without_its_bytes() {
        let tag = etag(&get("/app.js", None).await);

        for held in [
            tag.clone(),
            format!("W/{tag}"),
            format!("\"something-else\", {tag}"),
            "*".to_string(),
        ] {
            let answer = get("/app.js", Some(&held)).await;

            assert_eq!(answer.status(), StatusCode::NOT_MODIFIED, "{held}");
            assert_eq!(etag(&answer), tag);
            assert_eq!(answer.headers()[header::CACHE_CONTROL], "no-cache");
            assert!(body(answer).await.is_empty());
        }
    }

    #[tokio::test]
    async fn a_stale_tag_gets_the_whole_file() {
        let answer = get("/app.js", Some("\"0000\"")).await;

        assert_eq!(answer.status(), StatusCode::OK);
        let file = WEB.get_file("app.js").expect("app.js");
        assert_eq!(body(answer).await, file.contents());
    }
}
