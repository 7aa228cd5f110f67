-- Two unique indexes on random 32-byte keys (prev, leaf_hash) are replaced by a trigger
-- that checks the stronger property itself: each entry's `prev` is the leaf hash of the
-- entry just before it (32 zero bytes for entry 0). With
-- `seq` the primary key, no two entries can then share a `prev`, and leaf hashes (which
-- cover `seq`) cannot repeat. Every appended row used to dirty two random index pages;
-- the trigger reads one row next to the one being written.
--
-- SQLite cannot drop a constraint declared in `create table`, so the table is rebuilt
-- with the same rows, indexes and triggers. `donors` refers to `entries`, so it is set
-- aside first and rebuilt after, as it was (rows, ids and its autoincrement counter).
create table donors_kept as select * from donors;
create table donors_counter_kept as select seq from sqlite_sequence where name = 'donors';
drop table donors;

create table entries_rebuilt (
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
    constraint entries_reversed_once unique (reverses)
);
insert into entries_rebuilt (seq, leaf, leaf_hash, prev, kind, campaign, campaign_to, reference, reverses, recorded_at)
    select seq, leaf, leaf_hash, prev, kind, campaign, campaign_to, reference, reverses, recorded_at
    from entries order by seq;
drop table entries;
alter table entries_rebuilt rename to entries;

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
create trigger entries_link_to_the_previous_entry before insert on entries
when (new.seq = 0 and new.prev is not zeroblob(32))
  or (new.seq > 0 and new.prev is not (select leaf_hash from entries where seq = new.seq - 1))
begin
    select raise(abort, 'ledger entries form a chain: prev is not the leaf hash of the entry before');
end;

create table donors (
    id integer primary key autoincrement,
    seq integer not null,
    name text,
    email text,
    phone text,
    address text,
    identifier text,
    salt blob,
    consent_publish_name integer not null,
    consent_recorded_at text not null,
    constraint donors_seq_unique unique (seq),
    constraint donors_seq_is_an_entry foreign key (seq) references entries (seq),
    constraint donors_salt_is_32_bytes check (salt is null or length(salt) = 32),
    constraint donors_consent_is_boolean check (consent_publish_name in (0, 1))
);
insert into donors (id, seq, name, email, phone, address, identifier, salt, consent_publish_name, consent_recorded_at)
    select id, seq, name, email, phone, address, identifier, salt, consent_publish_name, consent_recorded_at
    from donors_kept order by id;
update sqlite_sequence set seq = (select seq from donors_counter_kept)
    where name = 'donors' and (select seq from donors_counter_kept) > seq;
insert into sqlite_sequence (name, seq)
    select 'donors', seq from donors_counter_kept
    where not exists (select 1 from sqlite_sequence where name = 'donors');
drop table donors_kept;
drop table donors_counter_kept;
