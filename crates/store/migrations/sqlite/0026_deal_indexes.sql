-- A partner's next steps (My day, My overview) by their own index: since migration 23
-- the covering index of closed deals looked cheaper and every open deal was read.
CREATE INDEX deals_partner_next ON deals (workspace_id, inside_partner_id, status, next_step_due);
-- The forecast reads the open deals expected to close in a period from this index alone.
CREATE INDEX deals_forecast ON deals (workspace_id, status, expected_close, deleted_at, owner_id, stage_id, probability_bp, forecast_category, amount_minor);
