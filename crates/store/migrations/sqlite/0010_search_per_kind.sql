-- Contacts of an account in name order come from one index.
DROP INDEX contacts_account;
CREATE INDEX contacts_account ON contacts (workspace_id, account_id, name_key, id);

-- One full-text index per kind of record: a query for one kind no longer matches and
-- ranks the rows of the others (a million deals made every account search slow).
CREATE TABLE search_index_keys_account (
    rowid INTEGER PRIMARY KEY,
    workspace_id BLOB NOT NULL,
    entity_id BLOB NOT NULL UNIQUE
);
CREATE VIRTUAL TABLE search_index_account USING fts5(text, tokenize = 'unicode61');
CREATE TABLE search_index_keys_contact (
    rowid INTEGER PRIMARY KEY,
    workspace_id BLOB NOT NULL,
    entity_id BLOB NOT NULL UNIQUE
);
CREATE VIRTUAL TABLE search_index_contact USING fts5(text, tokenize = 'unicode61');
CREATE TABLE search_index_keys_deal (
    rowid INTEGER PRIMARY KEY,
    workspace_id BLOB NOT NULL,
    entity_id BLOB NOT NULL UNIQUE
);
CREATE VIRTUAL TABLE search_index_deal USING fts5(text, tokenize = 'unicode61');

INSERT INTO search_index_keys_account (workspace_id, entity_id)
    SELECT workspace_id, id FROM accounts WHERE deleted_at IS NULL;
INSERT INTO search_index_account (rowid, text)
    SELECT k.rowid, a.search_text FROM search_index_keys_account k
    JOIN accounts a ON a.workspace_id = k.workspace_id AND a.id = k.entity_id;
INSERT INTO search_index_keys_contact (workspace_id, entity_id)
    SELECT workspace_id, id FROM contacts WHERE deleted_at IS NULL;
INSERT INTO search_index_contact (rowid, text)
    SELECT k.rowid, c.search_text FROM search_index_keys_contact k
    JOIN contacts c ON c.workspace_id = k.workspace_id AND c.id = k.entity_id;
INSERT INTO search_index_keys_deal (workspace_id, entity_id)
    SELECT workspace_id, id FROM deals WHERE deleted_at IS NULL;
INSERT INTO search_index_deal (rowid, text)
    SELECT k.rowid, d.search_text FROM search_index_keys_deal k
    JOIN deals d ON d.workspace_id = k.workspace_id AND d.id = k.entity_id;

DROP TABLE search_index;
DROP TABLE search_index_keys;
