//! Staff tokens over the API (admin only), for the staff console: list them (never a hash),
//! create one (shown once, with its sign-in link), revoke one (its sessions end with it).
//! The same rules as `fundtrail token create`: plain names, unique ignoring case.

use super::auth::{Admin, Staff};
use super::error::{ApiError, ErrorBody};
use super::origin::base_url;
use super::sessions::NO_STORE;
use super::sorted::Sorted;
use super::{ApiJson, ApiPath, AppState};
use crate::auth::{check_token_name, new_token, sign_in_link, token_hash, Role};
use crate::store::{StoreError, TokenRecord};
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A token as listed (never the token or its hash).
#[derive(Serialize, ToSchema)]
pub struct ListedToken {
    /// When it was made (RFC 3339, UTC).
    created_at: String,
    /// Its id, as entries write it after the name in `recorded_by`.
    id: i64,
    /// Who holds it.
    name: String,
    /// When it was revoked, if it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    revoked_at: Option<String>,
    /// `recorder` or `admin`.
    #[schema(example = "recorder")]
    role: String,
}

impl From<TokenRecord> for ListedToken {
    fn from(t: TokenRecord) -> Self {
        ListedToken {
            created_at: t.created_at,
            id: t.id,
            name: t.name,
            revoked_at: t.revoked_at,
            role: t.role,
        }
    }
}

/// Every token, oldest first.
#[derive(Serialize, ToSchema)]
pub struct TokenList {
    /// The tokens, revoked ones included.
    tokens: Vec<ListedToken>,
}

/// What a token may do.
#[derive(Deserialize, ToSchema, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum RoleName {
    /// Appends donations, disbursements, transfers and reversals; uploads evidence; imports
    /// statements.
    Recorder,
    /// Also opens and closes campaigns, reads and erases donors' personal data, manages tokens.
    Admin,
}

impl From<RoleName> for Role {
    fn from(r: RoleName) -> Role {
        match r {
            RoleName::Recorder => Role::Recorder,
            RoleName::Admin => Role::Admin,
        }
    }
}

/// `POST /tokens`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    /// Who holds it: 1 to 64 letters, digits, spaces and `. , - ' ( ) & / _`, unique
    /// ignoring case (revoked tokens included). Entries it records are recorded by
    /// `<name> #<id>`.
    #[schema(example = "Lan (finance)")]
    name: String,
    /// `recorder` or `admin`.
    role: RoleName,
}

/// A new token: shown in this answer only; the server keeps only its hash.
#[derive(Serialize, ToSchema)]
pub struct CreatedToken {
    /// Its id.
    id: i64,
    /// The sign-in link for the staff console, `<base>/staff/#token=<token>` (the token
    /// travels in the fragment, which browsers never send to a server).
    link: String,
    /// Who holds it.
    name: String,
    /// `recorder` or `admin`.
    role: String,
    /// The token itself, `ft_` and 43 characters. It is never shown again.
    token: String,
}

/// Every staff token (admin), revoked ones included; never a token or its hash.
#[utoipa::path(
    get, path = "/tokens", tag = "tokens",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every token, oldest first", body = TokenList),
        (status = 403, description = "Not an admin", body = ErrorBody),
    )
)]
pub async fn list(State(s): State<AppState>, _staff: Staff<Admin>) -> Result<Response, ApiError> {
    let tokens = s.store.list_tokens().await?;
    Ok(Sorted(TokenList {
        tokens: tokens.into_iter().map(ListedToken::from).collect(),
    })
    .into_response())
}

/// Creates a staff token (admin), shown once in the answer with its sign-in link.
#[utoipa::path(
    post, path = "/tokens", tag = "tokens",
    request_body = NewToken,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created; the token is in this answer only", body = CreatedToken),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 409, description = "Another token has this name, ignoring case (`name_taken`)", body = ErrorBody),
        (status = 413, description = "The body is over 64 KiB", body = ErrorBody),
        (status = 415, description = "The body is not sent as `application/json`", body = ErrorBody),
        (status = 422, description = "`name` or `role` is missing or not accepted (`field` names it)", body = ErrorBody),
    )
)]
pub async fn create(
    State(s): State<AppState>,
    staff: Staff<Admin>,
    parts: Parts,
    ApiJson(body): ApiJson<NewToken>,
) -> Result<Response, ApiError> {
    check_token_name(&body.name).map_err(|e| ApiError::invalid("name", format!("name: {e}")))?;
    let role = Role::from(body.role);
    let token = new_token();
    let id = s
        .store
        .create_token(&body.name, role.as_str(), &token_hash(&token))
        .await
        .map_err(|e| match e {
            e @ StoreError::TokenNameTaken { .. } => {
                ApiError::new(StatusCode::CONFLICT, "name_taken", e.to_string()).field("name")
            }
            e => e.into(),
        })?;
    tracing::info!(id, name = %body.name, role = role.as_str(), by = %staff.token.recorded_by(), "staff token created");
    let base = base_url(
        &parts,
        &s.guard.trusted_proxies,
        s.site.public_url.as_deref(),
    );
    let created = CreatedToken {
        id,
        link: sign_in_link(&base, &token),
        name: body.name,
        role: role.as_str().to_string(),
        token,
    };
    let no_store = [(header::CACHE_CONTROL, HeaderValue::from_static(NO_STORE))];
    Ok((StatusCode::CREATED, no_store, Sorted(created)).into_response())
}

/// Revokes a staff token (admin); every session signed in with it ends. An admin may not
/// revoke the token they are using: it would lock them out mid-click.
#[utoipa::path(
    delete, path = "/tokens/{id}", tag = "tokens",
    params(("id" = i64, Path, description = "The token's id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Revoked (or already revoked); its sessions have ended"),
        (status = 400, description = "`id` is not a whole number", body = ErrorBody),
        (status = 403, description = "Not an admin", body = ErrorBody),
        (status = 404, description = "No token has this id", body = ErrorBody),
        (status = 409, description = "The token of the request itself (`own_token`)", body = ErrorBody),
    )
)]
pub async fn revoke(
    State(s): State<AppState>,
    staff: Staff<Admin>,
    ApiPath(id): ApiPath<i64>,
) -> Result<Response, ApiError> {
    if id == staff.token.id {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "own_token",
            "you are signed in with this token: revoking it would sign you out mid-task; revoke it from another admin's token, or with `fundtrail token revoke`",
        )
        .field("id"));
    }
    let known = s.store.list_tokens().await?.into_iter().any(|t| t.id == id);
    if !known {
        return Err(ApiError::not_found(format!("no token has id {id}")));
    }
    if s.store.revoke_token(id).await? {
        tracing::info!(id, by = %staff.token.recorded_by(), "staff token revoked");
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}
