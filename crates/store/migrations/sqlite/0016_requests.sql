-- Requests between field and inside sales, with their types, timeline, the in-app
-- notifications they cause, each user's notification preferences and the mail outbox.

-- Request types: a name, the SLA in business minutes, the reminder threshold in basis
-- points of the SLA, and the escalation path (comma-separated steps).
CREATE TABLE request_types (
    workspace_id BLOB NOT NULL REFERENCES workspaces (id),
    id BLOB NOT NULL,
    name TEXT NOT NULL,
    sla_minutes BIGINT NOT NULL,
    reminder_bp BIGINT NOT NULL,
    escalation TEXT NOT NULL,
    position BIGINT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by BLOB,
    deleted_at BIGINT,
    PRIMARY KEY (workspace_id, id)
);
CREATE UNIQUE INDEX request_types_name ON request_types (workspace_id, name) WHERE deleted_at IS NULL;

-- A request. The SLA terms are copied from its type when it is made; `due_at` is empty
-- while the clock pauses (`paused_left_ms` keeps the business time that was left).
-- `queue_team_id` is the inside team whose queue holds it while nobody is assigned.
CREATE TABLE requests (
    workspace_id BLOB NOT NULL REFERENCES workspaces (id),
    id BLOB NOT NULL,
    type_id BLOB NOT NULL,
    requester_id BLOB NOT NULL,
    assignee_id BLOB,
    queue_team_id BLOB,
    account_id BLOB,
    deal_id BLOB,
    description TEXT NOT NULL,
    status TEXT NOT NULL,
    sla_minutes BIGINT NOT NULL,
    reminder_bp BIGINT NOT NULL,
    escalation TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    due_at BIGINT,
    -- due_at, or the largest BIGINT while the clock pauses: the queue's sort key.
    due_key BIGINT NOT NULL,
    paused_left_ms BIGINT,
    reminded BOOLEAN NOT NULL,
    escalated BIGINT NOT NULL,
    reassignments BIGINT NOT NULL,
    closed_at BIGINT,
    in_time BOOLEAN,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by BLOB,
    deleted_at BIGINT,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, type_id) REFERENCES request_types (workspace_id, id),
    FOREIGN KEY (workspace_id, requester_id) REFERENCES users (workspace_id, id),
    FOREIGN KEY (workspace_id, assignee_id) REFERENCES users (workspace_id, id),
    FOREIGN KEY (workspace_id, account_id) REFERENCES accounts (workspace_id, id),
    FOREIGN KEY (workspace_id, deal_id) REFERENCES deals (workspace_id, id)
);
CREATE INDEX requests_assignee ON requests (workspace_id, assignee_id, status, due_key);
CREATE INDEX requests_requester ON requests (workspace_id, requester_id, status, due_key);
CREATE INDEX requests_queue ON requests (workspace_id, queue_team_id, status, due_key);
CREATE INDEX requests_open ON requests (workspace_id, status, due_key);
CREATE INDEX requests_deal ON requests (workspace_id, deal_id);
CREATE INDEX requests_account ON requests (workspace_id, account_id);

-- The timeline of a request: every change and every comment, in order.
CREATE TABLE request_events (
    workspace_id BLOB NOT NULL REFERENCES workspaces (id),
    id BLOB NOT NULL,
    request_id BLOB NOT NULL,
    at BIGINT NOT NULL,
    actor_id BLOB,
    kind TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, request_id) REFERENCES requests (workspace_id, id)
);
CREATE INDEX request_events_request ON request_events (workspace_id, request_id, at);

-- In-app notifications; `data` holds what the message needs (names, type, due time).
CREATE TABLE notifications (
    workspace_id BLOB NOT NULL REFERENCES workspaces (id),
    id BLOB NOT NULL,
    user_id BLOB NOT NULL,
    at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    request_id BLOB,
    data TEXT NOT NULL,
    read_at BIGINT,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, user_id) REFERENCES users (workspace_id, id)
);
CREATE INDEX notifications_user ON notifications (workspace_id, user_id, at);
CREATE INDEX notifications_unread ON notifications (workspace_id, user_id, read_at);

-- What a user does not want: a row per event kind and channel switched off.
CREATE TABLE notification_prefs (
    workspace_id BLOB NOT NULL REFERENCES workspaces (id),
    user_id BLOB NOT NULL,
    kind TEXT NOT NULL,
    in_app BOOLEAN NOT NULL,
    email BOOLEAN NOT NULL,
    PRIMARY KEY (workspace_id, user_id, kind),
    FOREIGN KEY (workspace_id, user_id) REFERENCES users (workspace_id, id)
);

-- Mail waiting to be sent by the outbox job.
CREATE TABLE mail_outbox (
    id BLOB NOT NULL PRIMARY KEY,
    workspace_id BLOB NOT NULL REFERENCES workspaces (id),
    to_addr TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    sent_at BIGINT,
    attempts BIGINT NOT NULL,
    last_error TEXT
);
CREATE INDEX mail_outbox_pending ON mail_outbox (sent_at, created_at);

-- The workspace's SMTP settings (JSON); none means mail is off.
ALTER TABLE workspaces ADD COLUMN smtp TEXT;
-- When an absence's open requests were handed to the stand-in (once per absence).
ALTER TABLE absences ADD COLUMN applied_at BIGINT;
-- A tandem's own deadlines per request type (JSON: type id → business minutes).
ALTER TABLE tandems ADD COLUMN sla_overrides TEXT;
