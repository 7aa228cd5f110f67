-- A proposal sent again with the same Idempotency-Key (a retry after a lost answer) is the
-- same proposal, never a second one that could be approved into a second payment.
alter table proposals add column idempotency_key text;
create unique index proposals_by_key on proposals (idempotency_key);
