-- Rate limits and sign-in throttles, shared by every instance on one database: one row
-- a key (`login:client:<address>`, `login:account:<user>:<address>`, `form:<key>` …).
-- `hits` counts the attempts of the current window (or since the last success),
-- `window_start` is when that window began, `next_at` the earliest next attempt.
-- Installation-wide like sessions and jobs: keys name their workspace's records.
CREATE TABLE rate_limits (
    key TEXT NOT NULL PRIMARY KEY,
    hits BIGINT NOT NULL,
    window_start BIGINT NOT NULL,
    next_at BIGINT NOT NULL
);
CREATE INDEX rate_limits_window ON rate_limits (window_start);
