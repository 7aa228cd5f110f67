//! Staff tokens: stored only as SHA-256 hashes, unique by name ignoring case, and
//! remembered briefly once found valid so a busy recorder does not cost a query per request.

use super::queries::Queries;
use super::{Store, StoreError};
use crate::ledger::hash::Hash;

/// How long a valid token is remembered without asking the database again.
pub const TOKEN_CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(1);

/// A staff token record (never the token itself).
#[derive(Debug, Clone, serde::Serialize)]
pub struct TokenRecord {
    /// Row id.
    pub id: i64,
    /// Who holds it.
    pub name: String,
    /// `recorder` or `admin`.
    pub role: String,
    /// Creation time.
    pub created_at: String,
    /// Revocation time, if revoked.
    pub revoked_at: Option<String>,
}

impl TokenRecord {
    /// How entries this token appends name their recorder: the token's name and id,
    /// `Lan (finance) #3` (SPEC.md §2.1). A name from before names were limited to 64
    /// characters is shortened so the whole fits the 200 characters of `recorded_by`.
    pub fn recorded_by(&self) -> String {
        let id = format!(" #{}", self.id);
        let room = crate::ledger::entry::MAX_SHORT_TEXT.saturating_sub(id.len());
        let name: String = self.name.chars().take(room).collect();
        format!("{name}{id}")
    }
}

/// Recently seen valid tokens of one store, by hash.
#[derive(Default, Debug)]
pub(super) struct TokenCache(
    std::sync::Mutex<std::collections::HashMap<Hash, (TokenRecord, std::time::Instant)>>,
);

impl TokenCache {
    fn get(&self, h: &Hash) -> Option<TokenRecord> {
        let map = self.0.lock().ok()?;
        map.get(h)
            .filter(|(_, at)| at.elapsed() < TOKEN_CACHE_TTL)
            .map(|(r, _)| r.clone())
    }
    fn put(&self, h: Hash, r: TokenRecord) {
        if let Ok(mut map) = self.0.lock() {
            if map.len() > 10_000 {
                map.clear();
            }
            map.insert(h, (r, std::time::Instant::now()));
        }
    }
    fn clear(&self) {
        if let Ok(mut map) = self.0.lock() {
            map.clear();
        }
    }
}

impl Store {
    /// Stores a new token hash under `name`, unless another token (revoked ones included)
    /// has that name ignoring case: entries name their recorder by token name and id, and two
    /// `Lan`s would read alike. The database's unique index on the exact name (migrations
    /// sqlite 6, postgres 4) backs this up when two processes create tokens at once.
    ///
    /// # Errors
    /// [`StoreError::TokenNameTaken`], or the database's error.
    pub async fn create_token(
        &self,
        name: &str,
        role: &str,
        token_hash: &Hash,
    ) -> Result<i64, StoreError> {
        let folded = name.to_lowercase();
        let taken = |existing: String| StoreError::TokenNameTaken {
            name: name.to_string(),
            existing,
        };
        if let Some(t) = self
            .list_tokens()
            .await?
            .into_iter()
            .find(|t| t.name.to_lowercase() == folded)
        {
            return Err(taken(t.name));
        }
        on_pool!(self, pool => Queries::create_token(pool, name, role, token_hash).await).map_err(
            |e| match e {
                StoreError::Database(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                    taken(name.to_string())
                }
                other => other,
            },
        )
    }

    /// The unrevoked token with this hash.
    ///
    /// Valid tokens are remembered for [`TOKEN_CACHE_TTL`] so a busy recorder does not cost a
    /// query per request; revoking through this store forgets them at once, and a token
    /// revoked by another process (`fundtrail token revoke`) stops working within that time.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn find_token(&self, token_hash: &Hash) -> Result<Option<TokenRecord>, StoreError> {
        if let Some(record) = self.token_cache().get(token_hash) {
            return Ok(Some(record));
        }
        let found = on_pool!(self, pool => Queries::find_token(pool, token_hash).await)?;
        if let Some(record) = &found {
            self.token_cache().put(*token_hash, record.clone());
        }
        Ok(found)
    }

    /// All tokens, oldest first.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn list_tokens(&self) -> Result<Vec<TokenRecord>, StoreError> {
        on_pool!(self, pool => Queries::tokens(pool).await)
    }

    /// This store's cache of valid tokens.
    fn token_cache(&self) -> &TokenCache {
        &dispatch!(self, s => s.caches()).tokens
    }

    /// Revokes a token and ends its sessions; false when there is no such unrevoked token.
    /// A session is refused as soon as its token is revoked (its lookup joins the token), so
    /// should deleting the sessions fail, they are still dead.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn revoke_token(&self, id: i64) -> Result<bool, StoreError> {
        let revoked = on_pool!(self, pool => Queries::revoke_token(pool, id).await)?;
        self.token_cache().clear();
        self.end_sessions_of_token(id).await?;
        Ok(revoked)
    }
}
