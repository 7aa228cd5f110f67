//! The staff console's sign-in: `POST /session` trades a staff token for a session cookie,
//! `GET /session` says who is signed in, `DELETE /session` signs out. The cookie holds a
//! random 256-bit id; the store keeps only its SHA-256 ([`crate::auth::session`]). The
//! token is read from the body only: it is never logged, never in a URL the server sees,
//! never in an answer or an error.
//!
//! The cookie is `HttpOnly` (no script reads it), `SameSite=Strict` (no other site's page
//! makes the browser send it) and `Secure` unless the request came to a loopback address
//! over plain HTTP ([`super::origin::is_plain_loopback`]). Every other staff route accepts
//! it through [`super::auth::Staff`], with the CSRF check [`LiveSession::check_csrf`].

use super::auth::refuse;
use super::client::client_from_parts;
use super::error::{ApiError, ErrorBody};
use super::origin::{is_plain_loopback, is_same_origin};
use super::{ApiJson, AppState};
use crate::auth::session::{
    csrf_for, new_session_id, now_ms, same_secret, session_hash, Liveness, SESSION_COOKIE,
};
use crate::auth::{token_hash, Role};
use crate::ledger::hash::Hash;
use crate::store::StoredSession;
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The header a cookie request that changes something carries its session's CSRF value in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The `Cache-Control` of an answer holding a secret (a CSRF value, a new token): kept by no
/// cache, the browser's included.
pub const NO_STORE: &str = "no-store";

/// The longest token or session id looked up; anything longer is refused unread.
const MAX_SECRET_CHARS: usize = 200;

/// `POST /session`: a staff token to trade for a session.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    /// The staff token (`ft_` and 43 characters), as `fundtrail token create` printed it.
    #[schema(example = "ft_…")]
    token: String,
}

/// Who a session belongs to.
#[derive(Serialize, ToSchema)]
pub struct StaffMember {
    /// The token's id.
    id: i64,
    /// The token's name, as entries write it in `recorded_by`.
    name: String,
    /// `recorder` or `admin`.
    #[schema(example = "recorder")]
    role: String,
}

/// A live session.
#[derive(Serialize, ToSchema)]
pub struct SessionAnswer {
    /// The value to send as `X-CSRF-Token` with every request that changes something.
    csrf: String,
    /// When the session ends however busy (RFC 3339, UTC).
    #[schema(example = "2026-03-01T20:00:00Z")]
    expires_at: String,
    /// When the session ends if it is not used again (RFC 3339, UTC); each use slides it.
    #[schema(example = "2026-03-01T16:00:00Z")]
    idle_expires_at: String,
    /// Who is signed in.
    staff: StaffMember,
}

/// What a request's session cookie names.
pub enum CookieSession {
    /// No session cookie.
    Absent,
    /// A cookie whose session is unknown, expired, signed out, or whose token was revoked.
    Ended,
    /// A live session.
    Live(LiveSession),
}

/// A live session, as a request's cookie named it.
pub struct LiveSession {
    /// The id, as the cookie holds it.
    id: String,
    /// What the store keeps of it.
    hash: Hash,
    /// Its token and times.
    pub stored: StoredSession,
}

impl LiveSession {
    /// Passes when `parts` carry this session's CSRF value in `X-CSRF-Token` and come from
    /// this server's own pages ([`is_same_origin`]).
    ///
    /// # Errors
    /// 403 `csrf`, naming the header at fault.
    pub fn check_csrf(&self, parts: &Parts, state: &AppState) -> Result<(), ApiError> {
        let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
        if !sent.is_some_and(|v| same_secret(v, &csrf_for(&self.id))) {
            return Err(csrf_refused("X-CSRF-Token"));
        }
        if !is_same_origin(parts, state.site.public_url.as_deref()) {
            return Err(csrf_refused("Origin"));
        }
        Ok(())
    }

    fn answer(&self, state: &AppState) -> SessionAnswer {
        let token = &self.stored.token;
        SessionAnswer {
            csrf: csrf_for(&self.id),
            expires_at: rfc3339(self.stored.times.expires_at),
            idle_expires_at: rfc3339(state.sessions.ends_at(&self.stored.times)),
            staff: StaffMember {
                id: token.id,
                name: token.name.clone(),
                role: token.role.clone(),
            },
        }
    }
}

