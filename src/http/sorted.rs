//! JSON answers with every object's keys in sorted order, whatever the order of the Rust
//! type's fields: the order the API has always written (its answers were built as
//! `serde_json::Value` trees, whose maps sort their keys), so clients that compare answers
//! byte for byte, or cache them, see the same bytes.

use super::error::ApiError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

/// An answer written as `T`'s JSON with sorted keys (status 200, `application/json`).
pub struct Sorted<T>(pub T);

impl<T: Serialize> IntoResponse for Sorted<T> {
    fn into_response(self) -> Response {
        match serde_json::to_value(&self.0) {
            Ok(value) => Json(value).into_response(),
            Err(e) => {
                tracing::error!(error = %e, "writing an answer failed");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "internal error; see the server log",
                )
                .into_response()
            }
        }
    }
}
