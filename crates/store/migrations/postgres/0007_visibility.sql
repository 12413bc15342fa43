-- Record visibility per role (own, team or all) as a JSON object; missing roles use
-- the role's default.
ALTER TABLE workspaces ADD COLUMN visibility TEXT NOT NULL DEFAULT '{}';
