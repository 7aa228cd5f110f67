//! Time limits for requests: the configured limit (30 s by default) for every route but
//! statement imports, whose body (up to 64 MiB) and import (every line of a long
//! statement) may take minutes; they get [`STATEMENT_TIMEOUT`]. A request over its limit
//! answers 408. A statement import that has started queuing donations runs to its end
//! even then ([`super::statements`]).

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::time::Duration;

/// The time a statement import may take, from its first byte to its report.
pub const STATEMENT_TIMEOUT: Duration = Duration::from_secs(600);

/// Answers 408 when the request is not answered within its time limit (`limit`, or
/// [`STATEMENT_TIMEOUT`] for `POST /api/v1/statements`).
pub async fn limit_time(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    let limit = if request.uri().path() == "/api/v1/statements" {
        STATEMENT_TIMEOUT.max(limit)
    } else {
        limit
    };
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => StatusCode::REQUEST_TIMEOUT.into_response(),
    }
}
