//! Atom feeds (RFC 4287, SPEC.md §20.2): `GET /feed` for the whole ledger and
//! `GET /campaigns/{id}/feed` for one campaign, each the newest [`FEED_SIZE`] entries up to
//! the published checkpoint, newest first. Anyone may read them.

use super::error::{ApiError, ErrorBody};
use super::origin::base_url;
use super::{ApiPath, AppState};
use crate::export::atom::{feed, FeedHead, FeedItem, ATOM_MEDIA_TYPE};
use crate::store::{StoreError, StoredEntry};
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

/// How many entries a feed holds: the newest ones.
pub const FEED_SIZE: u64 = 50;

/// The ledger's newest entries as an Atom feed.
#[utoipa::path(
    get, path = "/feed", tag = "feeds",
    responses((status = 200, description = "The ledger's newest entries (Atom)", body = String,
        content_type = "application/atom+xml"))
)]
pub async fn ledger(State(s): State<AppState>, parts: Parts) -> Result<Response, ApiError> {
    let size = s.sequencer.view().checkpoint.size;
    let mut rows = s
        .store
        .entries(size.saturating_sub(FEED_SIZE), FEED_SIZE)
        .await?;
    rows.retain(|r| r.seq < size);
    rows.reverse();
    let base = base(&s, &parts);
    let head = FeedHead {
        self_url: format!("{base}/api/v1/feed"),
        page_url: format!("{base}/"),
        title: s.site.name.clone(),
        author: s.site.name.clone(),
    };
    atom(&head, &base, &rows)
}

/// One campaign's newest entries as an Atom feed.
#[utoipa::path(
    get, path = "/campaigns/{id}/feed", tag = "feeds",
    params(("id" = String, Path, description = "The campaign's id")),
    responses(
        (status = 200, description = "The campaign's newest entries (Atom)", body = String,
            content_type = "application/atom+xml"),
        (status = 404, description = "No such campaign", body = ErrorBody),
    )
)]
pub async fn campaign(
    State(s): State<AppState>,
    ApiPath(id): ApiPath<String>,
    parts: Parts,
) -> Result<Response, ApiError> {
    let view = s.sequencer.view();
    let Some((_, c)) = view.campaigns.iter().find(|(_, c)| c.id == id) else {
        return Err(ApiError::not_found(format!(
            "campaign {id:?} does not exist"
        )));
    };
    let title = format!("{} · {}", c.title, s.site.name);
    let rows = s
        .store
        .campaign_entries(&id, view.checkpoint.size, FEED_SIZE)
        .await?;
    let base = base(&s, &parts);
    let head = FeedHead {
        self_url: format!("{base}/api/v1/campaigns/{id}/feed"),
        page_url: format!("{base}/#/campaign/{id}"),
        title,
        author: s.site.name.clone(),
    };
    atom(&head, &base, &rows)
}

fn base(s: &AppState, parts: &Parts) -> String {
    base_url(
        parts,
        &s.guard.trusted_proxies,
        s.site.public_url.as_deref(),
    )
}

/// The feed of `rows` (newest first) as an answer.
fn atom(head: &FeedHead, base: &str, rows: &[StoredEntry]) -> Result<Response, ApiError> {
    let items = rows
        .iter()
        .map(|r| {
            let entry = crate::ledger::decode(&r.leaf)
                .map_err(|e| StoreError::Corrupt(format!("entry {}: {e}", r.seq)))?;
            Ok(FeedItem {
                entry,
                leaf_hash: r.leaf_hash,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let mut answer = feed(head, base, &items).into_response();
    answer.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(ATOM_MEDIA_TYPE),
    );
    Ok(answer)
}
