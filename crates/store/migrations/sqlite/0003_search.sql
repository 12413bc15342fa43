-- Global search over accounts and contacts: one full-text index, kept by the store in
-- the same transaction as each change. Text is folded (ä → ae) before it is indexed.
-- FTS5 rows are addressed by integer rowids; the keys table maps them to records.
CREATE TABLE search_index_keys (
    rowid INTEGER PRIMARY KEY,
    workspace_id BLOB NOT NULL,
    entity TEXT NOT NULL,
    entity_id BLOB NOT NULL,
    UNIQUE (entity, entity_id)
);
CREATE INDEX search_index_keys_ws ON search_index_keys (workspace_id, entity);
CREATE VIRTUAL TABLE search_index USING fts5(text, tokenize = 'unicode61');

INSERT INTO search_index_keys (workspace_id, entity, entity_id)
    SELECT workspace_id, 'account', id FROM accounts WHERE deleted_at IS NULL;
INSERT INTO search_index_keys (workspace_id, entity, entity_id)
    SELECT workspace_id, 'contact', id FROM contacts WHERE deleted_at IS NULL;
INSERT INTO search_index (rowid, text)
    SELECT k.rowid, a.search_text FROM search_index_keys k
    JOIN accounts a ON a.workspace_id = k.workspace_id AND a.id = k.entity_id
    WHERE k.entity = 'account';
INSERT INTO search_index (rowid, text)
    SELECT k.rowid, c.search_text FROM search_index_keys k
    JOIN contacts c ON c.workspace_id = k.workspace_id AND c.id = k.entity_id
    WHERE k.entity = 'contact';
