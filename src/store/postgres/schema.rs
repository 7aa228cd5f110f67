//! One ledger per PostgreSQL schema: many organisations in one database, each a complete,
//! independent ledger (its own tables, migrations, leader lock) in a schema of its own.
//!
//! Every connection of a schema's store names the schema as its `search_path` when it
//! connects, so every statement the store runs (and the chain trigger's look-ups) reads
//! and writes that schema's tables only.

use crate::store::StoreError;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::Connection;

/// The longest schema name PostgreSQL keeps whole (longer names are truncated).
const MAX_LEN: usize = 63;

/// A schema name the store may use: 1 to 63 of `a-z 0-9 _`, starting with a letter or `_`,
/// and not `pg_…` (reserved by PostgreSQL) nor `public`/`information_schema`. Such a name
/// needs no quoting and means the same in every statement.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PgSchema(String);

/// Why a schema name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchemaNameError {
    /// Empty or longer than 63 characters.
    #[error("the schema name {name:?} must be 1 to 63 characters long")]
    Length {
        /// The name given.
        name: String,
    },
    /// A character other than `a-z 0-9 _`, or a digit first.
    #[error(
        "the schema name {name:?} may hold only a-z, 0-9 and _, and must not start with a digit"
    )]
    Characters {
        /// The name given.
        name: String,
    },
    /// A name PostgreSQL uses itself.
    #[error("the schema name {name:?} is PostgreSQL's own; choose another")]
    Reserved {
        /// The name given.
        name: String,
    },
}

impl PgSchema {
    /// `name`, if the store may use it.
    ///
    /// # Errors
    /// [`SchemaNameError`] naming what is wrong with it.
    pub fn new(name: &str) -> Result<PgSchema, SchemaNameError> {
        let owned = || name.to_string();
        if name.is_empty() || name.len() > MAX_LEN {
            return Err(SchemaNameError::Length { name: owned() });
        }
        let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_';
        if !name.chars().all(allowed) || name.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(SchemaNameError::Characters { name: owned() });
        }
        if name.starts_with("pg_") || name == "public" || name == "information_schema" {
            return Err(SchemaNameError::Reserved { name: owned() });
        }
        Ok(PgSchema(name.to_string()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The advisory-lock key under which one process leads this schema's ledger: the first
    /// eight bytes of SHA-256 over `fundtrail leader\n<schema>`, so each schema has its own
    /// leader and the ledgers of one database never wait for each other.
    pub fn leader_lock_key(&self) -> i64 {
        lock_key("fundtrail leader", &self.0)
    }

    /// The advisory-lock key under which this schema is migrated (one migration at a time
    /// per schema; other schemas migrate meanwhile).
    fn migration_lock_key(&self) -> i64 {
        lock_key("fundtrail migrate", &self.0)
    }

    /// `options` with this schema as the `search_path` of every connection made with them.
    pub(in crate::store) fn connect_options(&self, options: PgConnectOptions) -> PgConnectOptions {
        options.options([("search_path", self.0.as_str())])
    }
}

/// The first eight bytes of SHA-256 over `<purpose>\n<schema>`, as a lock key.
fn lock_key(purpose: &str, schema: &str) -> i64 {
    let digest = crate::ledger::hash::sha256(format!("{purpose}\n{schema}").as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest.0[..8]);
    i64::from_be_bytes(first)
}

impl std::fmt::Display for PgSchema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Creates `schema` if missing and applies the migrations there, recording them in the
/// schema's own `_sqlx_migrations`, on one connection made with `options` (whose
/// `search_path` is the schema). A per-schema advisory lock keeps two processes from
/// migrating one schema at once; other schemas migrate meanwhile.
///
/// # Errors
/// [`StoreError`] when the server cannot be reached or a migration fails.
pub(in crate::store) async fn migrate(
    options: &PgConnectOptions,
    schema: &PgSchema,
    budget: Option<&super::budget::ConnectionBudget>,
) -> Result<(), StoreError> {
    let _permit = super::budget::permit_of(budget).await?;
    let mut conn = PgConnection::connect_with(options).await?;
    let migrated = migrate_on(&mut conn, schema).await;
    let _ = conn.close().await;
    migrated
}

/// Drops `schema` and everything in it, if it exists, on one connection made with
/// `options`: what a ledger that was never published leaves behind (an organisation whose
/// creation the registry refused). Nothing else of the database is touched.
///
/// # Errors
/// [`StoreError`] when the server cannot be reached or refuses the drop.
pub(in crate::store) async fn drop_schema(
    options: &PgConnectOptions,
    schema: &PgSchema,
    budget: Option<&super::budget::ConnectionBudget>,
) -> Result<(), StoreError> {
    let _permit = super::budget::permit_of(budget).await?;
    let mut conn = PgConnection::connect_with(options).await?;
    // The name is checked by `PgSchema::new` (a-z 0-9 _ only): it needs no quoting.
    let sql = sqlx::AssertSqlSafe(format!("drop schema if exists {schema} cascade"));
    let dropped = sqlx::query(sql).execute(&mut conn).await;
    let _ = conn.close().await;
    dropped.map(|_| ()).map_err(StoreError::from)
}

async fn migrate_on(conn: &mut PgConnection, schema: &PgSchema) -> Result<(), StoreError> {
    let mut migrator = sqlx::migrate!("./migrations/postgres");
    migrator.set_locking(false);
    migrator.create_schema(schema.as_str().to_string());
    migrator.dangerous_set_table_name(format!("{schema}._sqlx_migrations"));
    sqlx::query("select pg_advisory_lock($1)")
        .bind(schema.migration_lock_key())
        .execute(&mut *conn)
        .await?;
    let migrated = migrator.run_direct(None, &mut *conn, false).await;
    sqlx::query("select pg_advisory_unlock($1)")
        .bind(schema.migration_lock_key())
        .execute(&mut *conn)
        .await?;
    Ok(migrated?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organisation_schema_names_are_accepted_and_unsafe_ones_refused() {
        assert!(PgSchema::new("org_hoi_chu_thap_do").is_ok());
        assert!(PgSchema::new("registry").is_ok());
        assert!(PgSchema::new("_x1").is_ok());
        for bad in ["", "Org", "org-x", "1org", "org;drop", "org x", "ö"] {
            assert!(PgSchema::new(bad).is_err(), "{bad:?} accepted");
        }
        assert!(matches!(
            PgSchema::new(&"a".repeat(64)),
            Err(SchemaNameError::Length { .. })
        ));
        for reserved in ["public", "pg_catalog", "information_schema"] {
            assert!(matches!(
                PgSchema::new(reserved),
                Err(SchemaNameError::Reserved { .. })
            ));
        }
    }

    #[test]
    fn each_schema_has_its_own_leader_lock() {
        let a = PgSchema::new("org_a").expect("valid");
        let b = PgSchema::new("org_b").expect("valid");
        assert_ne!(a.leader_lock_key(), b.leader_lock_key());
        assert_eq!(a.leader_lock_key(), a.clone().leader_lock_key());
        assert_ne!(a.leader_lock_key(), crate::store::LEADER_LOCK_KEY);
        assert_ne!(a.leader_lock_key(), a.migration_lock_key());
    }
}
