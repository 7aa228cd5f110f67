-- Staff console sessions. Only the SHA-256 of a session id is kept, so a copy of the
-- database signs nobody in. A session belongs to a token: revoking the token deletes its
-- sessions, and every lookup joins the token so a token revoked by another process ends
-- them too. Times are milliseconds since 1970-01-01 UTC; the idle expiry is computed from
-- last_seen_at, the absolute one is expires_at.
create table sessions (
    id_hash bytea primary key,
    token_id bigint not null references tokens (id),
    created_at bigint not null,
    last_seen_at bigint not null,
    expires_at bigint not null
);
create index sessions_by_token on sessions (token_id);
create index sessions_by_expiry on sessions (expires_at);
create index sessions_by_last_seen on sessions (last_seen_at);
