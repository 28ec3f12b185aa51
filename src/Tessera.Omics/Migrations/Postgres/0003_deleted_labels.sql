-- Embedding labels of deleted runs, numbered in commit order (a deletion locks the table), so every node's
-- collection drops them from searches: its snapshots may still hold them.
CREATE TABLE omics_deleted_labels (
    sequence   bigserial PRIMARY KEY,
    embedder   text NOT NULL,
    model_hash text NOT NULL,
    label      bigint NOT NULL
);
CREATE INDEX omics_deleted_labels_partition ON omics_deleted_labels (embedder, model_hash, sequence);
