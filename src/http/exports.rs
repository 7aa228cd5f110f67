//! Public exports: `GET /api/v1/export/csv?campaign=ID` and
//! `GET /api/v1/export/iati?campaign=ID`, both streamed ([`crate::export::stream`]): a
//! request holds a page of entries and a chunk of text, whatever the ledger's size. Both
//! cover the ledger at the latest checkpoint and hold only what the ledger publishes
//! (display names, never contact details).

use super::error::ApiError;
use super::{ApiQuery, AppState};
use crate::export::iati::Organisation;
use crate::export::stream::{CampaignRef, CsvStream, ExportStream, IatiStream, StreamError};
use crate::export::ExportError;
use crate::sequencer::View;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt as _;
use serde::Deserialize;

/// `?campaign=ID`, optional.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
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
    Ok(Body::from_stream(
        futures_util::stream::iter([Chunk::Ok(first)]).chain(rest),
    ))
}

/// Streams the CSV, reading a page of entries at a time; a campaign's CSV reads only the
/// entries of that campaign and of the campaigns it exchanged transfers with.
pub async fn csv(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    let view = s.sequencer.view();
    known_campaign(&view, &q.campaign)?;
    let stream =
        CsvStream::new(s.store.clone(), view.checkpoint.size, q.campaign.as_deref()).await?;
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

/// Streams the IATI activity file at the latest checkpoint, one activity after the other,
/// each read from its campaign's entries a page at a time.
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
