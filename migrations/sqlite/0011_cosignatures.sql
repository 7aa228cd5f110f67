-- Witness cosignatures of the log's checkpoints (C2SP tlog-cosignature, SPEC.md §14): one
-- signature line per checkpoint size and witness key, kept for good, so the log can show
-- later what each witness saw.
create table cosignatures (
    size integer not null,
    witness text not null,
    line text not null,
    cosigned_at integer not null,
    primary key (size, witness)
);
create trigger cosignatures_are_never_updated before update on cosignatures
begin
    select raise(abort, 'cosignatures are append-only: update refused');
end;
create trigger cosignatures_are_never_deleted before delete on cosignatures
begin
    select raise(abort, 'cosignatures are append-only: delete refused');
end;
