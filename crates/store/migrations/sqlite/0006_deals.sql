-- Pipelines with ordered stages, and deals moving through them. A deal keeps the
-- history of its stages (entered/left) and every slip of its expected close date.
CREATE TABLE pipelines (
    workspace_id BLOB NOT NULL REFERENCES workspaces (id),
    id BLOB NOT NULL,
    name TEXT NOT NULL,
    position BIGINT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by BLOB,
    deleted_at BIGINT,
    PRIMARY KEY (workspace_id, id)
);

CREATE TABLE stages (
    workspace_id BLOB NOT NULL REFERENCES workspaces (id),
    id BLOB NOT NULL,
    pipeline_id BLOB NOT NULL,
    name TEXT NOT NULL,
    position BIGINT NOT NULL,
    probability_bp BIGINT NOT NULL,
    rotting_days BIGINT,
    exit_criteria TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by BLOB,
    deleted_at BIGINT,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, pipeline_id) REFERENCES pipelines (workspace_id, id)
);
CREATE INDEX stages_pipeline ON stages (workspace_id, pipeline_id, position);

CREATE TABLE deals (
    workspace_id BLOB NOT NULL REFERENCES workspaces (id),
    id BLOB NOT NULL,
    title TEXT NOT NULL,
    name_key TEXT NOT NULL,
    search_text TEXT NOT NULL,
    account_id BLOB NOT NULL,
    pipeline_id BLOB NOT NULL,
    stage_id BLOB NOT NULL,
    amount_minor BIGINT,
    currency TEXT,
    probability_bp BIGINT,
    expected_close TEXT,
    owner_id BLOB,
    inside_partner_id BLOB,
    next_step TEXT,
    next_step_due TEXT,
    source TEXT,
    status TEXT NOT NULL,
    lost_reason TEXT,
    competitor TEXT,
    notes TEXT,
    stage_entered_at BIGINT NOT NULL,
    closed_at BIGINT,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by BLOB,
    deleted_at BIGINT,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, account_id) REFERENCES accounts (workspace_id, id),
    FOREIGN KEY (workspace_id, pipeline_id) REFERENCES pipelines (workspace_id, id),
    FOREIGN KEY (workspace_id, stage_id) REFERENCES stages (workspace_id, id),
    FOREIGN KEY (workspace_id, owner_id) REFERENCES users (workspace_id, id),
    FOREIGN KEY (workspace_id, inside_partner_id) REFERENCES users (workspace_id, id)
);
CREATE INDEX deals_name ON deals (workspace_id, name_key, id);
CREATE INDEX deals_updated ON deals (workspace_id, updated_at, id);
CREATE INDEX deals_created ON deals (workspace_id, created_at, id);
CREATE INDEX deals_stage ON deals (workspace_id, stage_id, status);
CREATE INDEX deals_owner ON deals (workspace_id, owner_id, updated_at, id);
CREATE INDEX deals_partner ON deals (workspace_id, inside_partner_id);
CREATE INDEX deals_account ON deals (workspace_id, account_id);

CREATE TABLE deal_contacts (
    workspace_id BLOB NOT NULL REFERENCES workspaces (id),
    deal_id BLOB NOT NULL,
    contact_id BLOB NOT NULL,
    role TEXT NOT NULL,
    position BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, deal_id, contact_id),
    FOREIGN KEY (workspace_id, deal_id) REFERENCES deals (workspace_id, id),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id)
);
CREATE INDEX deal_contacts_contact ON deal_contacts (workspace_id, contact_id);

CREATE TABLE deal_stage_history (
    workspace_id BLOB NOT NULL REFERENCES workspaces (id),
    id BLOB NOT NULL,
    deal_id BLOB NOT NULL,
    stage_id BLOB NOT NULL,
    entered_at BIGINT NOT NULL,
    left_at BIGINT,
    actor_id BLOB,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, deal_id) REFERENCES deals (workspace_id, id),
    FOREIGN KEY (workspace_id, stage_id) REFERENCES stages (workspace_id, id)
);
CREATE INDEX deal_stage_history_deal ON deal_stage_history (workspace_id, deal_id, entered_at);
CREATE INDEX deal_stage_history_stage ON deal_stage_history (workspace_id, stage_id, entered_at);

CREATE TABLE deal_close_slips (
    workspace_id BLOB NOT NULL REFERENCES workspaces (id),
    id BLOB NOT NULL,
    deal_id BLOB NOT NULL,
    from_date TEXT NOT NULL,
    to_date TEXT NOT NULL,
    at BIGINT NOT NULL,
    actor_id BLOB,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, deal_id) REFERENCES deals (workspace_id, id)
);
CREATE INDEX deal_close_slips_deal ON deal_close_slips (workspace_id, deal_id, at);

-- Activities and tasks can be about a deal. (SQLite cannot add a composite foreign key
-- to an existing table; the store checks the deal exists before it links one.)
ALTER TABLE activities ADD COLUMN deal_id BLOB;
CREATE INDEX activities_deal ON activities (workspace_id, deal_id, occurred_at);
ALTER TABLE tasks ADD COLUMN deal_id BLOB;
CREATE INDEX tasks_deal ON tasks (workspace_id, deal_id);
