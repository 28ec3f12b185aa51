-- Embedding labels of deleted runs, numbered in commit order (SQLite has one writer), so every node's collection
-- drops them from searches: its snapshots may still hold them.
CREATE TABLE omics_deleted_labels (
    sequence   INTEGER PRIMARY KEY AUTOINCREMENT,
    embedder   TEXT NOT NULL,
    model_hash TEXT NOT NULL,
    label      INTEGER NOT NULL
);
CREATE INDEX omics_deleted_labels_partition ON omics_deleted_labels (embedder, model_hash, sequence);
