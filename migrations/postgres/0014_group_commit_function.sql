-- The group commit (src/store/postgres/commit.rs) becomes a function that keeps one
-- generic plan of its statement for the life of the connection. The writing connection plans
-- every statement for the values bound (`plan_cache_mode = force_custom_plan`, so that a
-- look-up never keeps a plan costed while the ledger was small), and so it planned the group
-- commit's six inserts again for every batch: about a tenth of the database's work per
-- append, for a statement that reads no table and whose plan never changes. The function's
-- own setting applies only while it runs. The statement is unchanged: one statement, all of
-- a batch's rows or none, committed before the call answers.
create function fundtrail_group_commit(
    bigint[], bytea[], bytea[], bytea[], text[], text[], text[], text[], bigint[], text[],
    bigint[], text[], text[], text[], text[], text[], bytea[], boolean[], text[],
    text[], bigint[], bytea[],
    bigint[], bytea[],
    bigint[], text[], bigint[], text[],
    bigint[], bytea[], text[]
) returns void language plpgsql volatile
set plan_cache_mode = force_generic_plan
as $$
begin
    with new_entries as (
        insert into entries (seq, leaf, leaf_hash, prev, kind, campaign, campaign_to, reference, reverses, recorded_at)
        select * from unnest($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
        order by 1
    ), new_donors as (
        insert into donors (seq, name, email, phone, address, identifier, salt, consent_publish_name, consent_recorded_at)
        select * from unnest($11, $12, $13, $14, $15, $16, $17, $18, $19)
    ), new_keys as (
        insert into idempotency (key, seq, request_hash)
        select * from unnest($20, $21, $22)
    ), new_nodes as (
        insert into tree_hashes (idx, hash) select * from unnest($23, $24)
    ), changed_campaigns as (
        insert into campaigns (idx, id, opened_seq, state)
        select * from unnest($25, $26, $27, $28)
        on conflict (idx) do update set state = excluded.state
    )
    insert into checkpoints (size, root, note) select * from unnest($29, $30, $31);
end
$$;

-- The chain check (0012) joins the statement's new rows to the entry before each of them.
-- Its query has no parameter, so PL/pgSQL keeps the plan it made at its first run on the
-- connection until the table's statistics change: made while `entries` was nearly empty, that
-- plan was a hash join over a scan of the whole table, and each group commit then read every
-- entry until autovacuum next analyzed `entries` (a minute or more of appends). With these
-- settings, in force only while the check runs, its plan is one look-up of `entries_pkey` per
-- new row, whatever the table's size or statistics were when the plan was made.
alter function fundtrail_check_links()
    set enable_seqscan = off
    set enable_hashjoin = off
    set enable_mergejoin = off;
