//! Staff authentication: `Authorization: Bearer <token>`. Tokens are 32 random bytes,
//! shown once, stored only as SHA-256 hashes and looked up by hash, so no comparison ever
//! touches the token itself.

use super::error::ApiError;
use super::AppState;
use crate::ledger::hash::sha256;
use crate::store::TokenRecord;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use base64::Engine;

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

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip());
        let too_many = |wait: std::time::Duration| {
            ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_failed_attempts",
                format!(
                    "too many failed authentications from this address; retry in {} s",
                    wait.as_secs().max(1)
                ),
            )
        };
        if let Some(wait) = peer.and_then(|ip| state.guard.failed_auth.blocked_for(ip)) {
            return Err(too_many(wait));
        }
        let failed = |m: &str| match peer.and_then(|ip| state.guard.failed_auth.record_failure(ip))
        {
            Some(wait) => too_many(wait),
            None => ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", m),
        };
        let unauthorized = failed;
        let value = parts
            .headers
            .get(header::AUTHORIZATION)
            .ok_or_else(|| unauthorized("missing Authorization: Bearer <token>"))?;
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty() && t.len() <= 200)
            .ok_or_else(|| unauthorized("Authorization must be `Bearer <token>`"))?;
        let record = state
            .store
            .find_token(&sha256(token.as_bytes()))
            .await?
            .ok_or_else(|| unauthorized("unknown or revoked token"))?;
        let role =
            Role::parse(&record.role).ok_or_else(|| unauthorized("token has an unknown role"))?;
        Ok(Staff {
            token: record,
            role,
        })
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
