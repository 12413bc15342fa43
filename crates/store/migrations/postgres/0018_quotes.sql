-- Quotes, their frozen revisions and timeline, orders, the workspace's quote settings,
-- letterhead and logo, and the purpose of a request type (quote requests, approvals).

-- `quote` marks the type whose requests a quote answers; `approval` the type of the
-- discount approvals a quote over the guardrail asks for.
ALTER TABLE request_types ADD COLUMN purpose TEXT;
UPDATE request_types SET purpose = 'quote' WHERE name IN ('Angebot erstellen', 'Quote');

ALTER TABLE workspaces ADD COLUMN quote_settings TEXT;
ALTER TABLE workspaces ADD COLUMN letterhead TEXT;

CREATE TABLE workspace_logos (
    workspace_id UUID NOT NULL PRIMARY KEY REFERENCES workspaces (id),
    content_type TEXT NOT NULL,
    data BYTEA NOT NULL,
    updated_at BIGINT NOT NULL
);

-- A quote holds its current revision; `content` is the JSON of what a revision freezes
-- (language, currency, validity, texts, discount, lines). Totals are kept for lists.
CREATE TABLE quotes (
    workspace_id UUID NOT NULL REFERENCES workspaces (id),
    id UUID NOT NULL,
    number TEXT NOT NULL,
    revision BIGINT NOT NULL,
    status TEXT NOT NULL,
    account_id UUID NOT NULL,
    contact_id UUID,
    deal_id UUID,
    request_id UUID,
    owner_id UUID NOT NULL,
    quote_date TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    content TEXT NOT NULL,
    currency TEXT NOT NULL,
    net_minor BIGINT NOT NULL,
    gross_minor BIGINT NOT NULL,
    discount_bp BIGINT NOT NULL,
    approval_request_id UUID,
    approved_bp BIGINT,
    sent_at BIGINT,
    closed_at BIGINT,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by UUID,
    deleted_at BIGINT,
    PRIMARY KEY (workspace_id, id)
);
CREATE UNIQUE INDEX quotes_number ON quotes (workspace_id, number);
CREATE INDEX quotes_updated ON quotes (workspace_id, updated_at, id);
CREATE INDEX quotes_account ON quotes (workspace_id, account_id);
CREATE INDEX quotes_deal ON quotes (workspace_id, deal_id);
CREATE INDEX quotes_request ON quotes (workspace_id, request_id);
CREATE INDEX quotes_valid ON quotes (workspace_id, status, valid_until);

-- Each revision as it was sent: the whole document, readable for ever.
CREATE TABLE quote_revisions (
    workspace_id UUID NOT NULL REFERENCES workspaces (id),
    quote_id UUID NOT NULL,
    revision BIGINT NOT NULL,
    quote_date TEXT NOT NULL,
    content TEXT NOT NULL,
    sent_at BIGINT NOT NULL,
    sent_by UUID,
    PRIMARY KEY (workspace_id, quote_id, revision)
);

-- The quote's timeline: created, changed, approval asked/granted/refused, sent,
-- revised, accepted, declined, expired — who, when, with what comment.
CREATE TABLE quote_events (
    workspace_id UUID NOT NULL REFERENCES workspaces (id),
    id UUID NOT NULL,
    quote_id UUID NOT NULL,
    at BIGINT NOT NULL,
    actor_id UUID,
    kind TEXT NOT NULL,
    revision BIGINT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (workspace_id, id)
);
CREATE INDEX quote_events_quote ON quote_events (workspace_id, quote_id, at);

-- An order from an accepted quote, with its own number and delivery date.
CREATE TABLE orders (
    workspace_id UUID NOT NULL REFERENCES workspaces (id),
    id UUID NOT NULL,
    number TEXT NOT NULL,
    quote_id UUID NOT NULL,
    account_id UUID NOT NULL,
    deal_id UUID,
    owner_id UUID NOT NULL,
    order_date TEXT NOT NULL,
    delivery_date TEXT NOT NULL,
    currency TEXT NOT NULL,
    net_minor BIGINT NOT NULL,
    gross_minor BIGINT NOT NULL,
    customer_reference TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by UUID,
    PRIMARY KEY (workspace_id, id)
);
CREATE UNIQUE INDEX orders_number ON orders (workspace_id, number);
CREATE UNIQUE INDEX orders_quote ON orders (workspace_id, quote_id);
CREATE INDEX orders_created ON orders (workspace_id, created_at, id);
