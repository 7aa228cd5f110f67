-- Outgoing webhooks (SPEC.md §20.3): staff systems an admin registered, each with its secret
-- (kept to sign every event; never shown again) and the next entry to send it; and the log of
-- every delivery attempt, which admins read.
create table webhooks (
    id integer primary key,
    url text not null,
    secret text not null,
    created_at text not null,
    created_by text not null,
    revoked_at text,
    next_seq integer not null
);
create table webhook_deliveries (
    id integer primary key,
    webhook_id integer not null references webhooks (id),
    seq integer not null,
    attempt integer not null,
    attempted_at text not null,
    status integer,
    error text,
    delivered boolean not null
);
create index webhook_deliveries_by_hook on webhook_deliveries (webhook_id, id);
