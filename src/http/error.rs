//! Every error a client can see, mapped to a status and a JSON body in one place:
//! `{"error": code, "message": words, "field": name-or-null}`.

use super::json_body::BodyError;
use crate::ledger::state::InvariantError;
use crate::sequencer::{AppendError, StatementRefused};
use crate::store::StoreError;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

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
    /// How long the client should wait before retrying, sent as `Retry-After` in whole
    /// seconds (rounded up, at least 1). A 503 without one says 1 second.
    pub retry_after: Option<std::time::Duration>,
}

/// The body of every error answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// A stable machine-readable code (`invalid_field`, `not_found`, `unauthorized`, …).
    #[schema(example = "invalid_field")]
    pub error: &'static str,
    /// The request field at fault (a JSON member such as `amount` or
    /// `evidence[0].sha256`, a query parameter, or a header such as `Idempotency-Key`),
    /// or `null`.
    #[schema(example = "amount")]
    pub field: Option<String>,
    /// What went wrong, in plain words.
    #[schema(example = "amount must be text such as \"250000\" (in quotes), not a number")]
    pub message: String,
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
            retry_after: None,
        }
    }

    /// Asks the client to wait `wait` before retrying (`Retry-After`, whole seconds).
    pub fn retry_after(mut self, wait: std::time::Duration) -> Self {
        self.retry_after = Some(wait);
        self
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
        // Members in sorted order, as every answer of the API writes them.
        let body = ErrorBody {
            error: self.code,
            field: self.field,
            message: self.message,
        };
        let mut response = (self.status, Json(body)).into_response();
        let retry_after = match self.retry_after {
            Some(wait) => Some(axum::http::HeaderValue::from(
                super::limits::whole_seconds_to_wait(wait),
            )),
            None if self.status == StatusCode::SERVICE_UNAVAILABLE => {
                Some(axum::http::HeaderValue::from_static(RETRY_AFTER_SECONDS))
            }
            None => None,
        };
        if let Some(value) = retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, value);
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
        I::ApprovalMissing { .. } | I::TooFewApprovers { .. } => (StatusCode::CONFLICT, "approval"),
        I::WrongSeq { .. } | I::BrokenLink { .. } | I::TimeWentBack { .. } => {
            (StatusCode::INTERNAL_SERVER_ERROR, "seq")
        }
    };
    let message = match &e {
        I::ApprovalMissing { .. } => format!(
            "{e}; propose it for approval instead (POST /api/v1/proposals, or Approvals in the staff console)"
        ),
        _ => e.to_string(),
    };
    ApiError::new(status, e.code(), message).field(field)
}

/// A statement the sequencer refused: a clash with the account's recorded statements is a
/// conflict, the rest the request's own fault.
fn statement_refused(r: StatementRefused) -> ApiError {
    use StatementRefused as R;
    let (status, code, field) = match &r {
        R::Overlaps { .. } => (StatusCode::CONFLICT, "statement_overlaps", "from"),
        R::Gap { .. } => (StatusCode::CONFLICT, "statement_gap", "from"),
        R::Opening { .. } => (StatusCode::CONFLICT, "statement_balance", "opening"),
        R::Closing { .. } => (StatusCode::CONFLICT, "statement_balance", "closing"),
        R::NotOfficial { .. } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_statement",
            "account",
        ),
        R::Sum { .. } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_statement",
            "closing",
        ),
        R::Day { field, .. } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_statement",
            *field,
        ),
        R::Line { .. } | R::OutsidePeriod { .. } | R::LinesDiffer { .. } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_statement",
            "lines",
        ),
        R::WithoutLines | R::NotADonation { .. } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "statement_without_lines",
            "kind",
        ),
        R::Interrupted => (
            StatusCode::SERVICE_UNAVAILABLE,
            "import_interrupted",
            "file",
        ),
    };
    ApiError::new(status, code, r.to_string()).field(field)
}

/// A broken budget or pledge rule (SPEC.md §18, §19): 422 when the entry names something
/// that is not there, 409 when it conflicts with what the ledger already holds.
fn plan(e: crate::ledger::plans::PlanError) -> ApiError {
    use crate::ledger::plans::PlanError as P;
    let status = match &e {
        P::NothingToRevise { .. }
        | P::NoBudget { .. }
        | P::UnknownLine { .. }
        | P::NotAPledge { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::CONFLICT,
    };
    ApiError::new(status, e.code(), e.to_string()).field(e.field())
}

impl From<AppendError> for ApiError {
    fn from(e: AppendError) -> Self {
        match e {
            // Not the request's fault: a token from before names were checked.
            AppendError::Invalid(f) if f.field == "recorded_by" => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "unusable_token_name",
                format!(
                    "this token's name cannot be written into the ledger ({}): an admin must create a token with a plain name (fundtrail token create) and revoke this one",
                    f.problem
                ),
            ),
            AppendError::Invalid(f) => {
                ApiError::invalid(&f.field, format!("{}: {}", f.field, f.problem))
            }
            AppendError::Invariant(i) => invariant(i),
            AppendError::Plan(p) => plan(p),
            AppendError::DuplicateReference { .. } => {
                ApiError::new(StatusCode::CONFLICT, "duplicate_reference", e.to_string())
                    .field("reference")
            }
            AppendError::LeafTooLarge { .. } => ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "entry_too_large",
                e.to_string(),
            ),
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
            AppendError::Statement(r) => statement_refused(r),
            // A group's answer names the refused request's own reason; the handler that
            // sent the group says which of its parts that was.
            AppendError::InGroup { source, .. } => (*source).into(),
            AppendError::RefusedWithGroup => ApiError::new(
                StatusCode::CONFLICT,
                "refused_with_group",
                e.to_string(),
            ),
            AppendError::OrganisationSuspended => {
                ApiError::new(StatusCode::LOCKED, "organisation_suspended", e.to_string())
            }
            AppendError::OrganisationClosed => {
                ApiError::new(StatusCode::LOCKED, "organisation_closed", e.to_string())
            }
            AppendError::AccountNotRegistered { .. } => {
                ApiError::new(StatusCode::CONFLICT, "account_not_registered", e.to_string())
                    .field("accounts")
            }
        }
    }
}

