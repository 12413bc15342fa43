-- The forecast category a deal's owner put it in (commit, best_case, pipeline, omitted);
-- NULL: by its probability.
ALTER TABLE deals ADD COLUMN forecast_category TEXT;
