-- Running totals of the open deals per stage, currency, owner and inside partner, kept
-- in the same transaction as every deal write: the board's sums read a few hundred rows
-- instead of every open deal. No owner or partner is stored as the nil UUID.
CREATE TABLE deal_totals (
    workspace_id BLOB NOT NULL REFERENCES workspaces (id),
    stage_id BLOB NOT NULL,
    currency TEXT NOT NULL,
    owner_key BLOB NOT NULL,
    partner_key BLOB NOT NULL,
    deals BIGINT NOT NULL,
    amount_minor BIGINT NOT NULL,
    -- Sum of round(amount × probability) over the deals with their own probability.
    weighted_own BIGINT NOT NULL,
    -- Sum of the amounts that take the stage's default probability.
    amount_default BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, stage_id, currency, owner_key, partner_key)
);

-- "My day" reads today's meetings and visits of one author.
CREATE INDEX activities_author ON activities (workspace_id, created_by, occurred_at);

-- "My day" reads a user's open deals by next step due.
CREATE INDEX deals_owner_next ON deals (workspace_id, owner_id, status, next_step_due);
