//! Donor privacy at the edge: `donor_private` and `publish_name` of `POST /donations`
//! become the entry's public display name and commitment plus an off-chain
//! [`DonorPrivate`] row; admins read (`GET /donors/{seq}`) and erase
//! (`DELETE /donors/{seq}`) that row. Nothing here is ever logged.

use super::auth::{Admin, Staff};
use super::error::{ApiError, ErrorBody};
use super::schema::DonorRecordSchema;
use super::sorted::Sorted;
use super::{ApiPath, AppState};
use crate::ledger::hash::{donor_commitment, Hash};
use crate::store::{DonorPrivate, Erasure};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The display name of a donor who did not consent to publish theirs.
pub const ANONYMOUS: &str = "Anonymous";

/// `donor_private` of `POST /donations`: what the charity keeps off the chain. Empty
/// texts count as absent.
#[derive(Deserialize, Default, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DonorPrivateIn {
    /// Full name, at most 200 characters.
    name: Option<String>,
    /// E-mail address, at most 320 characters.
    email: Option<String>,
    /// Phone number, at most 50 characters.
    phone: Option<String>,
    /// Postal address, at most 2000 characters (may hold newlines).
    address: Option<String>,
    /// What the commitment commits to (default the e-mail, else the phone), at most 500
    /// characters.
    identifier: Option<String>,
}

/// What a donation request's donor fields become.
pub struct Prepared {
    /// The entry's `donor`: a consented name or `Anonymous`.
    pub display_name: String,
    /// The entry's `commitment`.
    pub commitment: Option<Hash>,
    /// The off-chain row, when there is personal data or a consent to record.
    pub private: Option<DonorPrivate>,
}

/// Trims `value`; empty means absent. Refuses control characters (except newlines where
/// `newlines`) and more than `max` characters.
fn personal(
    field: &str,
    value: Option<String>,
    max: usize,
    newlines: bool,
) -> Result<Option<String>, ApiError> {
    let Some(v) = value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
    else {
        return Ok(None);
    };
    if v.chars().count() > max {
        return Err(ApiError::invalid(
            field,
            format!("{field}: at most {max} characters"),
        ));
    }
    if v.chars()
        .any(|c| c.is_control() && !(newlines && c == '\n'))
    {
        return Err(ApiError::invalid(
            field,
            format!("{field}: control characters are not allowed"),
        ));
    }
    crate::ledger::admission::visible_text(field, &v)
        .map_err(|e| ApiError::invalid(field, format!("{field}: {}", e.problem)))?;
    Ok(Some(v))
}

fn fresh_salt() -> [u8; 32] {
    use rand_core::RngCore;
    let mut salt = [0u8; 32];
    rand_core::OsRng.fill_bytes(&mut salt);
    salt
}

/// Turns the donor fields of a donation request into its public and private parts.
///
/// `publish_name` absent keeps the older behaviour (`donor` is published as given, or
/// `Anonymous`); `false` publishes `Anonymous` (a given `donor` is kept privately as the
/// name); `true` publishes `donor`, else `donor_private.name`. The commitment commits to
/// `identifier`, else the e-mail, else the phone, normalised (SPEC.md §2.4.1), with a
/// fresh 32-byte salt.
///
/// # Errors
/// 422 for an invalid personal field, consent to publish a name that was not given, or a
/// `commitment` sent together with personal data to commit to.
pub fn prepare(
    donor: Option<String>,
    private: Option<DonorPrivateIn>,
    publish_name: Option<bool>,
    commitment: Option<Hash>,
) -> Result<Prepared, ApiError> {
    let given = private.is_some() || publish_name.is_some();
    let p = private.unwrap_or_default();
    let name = personal("donor_private.name", p.name, 200, false)?;
    let email = personal("donor_private.email", p.email, 320, false)?;
    let phone = personal("donor_private.phone", p.phone, 50, false)?;
    let address = personal("donor_private.address", p.address, 2000, true)?;
    let identifier = personal("donor_private.identifier", p.identifier, 500, false)?;
    let display_name = match publish_name {
        None => donor.clone(),
        Some(false) => None,
        Some(true) => Some(donor.clone().or_else(|| name.clone()).ok_or_else(|| {
            ApiError::invalid(
                "publish_name",
                "publish_name: true needs a name (donor or donor_private.name)",
            )
        })?),
    }
    .unwrap_or_else(|| ANONYMOUS.to_string());
    if !given {
        return Ok(Prepared {
            display_name,
            commitment,
            private: None,
        });
    }
    let name = match publish_name {
        Some(false) => name.or(donor),
        _ => name,
    };
    // Committed to in its normalised form (SPEC.md §2.4.1), so the donor may type it
    // with other spaces, dashes or capitals when checking.
    let identifier = identifier
        .or_else(|| email.clone())
        .or_else(|| phone.clone())
        .map(|id| crate::ledger::identifier::normalise_identifier(&id))
        .filter(|id| !id.is_empty());
    let (commitment, salt) =
        match (&identifier, commitment) {
            (Some(_), Some(_)) => return Err(ApiError::invalid(
                "commitment",
                "commitment: send either a commitment or donor_private data to commit to, not both",
            )),
            (Some(id), None) => {
                let salt = fresh_salt();
                (Some(donor_commitment(&salt, id)), Some(salt))
            }
            (None, c) => (c, None),
        };
    let consent_publish_name = display_name != ANONYMOUS;
    Ok(Prepared {
        display_name,
        commitment,
        private: Some(DonorPrivate {
            name,
            email,
            phone,
            address,
            identifier,
            salt,
            consent_publish_name,
        }),
    })
}

