-- Three indexes of `entries` keep only the rows that have a value: a transfer's destination
-- (`campaign_to`), a reversal's reversed entry (`reverses`) and a donation's bank reference
-- (`reference`). Every query on these columns asks for a value (`=`, `<`, `>=`, `any`), which
-- PostgreSQL proves implies `is not null`, so each still uses its index; the rows without a
-- value (most entries, for the first two) no longer cost an index insertion on every append.
-- A reversal is still unique per reversed entry (two null `reverses` never conflicted).
drop index entries_by_campaign_to;
create index entries_by_campaign_to on entries (campaign_to, seq) where campaign_to is not null;

alter table entries drop constraint entries_reversed_once;
create unique index entries_reversed_once on entries (reverses) where reverses is not null;

drop index entries_by_reference;
create index entries_by_reference on entries (reference) where reference is not null;
