-- Spreadsheet imports: the uploaded file, the chosen mapping, progress and result, and
-- every record an import made or changed (so that it can be undone).
CREATE TABLE imports (
    workspace_id UUID NOT NULL REFERENCES workspaces (id),
    id UUID NOT NULL,
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    file_data BYTEA NOT NULL,
    status TEXT NOT NULL,
    mapping TEXT NOT NULL,
    on_duplicate TEXT NOT NULL,
    total_rows BIGINT NOT NULL,
    processed BIGINT NOT NULL,
    created_count BIGINT NOT NULL,
    updated_count BIGINT NOT NULL,
    skipped_count BIGINT NOT NULL,
    duplicate_count BIGINT NOT NULL,
    row_errors TEXT NOT NULL,
    failure TEXT,
    finished_at BIGINT,
    undone_at BIGINT,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by UUID,
    deleted_at BIGINT,
    PRIMARY KEY (workspace_id, id)
);
CREATE INDEX imports_created ON imports (workspace_id, created_at);

-- What an import did to one record: `created`, or `updated` with the data before.
CREATE TABLE import_items (
    workspace_id UUID NOT NULL REFERENCES workspaces (id),
    import_id UUID NOT NULL,
    seq BIGINT NOT NULL,
    entity TEXT NOT NULL,
    record_id UUID NOT NULL,
    action TEXT NOT NULL,
    before TEXT,
    PRIMARY KEY (workspace_id, import_id, seq),
    FOREIGN KEY (workspace_id, import_id) REFERENCES imports (workspace_id, id)
);
