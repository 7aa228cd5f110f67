//! Public exports, all streamed: a request holds a page of entries and a chunk of text,
//! whatever the ledger's size. The bundle (`GET /export`, SPEC.md §7) is what `fundtrail
//! verify` checks; the CSV (`GET /export/csv?campaign=ID`) and the IATI activity file
//! (`GET /export/iati?campaign=ID`, [`crate::export::stream`]) are for spreadsheets and
//! aid registries. All cover the ledger at the latest checkpoint and hold only what the
//! ledger publishes (display names, never contact details).

use super::error::{ApiError, ErrorBody};
use super::log::MAX_PAGE;
use super::{ApiQuery, AppState};
use crate::export::iati::Organisation;
use crate::export::stream::{CampaignRef, CsvStream, ExportStream, IatiStream, StreamError};
use crate::export::ExportError;
use crate::ledger::verify::{bundle_header, bundle_trailer};
use crate::sequencer::View;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt as _;
use serde::Deserialize;
use utoipa::IntoParams;

/// Query of the CSV and IATI exports.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// Only this campaign (with the transfers into and out of it); every campaign when absent.
    campaign: Option<String>,
}

impl From<ExportError> for ApiError {
    fn from(e: ExportError) -> Self {
        match e {
            ExportError::UnknownCampaign(_) | ExportError::NoCampaigns => {
                ApiError::not_found(e.to_string())
            }
            ExportError::Inconsistent { .. } => {
                tracing::error!(error = %e, "export: stored entries do not fold");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "internal error; see the server log",
                )
            }
        }
    }
}

impl From<StreamError> for ApiError {
    fn from(e: StreamError) -> Self {
        match e {
            StreamError::Export(e) => e.into(),
            StreamError::Store(e) => e.into(),
        }
    }
}

fn known_campaign(view: &View, campaign: &Option<String>) -> Result<(), ApiError> {
    match campaign {
        Some(c) if !view.campaigns.iter().any(|(_, k)| k.id == *c) => {
            Err(ExportError::UnknownCampaign(c.clone()).into())
        }
        _ => Ok(()),
    }
}

/// The body of `stream`: its first chunk, already read (so that a failure before any
/// byte is an error status), then the rest as the client reads. A failure later ends the
/// body early, logged.
async fn streamed(mut stream: ExportStream) -> Result<Body, ApiError> {
    let first = stream.next_chunk().await?.unwrap_or_default();
    let rest = futures_util::stream::unfold(Some(stream), |stream| async move {
        let mut stream = stream?;
        match stream.next_chunk().await {
            Ok(Some(chunk)) => Some((Ok(chunk), Some(stream))),
            Ok(None) => None,
            Err(e) => {
                tracing::error!(error = %e, "export stopped before its end");
                Some((Err(std::io::Error::other(e.to_string())), None))
            }
        }
    });
    type Chunk = Result<Vec<u8>, std::io::Error>;
    // Fused: the compression layer may poll again after the end.
    Ok(Body::from_stream(
        futures_util::stream::iter([Chunk::Ok(first)])
            .chain(rest)
            .fuse(),
    ))
}

/// The entries as CSV, one row each, for spreadsheets. A campaign's CSV reads only the
/// entries of that campaign and of the campaigns it exchanged transfers with.
#[utoipa::path(
    get, path = "/export/csv", tag = "exports",
    params(ExportQuery),
    responses(
        (status = 200, description = "The CSV, as an attachment", body = String, content_type = "text/csv; charset=utf-8"),
        (status = 400, description = "A bad query", body = ErrorBody),
        (status = 404, description = "No such campaign", body = ErrorBody),
    )
)]
pub async fn csv(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    let view = s.sequencer.view();
    known_campaign(&view, &q.campaign)?;
    let evidence_base = s.site.public_url.clone().unwrap_or_default();
    let stream = CsvStream::new(
        s.store.clone(),
        view.checkpoint.size,
        q.campaign.as_deref(),
        &evidence_base,
    )
    .await?;
    let name = match &q.campaign {
        Some(c) => format!("attachment; filename=\"fundtrail-{c}.csv\""),
        None => "attachment; filename=\"fundtrail-entries.csv\"".to_string(),
    };
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, name),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        streamed(ExportStream::Csv(Box::new(stream))).await?,
    )
        .into_response())
}