/// 403 `csrf`: a cookie request that did not come from the console page.
fn csrf_refused(field: &str) -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "csrf",
        "this request did not come from the staff console page: with the session cookie, a request that changes something needs the session's X-CSRF-Token header and must come from this server's own pages",
    )
    .field(field)
}

/// `ms` (milliseconds since 1970) as RFC 3339 UTC, to the second.
fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The session id in the request's cookies, if any.
fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == SESSION_COOKIE && !value.is_empty())
        .map(|(_, value)| value.trim_matches('"'))
}

/// The session the request's cookie names, judged live or ended now. A live session's
/// last-seen time is written when it is old enough ([`crate::auth::session::SessionPolicy`]);
/// an ended one is deleted.
///
/// # Errors
/// A store failure while looking it up.
pub async fn session_of(parts: &Parts, state: &AppState) -> Result<CookieSession, ApiError> {
    let Some(id) = session_cookie(&parts.headers) else {
        return Ok(CookieSession::Absent);
    };
    if id.len() > MAX_SECRET_CHARS {
        return Ok(CookieSession::Ended);
    }
    let (hash, now, policy) = (session_hash(id), now_ms(), state.sessions);
    let Some(mut stored) = state.store.find_session(&hash, false).await? else {
        return Ok(CookieSession::Ended);
    };
    let mut verdict = policy.judge(&stored.times, now);
    if !matches!(verdict, Liveness::Live { .. }) {
        // Remembered for up to a second: another server may have used it since.
        let Some(fresh) = state.store.find_session(&hash, true).await? else {
            return Ok(CookieSession::Ended);
        };
        verdict = policy.judge(&fresh.times, now);
        stored = fresh;
    }
    match verdict {
        Liveness::Live { touch } => {
            if touch {
                // A failed write only shortens the session; the request itself goes on.
                match state.store.touch_session(&hash, now).await {
                    Ok(()) => stored.times.last_seen_at = now,
                    Err(e) => tracing::warn!(error = %e, "could not record a session's use"),
                }
            }
            Ok(CookieSession::Live(LiveSession {
                id: id.to_string(),
                hash,
                stored,
            }))
        }
        Liveness::Idle | Liveness::Over => {
            if let Err(e) = state.store.end_session(&hash).await {
                tracing::warn!(error = %e, "could not delete an ended session");
            }
            Ok(CookieSession::Ended)
        }
    }
}

/// The `Set-Cookie` value carrying session `id` for `max_age` seconds (0 clears it).
/// Its `Path` is the ledger's own (`/`, or a platform's `/o/<slug>/`), so signing in to one
/// organisation of a platform leaves another's session alone.
fn cookie(id: &str, max_age: u64, secure: bool, parts: &Parts) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let path = super::origin::mount_prefix(parts);
    let text = format!(
        "{SESSION_COOKIE}={id}; Path={path}/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    );
    HeaderValue::from_str(&text)
        .unwrap_or(HeaderValue::from_static("fundtrail_session=; Max-Age=0"))
}

/// The `Set-Cookie` value that removes the session cookie.
fn cleared_cookie(parts: &Parts, state: &AppState) -> HeaderValue {
    cookie(
        "",
        0,
        !is_plain_loopback(parts, &state.guard.trusted_proxies),
        parts,
    )
}

