-- Witness cosignatures of the log's checkpoints (C2SP tlog-cosignature, SPEC.md §14): one
-- signature line per checkpoint size and witness key, kept for good, so the log can show
-- later what each witness saw.
create table cosignatures (
    size bigint not null,
    witness text not null,
    line text not null,
    cosigned_at bigint not null,
    primary key (size, witness)
);
create trigger cosignatures_are_append_only before update or delete on cosignatures
    for each row execute function fundtrail_refuse_change();
