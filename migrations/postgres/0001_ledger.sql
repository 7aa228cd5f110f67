-- The ledger on PostgreSQL: the same tables as SQLite, append-only enforced by triggers.
create table entries (
    seq bigint primary key,
    leaf bytea not null,
    leaf_hash bytea not null,
    prev bytea not null,
    kind text not null,
    campaign text,
    campaign_to text,
    reference text,
    reverses bigint,
    recorded_at text not null,
    constraint entries_seq_from_zero check (seq >= 0),
    constraint entries_prev_unique unique (prev),
    constraint entries_leaf_hash_unique unique (leaf_hash),
    constraint entries_reversed_once unique (reverses)
);
create index entries_by_campaign on entries (campaign, seq);
create index entries_by_campaign_to on entries (campaign_to, seq);
create index entries_by_reference on entries (reference);

create function fundtrail_refuse_change() returns trigger language plpgsql as $$
begin
    raise exception 'fundtrail: % on % refused: the ledger is append-only', tg_op, tg_table_name;
end
$$;

create trigger entries_are_append_only before update or delete on entries
    for each row execute function fundtrail_refuse_change();
create trigger entries_are_never_truncated before truncate on entries
    for each statement execute function fundtrail_refuse_change();

create table tree_hashes (
    idx bigint primary key,
    hash bytea not null
);
create trigger tree_hashes_are_append_only before update or delete on tree_hashes
    for each row execute function fundtrail_refuse_change();
create trigger tree_hashes_are_never_truncated before truncate on tree_hashes
    for each statement execute function fundtrail_refuse_change();

create table checkpoints (
    size bigint primary key,
    root bytea not null,
    note text not null
);
create trigger checkpoints_are_append_only before update or delete on checkpoints
    for each row execute function fundtrail_refuse_change();

create table campaigns (
    idx bigint primary key,
    id text not null,
    opened_seq bigint not null,
    state text not null,
    constraint campaigns_id_unique unique (id)
);

create table idempotency (
    key text primary key,
    seq bigint not null,
    request_hash bytea not null
);

create table tokens (
    id bigserial primary key,
    name text not null,
    role text not null,
    token_hash bytea not null,
    created_at text not null,
    revoked_at text,
    constraint tokens_hash_unique unique (token_hash),
    constraint tokens_role_known check (role in ('recorder', 'admin'))
);
