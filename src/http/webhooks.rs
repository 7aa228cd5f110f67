//! Outgoing webhooks for staff systems (SPEC.md §20.3), admin only: register a URL (with a
//! secret, or one is made and shown once), list them, remove one, and read a webhook's
//! delivery log. Delivering is [`crate::webhooks`]' background task; nothing here waits for
//! a receiver.

use super::auth::{Admin, Staff};
use super::error::{ApiError, ErrorBody};
use super::{ApiJson, ApiPath, AppState};
use crate::store::{Delivery, NewWebhook, WebhookRecord};
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// How many delivery attempts the log answer holds: the newest.
const LOG_SIZE: u64 = 100;

/// Body of `POST /webhooks`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewHook {
    /// Where to POST each event: an `http://` or `https://` address.
    url: String,
    /// The HMAC-SHA256 key, 16 to 200 characters; made for you when absent.
    secret: Option<String>,
}

/// A registered webhook: its secret is in this answer only.
#[derive(Serialize, ToSchema)]
pub struct CreatedHook {
    /// Its id.
    id: i64,
    /// Where events go.
    url: String,
    /// The key that signs every event; never shown again.
    secret: String,
    /// The first entry it will be sent: the ledger's size now.
    next_seq: u64,
}

/// Every webhook, without secrets.
#[derive(Serialize, ToSchema)]
pub struct HookList {
    /// Oldest first.
    #[schema(value_type = Vec<Object>)]
    webhooks: Vec<WebhookRecord>,
}

/// A webhook's delivery log.
#[derive(Serialize, ToSchema)]
pub struct DeliveryLog {
    /// The newest attempts first (at most 100).
    #[schema(value_type = Vec<Object>)]
    deliveries: Vec<Delivery>,
}

/// Why `url` is not a webhook address, or None.
fn bad_url(url: &str) -> Option<&'static str> {
    if url.len() > 2000 {
        return Some("url: at most 2000 characters");
    }
    match reqwest::Url::parse(url) {
        Ok(u) if (u.scheme() == "https" || u.scheme() == "http") && u.host().is_some() => None,
        _ => Some(
            "url: must be an http:// or https:// address, e.g. https://erp.example.org/fundtrail",
        ),
    }
}

/// Registers a webhook (admin): every entry published from now on is POSTed to it.
#[utoipa::path(
    post, path = "/webhooks", tag = "webhooks",
    request_body = NewHook,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Registered; the secret is in this answer only", body = CreatedHook),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 413, description = "The body is over 64 KiB", body = ErrorBody),
        (status = 415, description = "The body is not sent as `application/json`", body = ErrorBody),
        (status = 422, description = "`url` or `secret` is not accepted (`field` names it)", body = ErrorBody),
    )
)]
pub async fn create(
    State(s): State<AppState>,
    staff: Staff<Admin>,
    ApiJson(body): ApiJson<NewHook>,
) -> Result<Response, ApiError> {
    if let Some(why) = bad_url(&body.url) {
        return Err(ApiError::invalid("url", why));
    }
    let secret = match body.secret {
        Some(secret) => {
            let n = secret.chars().count();
            if !(16..=200).contains(&n) || secret.chars().any(char::is_control) {
                return Err(ApiError::invalid(
                    "secret",
                    "secret: 16 to 200 characters, none of them a control character",
                ));
            }
            secret
        }
        None => crate::webhooks::fresh_secret(),
    };
    let next_seq = s.sequencer.view().checkpoint.size;
    let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let id = s
        .store
        .add_webhook(&NewWebhook {
            url: &body.url,
            secret: &secret,
            created_at: &at,
            created_by: &staff.token.recorded_by(),
            next_seq,
        })
        .await?;
    tracing::info!(id, url = %body.url, by = %staff.token.recorded_by(), "webhook registered");
    let no_store = [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))];
    let created = CreatedHook {
        id,
        url: body.url,
        secret,
        next_seq,
    };
    Ok((StatusCode::CREATED, no_store, Json(created)).into_response())
}

/// Every webhook (admin), removed ones included; never a secret.
#[utoipa::path(
    get, path = "/webhooks", tag = "webhooks",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every webhook, oldest first", body = HookList),
        (status = 403, description = "Not an admin", body = ErrorBody),
    )
)]
pub async fn list(
    State(s): State<AppState>,
    _staff: Staff<Admin>,
) -> Result<Json<HookList>, ApiError> {
    Ok(Json(HookList {
        webhooks: s.store.webhooks().await?,
    }))
}

/// Removes a webhook (admin): nothing more is sent to it; its log stays.
#[utoipa::path(
    delete, path = "/webhooks/{id}", tag = "webhooks",
    params(("id" = i64, Path, description = "The webhook's id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Removed"),
        (status = 400, description = "`id` is not a whole number", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No active webhook has this id", body = ErrorBody),
    )
)]
pub async fn remove(
    State(s): State<AppState>,
    staff: Staff<Admin>,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, ApiError> {
    let at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    if !s.store.revoke_webhook(id, &at).await? {
        return Err(ApiError::not_found(format!(
            "no active webhook has id {id}"
        )));
    }
    tracing::info!(id, by = %staff.token.recorded_by(), "webhook removed");
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// A webhook's delivery log (admin): the newest 100 attempts, each with the entry, the
/// attempt's number, the receiver's status or the error.
#[utoipa::path(
    get, path = "/webhooks/{id}/deliveries", tag = "webhooks",
    params(("id" = i64, Path, description = "The webhook's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The newest attempts first", body = DeliveryLog),
        (status = 400, description = "`id` is not a whole number", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No webhook has this id", body = ErrorBody),
    )
)]
pub async fn deliveries(
    State(s): State<AppState>,
    _staff: Staff<Admin>,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<DeliveryLog>, ApiError> {
    if !s.store.webhooks().await?.iter().any(|w| w.id == id) {
        return Err(ApiError::not_found(format!("no webhook has id {id}")));
    }
    Ok(Json(DeliveryLog {
        deliveries: s.store.deliveries(id, LOG_SIZE).await?,
    }))
}
