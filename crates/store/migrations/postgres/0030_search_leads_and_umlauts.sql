-- Leads in global search.
INSERT INTO search_index (workspace_id, entity, entity_id, text)
    SELECT workspace_id, 'lead', id, regexp_replace(search_text, '[^[:alnum:]]+', ' ', 'g')
    FROM leads WHERE deleted_at IS NULL
    ON CONFLICT (workspace_id, entity, entity_id) DO NOTHING;

-- A word with an umlaut is found in both spellings: "muller" finds Müller (indexed as
-- "mueller") as "mueller" does. The index gets each text again without the umlaut e.
UPDATE search_index SET text = text || ' ' ||
    replace(replace(replace(text, 'ae', 'a'), 'oe', 'o'), 'ue', 'u')
    WHERE replace(replace(replace(text, 'ae', 'a'), 'oe', 'o'), 'ue', 'u') <> text;
