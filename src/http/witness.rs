//! The HTTP interface of `fundtrail witness serve` (C2SP tlog-witness; SPEC.md §14):
//! `POST /add-checkpoint` answers with the cosignature line, or refuses with the status the
//! spec gives (409 with the held size as `text/x.tlog.size`); `GET /checkpoint/<origin>`
//! shows monitors the latest checkpoint cosigned for a log, with the cosignature.

use crate::ledger::witness::{Refusal, MAX_REQUEST_BYTES};
use crate::witness::{Witness, WitnessError};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

/// Time limit for one request (reading a slow body included).
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// The witness's routes: bodies up to 64 KiB, each request within [`REQUEST_TIMEOUT`].
pub fn router(witness: Witness) -> Router {
    Router::new()
        .route("/add-checkpoint", post(add_checkpoint))
        .route("/checkpoint/{*origin}", get(cosigned))
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BYTES))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .with_state(witness)
}

fn text(status: StatusCode, content_type: &'static str, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, content_type)], body).into_response()
}

async fn add_checkpoint(State(w): State<Witness>, body: Bytes) -> Response {
    match w.add_checkpoint(&body).await {
        Ok(line) => text(StatusCode::OK, "text/plain; charset=utf-8", line),
        Err(WitnessError::Refused(Refusal::Conflict(size))) => text(
            StatusCode::CONFLICT,
            "text/x.tlog.size",
            format!("{size}\n"),
        ),
        Err(WitnessError::Refused(r)) => {
            let status = StatusCode::from_u16(r.status()).unwrap_or(StatusCode::BAD_REQUEST);
            text(status, "text/plain; charset=utf-8", format!("{r}\n"))
        }
        Err(WitnessError::Store(e)) => {
            tracing::error!(error = %e, "witness database failed");
            text(
                StatusCode::SERVICE_UNAVAILABLE,
                "text/plain; charset=utf-8",
                "the witness's database failed; nothing was cosigned; retry\n".into(),
            )
        }
    }
}

async fn cosigned(State(w): State<Witness>, Path(origin): Path<String>) -> Response {
    match w.cosigned(&origin).await {
        Ok(Some(note)) => text(StatusCode::OK, "text/plain; charset=utf-8", note),
        Ok(None) => text(
            StatusCode::NOT_FOUND,
            "text/plain; charset=utf-8",
            format!("no checkpoint of {origin:?} cosigned yet\n"),
        ),
        Err(e) => {
            tracing::error!(error = %e, "witness database failed");
            text(
                StatusCode::SERVICE_UNAVAILABLE,
                "text/plain; charset=utf-8",
                "the witness's database failed; retry\n".into(),
            )
        }
    }
}
