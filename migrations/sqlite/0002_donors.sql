-- Donors' personal data, kept off the chain: the ledger holds only the name a donor
-- consented to publish and their commitment. A row is written in the same transaction as
-- its donation and can be erased for good (the chain never depends on it).
create table donors (
    id integer primary key autoincrement,
    seq integer not null,
    name text,
    email text,
    phone text,
    address text,
    identifier text,
    salt blob,
    consent_publish_name integer not null,
    consent_recorded_at text not null,
    constraint donors_seq_unique unique (seq),
    constraint donors_seq_is_an_entry foreign key (seq) references entries (seq),
    constraint donors_salt_is_32_bytes check (salt is null or length(salt) = 32),
    constraint donors_consent_is_boolean check (consent_publish_name in (0, 1))
);
