-- Tasks: to-dos with a due date, priority, assignee, an optional account or contact and
-- a rhythm. `due_key` orders open tasks by due date with undated ones last.
CREATE TABLE tasks (
    workspace_id BLOB NOT NULL REFERENCES workspaces (id),
    id BLOB NOT NULL,
    title TEXT NOT NULL,
    due_on TEXT,
    due_key TEXT NOT NULL,
    priority TEXT NOT NULL,
    assignee_id BLOB,
    account_id BLOB,
    contact_id BLOB,
    recurrence TEXT NOT NULL,
    notes TEXT,
    done_at BIGINT,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by BLOB,
    deleted_at BIGINT,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, assignee_id) REFERENCES users (workspace_id, id),
    FOREIGN KEY (workspace_id, account_id) REFERENCES accounts (workspace_id, id),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id)
);
CREATE INDEX tasks_assignee ON tasks (workspace_id, assignee_id, done_at, due_key, id);
CREATE INDEX tasks_account ON tasks (workspace_id, account_id);
CREATE INDEX tasks_contact ON tasks (workspace_id, contact_id);