impl From<BodyError> for ApiError {
    fn from(e: BodyError) -> Self {
        let invalid = StatusCode::UNPROCESSABLE_ENTITY;
        match e {
            BodyError::NotJsonContentType => ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send the body as JSON, with Content-Type: application/json",
            ),
            BodyError::Unreadable { too_large: true } => ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                "request body is too large",
            ),
            BodyError::Unreadable { too_large: false } => ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad_request",
                "the request body could not be read",
            ),
            BodyError::Syntax { line, column } => ApiError::new(
                StatusCode::BAD_REQUEST,
                "malformed_json",
                format!("the request body is not valid JSON: check the quotes, commas and braces near line {line}, column {column}"),
            ),
            BodyError::WrongType { field, expected, found } => ApiError::new(
                invalid,
                "invalid_field",
                format!("{field} must be {expected}, not {found}"),
            )
            .field(field),
            BodyError::UnknownVariant { field, value, allowed } => ApiError::new(
                invalid,
                "invalid_field",
                format!("{field} must be one of: {} (not {value:?})", allowed.join(", ")),
            )
            .field(field),
            BodyError::UnknownField { field, allowed } => {
                let accepts = match field.rsplit_once('.') {
                    Some((parent, _)) => format!("{parent} accepts"),
                    None => "this request accepts".to_string(),
                };
                let listed = if allowed.is_empty() {
                    "no fields".to_string()
                } else {
                    allowed.join(", ")
                };
                ApiError::new(
                    invalid,
                    "invalid_field",
                    format!("unknown field {field:?}: {accepts} {listed}"),
                )
                .field(field)
            }
            BodyError::MissingField { field } => {
                ApiError::new(invalid, "invalid_field", format!("{field} is required"))
                    .field(field)
            }
            BodyError::Invalid {
                field: Some(field),
                problem,
            } => ApiError::new(invalid, "invalid_field", format!("{field}: {problem}"))
                .field(field),
            BodyError::Invalid {
                field: None,
                problem,
            } => ApiError::new(invalid, "invalid_field", problem),
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
            E::Blob(cause) => return evidence_storage(cause),
        };
        ApiError::new(status, code, e.to_string()).field(field)
    }
}

/// The answer to an evidence storage failure: 507 when the store is full, 503 (with
/// Retry-After) when it is read-only, 500 otherwise. Nothing of the refused file is stored.
fn evidence_storage(cause: &crate::evidence::blobs::BlobError) -> ApiError {
    use crate::evidence::blobs::BlobFailure;
    tracing::error!(error = %cause, "evidence store error");
    match cause.failure() {
        BlobFailure::Full => ApiError::new(
            StatusCode::INSUFFICIENT_STORAGE,
            "storage_full",
            "the evidence store is full; nothing was stored; try again once space is freed",
        ),
        BlobFailure::ReadOnly => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "storage_read_only",
            "the evidence store is read-only; nothing was stored; try again later",
        ),
        BlobFailure::Other => ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal error; see the server log",
        ),
    }
}

impl From<crate::donor_statements::DonorStatementError> for ApiError {
    fn from(e: crate::donor_statements::DonorStatementError) -> Self {
        use crate::donor_statements::DonorStatementError as E;
        let field = match &e {
            E::Store(_) | E::NoCheckpoint => None,
            E::BadRange { field } => Some(*field),
            E::BadCode { .. } | E::TooManyCodes | E::UnknownCode { .. } => Some("codes"),
            E::NotProven | E::BadSalt => Some("salt"),
        };
        match (field, e) {
            (Some(field), e) => ApiError::invalid(field, e.to_string()),
            (None, E::Store(s)) => ApiError::from(s),
            (None, e) => ApiError::not_found(e.to_string()),
        }
    }
}

impl From<crate::platform::PlatformError> for ApiError {
    fn from(e: crate::platform::PlatformError) -> Self {
        use crate::ledger::registry::RegistryError;
        use crate::platform::PlatformError as P;
        match e {
            P::BadSlug(_) => ApiError::invalid("slug", e.to_string()),
            P::UnknownOrg(_) | P::Registry(RegistryError::UnknownOrg(_)) => {
                ApiError::new(StatusCode::NOT_FOUND, "unknown_organisation", e.to_string())
                    .field("org")
            }
            P::Invalid(f) => ApiError::invalid(&f.field, format!("{}: {}", f.field, f.problem)),
            P::Registry(r) => {
                ApiError::new(StatusCode::CONFLICT, r.code(), r.to_string()).field(r.field())
            }
            P::Append(a) => a.into(),
            P::Store(s) => s.into(),
            P::NotAPlatform(_)
            | P::AlreadyAPlatform(_)
            | P::Config { .. }
            | P::RegistryBroken { .. }
            | P::RegistryLeaf { .. }
            | P::Startup(_) => {
                tracing::error!(error = %e, "platform error");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "internal error; see the server log",
                )
            }
        }
    }
}
