-- Omics runs: an uploaded peptide file, its parsed peptides (one row per distinct sequence in a run, with typed
-- descriptor columns), the records of the file linked to those peptides, and one embedding per peptide (its
-- integer label is the id the vector index stores).
CREATE TABLE omics_runs (
    id                 uuid PRIMARY KEY,
    user_id            uuid NOT NULL,
    org_id             uuid NOT NULL,
    name               text NOT NULL,
    state              text NOT NULL CHECK (state IN ('uploaded', 'parsed', 'embedded', 'failed')),
    file_name          text NOT NULL,
    file_sha256        text NOT NULL,
    file_bytes         bigint NOT NULL,
    format             text NULL,
    embedder           text NULL,
    embedder_dimension integer NULL,
    model_hash         text NULL,
    pooling            text NULL,
    truncation_policy  text NULL,
    record_count       integer NOT NULL DEFAULT 0,
    peptide_count      integer NOT NULL DEFAULT 0,
    error_count        integer NOT NULL DEFAULT 0,
    error_report       text NULL,
    failure            text NULL,
    job_id             uuid NULL,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL
);
CREATE INDEX omics_runs_owner ON omics_runs (user_id, org_id, created_at);

CREATE TABLE omics_peptides (
    id                uuid PRIMARY KEY,
    run_id            uuid NOT NULL REFERENCES omics_runs (id) ON DELETE CASCADE,
    ordinal           integer NOT NULL,
    sequence          text NOT NULL,
    length            integer NOT NULL,
    molecular_weight  double precision NOT NULL,
    net_charge_ph7    double precision NOT NULL,
    isoelectric_point double precision NOT NULL,
    gravy             double precision NOT NULL,
    aromaticity       double precision NOT NULL,
    instability_index double precision NOT NULL,
    composition       text NOT NULL,
    UNIQUE (run_id, sequence),
    UNIQUE (run_id, ordinal)
);

CREATE TABLE omics_records (
    run_id        uuid NOT NULL REFERENCES omics_runs (id) ON DELETE CASCADE,
    record_number integer NOT NULL,
    record_id     text NOT NULL,
    line          integer NOT NULL,
    peptide_id    uuid NOT NULL REFERENCES omics_peptides (id) ON DELETE CASCADE,
    metadata      text NULL,
    PRIMARY KEY (run_id, record_number),
    UNIQUE (run_id, record_id)
);

CREATE TABLE omics_embeddings (
    label      bigserial PRIMARY KEY,
    peptide_id uuid NOT NULL UNIQUE REFERENCES omics_peptides (id) ON DELETE CASCADE,
    run_id     uuid NOT NULL REFERENCES omics_runs (id) ON DELETE CASCADE,
    embedder   text NOT NULL,
    model_hash text NOT NULL,
    dimension  integer NOT NULL,
    vector     bytea NOT NULL CHECK (length(vector) = dimension * 4),
    created_at timestamptz NOT NULL
);
CREATE INDEX omics_embeddings_embedder ON omics_embeddings (embedder, model_hash);
