-- Contacts: people at accounts, with consent and the date their data was last verified.
CREATE TABLE contacts (
    workspace_id BLOB NOT NULL REFERENCES workspaces (id),
    id BLOB NOT NULL,
    salutation TEXT NOT NULL,
    title TEXT,
    first_name TEXT,
    last_name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    search_text TEXT NOT NULL,
    position TEXT,
    account_id BLOB,
    emails TEXT NOT NULL,
    phones TEXT NOT NULL,
    consent_email BOOLEAN NOT NULL,
    consent_phone BOOLEAN NOT NULL,
    consent_on TEXT,
    consent_source TEXT,
    verified_on TEXT,
    notes TEXT,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by BLOB,
    deleted_at BIGINT,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, account_id) REFERENCES accounts (workspace_id, id)
);
CREATE INDEX contacts_name ON contacts (workspace_id, name_key, id);
CREATE INDEX contacts_updated ON contacts (workspace_id, updated_at, id);
CREATE INDEX contacts_created ON contacts (workspace_id, created_at, id);
CREATE INDEX contacts_account ON contacts (workspace_id, account_id);

-- After how many days without verification a contact's data counts as stale.
ALTER TABLE workspaces ADD COLUMN contact_stale_days BIGINT NOT NULL DEFAULT 365;
