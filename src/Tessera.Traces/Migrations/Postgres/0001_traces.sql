-- Traces: watched folders of agent-run logs (sources), the files found in them and how far each was read, one
-- record per log entry (id = sha256(filename:iteration:idx_in_iteration), unique per organization), one embedding
-- per record (its integer label is the id the vector index stores), and the 2-D map: projection versions (the
-- fitted PCA and how a refit was aligned to the previous map) and each record's point in the current version.
CREATE TABLE traces_sources (
    id            uuid PRIMARY KEY,
    org_id        uuid NOT NULL,
    user_id       uuid NOT NULL,
    name          text NOT NULL,
    path          text NOT NULL,
    glob          text NOT NULL,
    format        text NOT NULL CHECK (format IN ('auto', 'seed', 'smolagents', 'swe-agent')),
    embedder      text NULL,
    poll_seconds  integer NOT NULL,
    debounce_ms   integer NOT NULL,
    watch_events  boolean NOT NULL,
    enabled       boolean NOT NULL,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    UNIQUE (org_id, name)
);

CREATE TABLE traces_files (
    source_id     uuid NOT NULL REFERENCES traces_sources (id) ON DELETE CASCADE,
    path          text NOT NULL,
    format        text NOT NULL,
    state         text NOT NULL CHECK (state IN ('incomplete', 'processed', 'failed')),
    size_bytes    bigint NOT NULL,
    modified_at   timestamptz NOT NULL,
    bytes_read    bigint NOT NULL,
    lines_read    integer NOT NULL,
    record_count  integer NOT NULL,
    skipped_lines integer NOT NULL,
    problems      text NULL,
    first_seen_at timestamptz NOT NULL,
    processed_at  timestamptz NULL,
    PRIMARY KEY (source_id, path)
);

CREATE TABLE traces_records (
    seq              bigserial PRIMARY KEY,
    id               text NOT NULL,
    org_id           uuid NOT NULL,
    source_id        uuid NOT NULL REFERENCES traces_sources (id) ON DELETE CASCADE,
    file_path        text NOT NULL,
    line             integer NOT NULL,
    iteration        integer NOT NULL,
    idx_in_iteration integer NOT NULL,
    type             text NOT NULL,
    text             text NOT NULL,
    timestamp        timestamptz NULL,
    created_at       timestamptz NOT NULL,
    UNIQUE (org_id, id)
);
CREATE INDEX traces_records_source ON traces_records (source_id, file_path, iteration, idx_in_iteration);

CREATE TABLE traces_embeddings (
    label      bigserial PRIMARY KEY,
    record_seq bigint NOT NULL UNIQUE REFERENCES traces_records (seq) ON DELETE CASCADE,
    org_id     uuid NOT NULL,
    embedder   text NOT NULL,
    model_hash text NOT NULL,
    dimension  integer NOT NULL,
    vector     bytea NOT NULL CHECK (length(vector) = dimension * 4),
    created_at timestamptz NOT NULL
);
CREATE INDEX traces_embeddings_org ON traces_embeddings (org_id, embedder, model_hash);

CREATE TABLE traces_projections (
    org_id             uuid NOT NULL,
    version            integer NOT NULL,
    embedder           text NOT NULL,
    model_hash         text NOT NULL,
    dimension          integer NOT NULL,
    kind               text NOT NULL CHECK (kind IN ('fit', 'refit')),
    fitted_records     integer NOT NULL,
    model              bytea NOT NULL,
    alignment_residual double precision NULL,
    created_at         timestamptz NOT NULL,
    PRIMARY KEY (org_id, version)
);

CREATE TABLE traces_points (
    record_seq bigint PRIMARY KEY REFERENCES traces_records (seq) ON DELETE CASCADE,
    org_id     uuid NOT NULL,
    version    integer NOT NULL,
    x          double precision NOT NULL,
    y          double precision NOT NULL
);
CREATE INDEX traces_points_org ON traces_points (org_id, record_seq);
