-- The public search (GET /api/v1/search) reads two indexes instead of the leaves.
-- `search_keys`: every suffix of at least 6 characters (and the whole text) of a donation's
-- search text (its bank reference and public memo, lower-cased without spaces; see
-- src/store/search.rs), so a partial reference is a range read on `key` (bytea compares
-- bytewise, whatever the database's collation). `search_days`: a donation's day received and
-- amount (minor units, as text), for amount-plus-date search. Entries written before this
-- migration are indexed once by the store at start-up, below `search_backfill.below`,
-- `done` saying how far it got.
create table search_keys (
    key bytea not null,
    seq bigint not null,
    primary key (key, seq)
);
create table search_days (
    received_at text not null,
    amount text not null,
    seq bigint not null,
    primary key (received_at, amount, seq)
);
create table search_backfill (
    below bigint not null,
    done bigint not null
);
insert into search_backfill (below, done) select coalesce(max(seq) + 1, 0), 0 from entries;
