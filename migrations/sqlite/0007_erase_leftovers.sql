-- no-transaction
-- Every connection now runs with `secure_delete`, so deleting a donor's personal data
-- overwrites it with zeros. Bytes deleted or moved before that may still lie in free pages
-- or the unused space of pages (the donors table set aside and rebuilt by migration 3,
-- cells left behind when a page split): VACUUM rewrites the file without them, once. The
-- rebuilt copy goes to a temporary file rather than memory, and the WAL is emptied after.
pragma temp_store = file;
vacuum;
pragma temp_store = memory;
pragma wal_checkpoint(truncate);
