-- The public search (GET /api/v1/search) reads two indexes instead of the leaves.
-- `search_keys`: every suffix of at least 6 characters (and the whole text) of a donation's
-- search text (its bank reference and public memo, lower-cased without spaces; see
-- src/store/search.rs), so a partial reference is a range read on `key`. `search_days`: a
-- donation's day received and amount (minor units, as text), for amount-plus-date search.
-- Both are derived from the leaves like the entries' own index columns; entries written
-- before this migration are indexed once by the store at start-up, below
-- `search_backfill.below`, `done` saying how far it got.
create table search_keys (
    key blob not null,
    seq integer not null,
    primary key (key, seq)
) without rowid;
create table search_days (
    received_at text not null,
    amount text not null,
    seq integer not null,
    primary key (received_at, amount, seq)
) without rowid;
create table search_backfill (
    below integer not null,
    done integer not null
);
insert into search_backfill (below, done) select coalesce(max(seq) + 1, 0), 0 from entries;
