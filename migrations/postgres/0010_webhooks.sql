-- Outgoing webhooks (SPEC.md §20.3): staff systems an admin registered, each with its secret
-- (kept to sign every event; never shown again) and the next entry to send it; and the log of
-- every delivery attempt, which admins read.
create table webhooks (
    id bigserial primary key,
    url text not null,
    secret text not null,
    created_at text not null,
    created_by text not null,
    revoked_at text,
    next_seq bigint not null
);
create table webhook_deliveries (
    id bigserial primary key,
    webhook_id bigint not null references webhooks (id),
    seq bigint not null,
    attempt bigint not null,
    attempted_at text not null,
    status bigint,
    error text,
    delivered boolean not null
);
create index webhook_deliveries_by_hook on webhook_deliveries (webhook_id, id);
