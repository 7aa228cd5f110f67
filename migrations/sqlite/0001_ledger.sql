-- The ledger: append-only. Entries hold their exact canonical bytes (the leaf) and leaf
-- hash, plus indexed columns derived from the leaf for queries.
create table entries (
    seq integer primary key,
    leaf blob not null,
    leaf_hash blob not null,
    prev blob not null,
    kind text not null,
    campaign text,
    campaign_to text,
    reference text,
    reverses integer,
    recorded_at text not null,
    constraint entries_seq_from_zero check (seq >= 0),
    constraint entries_prev_unique unique (prev),
    constraint entries_leaf_hash_unique unique (leaf_hash),
    constraint entries_reversed_once unique (reverses)
);
create index entries_by_campaign on entries (campaign, seq);
create index entries_by_campaign_to on entries (campaign_to, seq);
create index entries_by_reference on entries (reference);

create trigger entries_are_never_updated before update on entries
begin
    select raise(abort, 'ledger entries are append-only: update refused');
end;
create trigger entries_are_never_deleted before delete on entries
begin
    select raise(abort, 'ledger entries are append-only: delete refused');
end;

-- Merkle tree nodes at Go tlog "stored hash index" positions (c2sp tlog-tiles compatible).
create table tree_hashes (
    idx integer primary key,
    hash blob not null
);
create trigger tree_hashes_are_never_updated before update on tree_hashes
begin
    select raise(abort, 'tree hashes are append-only: update refused');
end;
create trigger tree_hashes_are_never_deleted before delete on tree_hashes
begin
    select raise(abort, 'tree hashes are append-only: delete refused');
end;

-- Every signed checkpoint, so consistency between any two can be proved.
create table checkpoints (
    size integer primary key,
    root blob not null,
    note text not null
);

-- Derived campaign state (totals), rewritten with each batch so start-up never replays.
create table campaigns (
    idx integer primary key,
    id text not null,
    opened_seq integer not null,
    state text not null,
    constraint campaigns_id_unique unique (id)
);

-- Idempotency keys of acknowledged appends.
create table idempotency (
    key text primary key,
    seq integer not null,
    request_hash blob not null
);

-- Staff tokens, stored only as SHA-256 hashes.
create table tokens (
    id integer primary key autoincrement,
    name text not null,
    role text not null,
    token_hash blob not null,
    created_at text not null,
    revoked_at text,
    constraint tokens_hash_unique unique (token_hash),
    constraint tokens_role_known check (role in ('recorder', 'admin'))
);
