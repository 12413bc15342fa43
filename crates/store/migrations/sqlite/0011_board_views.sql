-- The pipeline board reads the open deals of each stage, newest in the stage first.
DROP INDEX deals_stage;
CREATE INDEX deals_board ON deals (workspace_id, stage_id, status, stage_entered_at);

-- A user's saved list views: a name and the list's query string (filters, sort, columns).
CREATE TABLE saved_views (
    workspace_id BLOB NOT NULL REFERENCES workspaces (id),
    id BLOB NOT NULL,
    user_id BLOB NOT NULL,
    list TEXT NOT NULL,
    name TEXT NOT NULL,
    query TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, user_id) REFERENCES users (workspace_id, id)
);
CREATE UNIQUE INDEX saved_views_name ON saved_views (workspace_id, user_id, list, name);
