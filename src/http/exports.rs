//! Public exports: `GET /api/v1/export/csv?campaign=ID` (streamed) and
//! `GET /api/v1/export/iati?campaign=ID`. Both cover the ledger at the latest checkpoint
//! and hold only what the ledger publishes (display names, never contact details).

use super::error::ApiError;
use super::public::MAX_PAGE;
use super::{ApiQuery, AppState};
use crate::export::csv::{CsvExport, HEADER};
use crate::export::iati::{IatiExport, Organisation};
use crate::export::ExportError;
use crate::ledger::decode;
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

fn known_campaign(s: &AppState, campaign: &Option<String>) -> Result<(), ApiError> {
    match campaign {
        Some(c) if !s.sequencer.view().campaigns.iter().any(|(_, k)| k.id == *c) => {
            Err(ExportError::UnknownCampaign(c.clone()).into())
        }
        _ => Ok(()),
    }
}

/// Streams the CSV in pages of entries, without holding the ledger in memory.
pub async fn csv(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> Result<Response, ApiError> {
    known_campaign(&s, &q.campaign)?;
    let size = s.sequencer.view().checkpoint.size;
    let store = s.store.clone();
    let generator = CsvExport::new(q.campaign.as_deref());
    type Chunk = Result<Vec<u8>, std::io::Error>;
    let pages = futures_util::stream::unfold(
        (0u64, generator, false),
        move |(next, mut generator, done)| {
            let store = store.clone();
            async move {
                if done || next >= size {
                    return None;
                }
                let fail = |m: String| {
                    Some((
                        Err(std::io::Error::other(m)),
                        (next, CsvExport::default(), true),
                    ))
                };
                let rows = match store.entries(next, MAX_PAGE.min(size - next)).await {
                    Ok(rows) if !rows.is_empty() => rows,
                    Ok(_) => return fail("entries missing".into()),
                    Err(e) => return fail(e.to_string()),
                };
                let mut chunk = Vec::new();
                for r in &rows {
                    let entry = match decode(&r.leaf) {
                        Ok(e) => e,
                        Err(e) => return fail(format!("entry {}: {e}", r.seq)),
                    };
                    match generator.row(&entry, &r.leaf_hash) {
                        Ok(Some(line)) => chunk.extend_from_slice(line.as_bytes()),
                        Ok(None) => {}
                        Err(e) => return fail(e.to_string()),
                    }
                }
                let next = next + rows.len() as u64;
                Some((Chunk::Ok(chunk), (next, generator, false)))
            }
        },
    );
    let stream = futures_util::stream::iter([Chunk::Ok(HEADER.as_bytes().to_vec())]).chain(pages);
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
        Body::from_stream(stream),
    )
        .into_response())
}

/// The IATI activity file at the latest checkpoint.
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
    known_campaign(&s, &q.campaign)?;
    let size = s.sequencer.view().checkpoint.size;
    let mut generator = IatiExport::new();
    let mut next = 0;
    while next < size {
        let rows = s.store.entries(next, MAX_PAGE.min(size - next)).await?;
        if rows.is_empty() {
            return Err(
                crate::store::StoreError::Corrupt(format!("entry {next} is missing")).into(),
            );
        }
        for r in &rows {
            let entry = decode(&r.leaf)
                .map_err(|e| crate::store::StoreError::Corrupt(format!("entry {}: {e}", r.seq)))?;
            generator.push(&entry)?;
        }
        next += rows.len() as u64;
    }
    let org = Organisation::new(org_id, s.site.name.clone());
    let generated = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let xml = generator.finish(&org, q.campaign.as_deref(), &generated)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/xml; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        xml,
    )
        .into_response())
}