/// The donation at `seq`, or 404.
async fn ensure_donation(s: &AppState, seq: u64) -> Result<(), ApiError> {
    let size = s.sequencer.view().checkpoint.size;
    let entry = if seq < size {
        s.store.entry(seq).await?
    } else {
        None
    };
    let is_donation = entry
        .and_then(|e| crate::ledger::decode(&e.leaf).ok())
        .is_some_and(|e| matches!(e.body, crate::ledger::Body::Donation(_)));
    if is_donation {
        Ok(())
    } else {
        Err(ApiError::not_found(format!(
            "entry {seq} is not a donation"
        )))
    }
}

/// The personal data recorded with donation `seq` (admin).
#[utoipa::path(
    get, path = "/donors/{seq}", tag = "donors",
    params(("seq" = u64, Path, description = "The donation's position")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The donor's personal data", body = DonorRecordSchema),
        (status = 400, description = "`seq` is not a whole number", body = ErrorBody),
        (status = 403, description = "The token is not an admin's", body = ErrorBody),
        (status = 404, description = "Not a donation, or no personal data (none recorded, or erased)", body = ErrorBody),
    )
)]
pub async fn get_donor(
    State(s): State<AppState>,
    _staff: Staff<Admin>,
    ApiPath(seq): ApiPath<u64>,
) -> Result<Response, ApiError> {
    ensure_donation(&s, seq).await?;
    match s.store.donor(seq).await? {
        Some(record) => Ok(Json(record).into_response()),
        None => Err(ApiError::not_found(format!(
            "donation {seq} has no personal data (none was recorded, or it was erased)"
        ))),
    }
}

/// How long an erasure waits for the database files to be purged before answering.
pub const PURGE_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// What the answer to an erasure says while a copy is still in the database files.
pub const PURGE_PENDING: &str = "The personal data is erased: no one can read it through fundtrail any more. \
    A copy is still in the database's write-ahead log (ledger.db-wal) while an earlier read of the database goes on; \
    the server keeps removing it and logs \"erased personal data purged\" when it is gone.";

/// The answer to an erasure whose purge goes on in the background.
#[derive(Serialize, ToSchema)]
pub struct PurgePending {
    /// Always `true`: no one can read the data through fundtrail any more.
    erased: bool,
    /// Always `false`: a copy is still in the database files.
    purged: bool,
    /// What that means, in words.
    message: &'static str,
}

/// Erases the personal data of donation `seq` for good (admin). `204` when no copy is left
/// in the database files; `202` when a copy is still in SQLite's write-ahead log because an
/// earlier read is still open (the server goes on purging in the background).
#[utoipa::path(
    delete, path = "/donors/{seq}", tag = "donors",
    params(("seq" = u64, Path, description = "The donation's position")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Erased, and no copy is left"),
        (status = 202, description = "Erased; a copy is still being purged from the database files", body = PurgePending),
        (status = 400, description = "`seq` is not a whole number", body = ErrorBody),
        (status = 403, description = "The token is not an admin's", body = ErrorBody),
        (status = 404, description = "Not a donation, or no personal data (none recorded, or erased)", body = ErrorBody),
    )
)]
pub async fn erase_donor(
    State(s): State<AppState>,
    staff: Staff<Admin>,
    ApiPath(seq): ApiPath<u64>,
) -> Result<Response, ApiError> {
    ensure_donation(&s, seq).await?;
    let erasure = s.store.erase_donor(seq, PURGE_WAIT).await?;
    if erasure != Erasure::NothingToErase {
        tracing::info!(seq, by = %staff.token.name, purged = (erasure == Erasure::Purged), "donor personal data erased");
    }
    match erasure {
        Erasure::Purged => Ok(StatusCode::NO_CONTENT.into_response()),
        Erasure::PurgePending => Ok((
            StatusCode::ACCEPTED,
            Sorted(PurgePending {
                erased: true,
                purged: false,
                message: PURGE_PENDING,
            }),
        )
            .into_response()),
        Erasure::NothingToErase => Err(ApiError::not_found(format!(
            "donation {seq} has no personal data (none was recorded, or it was erased)"
        ))),
    }
}
