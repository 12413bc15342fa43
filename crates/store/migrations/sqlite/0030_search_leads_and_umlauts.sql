-- Leads in global search, with a full-text index of their own.
CREATE TABLE search_index_keys_lead (
    rowid INTEGER PRIMARY KEY,
    workspace_id BLOB NOT NULL,
    entity_id BLOB NOT NULL UNIQUE
);
CREATE VIRTUAL TABLE search_index_lead USING fts5(text, tokenize = 'unicode61');
INSERT INTO search_index_keys_lead (workspace_id, entity_id)
    SELECT workspace_id, id FROM leads WHERE deleted_at IS NULL;
INSERT INTO search_index_lead (rowid, text)
    SELECT k.rowid, l.search_text FROM search_index_keys_lead k
    JOIN leads l ON l.workspace_id = k.workspace_id AND l.id = k.entity_id;

-- A word with an umlaut is found in both spellings: "muller" finds Müller (indexed as
-- "mueller") as "mueller" does. The index gets each text again without the umlaut e.
UPDATE search_index_account SET text = text || ' ' ||
    replace(replace(replace(text, 'ae', 'a'), 'oe', 'o'), 'ue', 'u')
    WHERE replace(replace(replace(text, 'ae', 'a'), 'oe', 'o'), 'ue', 'u') <> text;
UPDATE search_index_contact SET text = text || ' ' ||
    replace(replace(replace(text, 'ae', 'a'), 'oe', 'o'), 'ue', 'u')
    WHERE replace(replace(replace(text, 'ae', 'a'), 'oe', 'o'), 'ue', 'u') <> text;
UPDATE search_index_deal SET text = text || ' ' ||
    replace(replace(replace(text, 'ae', 'a'), 'oe', 'o'), 'ue', 'u')
    WHERE replace(replace(replace(text, 'ae', 'a'), 'oe', 'o'), 'ue', 'u') <> text;
UPDATE search_index_lead SET text = text || ' ' ||
    replace(replace(replace(text, 'ae', 'a'), 'oe', 'o'), 'ue', 'u')
    WHERE replace(replace(replace(text, 'ae', 'a'), 'oe', 'o'), 'ue', 'u') <> text;
