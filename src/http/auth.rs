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

/// The most characters a token name may have.
pub const TOKEN_NAME_MAX: usize = 64;

/// Punctuation a token name may hold besides letters, digits and spaces.
const TOKEN_NAME_PUNCTUATION: &str = ".,-'()&/_";

/// Why a token name is not accepted (see [`check_token_name`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenNameError {
    /// Nothing but spaces.
    #[error("a token name must not be empty")]
    Empty,
    /// Over [`TOKEN_NAME_MAX`] characters.
    #[error("a token name has at most {TOKEN_NAME_MAX} characters, not {chars}")]
    TooLong {
        /// How many it has.
        chars: usize,
    },
    /// A space first or last.
    #[error("a token name must not begin or end with a space")]
    EdgeSpace,
    /// A character outside the plain set.
    #[error("a token name holds letters, digits, spaces and . , - ' ( ) & / _ only, not {found:?} (U+{:04X})", u32::from(*found))]
    Character {
        /// The first such character.
        found: char,
    },
}

/// Checks that `name` is a plain token name: 1 to 64 letters of any script (with their
/// combining accents), digits, spaces and `. , - ' ( ) & / _`, not beginning or ending with
/// a space. The name is written into every entry the token records (`recorded_by`), so it
/// must read the same everywhere: no markup, controls, direction overrides or `#`, which
/// separates the name from the token id there.
///
/// # Errors
/// The first [`TokenNameError`] that applies.
pub fn check_token_name(name: &str) -> Result<(), TokenNameError> {
    if name.trim().is_empty() {
        return Err(TokenNameError::Empty);
    }
    let chars = name.chars().count();
    if chars > TOKEN_NAME_MAX {
        return Err(TokenNameError::TooLong { chars });
    }
    if name.starts_with(char::is_whitespace) || name.ends_with(char::is_whitespace) {
        return Err(TokenNameError::EdgeSpace);
    }
    let plain = |c: char| {
        c.is_alphanumeric()
            || c == ' '
            || TOKEN_NAME_PUNCTUATION.contains(c)
            // Combining diacritical marks: Vietnamese typed in decomposed form.
            || ('\u{300}'..='\u{36F}').contains(&c)
    };
    match name.chars().find(|c| !plain(*c)) {
        Some(found) => Err(TokenNameError::Character { found }),
        None => Ok(()),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_in_any_script_are_accepted() {
        for name in [
            "Lan (finance)",
            "Nguyễn Thị Lan",
            "Nguye\u{302}\u{303}n",
            "O'Brien & Sons / field-team_2",
            "Trần Văn B.",
            "مريم",
            "admin",
            &"x".repeat(64),
        ] {
            assert_eq!(check_token_name(name), Ok(()), "{name:?}");
        }
    }

    #[test]
    fn markup_controls_direction_overrides_and_edges_are_refused() {
        assert_eq!(check_token_name(""), Err(TokenNameError::Empty));
        assert_eq!(check_token_name("   "), Err(TokenNameError::Empty));
        assert_eq!(
            check_token_name(&"x".repeat(65)),
            Err(TokenNameError::TooLong { chars: 65 })
        );
        assert_eq!(check_token_name(" Lan"), Err(TokenNameError::EdgeSpace));
        assert_eq!(check_token_name("Lan "), Err(TokenNameError::EdgeSpace));
        for (name, found) in [
            ("<img src=x>", '<'),
            ("Lan\u{202E}gnp", '\u{202E}'),
            ("Lan\u{2066}", '\u{2066}'),
            ("Lan\u{FFFE}", '\u{FFFE}'),
            ("Lan\tB", '\t'),
            ("Lan #3", '#'),
            ("Lan\u{200B}", '\u{200B}'),
        ] {
            assert_eq!(
                check_token_name(name),
                Err(TokenNameError::Character { found }),
                "{name:?}"
            );
        }
        assert_eq!(
            TokenNameError::Character { found: '\u{202E}' }.to_string(),
            "a token name holds letters, digits, spaces and . , - ' ( ) & / _ only, not '\\u{202e}' (U+202E)"
        );
    }
}
