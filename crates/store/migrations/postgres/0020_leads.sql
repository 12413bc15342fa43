-- Marketing to sales: campaigns, leads with their engagement and history, web-to-lead
-- forms, the workspace's lead policy, and the link from a handoff request to its lead.

CREATE TABLE campaigns (
    workspace_id UUID NOT NULL REFERENCES workspaces (id),
    id UUID NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    channel TEXT NOT NULL,
    starts_on TEXT,
    ends_on TEXT,
    cost_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    segment TEXT,
    notes TEXT,
    search_text TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by UUID,
    deleted_at BIGINT,
    PRIMARY KEY (workspace_id, id)
);
CREATE UNIQUE INDEX campaigns_name ON campaigns (workspace_id, name_key) WHERE deleted_at IS NULL;

-- A lead. `score` is the score at the last change (it fades with time; pages work it
-- out anew). `answers` holds the qualification answers (JSON object). After the
-- handoff `assignee_id` is the rep and `request_id` the acceptance request; after
-- acceptance the lead points to the account, contact and deal it became.
CREATE TABLE leads (
    workspace_id UUID NOT NULL REFERENCES workspaces (id),
    id UUID NOT NULL,
    salutation TEXT NOT NULL,
    first_name TEXT,
    last_name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    position TEXT,
    company TEXT,
    industry TEXT,
    employees BIGINT,
    website TEXT,
    postal_code TEXT,
    city TEXT,
    country TEXT NOT NULL,
    state TEXT,
    source TEXT NOT NULL,
    campaign_id UUID,
    owner_id UUID,
    status TEXT NOT NULL,
    score BIGINT NOT NULL,
    answers TEXT NOT NULL,
    consent_email BOOLEAN NOT NULL,
    consent_on TEXT,
    consent_source TEXT,
    notes TEXT,
    assignee_id UUID,
    request_id UUID,
    handed_over_at BIGINT,
    reject_reason TEXT,
    reject_comment TEXT,
    account_id UUID,
    contact_id UUID,
    deal_id UUID,
    search_text TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by UUID,
    deleted_at BIGINT,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, campaign_id) REFERENCES campaigns (workspace_id, id),
    FOREIGN KEY (workspace_id, owner_id) REFERENCES users (workspace_id, id),
    FOREIGN KEY (workspace_id, assignee_id) REFERENCES users (workspace_id, id),
    FOREIGN KEY (workspace_id, request_id) REFERENCES requests (workspace_id, id),
    FOREIGN KEY (workspace_id, account_id) REFERENCES accounts (workspace_id, id),
    FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id),
    FOREIGN KEY (workspace_id, deal_id) REFERENCES deals (workspace_id, id)
);
CREATE INDEX leads_created ON leads (workspace_id, created_at, id);
CREATE INDEX leads_name ON leads (workspace_id, name_key, id);
CREATE INDEX leads_status ON leads (workspace_id, status, created_at);
CREATE INDEX leads_campaign ON leads (workspace_id, campaign_id);
CREATE INDEX leads_assignee ON leads (workspace_id, assignee_id, status);
CREATE INDEX leads_email ON leads (workspace_id, email);

-- What happened to a lead: engagement (kind = the engagement, with its points) and
-- its history (created, status, handed_over, accepted, rejected, …; data = details).
CREATE TABLE lead_events (
    workspace_id UUID NOT NULL REFERENCES workspaces (id),
    id UUID NOT NULL,
    lead_id UUID NOT NULL,
    at BIGINT NOT NULL,
    actor_id UUID,
    kind TEXT NOT NULL,
    points BIGINT,
    data TEXT NOT NULL,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, lead_id) REFERENCES leads (workspace_id, id)
);
CREATE INDEX lead_events_lead ON lead_events (workspace_id, lead_id, at);
CREATE INDEX lead_events_kind ON lead_events (workspace_id, kind, at);

-- Web-to-lead forms: a public key per form; leads arrive with its campaign and owner.
CREATE TABLE lead_forms (
    workspace_id UUID NOT NULL REFERENCES workspaces (id),
    id UUID NOT NULL,
    name TEXT NOT NULL,
    form_key TEXT NOT NULL,
    campaign_id UUID,
    owner_id UUID,
    active BOOLEAN NOT NULL,
    consent_text TEXT NOT NULL,
    thanks_url TEXT,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by UUID,
    deleted_at BIGINT,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, campaign_id) REFERENCES campaigns (workspace_id, id),
    FOREIGN KEY (workspace_id, owner_id) REFERENCES users (workspace_id, id)
);
CREATE UNIQUE INDEX lead_forms_key ON lead_forms (form_key);

ALTER TABLE workspaces ADD COLUMN lead_settings TEXT;
ALTER TABLE requests ADD COLUMN lead_id UUID;
