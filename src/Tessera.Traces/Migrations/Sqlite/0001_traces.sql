-- Traces: watched folders of agent-run logs (sources), the files found in them and how far each was read, one
-- record per log entry (id = sha256(filename:iteration:idx_in_iteration), unique per organization), one embedding
-- per record (its integer label is the id the vector index stores), and the 2-D map: projection versions (the
-- fitted PCA and how a refit was aligned to the previous map) and each record's point in the current version.
CREATE TABLE traces_sources (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    name          TEXT NOT NULL,
    path          TEXT NOT NULL,
    glob          TEXT NOT NULL,
    format        TEXT NOT NULL CHECK (format IN ('auto', 'seed', 'smolagents', 'swe-agent')),
    embedder      TEXT NULL,
    poll_seconds  INTEGER NOT NULL,
    debounce_ms   INTEGER NOT NULL,
    watch_events  INTEGER NOT NULL CHECK (watch_events IN (0, 1)),
    enabled       INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (org_id, name)
);

CREATE TABLE traces_files (
    source_id     TEXT NOT NULL REFERENCES traces_sources (id) ON DELETE CASCADE,
    path          TEXT NOT NULL,
    format        TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('incomplete', 'processed', 'failed')),
    size_bytes    INTEGER NOT NULL,
    modified_at   TEXT NOT NULL,
    bytes_read    INTEGER NOT NULL,
    lines_read    INTEGER NOT NULL,
    record_count  INTEGER NOT NULL,
    skipped_lines INTEGER NOT NULL,
    problems      TEXT NULL,
    first_seen_at TEXT NOT NULL,
    processed_at  TEXT NULL,
    PRIMARY KEY (source_id, path)
);

CREATE TABLE traces_records (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    id               TEXT NOT NULL,
    org_id           TEXT NOT NULL,
    source_id        TEXT NOT NULL REFERENCES traces_sources (id) ON DELETE CASCADE,
    file_path        TEXT NOT NULL,
    line             INTEGER NOT NULL,
    iteration        INTEGER NOT NULL,
    idx_in_iteration INTEGER NOT NULL,
    type             TEXT NOT NULL,
    text             TEXT NOT NULL,
    timestamp        TEXT NULL,
    created_at       TEXT NOT NULL,
    UNIQUE (org_id, id)
);
CREATE INDEX traces_records_source ON traces_records (source_id, file_path, iteration, idx_in_iteration);

CREATE TABLE traces_embeddings (
    label      INTEGER PRIMARY KEY AUTOINCREMENT,
    record_seq INTEGER NOT NULL UNIQUE REFERENCES traces_records (seq) ON DELETE CASCADE,
    org_id     TEXT NOT NULL,
    embedder   TEXT NOT NULL,
    model_hash TEXT NOT NULL,
    dimension  INTEGER NOT NULL,
    vector     BLOB NOT NULL CHECK (length(vector) = dimension * 4),
    created_at TEXT NOT NULL
);
CREATE INDEX traces_embeddings_org ON traces_embeddings (org_id, embedder, model_hash);

CREATE TABLE traces_projections (
    org_id             TEXT NOT NULL,
    version            INTEGER NOT NULL,
    embedder           TEXT NOT NULL,
    model_hash         TEXT NOT NULL,
    dimension          INTEGER NOT NULL,
    kind               TEXT NOT NULL CHECK (kind IN ('fit', 'refit')),
    fitted_records     INTEGER NOT NULL,
    model              BLOB NOT NULL,
    alignment_residual REAL NULL,
    created_at         TEXT NOT NULL,
    PRIMARY KEY (org_id, version)
);

CREATE TABLE traces_points (
    record_seq INTEGER PRIMARY KEY REFERENCES traces_records (seq) ON DELETE CASCADE,
    org_id     TEXT NOT NULL,
    version    INTEGER NOT NULL,
    x          REAL NOT NULL,
    y          REAL NOT NULL
);
CREATE INDEX traces_points_org ON traces_points (org_id, record_seq);
