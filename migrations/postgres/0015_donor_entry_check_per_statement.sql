-- A donor's row names an entry of the ledger (`donors.seq`). The foreign key of 0002 checked
-- that row by row: for every donation of a group commit PostgreSQL ran a look-up of `entries`
-- that also locked the entry's row (`for key share`), which writes the row's lock into the
-- table and the WAL: about 2 µs of the database's 20-25 µs per append, to guard against a
-- deletion the append-only triggers already refuse. The property is now checked once per
-- insert statement, after its rows are in, like the chain (0012): every new donor row's
-- `seq` is the `seq` of an entry, which may be a row of the same statement. A donor row
-- naming no entry still aborts the whole statement, and so the whole group commit; the
-- error names the first such entry number.
alter table donors drop constraint donors_seq_is_an_entry;

create function fundtrail_check_donor_entries() returns trigger language plpgsql volatile
set enable_seqscan = off
set enable_hashjoin = off
set enable_mergejoin = off
as $$
declare
    orphan bigint;
begin
    select n.seq into orphan
    from new_donors n
    where not exists (select 1 from entries e where e.seq = n.seq)
    order by n.seq
    limit 1;
    if not found then
        return null;
    end if;
    raise exception 'fundtrail: a donor''s details belong to an entry: there is no entry %', orphan;
end
$$;

create trigger donors_belong_to_entries after insert on donors
    referencing new table as new_donors
    for each statement execute function fundtrail_check_donor_entries();
