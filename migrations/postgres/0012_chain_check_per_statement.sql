-- The chain rule of 0003 (each entry's `prev` is the leaf hash of the entry just before it,
-- 32 zero bytes for entry 0) is checked once per statement instead of once per row: a
-- row-level PL/pgSQL trigger planned its look-up again for every row, about a third of the
-- server's work per append. The statement-level trigger runs after the insert statement,
-- inside it (a failure aborts the whole statement, and so the whole group commit), and joins
-- the statement's new rows to the entries before each of them, which may be rows of the same
-- statement. The property checked is the same; the error names the first broken entry.
create function fundtrail_check_links() returns trigger language plpgsql volatile as $$
declare
    broken bigint;
begin
    select n.seq into broken
    from new_entries n
    left join entries p on p.seq = n.seq - 1
    where (n.seq = 0 and n.prev is distinct from ('\x' || repeat('00', 32))::bytea)
       or (n.seq > 0 and n.prev is distinct from p.leaf_hash)
    order by n.seq
    limit 1;
    if not found then
        return null;
    end if;
    if broken = 0 then
        raise exception 'fundtrail: ledger entries form a chain: entry 0 must have a zero prev';
    end if;
    raise exception 'fundtrail: ledger entries form a chain: prev of entry % is not the leaf hash of the entry before', broken;
end
$$;

create trigger entries_link_to_the_previous_entries after insert on entries
    referencing new table as new_entries
    for each statement execute function fundtrail_check_links();

drop trigger entries_link_to_the_previous_entry on entries;
drop function fundtrail_check_link();
