-- The workspace's business calendar (time zone, working hours, Land, closure days) as
-- JSON; none means the standard calendar.
ALTER TABLE workspaces ADD COLUMN calendar TEXT;
