-- Price lists per customer group: a group is an account tag ("Händler", "Großkunde");
-- a catalogue line for an account with that tag takes the list's price.
CREATE TABLE price_lists (
    workspace_id BLOB NOT NULL REFERENCES workspaces (id),
    id BLOB NOT NULL,
    name TEXT NOT NULL,
    customer_group TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by BLOB,
    deleted_at BIGINT,
    PRIMARY KEY (workspace_id, id)
);
CREATE UNIQUE INDEX price_lists_name ON price_lists (workspace_id, name) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX price_lists_group ON price_lists (workspace_id, customer_group) WHERE deleted_at IS NULL;

CREATE TABLE price_list_prices (
    workspace_id BLOB NOT NULL REFERENCES workspaces (id),
    price_list_id BLOB NOT NULL,
    product_id BLOB NOT NULL,
    price_minor BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, price_list_id, product_id)
);
