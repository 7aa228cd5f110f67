//! The log as C2SP tlog-tiles at `/log/` (SPEC.md §13): `checkpoint` (with the
//! cosignatures gathered so far), `tile/<L>/<N>[.p/<W>]` and `tile/entries/<N>[.p/<W>]`,
//! byte for byte as the spec lays them out, and `policy`, the published witness policy
//! (C2SP tlog-policy), when there is one (204 No Content otherwise).
//!
//! Only tiles of the published checkpoint's tree are served. A full tile never changes and
//! is cached for a year (`immutable`); partial tiles and the checkpoint for a few seconds.

use super::AppState;
use crate::ledger::tiles::Tile;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::tiles::{CHECKPOINT_CACHE, IMMUTABLE, PARTIAL};

/// The routes under `/log`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/log/checkpoint", get(checkpoint))
        .route("/log/policy", get(policy))
        .route("/log/tile/{*path}", get(tile))
}

fn plain(status: StatusCode, text: &str) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        format!("{text}\n"),
    )
        .into_response()
}

/// The latest checkpoint, with its cosignatures so far.
async fn checkpoint(State(s): State<AppState>) -> Response {
    let view = s.sequencer.view();
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, CHECKPOINT_CACHE),
        ],
        s.cosigned.note_for(&view.checkpoint),
    )
        .into_response()
}

/// The published witness policy.
async fn policy(State(s): State<AppState>) -> Response {
    match s.policy.text() {
        Some(text) => (
            [
                (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            text.to_string(),
        )
            .into_response(),
        // 204, not 404: the page asks on every verification, and a browser logs a 404 as an
        // error.
        None => StatusCode::NO_CONTENT.into_response(),
    }
}

/// One tile or entry bundle.
async fn tile(State(s): State<AppState>, Path(path): Path<String>) -> Response {
    let Ok(tile) = Tile::parse(&format!("tile/{path}")) else {
        return plain(StatusCode::NOT_FOUND, "no such tile: not a tlog-tiles path");
    };
    let size = s.sequencer.view().checkpoint.size;
    if !tile.exists_in(size) {
        return plain(
            StatusCode::NOT_FOUND,
            &format!("no such tile in the tree of {size} entries"),
        );
    }
    let bytes = match s.tile_cache.read(&s.store, &tile).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(tile = %tile, error = %e, "could not read a tile");
            return plain(
                StatusCode::SERVICE_UNAVAILABLE,
                "could not read the tile; retry",
            );
        }
    };
    let cache = if tile.is_full() { IMMUTABLE } else { PARTIAL };
    (
        [
            (header::CONTENT_TYPE, "application/octet-stream"),
            (header::CACHE_CONTROL, cache),
        ],
        bytes,
    )
        .into_response()
}
