//! Staff authentication: `Authorization: Bearer <token>`. Tokens are 32 random bytes,
//! shown once, stored only as SHA-256 hashes and looked up by hash, so no comparison ever
//! touches the token itself.

use super::client::client_from_parts;
use super::error::ApiError;
use super::limits::whole_seconds_to_wait;
use super::AppState;
use crate::ledger::hash::sha256;
use crate::store::TokenRecord;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use base64::Engine;
use std::net::IpAddr;

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// May append donations, disbursements, transfers and reversals.
    Recorder,
    /// May also open and close campaigns and manage tokens.
    Admin,
}

impl Role {
    /// Parses `recorder` or `admin`.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "recorder" => Some(Role::Recorder),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Recorder => "recorder",
            Role::Admin => "admin",
        }
    }
}

/// A new random token: `ft_` and 43 base64url characters (256 bits).
pub fn new_token() -> String {
    use rand_core::RngCore;
    let mut bytes = [0u8; 32];
    rand_core::OsRng.fill_bytes(&mut bytes);
    format!(
        "ft_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// An authenticated staff member.
#[derive(Debug, Clone)]
pub struct Staff {
    /// The token's record.
    pub token: TokenRecord,
    /// Its role.
    pub role: Role,
}

impl Staff {
    /// Refuses with 403 unless the token has at least `role`.
    ///
    /// # Errors
    /// 403 `forbidden`.
    pub fn require(&self, role: Role) -> Result<(), ApiError> {
        if self.role >= role {
            Ok(())
        } else {
            Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                format!(
                    "this needs the {} role; token {:?} is a {}",
                    role.as_str(),
                    self.token.name,
                    self.role.as_str()
                ),
            ))
        }
    }
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = ApiError;

    /// A valid token is accepted whatever the failure limiter says: the limiter counts and
    /// refuses only failures, so a stranger guessing tokens from an address never locks out
    /// the staff who share it.
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let client = client_from_parts(
            &parts.extensions,
            &parts.headers,
            &state.guard.trusted_proxies,
        );
        match authenticate(parts, state).await? {
            Ok(staff) => Ok(staff),
            Err(problem) => Err(refuse(state, client, problem)),
        }
    }
}

/// The staff member `parts` authenticate as, or why none (the words for the 401).
///
/// # Errors
/// A store failure while looking the token up.
async fn authenticate(
    parts: &Parts,
    state: &AppState,
) -> Result<Result<Staff, &'static str>, ApiError> {
    let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
        return Ok(Err("missing Authorization: Bearer <token>"));
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
    let Some(record) = state.store.find_token(&sha256(token.as_bytes())).await? else {
        return Ok(Err("unknown or revoked token"));
    };
    let Some(role) = Role::parse(&record.role) else {
        return Ok(Err("token has an unknown role"));
    };
    Ok(Ok(Staff {
        token: record,
        role,
    }))
}

/// The answer to a failed authentication from `client`: 429 with Retry-After when the
/// address has used up its allowance of failures (a failure while refused is not counted
/// again, so waiting is enough), else 401 saying `problem`.
fn refuse(state: &AppState, client: Option<IpAddr>, problem: &str) -> ApiError {
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

/// A staff member with the admin role: refused with 403 before the request body is read,
/// so a recorder learns nothing about the body's validity.
#[derive(Debug, Clone)]
pub struct AdminStaff(pub Staff);

impl FromRequestParts<AppState> for AdminStaff {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let staff = Staff::from_request_parts(parts, state).await?;
        staff.require(Role::Admin)?;
        Ok(AdminStaff(staff))
    }
}
