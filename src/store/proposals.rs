//! Payments proposed for two-person approval (SPEC.md §17), off the chain until approved:
//! the proposals, who approved each, and the state changes that keep one proposal from
//! becoming two entries. A proposal moves `pending` → `recording` (claimed by an approver
//! who appends it) → `recorded` (with the entry's seq), or `pending` → `rejected`; a failed
//! append hands it back to `pending`. Only a `pending` proposal can be rejected, so a
//! proposal being appended is never also rejected.

use super::columns::{int, seq_of};
use super::queries::Queries;
use super::{Store, StoreError, StoredEntry};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Row, Type};

const INSERT: &str = "insert into proposals \
    (kind, campaign, body, proposed_by, recorded_by, created_at, status, idempotency_key) \
    values ($1, $2, $3, $4, $5, $6, 'pending', $7) on conflict do nothing returning id";
const BY_KEY: &str = "select id from proposals where idempotency_key = $1";
macro_rules! columns {
    () => {
        "select id, kind, campaign, body, proposed_by, recorded_by, created_at, status, \
        decided_by, decided_at, reason, seq from proposals "
    };
}
const ONE: &str = concat!(columns!(), "where id = $1");
const PENDING: &str = concat!(
    columns!(),
    "where status in ('pending', 'recording') order by id limit $1"
);
const DECIDED: &str = concat!(
    columns!(),
    "where status in ('recorded', 'rejected') order by id desc limit $1"
);
const APPROVALS: &str = "select staff_id, approved_at from proposal_approvals \
    where proposal_id = $1 order by approved_at, staff_id";
const APPROVE: &str = "insert into proposal_approvals (proposal_id, staff_id, approved_at) \
    values ($1, $2, $3) on conflict (proposal_id, staff_id) do nothing returning proposal_id";
const CLAIM: &str = "update proposals set status = 'recording' \
    where id = $1 and status in ('pending', 'recording') returning id";
const RELEASE: &str =
    "update proposals set status = 'pending' where id = $1 and status = 'recording' \
    returning id";
const FINISH: &str = "update proposals set status = 'recorded', seq = $2, decided_at = $3 \
    where id = $1 and status in ('pending', 'recording') returning id";
const REJECT: &str = "update proposals set status = 'rejected', decided_by = $2, decided_at = $3, \
    reason = $4 where id = $1 and status = 'pending' returning id";
const POLICIES: &str = "select seq, leaf, leaf_hash from entries \
    where kind = 'approval.policy' order by seq";

/// Which proposals a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProposalFilter {
    /// Waiting for approval (or being recorded), oldest first.
    Pending,
    /// Recorded or rejected, newest first.
    Decided,
}

/// A proposal to store.
#[derive(Debug, Clone)]
pub struct NewProposal {
    /// `disbursement` or `transfer`.
    pub kind: &'static str,
    /// The paying campaign (a transfer's source).
    pub campaign: String,
    /// The proposed body as JSON, without `approval`.
    pub body: String,
    /// The proposer's staff id.
    pub proposed_by: String,
    /// The proposer's `recorded_by`, written into the entry.
    pub recorded_by: String,
    /// When it was proposed.
    pub created_at: String,
    /// The request's `Idempotency-Key`, if it had one: a second proposal with the same key
    /// is not stored ([`Store::create_proposal`] answers the first one's id).
    pub idempotency_key: Option<String>,
}

/// What storing a proposal did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proposed {
    /// A new proposal, with its id.
    New(i64),
    /// None: a proposal with the same idempotency key was stored before; its id.
    Existing(i64),
}

/// A stored proposal with its approvals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredProposal {
    /// Its id.
    pub id: i64,
    /// `disbursement` or `transfer`.
    pub kind: String,
    /// The paying campaign.
    pub campaign: String,
    /// The proposed body as JSON, without `approval`.
    pub body: String,
    /// The proposer's staff id.
    pub proposed_by: String,
    /// The proposer's `recorded_by`.
    pub recorded_by: String,
    /// When it was proposed.
    pub created_at: String,
    /// `pending`, `recording`, `recorded` or `rejected`.
    pub status: String,
    /// Who rejected it.
    pub decided_by: Option<String>,
    /// When it was recorded or rejected.
    pub decided_at: Option<String>,
    /// Why it was rejected.
    pub reason: Option<String>,
    /// The entry it became.
    pub seq: Option<u64>,
    /// Who approved it and when, in the order they approved.
    pub approvals: Vec<(String, String)>,
}

