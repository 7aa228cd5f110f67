//! The HTTP of platform mode (SPEC.md §24): one server for many ledgers.
//!
//! - `/o/<slug>/...`: organisation `slug`'s whole single-ledger router, the prefix stripped
//!   (its ledger started on first use; an organisation created while serving answers at
//!   once);
//! - `/registry/...`: the registry's single-ledger router, for reading and verifying it (its
//!   entries are written only through the platform API; its tokens and console sign-in
//!   still work);
//! - `/api/v1/platform/...`: the platform API ([`api`]);
//! - `/`: the platform page (`web/platform/`), and the page's shared files.

mod api;
mod schema;

pub use api::api_document;

use super::error::ApiError;
use super::{deadline, CONTENT_SECURITY_POLICY, MAX_BODY_BYTES};
use crate::platform::Platform;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use std::sync::Arc;
use tower::ServiceExt as _;
use tower_http::set_header::SetResponseHeaderLayer;

/// The platform's router.
pub fn router(platform: Arc<Platform>) -> Router {
    let request_timeout = platform.guard().limits.request_timeout;
    let own = api::routes()
        .route("/", get(|| async { Redirect::to("/platform/") }))
        .with_state(Arc::clone(&platform))
        .merge(super::web::files())
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(
            request_timeout,
            deadline::limit_time,
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ));
    // One handler reads the path itself: a ledger's router then sees a request with no path
    // parameters of the platform's routes, as if it were served on its own.
    Router::new()
        .fallback(dispatch)
        .with_state(Arc::new(Dispatch { platform, own }))
}

/// What [`dispatch`] sends requests to.
struct Dispatch {
    platform: Arc<Platform>,
    /// The platform's own routes: its API, page and the page's files.
    own: Router,
}

/// Sends `request` to the organisation, the registry or the platform's own routes.
async fn dispatch(State(d): State<Arc<Dispatch>>, request: Request) -> Response {
    let path = request.uri().path();
    if let Some(after) = path.strip_prefix("/o/") {
        if !after.contains('/') {
            return add_slash(request.uri()).into_response();
        }
        return to_org(&d.platform, request).await;
    }
    if path == "/registry" {
        return add_slash(request.uri()).into_response();
    }
    if path.starts_with("/registry/") {
        return to_registry(&d.platform, request).await;
    }
    match d.own.clone().oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

/// `/o/<slug>` and `/registry` answer at their folder, so the page's relative addresses
/// resolve under it.
fn add_slash(uri: &Uri) -> Redirect {
    Redirect::permanent(&format!("{}/", uri.path()))
}

/// Splits `/o/<slug>/rest` into `slug` and `/rest` (with the query kept).
fn org_path(uri: &Uri) -> Option<(&str, String)> {
    let after = uri.path().strip_prefix("/o/")?;
    let (slug, rest) = after.split_once('/')?;
    Some((slug, with_query(&format!("/{rest}"), uri)))
}

fn with_query(path: &str, uri: &Uri) -> String {
    match uri.query() {
        Some(q) => format!("{path}?{q}"),
        None => path.to_string(),
    }
}

/// `request` sent on to `router` at `path_and_query` instead of its own.
async fn forward(
    router: axum::Router,
    mut request: Request,
    prefix: &str,
    path_and_query: &str,
) -> Response {
    request
        .extensions_mut()
        .insert(crate::http::origin::MountPrefix(prefix.to_string()));
    match path_and_query.parse::<Uri>() {
        Ok(uri) => *request.uri_mut() = uri,
        Err(_) => return ApiError::bad_query("path", "this path cannot be read").into_response(),
    }
    match router.oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

/// A request under `/o/<slug>/`, answered by that organisation's ledger.
async fn to_org(platform: &Platform, request: Request) -> Response {
    let uri = request.uri().clone();
    let Some((slug, rest)) = org_path(&uri) else {
        return ApiError::not_found("no such organisation").into_response();
    };
    match platform.org(slug).await {
        Ok(Some(org)) => forward(org.router.clone(), request, &format!("/o/{slug}"), &rest).await,
        Ok(None) => ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_organisation",
            format!("no organisation {slug:?} is registered on this platform"),
        )
        .into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// Whether a request to the registry's router may pass: reads, and the staff routes of its
/// own tokens and console sessions. Registry entries are appended only by the platform API,
/// which checks the registry's rules first.
fn registry_allows(method: &Method, path: &str) -> bool {
    method == Method::GET
        || method == Method::HEAD
        || path.starts_with("/api/v1/tokens")
        || path.starts_with("/api/v1/session")
}

/// A request under `/registry/`, answered by the registry's ledger.
async fn to_registry(platform: &Platform, request: Request) -> Response {
    let uri = request.uri().clone();
    let rest = uri.path().strip_prefix("/registry").unwrap_or("/");
    if !registry_allows(request.method(), rest) {
        return ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "registry_read_only",
            "the registry is written only through the platform API (/api/v1/platform/...)",
        )
        .into_response();
    }
    let rest = with_query(rest, &uri);
    forward(
        platform.registry().router.clone(),
        request,
        "/registry",
        &rest,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_organisation_path_keeps_its_rest_and_query() {
        let uri: Uri = "/o/ngo-a/api/v1/entries?start=2"
            .parse()
            .unwrap_or_default();
        assert_eq!(
            org_path(&uri),
            Some(("ngo-a", "/api/v1/entries?start=2".to_string()))
        );
        let root: Uri = "/o/ngo-a/".parse().unwrap_or_default();
        assert_eq!(org_path(&root), Some(("ngo-a", "/".to_string())));
    }
}
