-- Activities: calls, meetings, visit reports, emails and notes, on accounts and contacts.
CREATE TABLE activities (
    workspace_id BLOB NOT NULL REFERENCES workspaces (id),
    id BLOB NOT NULL,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    occurred_at BIGINT NOT NULL,
    duration_minutes BIGINT,
    summary TEXT,
    outcome TEXT,
    next_step TEXT,
    key_conversation BOOLEAN NOT NULL,
    account_id BLOB,
    contact_id BLOB,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by BLOB,
    deleted_at BIGINT,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, account_id) REFERENCES accounts (workspace_id, id),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id)
);
CREATE INDEX activities_account ON activities (workspace_id, account_id, occurred_at);
CREATE INDEX activities_contact ON activities (workspace_id, contact_id, occurred_at);
CREATE INDEX activities_by ON activities (workspace_id, created_by, occurred_at);