/// The campaigns as an IATI 2.03 activity file, one activity per campaign, each read from
/// its campaign's entries a page at a time.
#[utoipa::path(
    get, path = "/export/iati", tag = "exports",
    params(ExportQuery),
    responses(
        (status = 200, description = "The IATI activity file", body = String, content_type = "application/xml; charset=utf-8"),
        (status = 400, description = "A bad query", body = ErrorBody),
        (status = 404, description = "No such campaign, no campaign at all, or no IATI identifier configured", body = ErrorBody),
    )
)]
pub async fn iati(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    let Some(org_id) = s.site.iati_org_id.clone() else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_configured",
            "the IATI export needs the organisation's IATI identifier: set iati_org_id in config.json",
        ));
    };
    let view = s.sequencer.view();
    known_campaign(&view, &q.campaign)?;
    let campaigns = view
        .campaigns
        .iter()
        .map(|(opened_seq, c)| CampaignRef {
            id: c.id.clone(),
            opened_seq: *opened_seq,
            closed: c.closed,
        })
        .collect();
    let org = Organisation::new(org_id, s.site.name.clone());
    let generated = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let stream = IatiStream::new(
        s.store.clone(),
        view.checkpoint.size,
        org,
        campaigns,
        q.campaign.as_deref(),
        &generated,
    )?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/xml; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        streamed(ExportStream::Iati(Box::new(stream))).await?,
    )
        .into_response())
}

/// The size in bytes of the bundle of the first `size` entries whose checkpoint note is
/// `note` (before any compression): header, each leaf and its newline, trailer.
///
/// # Errors
/// [`ApiError`] when the store fails.
pub(super) async fn bundle_bytes(s: &AppState, size: u64, note: &str) -> Result<u64, ApiError> {
    let leaves = s.store.leaf_bytes_below(size).await?;
    let fixed = bundle_header(&s.first_key()).len() + bundle_trailer(note).len();
    Ok(leaves + size + fixed as u64)
}

/// [`bundle_bytes`], once the server has counted the leaves (in the background after a
/// start), else `None`.
///
/// # Errors
/// [`ApiError`] when the store fails.
pub(super) async fn bundle_bytes_if_counted(
    s: &AppState,
    size: u64,
    note: &str,
) -> Result<Option<u64>, ApiError> {
    let Some(leaves) = s.store.leaf_bytes_if_counted(size).await? else {
        return Ok(None);
    };
    let fixed = bundle_header(&s.first_key()).len() + bundle_trailer(note).len();
    Ok(Some(leaves + size + fixed as u64))
}

/// The bundle at the latest checkpoint (SPEC.md §7): the key, every leaf, the signed
/// checkpoint. Streamed in pages, never held whole in memory; its `Content-Length` is
/// known before the first byte (and `GET /info` states it as `bundle_bytes`), so a page can
/// say how big the download is. Sent gzip-compressed when the client accepts it (then
/// without `Content-Length`).
#[utoipa::path(
    get, path = "/export", tag = "exports",
    responses((status = 200, description = "The bundle, as an attachment", body = String, content_type = "text/plain; charset=utf-8",
        headers(("Content-Length" = u64, description = "The bundle's size, when it is sent uncompressed"))))
)]
pub async fn bundle(State(s): State<AppState>) -> Result<Response, ApiError> {
    let cp = s.sequencer.view().checkpoint.clone();
    let length = bundle_bytes(&s, cp.size, &cp.note).await?;
    let header_bytes = bundle_header(&s.first_key()).into_bytes();
    let store = s.store.clone();
    type Chunk = Result<Vec<u8>, std::io::Error>;
    let pages = futures_util::stream::unfold((0u64, false), move |(next, done)| {
        let store = store.clone();
        let cp = cp.clone();
        async move {
            if done {
                return None;
            }
            if next >= cp.size {
                return Some((Ok(bundle_trailer(&cp.note).into_bytes()), (next, true)));
            }
            let limit = MAX_PAGE.min(cp.size - next);
            match store.entries(next, limit).await {
                Ok(rows) if !rows.is_empty() => {
                    let mut chunk = Vec::new();
                    for r in &rows {
                        chunk.extend_from_slice(&r.leaf);
                        chunk.push(b'\n');
                    }
                    Some((Ok(chunk), (next + rows.len() as u64, false)))
                }
                Ok(_) => Some((Err(std::io::Error::other("entries missing")), (next, true))),
                Err(e) => Some((Err(std::io::Error::other(e.to_string())), (next, true))),
            }
        }
    });
    // Fused: the compression layer may poll again after the end.
    let stream = futures_util::stream::iter([Chunk::Ok(header_bytes)])
        .chain(pages)
        .fuse();
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/plain; charset=utf-8".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"fundtrail-bundle.txt\"".to_string(),
            ),
            (header::CONTENT_LENGTH, length.to_string()),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}
