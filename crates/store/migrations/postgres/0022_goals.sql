-- Goals and KPIs: quotas and OKRs, the daily KPI snapshots, intervention rules and the
-- cases they open, and the workspace's trust mode.

-- A quota (one metric, one target) or an OKR (`title` is the objective and
-- `key_results` a JSON array of {title, metric, target, current}), for a scope
-- (`workspace`, `team:<id>`, `user:<id>`) and a period (`period_kind` from
-- `period_start`, a date).
CREATE TABLE goals (
    workspace_id UUID NOT NULL REFERENCES workspaces (id),
    id UUID NOT NULL,
    kind TEXT NOT NULL,
    scope TEXT NOT NULL,
    period_kind TEXT NOT NULL,
    period_start TEXT NOT NULL,
    title TEXT,
    metric TEXT,
    target BIGINT,
    key_results TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by UUID,
    deleted_at BIGINT,
    PRIMARY KEY (workspace_id, id)
);
CREATE INDEX goals_scope ON goals (workspace_id, scope, period_start);
-- One quota per metric, scope and period.
CREATE UNIQUE INDEX goals_quota ON goals (workspace_id, scope, period_kind, period_start, metric)
    WHERE deleted_at IS NULL AND kind = 'quota';

-- The figures of one day, per scope and metric: the history of the pipeline (which
-- cannot be recounted afterwards) and of every other metric's current period.
CREATE TABLE kpi_snapshots (
    workspace_id UUID NOT NULL REFERENCES workspaces (id),
    day TEXT NOT NULL,
    scope TEXT NOT NULL,
    metric TEXT NOT NULL,
    value BIGINT,
    PRIMARY KEY (workspace_id, scope, metric, day)
);

CREATE TABLE intervention_rules (
    workspace_id UUID NOT NULL REFERENCES workspaces (id),
    id UUID NOT NULL,
    name TEXT NOT NULL,
    metric TEXT NOT NULL,
    applies_to TEXT NOT NULL,
    period_kind TEXT NOT NULL,
    condition TEXT NOT NULL,
    recovery_periods BIGINT NOT NULL,
    active BOOLEAN NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by UUID,
    deleted_at BIGINT,
    PRIMARY KEY (workspace_id, id)
);

-- A case a rule opened for a person or team (`subject`, a scope key). `figures` holds
-- the series that fired it (JSON), `data` the diagnosis, plan, plan goals and
-- check-ins (JSON). `recovered_period` is set once the metric has recovered: the case
-- then proposes to close. One open case per rule and subject.
CREATE TABLE interventions (
    workspace_id UUID NOT NULL REFERENCES workspaces (id),
    id UUID NOT NULL,
    rule_id UUID NOT NULL,
    subject TEXT NOT NULL,
    subject_user_id UUID,
    status TEXT NOT NULL,
    opened_period TEXT NOT NULL,
    figures TEXT NOT NULL,
    data TEXT NOT NULL,
    recovered_period TEXT,
    closed_at BIGINT,
    closed_by UUID,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by UUID,
    deleted_at BIGINT,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, rule_id) REFERENCES intervention_rules (workspace_id, id)
);
CREATE UNIQUE INDEX interventions_open ON interventions (workspace_id, rule_id, subject)
    WHERE status = 'open';
CREATE INDEX interventions_subject ON interventions (workspace_id, subject, created_at);

-- Trust mode (on by default): a person's activity figures are theirs alone; managers
-- see outcomes and team totals.
ALTER TABLE workspaces ADD COLUMN trust_mode BOOLEAN NOT NULL DEFAULT TRUE;

-- The metrics count what happened in a period: each source by its date.
CREATE INDEX deals_closed ON deals (workspace_id, status, closed_at);
CREATE INDEX deals_expected ON deals (workspace_id, expected_close);
CREATE INDEX deal_stage_history_left ON deal_stage_history (workspace_id, left_at);
CREATE INDEX deal_close_slips_from ON deal_close_slips (workspace_id, from_date);
CREATE INDEX quotes_sent ON quotes (workspace_id, sent_at);
CREATE INDEX requests_closed ON requests (workspace_id, status, closed_at);
CREATE INDEX activities_occurred ON activities (workspace_id, occurred_at);
