-- Token names are unique: every entry names its recorder by token name and id, and a
-- name must point at one holder. A ledger made before this may hold duplicates: the
-- oldest token keeps its name, each later one gets " (token <id>)" appended (shown by
-- `fundtrail token list`); the tokens themselves keep working. Revoked tokens count too.
update tokens set name = name || ' (token ' || id || ')'
    where exists (select 1 from tokens older where older.name = tokens.name and older.id < tokens.id);
create unique index tokens_name on tokens (name);
