-- The newest snapshot of each collection partition that a node built, kept in the blob store, so the other
-- nodes of a deployment load it instead of rebuilding from the database.
CREATE TABLE vector_snapshots (
    collection    TEXT NOT NULL,
    partition_key TEXT NOT NULL,
    embedder      TEXT NOT NULL,
    model_hash    TEXT NOT NULL,
    dimension     INTEGER NOT NULL,
    through_label INTEGER NOT NULL,
    vector_count  INTEGER NOT NULL,
    blob_sha256   TEXT NOT NULL,
    published_by  TEXT NOT NULL,
    published_at  TEXT NOT NULL,
    PRIMARY KEY (collection, partition_key)
);
