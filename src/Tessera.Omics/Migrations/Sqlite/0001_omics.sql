-- Omics runs: an uploaded peptide file, its parsed peptides (one row per distinct sequence in a run, with typed
-- descriptor columns), the records of the file linked to those peptides, and one embedding per peptide (its
-- integer label is the id the vector index stores).
CREATE TABLE omics_runs (
    id                 TEXT PRIMARY KEY,
    user_id            TEXT NOT NULL,
    org_id             TEXT NOT NULL,
    name               TEXT NOT NULL,
    state              TEXT NOT NULL CHECK (state IN ('uploaded', 'parsed', 'embedded', 'failed')),
    file_name          TEXT NOT NULL,
    file_sha256        TEXT NOT NULL,
    file_bytes         INTEGER NOT NULL,
    format             TEXT NULL,
    embedder           TEXT NULL,
    embedder_dimension INTEGER NULL,
    model_hash         TEXT NULL,
    pooling            TEXT NULL,
    truncation_policy  TEXT NULL,
    record_count       INTEGER NOT NULL DEFAULT 0,
    peptide_count      INTEGER NOT NULL DEFAULT 0,
    error_count        INTEGER NOT NULL DEFAULT 0,
    error_report       TEXT NULL,
    failure            TEXT NULL,
    job_id             TEXT NULL,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE INDEX omics_runs_owner ON omics_runs (user_id, org_id, created_at);

CREATE TABLE omics_peptides (
    id                TEXT PRIMARY KEY,
    run_id            TEXT NOT NULL REFERENCES omics_runs (id) ON DELETE CASCADE,
    ordinal           INTEGER NOT NULL,
    sequence          TEXT NOT NULL,
    length            INTEGER NOT NULL,
    molecular_weight  REAL NOT NULL,
    net_charge_ph7    REAL NOT NULL,
    isoelectric_point REAL NOT NULL,
    gravy             REAL NOT NULL,
    aromaticity       REAL NOT NULL,
    instability_index REAL NOT NULL,
    composition       TEXT NOT NULL,
    UNIQUE (run_id, sequence),
    UNIQUE (run_id, ordinal)
);

CREATE TABLE omics_records (
    run_id        TEXT NOT NULL REFERENCES omics_runs (id) ON DELETE CASCADE,
    record_number INTEGER NOT NULL,
    record_id     TEXT NOT NULL,
    line          INTEGER NOT NULL,
    peptide_id    TEXT NOT NULL REFERENCES omics_peptides (id) ON DELETE CASCADE,
    metadata      TEXT NULL,
    PRIMARY KEY (run_id, record_number),
    UNIQUE (run_id, record_id)
);

CREATE TABLE omics_embeddings (
    label      INTEGER PRIMARY KEY AUTOINCREMENT,
    peptide_id TEXT NOT NULL UNIQUE REFERENCES omics_peptides (id) ON DELETE CASCADE,
    run_id     TEXT NOT NULL REFERENCES omics_runs (id) ON DELETE CASCADE,
    embedder   TEXT NOT NULL,
    model_hash TEXT NOT NULL,
    dimension  INTEGER NOT NULL,
    vector     BLOB NOT NULL CHECK (length(vector) = dimension * 4),
    created_at TEXT NOT NULL
);
CREATE INDEX omics_embeddings_embedder ON omics_embeddings (embedder, model_hash);
