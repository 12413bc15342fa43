-- Absences (vacation, sick, other), whole days from from_date to to_date inclusive.
CREATE TABLE absences (
    workspace_id UUID NOT NULL REFERENCES workspaces (id),
    id UUID NOT NULL,
    user_id UUID NOT NULL,
    kind TEXT NOT NULL,
    from_date TEXT NOT NULL,
    to_date TEXT NOT NULL,
    note TEXT,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by UUID,
    deleted_at BIGINT,
    PRIMARY KEY (workspace_id, id),
    FOREIGN KEY (workspace_id, user_id) REFERENCES users (workspace_id, id)
);
CREATE INDEX absences_user ON absences (workspace_id, user_id, to_date);
CREATE INDEX absences_dates ON absences (workspace_id, to_date, from_date);
