-- Custom fields: definitions per kind of record, and each record's values as a JSON
-- object keyed by the field's key.
CREATE TABLE custom_fields (
    workspace_id UUID NOT NULL REFERENCES workspaces (id),
    id UUID NOT NULL,
    entity TEXT NOT NULL,
    key TEXT NOT NULL,
    label TEXT NOT NULL,
    kind TEXT NOT NULL,
    options TEXT NOT NULL,
    required BOOLEAN NOT NULL,
    position BIGINT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by UUID,
    deleted_at BIGINT,
    PRIMARY KEY (workspace_id, id)
);
CREATE UNIQUE INDEX custom_fields_key ON custom_fields (workspace_id, entity, key)
    WHERE deleted_at IS NULL;

ALTER TABLE accounts ADD COLUMN custom TEXT NOT NULL DEFAULT '{}';
ALTER TABLE contacts ADD COLUMN custom TEXT NOT NULL DEFAULT '{}';
ALTER TABLE deals ADD COLUMN custom TEXT NOT NULL DEFAULT '{}';
