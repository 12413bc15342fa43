-- Contacts of an account in name order come from one index. (PostgreSQL keeps one
-- search table: its GIN index and the entity condition already keep kinds apart.)
DROP INDEX contacts_account;
CREATE INDEX contacts_account ON contacts (workspace_id, account_id, name_key, id);
