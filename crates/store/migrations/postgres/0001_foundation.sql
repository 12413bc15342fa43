-- Foundation: workspaces, teams, users, sessions, API tokens, accounts, audit log, jobs.
CREATE TABLE workspaces (
    id UUID NOT NULL PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE teams (
    workspace_id UUID NOT NULL REFERENCES workspaces (id),
    id UUID NOT NULL,
    name TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by UUID,
    deleted_at BIGINT,
    PRIMARY KEY (workspace_id, id)
);
CREATE UNIQUE INDEX teams_name ON teams (workspace_id, name) WHERE deleted_at IS NULL;

CREATE TABLE users (
    workspace_id UUID NOT NULL REFERENCES workspaces (id),
    id UUID NOT NULL,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    team_id UUID,
    locale TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until BIGINT,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by UUID,
    deleted_at BIGINT,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, team_id) REFERENCES teams (workspace_id, id)
);
-- An email address signs in to exactly one workspace.
CREATE UNIQUE INDEX users_email ON users (email);

CREATE TABLE sessions (
    token_hash TEXT NOT NULL PRIMARY KEY,
    workspace_id UUID NOT NULL,
    user_id UUID NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    FOREIGN KEY (workspace_id, user_id) REFERENCES users (workspace_id, id)
);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
    workspace_id UUID NOT NULL,
    id UUID NOT NULL,
    user_id UUID NOT NULL,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, user_id) REFERENCES users (workspace_id, id)
);

CREATE TABLE accounts (
    workspace_id UUID NOT NULL REFERENCES workspaces (id),
    id UUID NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    search_text TEXT NOT NULL,
    legal_form TEXT,
    industry TEXT,
    employees BIGINT,
    street TEXT,
    postal_code TEXT,
    city TEXT,
    country TEXT NOT NULL,
    vat_id TEXT,
    website TEXT,
    phone TEXT,
    email TEXT,
    tags TEXT NOT NULL,
    lifecycle TEXT NOT NULL,
    owner_id UUID,
    notes TEXT,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by UUID,
    deleted_at BIGINT,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, owner_id) REFERENCES users (workspace_id, id)
);
CREATE INDEX accounts_name ON accounts (workspace_id, name_key, id);
CREATE INDEX accounts_updated ON accounts (workspace_id, updated_at, id);
CREATE INDEX accounts_created ON accounts (workspace_id, created_at, id);
CREATE INDEX accounts_owner ON accounts (workspace_id, owner_id);

CREATE TABLE audit_log (
    workspace_id UUID NOT NULL REFERENCES workspaces (id),
    id UUID NOT NULL,
    entity TEXT NOT NULL,
    entity_id UUID NOT NULL,
    action TEXT NOT NULL,
    actor_id UUID,
    at BIGINT NOT NULL,
    diff TEXT NOT NULL,
    PRIMARY KEY (workspace_id, id)
);
CREATE INDEX audit_log_entity ON audit_log (workspace_id, entity, entity_id, at);

CREATE TABLE jobs (
    id UUID NOT NULL PRIMARY KEY,
    workspace_id UUID,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    max_attempts INTEGER NOT NULL,
    run_at BIGINT NOT NULL,
    locked_at BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX jobs_due ON jobs (status, run_at);

CREATE TABLE periodic_jobs (
    kind TEXT NOT NULL PRIMARY KEY,
    interval_ms BIGINT NOT NULL,
    next_run_at BIGINT NOT NULL
);
