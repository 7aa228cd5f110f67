-- A witness (C2SP tlog-witness, SPEC.md §14): the logs it trusts and, per log origin, the
-- latest checkpoint it cosigned. `heads` changes only by compare-and-swap on the old size
-- and root, in one statement.
create table logs (
    origin text not null,
    key text not null,
    added_at text not null,
    primary key (origin, key)
);
create table heads (
    origin text primary key,
    size integer not null,
    root blob not null,
    note text not null,
    cosigned_at integer not null
);
