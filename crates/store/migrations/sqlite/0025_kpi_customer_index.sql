-- Whether an account had been won before a period: looked up per account (the KPI
-- count of new customers) instead of through every win before the period.
CREATE INDEX deals_account_won ON deals (workspace_id, account_id, status, closed_at, deleted_at);
