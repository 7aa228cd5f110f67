//! The public page and the staff console: the files of `web/`, embedded in the binary so
//! one file runs anywhere. A folder with an `index.html` is a page of its own: `/staff/`
//! serves `staff/index.html`, and `/staff` redirects there (the console's modules and API
//! calls are relative to it).
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

/// What a request for `path` (below `/`, without the leading `/`) is answered with.
#[derive(Debug, PartialEq, Eq)]
enum Resolved {
    /// The embedded file at this path.
    File(String),
    /// A redirect to this relative location (a folder asked for without its `/`).
    Redirect(String),
}

/// Where `path` leads in `dir`: `index.html` for the root and for a folder path ending in
/// `/`; a redirect to the folder's path with its `/` for a folder that holds an
/// `index.html`; the path itself otherwise (which may not exist).
fn resolve(dir: &Dir<'_>, path: &str) -> Resolved {
    if path.is_empty() || path.ends_with('/') {
        return Resolved::File(format!("{path}index.html"));
    }
    let is_page = dir
        .get_dir(path)
        .is_some_and(|d| d.get_file(format!("{path}/index.html")).is_some());
    if is_page {
        let last = path.rsplit('/').next().unwrap_or(path);
        return Resolved::Redirect(format!("{last}/"));
    }
    Resolved::File(path.to_string())
}

fn serve(path: &str, headers: &HeaderMap) -> Response {
    let path = match resolve(&WEB, path) {
        Resolved::File(path) => path,
        Resolved::Redirect(location) => {
            return match HeaderValue::from_str(&location) {
                Ok(location) => (
                    StatusCode::PERMANENT_REDIRECT,
                    [(header::LOCATION, location)],
                )
                    .into_response(),
                Err(_) => (StatusCode::NOT_FOUND, "not found").into_response(),
            };
        }
    };
    let path = path.as_str();
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

/// `/` serves `index.html`; `/{file}` serves the other files of `web/` (a folder's
/// `index.html` at `/{folder}/`).
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route(
            "/",
            get(|headers: HeaderMap| async move { serve("index.html", &headers) }),
        )
        .merge(files())
}

/// `/{file}`: the files of `web/` without the single-ledger page at `/` (a platform's
/// `/` is its own page, `web/platform/`).
pub fn files<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().route(
        "/{*path}",
        get(|Path(path): Path<String>, headers: HeaderMap| async move { serve(&path, &headers) }),
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

    #[test]
    fn a_folder_with_an_index_is_served_at_its_path_with_a_slash_and_redirected_to_it_without() {
        static FILES: [include_dir::DirEntry<'static>; 2] = [
            include_dir::DirEntry::File(File::new("staff/index.html", b"console")),
            include_dir::DirEntry::File(File::new("staff/app.js", b"")),
        ];
        static STAFF: [include_dir::DirEntry<'static>; 2] = [
            include_dir::DirEntry::Dir(Dir::new("staff", &FILES)),
            include_dir::DirEntry::File(File::new("index.html", b"page")),
        ];
        let web = Dir::new("", &STAFF);

        assert_eq!(resolve(&web, ""), Resolved::File("index.html".into()));
        assert_eq!(
            resolve(&web, "staff/"),
            Resolved::File("staff/index.html".into())
        );
        assert_eq!(resolve(&web, "staff"), Resolved::Redirect("staff/".into()));
        assert_eq!(
            resolve(&web, "staff/app.js"),
            Resolved::File("staff/app.js".into())
        );
        assert_eq!(resolve(&WEB, "verify"), Resolved::File("verify".into()));
    }

    #[tokio::test]
    async fn a_folder_without_an_index_is_not_a_page() {
        let answer = get("/verify/", None).await;

        assert_eq!(answer.status(), StatusCode::NOT_FOUND);
    }

    #[tokio::test]
    async fn a_stale_tag_gets_the_whole_file() {
        let answer = get("/app.js", Some("\"0000\"")).await;

        assert_eq!(answer.status(), StatusCode::OK);
        let file = WEB.get_file("app.js").expect("app.js");
        assert_eq!(body(answer).await, file.contents());
    }
}
