-- Lookups by donation reference are answered from memory (src/store/sqlite/references.rs).
-- The index on `reference` took a random page per appended donation, since bank
-- references arrive in no order; this index grows only at its end, and lets the store
-- load every (seq, reference) pair at start-up without reading the leaves.
drop index entries_by_reference;
create index entries_with_reference on entries (seq, reference) where reference is not null;
