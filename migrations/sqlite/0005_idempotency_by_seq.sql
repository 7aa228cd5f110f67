-- Idempotency keys are found from memory, like donation references since migration 4
-- (src/store/sqlite/fingerprints.rs): clients make them at random (a UUID per request),
-- so the primary key on `key` took a random page per keyed append. The table is now keyed
-- by `seq`, so it grows only at its end; columns keep their order. The sequencer refuses
-- a key that was used before, in the store or earlier in the same batch.
create table idempotency_by_seq (
    key text not null,
    seq integer primary key,
    request_hash blob not null
);
insert into idempotency_by_seq (key, seq, request_hash)
    select key, seq, request_hash from idempotency order by seq;
drop table idempotency;
alter table idempotency_by_seq rename to idempotency;