impl Store {
    /// Stores a new pending proposal and returns its id; or, when a proposal with the same
    /// idempotency key is stored already (two sends of one request, even at once), stores
    /// nothing and returns that one's id.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails (nothing is stored then).
    pub async fn create_proposal(&self, p: &NewProposal) -> Result<Proposed, StoreError> {
        let (stored, earlier) = on_pool!(self, pool => {
            let stored = Queries::create_proposal(pool, p).await?;
            let earlier = match (stored, p.idempotency_key.as_deref()) {
                (None, Some(key)) => Queries::proposal_by_key(pool, key).await?,
                _ => None,
            };
            (stored, earlier)
        });
        match (stored, earlier) {
            (Some(id), _) => Ok(Proposed::New(id)),
            (None, Some(id)) => Ok(Proposed::Existing(id)),
            (None, None) => Err(StoreError::Corrupt(
                "a proposal was neither stored nor found by its idempotency key".into(),
            )),
        }
    }

    /// The proposal `id` with its approvals, if there is one.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn proposal(&self, id: i64) -> Result<Option<StoredProposal>, StoreError> {
        on_pool!(self, pool => Queries::proposal(pool, id).await)
    }

    /// Up to `limit` proposals `filter` selects, with their approvals.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn proposals(
        &self,
        filter: ProposalFilter,
        limit: u64,
    ) -> Result<Vec<StoredProposal>, StoreError> {
        on_pool!(self, pool => Queries::proposals(pool, filter, limit).await)
    }

    /// Records that `staff_id` approved proposal `id` at `at` (a second approval by the
    /// same staff member changes nothing).
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn approve_proposal(
        &self,
        id: i64,
        staff_id: &str,
        at: &str,
    ) -> Result<(), StoreError> {
        let more = [Bound::Text(staff_id), Bound::Text(at)];
        on_pool!(self, pool => Queries::changed(pool, APPROVE, id, &more).await).map(|_| ())
    }

    /// Claims proposal `id` for appending: true when it was pending or being recorded
    /// (a claim left by a failed process is taken over; the append's idempotency key keeps
    /// two claimants to one entry), false when it was recorded or rejected.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn claim_proposal(&self, id: i64) -> Result<bool, StoreError> {
        on_pool!(self, pool => Queries::changed(pool, CLAIM, id, &[]).await).map(|n| n == 1)
    }

    /// Hands a claimed proposal back to `pending` after its append was refused.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn release_proposal(&self, id: i64) -> Result<(), StoreError> {
        on_pool!(self, pool => Queries::changed(pool, RELEASE, id, &[]).await).map(|_| ())
    }

    /// Marks proposal `id` recorded as entry `seq` at `at`.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn finish_proposal(&self, id: i64, seq: u64, at: &str) -> Result<(), StoreError> {
        let more = [Bound::Int(int(seq)), Bound::Text(at)];
        on_pool!(self, pool => Queries::changed(pool, FINISH, id, &more).await).map(|_| ())
    }

    /// Rejects pending proposal `id`: true when it was pending, false otherwise.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn reject_proposal(
        &self,
        id: i64,
        staff_id: &str,
        at: &str,
        reason: &str,
    ) -> Result<bool, StoreError> {
        let more = [Bound::Text(staff_id), Bound::Text(at), Bound::Text(reason)];
        on_pool!(self, pool => Queries::changed(pool, REJECT, id, &more).await).map(|n| n == 1)
    }

    /// Every `approval.policy` entry, in order (SPEC.md §17): the sequencer learns the
    /// ledger-wide rules from them at start-up.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn approval_policies(&self) -> Result<Vec<StoredEntry>, StoreError> {
        on_pool!(self, pool => Queries::approval_policies(pool).await)
    }
}

