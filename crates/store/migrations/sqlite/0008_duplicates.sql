-- Duplicate detection and merging: the keys a record shares with its duplicates
-- (` d:domain e:email p:phone `, filled in by the store; NULL until computed), and
-- which record a merged one went into.
ALTER TABLE accounts ADD COLUMN match_keys TEXT;
ALTER TABLE accounts ADD COLUMN merged_into BLOB;
ALTER TABLE contacts ADD COLUMN match_keys TEXT;
ALTER TABLE contacts ADD COLUMN merged_into BLOB;
