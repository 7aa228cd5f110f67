//! Every error a client can see, mapped to a status and a JSON body in one place:
//! `{"error": code, "message": words, "field": name-or-null}`.

use crate::ledger::state::InvariantError;
use crate::sequencer::AppendError;
use crate::store::StoreError;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

/// An error answer.
#[derive(Debug)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable machine-readable code.
    pub code: &'static str,
    /// What went wrong, in words.
    pub message: String,
    /// The request field at fault, if one is.
    pub field: Option<String>,
}

/// Seconds a client should wait before retrying a 503.
pub const RETRY_AFTER_SECONDS: &str = "1";

impl ApiError {
    /// A new error.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            field: None,
        }
    }

    /// Names the field at fault.
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// 422 for a bad field value.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", message).field(field)
    }

    /// 404.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// 400 for a bad query parameter.
    pub fn bad_query(field: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_query", message).field(field)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({
            "error": self.code,
            "message": self.message,
            "field": self.field,
        });
        let mut response = (self.status, Json(body)).into_response();
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static(RETRY_AFTER_SECONDS),
            );
        }
        response
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        tracing::error!(error = %e, "store error");
        match &e {
            StoreError::Full(_) => return ApiError::new(
                StatusCode::INSUFFICIENT_STORAGE,
                "storage_full",
                "the server's storage is full; nothing was recorded; try again once space is freed",
            ),
            StoreError::ReadOnly(_) => {
                return ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "storage_read_only",
                    "the server's storage is read-only; nothing was recorded; try again later",
                )
            }
            StoreError::Unavailable(_) => {
                return ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "storage_unavailable",
                    "the server's storage failed; nothing was recorded; try again later",
                )
            }
            _ => {}
        }
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal error; see the server log",
        )
    }
}

fn invariant(e: InvariantError) -> ApiError {
    use InvariantError as I;
    let (status, field) = match &e {
        I::UnknownCampaign(_) => (StatusCode::UNPROCESSABLE_ENTITY, "campaign"),
        I::CurrencyMismatch { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "currency"),
        I::UnknownEntry(_) | I::NotReversible(_) => (StatusCode::UNPROCESSABLE_ENTITY, "reverses"),
        I::AlreadyReversed(_) => (StatusCode::CONFLICT, "reverses"),
        I::CampaignExists(_) => (StatusCode::CONFLICT, "id"),
        I::CampaignClosed(_) => (StatusCode::CONFLICT, "campaign"),
        I::InsufficientBalance { .. } | I::Overflow => (StatusCode::CONFLICT, "amount"),
        I::WrongSeq { .. } | I::BrokenLink { .. } | I::TimeWentBack { .. } => {
            (StatusCode::INTERNAL_SERVER_ERROR, "seq")
        }
    };
    ApiError::new(status, e.code(), e.to_string()).field(field)
}

impl From<AppendError> for ApiError {
    fn from(e: AppendError) -> Self {
        match e {
            AppendError::Invalid(f) => {
                ApiError::invalid(&f.field, format!("{}: {}", f.field, f.problem))
            }
            AppendError::Invariant(i) => invariant(i),
            AppendError::DuplicateReference { .. } => {
                ApiError::new(StatusCode::CONFLICT, "duplicate_reference", e.to_string())
                    .field("reference")
            }
            AppendError::IdempotencyMismatch => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_mismatch",
                e.to_string(),
            )
            .field("Idempotency-Key"),
            AppendError::AuditFailed(_) => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "ledger_audit_failed",
                e.to_string(),
            ),
            AppendError::ReadOnly(_) | AppendError::ShuttingDown | AppendError::NotLeader => {
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    e.to_string(),
                )
            }
            AppendError::Store(s) => s.into(),
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        let text = r.body_text();
        match r {
            JsonRejection::JsonDataError(_) => {
                // axum's message reads "... into the target type: <path>: <problem>" when a
                // field is at fault, or "... target type: unknown field `<name>` ..." at the top.
                let detail = text
                    .split_once("target type: ")
                    .map_or(text.as_str(), |(_, d)| d)
                    .to_string();
                let field = detail
                    .split_once(": ")
                    .map(|(f, _)| f.to_string())
                    .filter(|f| !f.contains(' '));
                let field = field.or_else(|| detail.split('`').nth(1).map(str::to_string));
                let mut err =
                    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", detail);
                err.field = field;
                err
            }
            JsonRejection::JsonSyntaxError(_) => {
                ApiError::new(StatusCode::BAD_REQUEST, "malformed_json", text)
            }
            JsonRejection::MissingJsonContentType(_) => ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send Content-Type: application/json",
            ),
            JsonRejection::BytesRejection(_) => ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                "request body is too large",
            ),
            _ => ApiError::new(StatusCode::BAD_REQUEST, "bad_request", text),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_query", r.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(r: PathRejection) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_path", r.body_text())
    }
}

impl From<crate::evidence::EvidenceError> for ApiError {
    fn from(e: crate::evidence::EvidenceError) -> Self {
        use crate::evidence::EvidenceError as E;
        let (status, code, field) = match &e {
            E::TooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, "too_large", "file"),
            E::Unsupported { .. } => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "file",
            ),
            E::Mismatch { .. } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "media_type_mismatch",
                "file",
            ),
            E::Empty { .. } | E::BadName { .. } => {
                (StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", "file")
            }
            E::NotStored(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "unknown_evidence",
                "evidence",
            ),
            E::SizeMismatch { .. } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "evidence_mismatch",
                "evidence.size",
            ),
            E::TypeMismatch { .. } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "evidence_mismatch",
                "evidence.media_type",
            ),
            E::Blob(cause) => {
                tracing::error!(error = %cause, "evidence store error");
                return ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "internal error; see the server log",
                );
            }
        };
        ApiError::new(status, code, e.to_string()).field(field)
    }
}