/// Signs a staff member in with their token: a new session (replacing the one the request's
/// cookie names, if any), its cookie and its CSRF value. A bad token is refused like any failed authentication (401, or 429 once the address has
/// used up its allowance) and is never written anywhere.
#[utoipa::path(
    post, path = "/session", tag = "sessions",
    request_body = SignIn,
    responses(
        (status = 201, description = "Signed in: the session, with `Set-Cookie: fundtrail_session=…; Path=/ (a platform organisation's: `/o/<slug>/`); HttpOnly; SameSite=Strict; Max-Age=…` (and `; Secure` unless the request came to a loopback address)", body = SessionAnswer,
            headers(("Set-Cookie" = String, description = "The session cookie"))),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "Unknown or revoked token", body = ErrorBody),
        (status = 403, description = "Sent from another site's page (`csrf`)", body = ErrorBody),
        (status = 413, description = "The body is over 64 KiB", body = ErrorBody),
        (status = 415, description = "The body is not sent as `application/json`", body = ErrorBody),
        (status = 422, description = "`token` is missing or not text", body = ErrorBody),
        (status = 429, description = "Too many failed authentications from this address; retry after `Retry-After` seconds", body = ErrorBody),
    )
)]
pub async fn sign_in(
    State(s): State<AppState>,
    parts: Parts,
    ApiJson(body): ApiJson<SignIn>,
) -> Result<Response, ApiError> {
    if !is_same_origin(&parts, s.site.public_url.as_deref()) {
        return Err(csrf_refused("Origin"));
    }
    let client = client_from_parts(&parts.extensions, &parts.headers, &s.guard.trusted_proxies);
    let token = body.token.trim();
    let found = if token.is_empty() || token.len() > MAX_SECRET_CHARS {
        None
    } else {
        s.store.find_token(&token_hash(token)).await?
    };
    let Some(token) = found else {
        return Err(refuse(&s, client, "unknown or revoked token"));
    };
    if Role::parse(&token.role).is_none() {
        return Err(refuse(&s, client, "token has an unknown role"));
    }
    if let Some(previous) = session_cookie(&parts.headers) {
        // The browser's earlier session, if any, is replaced rather than left to expire.
        s.store.end_session(&session_hash(previous)).await?;
    }
    let (id, now, policy) = (new_session_id(), now_ms(), s.sessions);
    let hash = session_hash(&id);
    let times = policy.new_session(now);
    s.store.create_session(&hash, token.id, &times).await?;
    if let Err(e) = s.store.purge_sessions(now, policy.idle_cutoff(now)).await {
        tracing::warn!(error = %e, "could not delete ended sessions");
    }
    tracing::info!(token = token.id, name = %token.name, "staff member signed in");
    let session = LiveSession {
        id,
        hash,
        stored: StoredSession { token, times },
    };
    let secure = !is_plain_loopback(&parts, &s.guard.trusted_proxies);
    let set_cookie = cookie(&session.id, policy.max.as_secs(), secure, &parts);
    Ok((
        StatusCode::CREATED,
        [
            (header::SET_COOKIE, set_cookie),
            (header::CACHE_CONTROL, HeaderValue::from_static(NO_STORE)),
        ],
        Json(session.answer(&s)),
    )
        .into_response())
}

/// Who is signed in with the session cookie. Each use slides the idle expiry.
#[utoipa::path(
    get, path = "/session", tag = "sessions",
    security(("session" = [])),
    responses(
        (status = 200, description = "The live session (the same CSRF value as at sign-in)", body = SessionAnswer),
        (status = 401, description = "No live session (the cookie is cleared)", body = ErrorBody),
    )
)]
pub async fn current(State(s): State<AppState>, parts: Parts) -> Result<Response, ApiError> {
    match session_of(&parts, &s).await? {
        CookieSession::Live(session) => Ok((
            [(header::CACHE_CONTROL, HeaderValue::from_static(NO_STORE))],
            Json(session.answer(&s)),
        )
            .into_response()),
        CookieSession::Absent => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "not signed in",
        )),
        CookieSession::Ended => {
            let client =
                client_from_parts(&parts.extensions, &parts.headers, &s.guard.trusted_proxies);
            let mut answer =
                refuse(&s, client, "the session has ended; sign in again").into_response();
            answer
                .headers_mut()
                .insert(header::SET_COOKIE, cleared_cookie(&parts, &s));
            Ok(answer)
        }
    }
}

/// Signs out: ends the session server-side (its cookie is refused from then on, on every
/// server) and clears the cookie. Without a live session, only clears the cookie.
#[utoipa::path(
    delete, path = "/session", tag = "sessions",
    security(("session" = [])),
    responses(
        (status = 204, description = "Signed out; the cookie is cleared (`Max-Age=0`)"),
        (status = 403, description = "A live session's cookie without its `X-CSRF-Token`, or from another site's page (`csrf`)", body = ErrorBody),
    )
)]
pub async fn sign_out(State(s): State<AppState>, parts: Parts) -> Result<Response, ApiError> {
    if let CookieSession::Live(session) = session_of(&parts, &s).await? {
        session.check_csrf(&parts, &s)?;
        s.store.end_session(&session.hash).await?;
        tracing::info!(token = session.stored.token.id, "staff member signed out");
    }
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, cleared_cookie(&parts, &s))],
    )
        .into_response())
}