// The same bounds as the other shared queries (`queries.rs`).
impl<DB> Queries<DB>
where
    DB: Database,
    DB::Arguments: IntoArguments<DB>,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    usize: ColumnIndex<DB::Row>,
    for<'r> &'r str: ColumnIndex<DB::Row> + Encode<'r, DB> + Decode<'r, DB> + Type<DB>,
    for<'r> &'r [u8]: Encode<'r, DB> + Decode<'r, DB> + Type<DB>,
    for<'r> i64: Encode<'r, DB> + Decode<'r, DB> + Type<DB>,
    for<'r> String: Encode<'r, DB> + Decode<'r, DB> + Type<DB>,
    for<'r> Option<String>: Encode<'r, DB> + Type<DB>,
    for<'r> Vec<u8>: Decode<'r, DB> + Type<DB>,
    for<'r> bool: Decode<'r, DB> + Type<DB>,
{
    async fn create_proposal<'c>(
        exec: impl Executor<'c, Database = DB>,
        p: &NewProposal,
    ) -> Result<Option<i64>, StoreError> {
        let row = sqlx::query::<DB>(INSERT)
            .bind(p.kind)
            .bind(p.campaign.as_str())
            .bind(p.body.as_str())
            .bind(p.proposed_by.as_str())
            .bind(p.recorded_by.as_str())
            .bind(p.created_at.as_str())
            .bind(p.idempotency_key.clone())
            .fetch_optional(exec)
            .await?;
        Ok(match row {
            Some(row) => Some(row.try_get::<i64, _>(0)?),
            None => None,
        })
    }

    async fn proposal_by_key(pool: &sqlx::Pool<DB>, key: &str) -> Result<Option<i64>, StoreError> {
        let row = sqlx::query::<DB>(BY_KEY)
            .bind(key)
            .fetch_optional(pool)
            .await?;
        Ok(match row {
            Some(row) => Some(row.try_get::<i64, _>(0)?),
            None => None,
        })
    }

    async fn proposal(
        pool: &sqlx::Pool<DB>,
        id: i64,
    ) -> Result<Option<StoredProposal>, StoreError> {
        let row = sqlx::query::<DB>(ONE).bind(id).fetch_optional(pool).await?;
        match row {
            None => Ok(None),
            Some(row) => {
                let mut p = Self::proposal_row(&row)?;
                p.approvals = Self::approvals(pool, p.id).await?;
                Ok(Some(p))
            }
        }
    }

    async fn proposals(
        pool: &sqlx::Pool<DB>,
        filter: ProposalFilter,
        limit: u64,
    ) -> Result<Vec<StoredProposal>, StoreError> {
        let sql = match filter {
            ProposalFilter::Pending => PENDING,
            ProposalFilter::Decided => DECIDED,
        };
        let rows = sqlx::query::<DB>(sql)
            .bind(int(limit))
            .fetch_all(pool)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let mut p = Self::proposal_row(row)?;
            p.approvals = Self::approvals(pool, p.id).await?;
            out.push(p);
        }
        Ok(out)
    }

    async fn approvals(
        pool: &sqlx::Pool<DB>,
        id: i64,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query::<DB>(APPROVALS)
            .bind(id)
            .fetch_all(pool)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("staff_id")?, r.try_get("approved_at")?)))
            .collect()
    }

    fn proposal_row(row: &DB::Row) -> Result<StoredProposal, StoreError> {
        Ok(StoredProposal {
            id: row.try_get("id")?,
            kind: row.try_get("kind")?,
            campaign: row.try_get("campaign")?,
            body: row.try_get("body")?,
            proposed_by: row.try_get("proposed_by")?,
            recorded_by: row.try_get("recorded_by")?,
            created_at: row.try_get("created_at")?,
            status: row.try_get("status")?,
            decided_by: row.try_get("decided_by")?,
            decided_at: row.try_get("decided_at")?,
            reason: row.try_get("reason")?,
            seq: row.try_get::<Option<i64>, _>("seq")?.map(seq_of),
            approvals: Vec::new(),
        })
    }

    /// Runs `sql` (ending `returning id`) with `id` and then `more` bound in order, and
    /// counts the rows it changed.
    async fn changed<'c>(
        exec: impl Executor<'c, Database = DB>,
        sql: &'static str,
        id: i64,
        more: &[Bound<'_>],
    ) -> Result<u64, StoreError> {
        let mut q = sqlx::query::<DB>(sql).bind(id);
        for b in more {
            q = match b {
                Bound::Int(v) => q.bind(*v),
                Bound::Text(t) => q.bind(*t),
            };
        }
        Ok(q.fetch_all(exec).await?.len() as u64)
    }

    async fn approval_policies<'c>(
        exec: impl Executor<'c, Database = DB>,
    ) -> Result<Vec<StoredEntry>, StoreError> {
        let rows = sqlx::query::<DB>(POLICIES).fetch_all(exec).await?;
        rows.iter().map(Self::stored_entry).collect()
    }
}

/// A value bound to a statement after the proposal's id.
enum Bound<'a> {
    Int(i64),
    Text(&'a str),
}
