-- The newest snapshot of each collection partition that a node built, kept in the blob store, so the other
-- nodes of a deployment load it instead of rebuilding from the database.
CREATE TABLE vector_snapshots (
    collection    text NOT NULL,
    partition_key text NOT NULL,
    embedder      text NOT NULL,
    model_hash    text NOT NULL,
    dimension     integer NOT NULL,
    through_label bigint NOT NULL,
    vector_count  integer NOT NULL,
    blob_sha256   text NOT NULL,
    published_by  uuid NOT NULL,
    published_at  timestamptz NOT NULL,
    PRIMARY KEY (collection, partition_key)
);
