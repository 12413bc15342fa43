-- The product catalogue: SKU (unique among live products), name, unit, list price,
-- VAT rate (basis points), active flag; folded name and text for sorting and search.
CREATE TABLE products (
    workspace_id BLOB NOT NULL REFERENCES workspaces (id),
    id BLOB NOT NULL,
    sku TEXT NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    description TEXT,
    unit TEXT NOT NULL,
    price_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    tax TEXT NOT NULL,
    active BOOLEAN NOT NULL,
    search_text TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    created_by BLOB,
    deleted_at BIGINT,
    PRIMARY KEY (workspace_id, id)
);
CREATE UNIQUE INDEX products_sku ON products (workspace_id, sku) WHERE deleted_at IS NULL;
CREATE INDEX products_name ON products (workspace_id, name_key, id);

-- Running numbers per workspace, name (quote, order) and year (0 for sequences that
-- never restart): taken in the transaction that uses the number, so they are gapless.
CREATE TABLE number_sequences (
    workspace_id BLOB NOT NULL REFERENCES workspaces (id),
    name TEXT NOT NULL,
    year BIGINT NOT NULL,
    value BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, name, year)
);
