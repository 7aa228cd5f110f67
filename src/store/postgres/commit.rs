//! The PostgreSQL group commit: one statement, one round trip.
//!
//! A batch is written by a single `insert` whose `with` clauses insert into every other
//! table it touches, each table's rows bound as one array per column and expanded with
//! `unnest` (the arrays of a table the batch does not touch are empty); it is sent as one
//! call of a function that runs it ([`GROUP_COMMIT`]). The call runs
//! outside any explicit transaction, so PostgreSQL commits it, and flushes its WAL to disk,
//! before it answers: the one answer says the whole batch is durable, or that none of it was
//! written (a failing row, trigger or constraint in any table aborts the whole statement).
//!
//! What each table keeps checking is unchanged: the chain trigger
//! (`0012_chain_check_per_statement.sql`, each entry's `prev` is the leaf hash of the entry
//! before; checked once per insert statement, after its rows are in, so an entry of the batch
//! links to the one before it in the same batch or to the stored tail), the primary keys (a second writer's batch at the same
//! positions fails whole), the idempotency keys' uniqueness, and the donors' reference to
//! their entry (checked at the end of the statement, when the entries are in).

use super::super::columns::int;
use super::super::indexed::Indexed;
use super::super::{Batch, StoreError};
use sqlx::postgres::PgConnection;

/// The group commit: `$1`–`$10` entries, `$11`–`$19` donors, `$20`–`$22` idempotency keys,
/// `$23`–`$24` tree nodes, `$25`–`$28` campaign rows, `$29`–`$31` the checkpoint (arrays of
/// zero or one element), passed to `fundtrail_group_commit`
/// (`migrations/postgres/0014_group_commit_function.sql`): one `insert` whose `with` clauses
/// insert into every other table, each table's rows expanded from its arrays with `unnest`.
/// The function keeps one plan of that statement for the connection's life (it reads no
/// table, so no plan is better for some values than another), where a statement sent as it is
/// would be planned for every batch. The search index is not written here: the background
/// indexer (`store::search_indexer`) builds it off the append path.
const GROUP_COMMIT: &str = "select fundtrail_group_commit(\
    $1::bigint[], $2::bytea[], $3::bytea[], $4::bytea[], $5::text[], $6::text[], $7::text[], \
    $8::text[], $9::bigint[], $10::text[], \
    $11::bigint[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], \
    $17::bytea[], $18::boolean[], $19::text[], \
    $20::text[], $21::bigint[], $22::bytea[], \
    $23::bigint[], $24::bytea[], \
    $25::bigint[], $26::text[], $27::bigint[], $28::text[], \
    $29::bigint[], $30::bytea[], $31::text[])";

