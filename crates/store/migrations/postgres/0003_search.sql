-- Global search over accounts and contacts: one full-text index, kept by the store in
-- the same transaction as each change. Text is folded (ä → ae) before it is indexed.
CREATE TABLE search_index (
    workspace_id UUID NOT NULL,
    entity TEXT NOT NULL,
    entity_id UUID NOT NULL,
    text TEXT NOT NULL,
    tsv TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple', text)) STORED,
    PRIMARY KEY (workspace_id, entity, entity_id)
);
CREATE INDEX search_index_tsv ON search_index USING GIN (tsv);
INSERT INTO search_index (workspace_id, entity, entity_id, text)
    SELECT workspace_id, 'account', id, regexp_replace(search_text, '[^[:alnum:]]+', ' ', 'g')
    FROM accounts WHERE deleted_at IS NULL;
INSERT INTO search_index (workspace_id, entity, entity_id, text)
    SELECT workspace_id, 'contact', id, regexp_replace(search_text, '[^[:alnum:]]+', ' ', 'g')
    FROM contacts WHERE deleted_at IS NULL;
