-- Finished periods and weekly reports.

-- The facts of finished periods, per person (`owner_id` nil for records nobody owns
-- and the workspace's campaigns), as JSON: recorded by the nightly KPI job, so that
-- trends, averages and rules read them instead of recounting every record.
CREATE TABLE kpi_periods (
    workspace_id UUID NOT NULL REFERENCES workspaces (id),
    period TEXT NOT NULL,
    owner_id UUID NOT NULL,
    facts TEXT NOT NULL,
    recorded_at BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, period, owner_id)
);

-- The metrics' counts read these indexes alone.
DROP INDEX deals_closed;
CREATE INDEX deals_closed ON deals (workspace_id, status, closed_at, deleted_at, owner_id, account_id, amount_minor, created_at);
DROP INDEX deals_expected;
CREATE INDEX deals_expected ON deals (workspace_id, expected_close, deleted_at, owner_id);
DROP INDEX activities_occurred;
CREATE INDEX activities_occurred ON activities (workspace_id, occurred_at, deleted_at, created_by, key_conversation);
DROP INDEX deal_stage_history_left;
CREATE INDEX deal_stage_history_left ON deal_stage_history (workspace_id, left_at, deal_id, stage_id);
DROP INDEX deal_stage_history_deal;
CREATE INDEX deal_stage_history_deal ON deal_stage_history (workspace_id, deal_id, entered_at, stage_id);

-- A rep's weekly report (`week` a period key such as 2026-W49): a draft only its author
-- sees until it is published to the team and the managers.
CREATE TABLE weekly_reports (
    workspace_id UUID NOT NULL REFERENCES workspaces (id),
    id UUID NOT NULL,
    author_id UUID NOT NULL,
    week TEXT NOT NULL,
    body TEXT NOT NULL,
    published_at BIGINT,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by UUID,
    deleted_at BIGINT,
    PRIMARY KEY (workspace_id, id)
);
CREATE UNIQUE INDEX weekly_reports_author ON weekly_reports (workspace_id, author_id, week)
    WHERE deleted_at IS NULL;
CREATE INDEX weekly_reports_week ON weekly_reports (workspace_id, week, published_at);
