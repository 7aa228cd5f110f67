-- Two unique indexes on random 32-byte keys (prev, leaf_hash) are replaced by a trigger
-- that checks the stronger property itself: each entry's `prev` is the leaf hash of the
-- entry just before it (32 zero bytes for entry 0). With `seq` the primary key, no two
-- entries can then share a `prev`, and leaf hashes (which cover `seq`) cannot repeat.
alter table entries drop constraint entries_prev_unique;
alter table entries drop constraint entries_leaf_hash_unique;

create function fundtrail_check_link() returns trigger language plpgsql volatile as $$
begin
    if new.seq = 0 then
        if new.prev is distinct from ('\x' || repeat('00', 32))::bytea then
            raise exception 'fundtrail: ledger entries form a chain: entry 0 must have a zero prev';
        end if;
    elsif new.prev is distinct from (select leaf_hash from entries where seq = new.seq - 1) then
        raise exception 'fundtrail: ledger entries form a chain: prev of entry % is not the leaf hash of the entry before', new.seq;
    end if;
    return new;
end
$$;

create trigger entries_link_to_the_previous_entry before insert on entries
    for each row execute function fundtrail_check_link();