/// Writes `batch` (with `indexed`, the index columns of its entries) on `conn` in one
/// statement; see the module docs for what that guarantees.
///
/// # Errors
/// [`StoreError`]; nothing of the batch was written then.
pub(super) async fn write_batch(
    conn: &mut PgConnection,
    batch: &Batch,
    indexed: &[Indexed<'_>],
) -> Result<(), StoreError> {
    let query = sqlx::query(GROUP_COMMIT);
    let query = bind_entries(query, batch, indexed);
    let query = bind_donors(query, batch);
    let query = bind_keys_and_nodes(query, batch);
    let query = bind_campaigns(query, batch)?;
    let query = bind_checkpoint(query, batch);
    query.execute(conn).await?;
    Ok(())
}

/// The statement being bound.
type Query<'q> = sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>;

/// `$1`–`$10`: the entries and their index columns.
fn bind_entries<'q>(q: Query<'q>, batch: &Batch, indexed: &[Indexed<'_>]) -> Query<'q> {
    let e = &batch.entries;
    q.bind(e.iter().map(|x| int(x.entry.seq)).collect::<Vec<_>>())
        .bind(e.iter().map(|x| x.leaf.clone()).collect::<Vec<_>>())
        .bind(e.iter().map(|x| x.leaf_hash.0.to_vec()).collect::<Vec<_>>())
        .bind(
            e.iter()
                .map(|x| x.entry.prev.0.to_vec())
                .collect::<Vec<_>>(),
        )
        .bind(indexed.iter().map(|x| x.kind).collect::<Vec<_>>())
        .bind(
            indexed
                .iter()
                .map(|x| x.campaign.as_deref().map(str::to_owned))
                .collect::<Vec<_>>(),
        )
        .bind(
            indexed
                .iter()
                .map(|x| x.campaign_to.as_deref().map(str::to_owned))
                .collect::<Vec<_>>(),
        )
        .bind(
            indexed
                .iter()
                .map(|x| x.reference.map(str::to_owned))
                .collect::<Vec<_>>(),
        )
        .bind(
            indexed
                .iter()
                .map(|x| x.reverses.map(int))
                .collect::<Vec<_>>(),
        )
        .bind(
            e.iter()
                .map(|x| x.entry.recorded_at.clone())
                .collect::<Vec<_>>(),
        )
}

/// `$11`–`$19`: the personal data of the entries that carry some.
fn bind_donors<'q>(q: Query<'q>, batch: &Batch) -> Query<'q> {
    let rows: Vec<_> = batch
        .entries
        .iter()
        .filter_map(|e| e.private.as_ref().map(|p| (e, p)))
        .collect();
    q.bind(
        rows.iter()
            .map(|(e, _)| int(e.entry.seq))
            .collect::<Vec<_>>(),
    )
    .bind(rows.iter().map(|(_, p)| p.name.clone()).collect::<Vec<_>>())
    .bind(
        rows.iter()
            .map(|(_, p)| p.email.clone())
            .collect::<Vec<_>>(),
    )
    .bind(
        rows.iter()
            .map(|(_, p)| p.phone.clone())
            .collect::<Vec<_>>(),
    )
    .bind(
        rows.iter()
            .map(|(_, p)| p.address.clone())
            .collect::<Vec<_>>(),
    )
    .bind(
        rows.iter()
            .map(|(_, p)| p.identifier.clone())
            .collect::<Vec<_>>(),
    )
    .bind(
        rows.iter()
            .map(|(_, p)| p.salt.map(|s| s.to_vec()))
            .collect::<Vec<_>>(),
    )
    .bind(
        rows.iter()
            .map(|(_, p)| p.consent_publish_name)
            .collect::<Vec<_>>(),
    )
    .bind(
        rows.iter()
            .map(|(e, _)| e.entry.recorded_at.clone())
            .collect::<Vec<_>>(),
    )
}

/// `$20`–`$24`: the idempotency keys of the entries that have one, and the new tree nodes.
fn bind_keys_and_nodes<'q>(q: Query<'q>, batch: &Batch) -> Query<'q> {
    let keyed: Vec<_> = batch
        .entries
        .iter()
        .filter_map(|e| e.idempotency_key.as_ref().map(|(k, h)| (k, e.entry.seq, h)))
        .collect();
    q.bind(keyed.iter().map(|k| k.0.clone()).collect::<Vec<_>>())
        .bind(keyed.iter().map(|k| int(k.1)).collect::<Vec<_>>())
        .bind(keyed.iter().map(|k| k.2 .0.to_vec()).collect::<Vec<_>>())
        .bind(
            batch
                .hashes
                .iter()
                .map(|(i, _)| int(*i))
                .collect::<Vec<_>>(),
        )
        .bind(
            batch
                .hashes
                .iter()
                .map(|(_, h)| h.0.to_vec())
                .collect::<Vec<_>>(),
        )
}

/// `$25`–`$28`: the campaign rows whose state changed.
///
/// # Errors
/// [`StoreError::Corrupt`] when a state does not serialise.
fn bind_campaigns<'q>(q: Query<'q>, batch: &Batch) -> Result<Query<'q>, StoreError> {
    let c = &batch.campaigns;
    let states = c
        .iter()
        .map(|(_, _, state)| serde_json::to_string(state))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| StoreError::Corrupt(format!("campaign state: {e}")))?;
    Ok(q.bind(
        c.iter()
            .map(|(idx, _, _)| i64::from(*idx))
            .collect::<Vec<_>>(),
    )
    .bind(c.iter().map(|(_, _, s)| s.id.clone()).collect::<Vec<_>>())
    .bind(
        c.iter()
            .map(|(_, opened, _)| int(*opened))
            .collect::<Vec<_>>(),
    )
    .bind(states))
}

/// `$29`–`$31`: the new signed checkpoint, if any.
fn bind_checkpoint<'q>(q: Query<'q>, batch: &Batch) -> Query<'q> {
    let cp = batch.checkpoint.as_slice();
    q.bind(cp.iter().map(|c| int(c.size)).collect::<Vec<_>>())
        .bind(cp.iter().map(|c| c.root.0.to_vec()).collect::<Vec<_>>())
        .bind(cp.iter().map(|c| c.note.clone()).collect::<Vec<_>>())
}
