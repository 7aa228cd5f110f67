//! Public reads: no authentication, never personal data.

use super::error::ApiError;
use super::{ApiPath, ApiQuery, AppState};
use crate::ledger::hash::Hash;
use crate::ledger::verify::{bundle_header, bundle_trailer};
use crate::store::StoredEntry;
use axum::body::Body;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

/// Largest page of `/entries`.
pub const MAX_PAGE: u64 = 1000;

fn text(content_type: &'static str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

fn hexes(hashes: &[Hash]) -> Vec<String> {
    hashes.iter().map(Hash::to_hex).collect()
}

fn entry_json(e: &StoredEntry) -> Value {
    let parsed: Value = serde_json::from_slice(&e.leaf).unwrap_or(Value::Null);
    json!({ "seq": e.seq, "leaf_hash": e.leaf_hash.to_hex(), "entry": parsed })
}

pub async fn info(State(s): State<AppState>) -> Json<Value> {
    let v = s.sequencer.view();
    Json(json!({
        "name": s.site.name,
        "origin": s.site.origin,
        "key": s.site.verifier_key,
        "size": v.checkpoint.size,
        "root": v.checkpoint.root.to_hex(),
        "checkpoint": v.checkpoint.note,
        "last_recorded_at": v.last_recorded_at,
        "read_only": v.read_only,
        "leader": s.sequencer.is_leading(),
        "audit": s.sequencer.audit().state(),
    }))
}

pub async fn checkpoint(State(s): State<AppState>) -> Response {
    text(
        "text/plain; charset=utf-8",
        s.sequencer.view().checkpoint.note.clone(),
    )
}

pub async fn key(State(s): State<AppState>) -> Response {
    text(
        "text/plain; charset=utf-8",
        format!("{}\n", s.site.verifier_key),
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Page {
    start: Option<u64>,
    limit: Option<u64>,
}

pub async fn entries(
    State(s): State<AppState>,
    ApiQuery(p): ApiQuery<Page>,
) -> Result<Response, ApiError> {
    let limit = p.limit.unwrap_or(100);
    if limit == 0 || limit > MAX_PAGE {
        return Err(ApiError::bad_query(
            "limit",
            format!("limit must be 1 to {MAX_PAGE}"),
        ));
    }
    let size = s.sequencer.view().checkpoint.size;
    let start = p.start.unwrap_or(0);
    let limit = limit.min(size.saturating_sub(start));
    let rows = if limit == 0 {
        Vec::new()
    } else {
        s.store.entries(start, limit).await?
    };
    let mut body = Vec::with_capacity(rows.iter().map(|r| r.leaf.len() + 1).sum());
    for r in rows {
        body.extend_from_slice(&r.leaf);
        body.push(b'\n');
    }
    Ok(([(header::CONTENT_TYPE, "application/x-ndjson")], body).into_response())
}

pub async fn entry(
    State(s): State<AppState>,
    ApiPath(seq): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let cp = s.sequencer.view().checkpoint.clone();
    if seq >= cp.size {
        return Err(ApiError::not_found(format!(
            "entry {seq} does not exist; the ledger has {} entries",
            cp.size
        )));
    }
    let e = s
        .store
        .entry(seq)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("entry {seq} not found")))?;
    let proof = s.store.inclusion_proof(seq, cp.size).await?;
    let mut out = entry_json(&e);
    out["leaf"] = Value::String(String::from_utf8_lossy(&e.leaf).into_owned());
    out["checkpoint"] = Value::String(cp.note.clone());
    out["proof"] = json!({
        "index": seq, "size": cp.size, "leaf_hash": e.leaf_hash.to_hex(),
        "root": cp.root.to_hex(), "proof": hexes(&proof),
    });
    Ok(Json(out))
}

pub async fn totals(State(s): State<AppState>) -> Json<Value> {
    Json(serde_json::to_value(&s.sequencer.view().totals).unwrap_or(Value::Null))
}

async fn campaign_details(
    s: &AppState,
    opened_seq: u64,
    summary: Value,
) -> Result<Value, ApiError> {
    let mut out = summary;
    if let Some(e) = s.store.entry(opened_seq).await? {
        let leaf: Value = serde_json::from_slice(&e.leaf).unwrap_or(Value::Null);
        let body = &leaf["body"];
        out["purpose"] = body["purpose"].clone();
        out["accounts"] = body["accounts"].clone();
        if !body["ends_on"].is_null() {
            out["ends_on"] = body["ends_on"].clone();
        }
        out["opened_at"] = leaf["recorded_at"].clone();
    }
    out["opened_seq"] = json!(opened_seq);
    Ok(out)
}

pub async fn campaigns(State(s): State<AppState>) -> Result<Json<Value>, ApiError> {
    let v = s.sequencer.view();
    let mut list = Vec::with_capacity(v.campaigns.len());
    for ((opened, _), summary) in v.campaigns.iter().zip(&v.totals.campaigns) {
        let summary = serde_json::to_value(summary).unwrap_or(Value::Null);
        list.push(campaign_details(&s, *opened, summary).await?);
    }
    Ok(Json(json!({ "campaigns": list })))
}

pub async fn campaign(
    State(s): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Value>, ApiError> {
    let v = s.sequencer.view();
    let found = v
        .campaigns
        .iter()
        .zip(&v.totals.campaigns)
        .find(|((_, c), _)| c.id == id);
    let Some(((opened, _), summary)) = found else {
        return Err(ApiError::not_found(format!(
            "campaign {id:?} does not exist"
        )));
    };
    let summary = serde_json::to_value(summary).unwrap_or(Value::Null);
    Ok(Json(campaign_details(&s, *opened, summary).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Before {
    before: Option<u64>,
    limit: Option<u64>,
}

pub async fn campaign_entries(
    State(s): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(q): ApiQuery<Before>,
) -> Result<Json<Value>, ApiError> {
    let v = s.sequencer.view();
    if !v.campaigns.iter().any(|(_, c)| c.id == id) {
        return Err(ApiError::not_found(format!(
            "campaign {id:?} does not exist"
        )));
    }
    let limit = q.limit.unwrap_or(20);
    if limit == 0 || limit > 200 {
        return Err(ApiError::bad_query("limit", "limit must be 1 to 200"));
    }
    let before = q.before.unwrap_or(u64::MAX).min(v.checkpoint.size);
    let rows = s.store.campaign_entries(&id, before, limit).await?;
    let next = if rows.len() as u64 == limit {
        rows.last().map(|r| r.seq)
    } else {
        None
    };
    Ok(Json(
        json!({ "entries": rows.iter().map(entry_json).collect::<Vec<_>>(), "next_before": next }),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InclusionQuery {
    index: u64,
    size: Option<u64>,
}

pub async fn inclusion(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<InclusionQuery>,
) -> Result<Json<Value>, ApiError> {
    let checkpoint = s.sequencer.view().checkpoint.clone();
    let current = checkpoint.size;
    let size = q.size.unwrap_or(current);
    if size > current {
        return Err(ApiError::bad_query(
            "size",
            format!("size {size} is larger than the ledger ({current})"),
        ));
    }
    if q.index >= size {
        return Err(ApiError::bad_query(
            "index",
            format!("index {} is not below size {size}", q.index),
        ));
    }
    let (leaf_hash, proof) = s.store.leaf_and_inclusion_proof(q.index, size).await?;
    let root = if size == current {
        checkpoint.root
    } else {
        s.store.tree_root(size).await?
    };
    Ok(Json(json!({
        "index": q.index, "size": size, "leaf_hash": leaf_hash.to_hex(),
        "root": root.to_hex(), "proof": hexes(&proof),
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyQuery {
    from: u64,
    to: Option<u64>,
}

pub async fn consistency(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<ConsistencyQuery>,
) -> Result<Json<Value>, ApiError> {
    let current = s.sequencer.view().checkpoint.size;
    let to = q.to.unwrap_or(current);
    if to > current {
        return Err(ApiError::bad_query(
            "to",
            format!("to {to} is larger than the ledger ({current})"),
        ));
    }
    if q.from == 0 {
        return Err(ApiError::bad_query(
            "from",
            "from must be at least 1: a consistency proof starts from a tree that was published",
        ));
    }
    if q.from > to {
        return Err(ApiError::bad_query(
            "from",
            format!("from {} is larger than to {to}", q.from),
        ));
    }
    let proof = if q.from == to {
        Vec::new()
    } else {
        s.store.consistency_proof(q.from, to).await?
    };
    let root_from = s.store.tree_root(q.from).await?;
    let root_to = s.store.tree_root(to).await?;
    Ok(Json(json!({
        "from": q.from, "to": to, "root_from": root_from.to_hex(), "root_to": root_to.to_hex(),
        "proof": hexes(&proof),
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    reference: String,
}

pub async fn search(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<SearchQuery>,
) -> Result<Json<Value>, ApiError> {
    let reference = q.reference.trim();
    if reference.is_empty() || reference.chars().count() > 200 {
        return Err(ApiError::bad_query(
            "reference",
            "reference must be 1 to 200 characters",
        ));
    }
    let size = s.sequencer.view().checkpoint.size;
    let rows = s.store.find_by_reference(reference, 50).await?;
    let results: Vec<Value> = rows
        .iter()
        .filter(|r| r.seq < size)
        .map(entry_json)
        .collect();
    Ok(Json(json!({ "reference": reference, "results": results })))
}

/// Streams the bundle at the current checkpoint, in pages, without holding it in memory.
pub async fn export(State(s): State<AppState>) -> Response {
    let cp = s.sequencer.view().checkpoint.clone();
    let header_bytes = bundle_header(&s.site.verifier_key).into_bytes();
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
    let stream = futures_util::stream::iter([Chunk::Ok(header_bytes)]).chain(pages);
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"fundtrail-bundle.txt\"",
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response()
}

use futures_util::StreamExt as _;
