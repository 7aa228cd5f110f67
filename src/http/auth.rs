//! Staff authentication at the edge, checked by one typed extractor, [`Staff<R>`], whose type
//! parameter is the least role the route needs ([`Recorder`] or [`Admin`]). A request
//! authenticates with `Authorization: Bearer <token>` (API clients) or, when it has no
//! `Authorization` header, with the staff console's session cookie ([`super::sessions`]).
//! A cookie request that changes anything (any method but GET and HEAD) must also carry the
//! session's `X-CSRF-Token` and come from this server's own pages
//! ([`super::origin::is_same_origin`]), else it is refused with 403 `csrf`: a page of another
//! site can make the browser send the cookie, but can neither read the CSRF value nor hide
//! where it comes from. A route that takes a `Staff<Admin>` is refused with 403 before its
//! path, query or body is read, so a recorder learns nothing about them. Tokens and roles
//! themselves live in [`crate::auth`].

use super::client::client_from_parts;
use super::error::ApiError;
use super::limits::whole_seconds_to_wait;
use super::sessions::{session_of, CookieSession};
use super::AppState;
use crate::auth::token_hash;
use crate::store::TokenRecord;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, Method, StatusCode};
use std::marker::PhantomData;
use std::net::IpAddr;

use crate::auth::Role;

/// The least role a route needs, as a type.
pub trait NeededRole {
    /// That role.
    const ROLE: Role;
}

/// Routes any staff token may use: appends of money entries, uploads, imports.
#[derive(Debug, Clone, Copy)]
pub struct Recorder;

impl NeededRole for Recorder {
    const ROLE: Role = Role::Recorder;
}

/// Routes only an admin token may use: campaigns, donors' personal data, receipts by seq.
#[derive(Debug, Clone, Copy)]
pub struct Admin;

impl NeededRole for Admin {
    const ROLE: Role = Role::Admin;
}

/// An authenticated staff member whose token has at least the role `R` needs.
#[derive(Debug, Clone)]
pub struct Staff<R: NeededRole> {
    /// The token's record.
    pub token: TokenRecord,
    /// Its role (`R`'s or above).
    pub role: Role,
    needed: PhantomData<R>,
}

impl<R: NeededRole> FromRequestParts<AppState> for Staff<R> {
    type Rejection = ApiError;

    /// 401 without a valid token or live session, 403 `csrf` for a cookie request that
    /// fails the CSRF check, 403 `forbidden` when the role is below `R`'s. Valid credentials
    /// are accepted whatever the failure limiter says: the limiter counts and refuses only
    /// failures, so a stranger guessing tokens from an address never locks out the staff
    /// who share it.
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let client = client_from_parts(
            &parts.extensions,
            &parts.headers,
            &state.guard.trusted_proxies,
        );
        let token = match authenticate(parts, state).await? {
            Ok(token) => token,
            Err(problem) => return Err(refuse(state, client, problem)),
        };
        let Some(role) = Role::parse(&token.role) else {
            return Err(refuse(state, client, "token has an unknown role"));
        };
        if role < R::ROLE {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                format!(
                    "this needs the {} role; token {:?} is a {}",
                    R::ROLE.as_str(),
                    token.name,
                    role.as_str()
                ),
            ));
        }
        Ok(Staff {
            token,
            role,
            needed: PhantomData,
        })
    }
}

/// The token `parts` carry (as a bearer token, or through the session their cookie names),
/// or why there is none (the words for the 401).
///
/// # Errors
/// A store failure while looking the token or session up; 403 `csrf` for a cookie request
/// that changes something without passing the CSRF check.
async fn authenticate(
    parts: &Parts,
    state: &AppState,
) -> Result<Result<TokenRecord, &'static str>, ApiError> {
    let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
        return match session_of(parts, state).await? {
            CookieSession::Absent => Ok(Err(
                "missing Authorization: Bearer <token> (or the staff console's session cookie)",
            )),
            CookieSession::Ended => Ok(Err("the session has ended; sign in again")),
            CookieSession::Live(session) => {
                if changes_something(&parts.method) {
                    session.check_csrf(parts, state)?;
                }
                Ok(Ok(session.stored.token))
            }
        };
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() <= 200);
    let Some(token) = token else {
        return Ok(Err("Authorization must be `Bearer <token>`"));
    };
    Ok(state
        .store
        .find_token(&token_hash(token))
        .await?
        .ok_or("unknown or revoked token"))
}

/// Whether a request with `method` may change something (and so needs the CSRF check when
/// it comes with a session cookie).
pub(super) fn changes_something(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD)
}

/// The answer to a failed authentication from `client`: 429 with Retry-After when the
/// address has used up its allowance of failures (a failure while refused is not counted
/// again, so waiting is enough), else 401 saying `problem`.
pub(super) fn refuse(state: &AppState, client: Option<IpAddr>, problem: &str) -> ApiError {
    let failures = &state.guard.failed_auth;
    let refused_for = client.and_then(|ip| {
        failures
            .blocked_for(ip)
            .or_else(|| failures.record_failure(ip))
    });
    match refused_for {
        Some(wait) => ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_failed_attempts",
            format!(
                "too many failed authentications from this address; retry in {} s",
                whole_seconds_to_wait(wait)
            ),
        )
        .retry_after(wait),
        None => ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", problem),
    }
}
