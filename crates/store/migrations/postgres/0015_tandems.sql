-- Tandems: a field rep and an inside rep who work together, with the inside rep's
-- deputy and their working agreement. A field rep is in at most one live tandem.
CREATE TABLE tandems (
    workspace_id UUID NOT NULL REFERENCES workspaces (id),
    id UUID NOT NULL,
    field_id UUID NOT NULL,
    inside_id UUID NOT NULL,
    deputy_id UUID,
    agreement TEXT,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by UUID,
    deleted_at BIGINT,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, field_id) REFERENCES users (workspace_id, id),
    FOREIGN KEY (workspace_id, inside_id) REFERENCES users (workspace_id, id),
    FOREIGN KEY (workspace_id, deputy_id) REFERENCES users (workspace_id, id)
);
CREATE UNIQUE INDEX tandems_field ON tandems (workspace_id, field_id) WHERE deleted_at IS NULL;
CREATE INDEX tandems_inside ON tandems (workspace_id, inside_id);
