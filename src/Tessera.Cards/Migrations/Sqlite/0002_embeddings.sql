-- Cards embeddings: one vector per catalog image (card, face) and embedder, with the URL of the image it was
-- computed from (a changed image arrives under a new URL and is embedded again). Labels only grow; the labels of
-- replaced or removed vectors are numbered in commit order (SQLite has one writer) so every node's collection drops
-- them from searches. Every embedding run is recorded with its counts and the images it could not use.
CREATE TABLE cards_embeddings (
    label      INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id     TEXT NOT NULL,
    card_id    TEXT NOT NULL,
    face       INTEGER NOT NULL,
    url        TEXT NOT NULL,
    embedder   TEXT NOT NULL,
    model_hash TEXT NOT NULL,
    dimension  INTEGER NOT NULL,
    vector     BLOB NOT NULL CHECK (length(vector) = dimension * 4),
    created_at TEXT NOT NULL,
    UNIQUE (org_id, embedder, model_hash, card_id, face),
    FOREIGN KEY (org_id, card_id) REFERENCES cards_cards (org_id, id) ON DELETE CASCADE
);
CREATE INDEX cards_embeddings_partition ON cards_embeddings (embedder, model_hash, label);

CREATE TABLE cards_deleted_labels (
    sequence   INTEGER PRIMARY KEY AUTOINCREMENT,
    embedder   TEXT NOT NULL,
    model_hash TEXT NOT NULL,
    label      INTEGER NOT NULL
);
CREATE INDEX cards_deleted_labels_partition ON cards_deleted_labels (embedder, model_hash, sequence);

CREATE TABLE cards_embed_runs (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL,
    embedder    TEXT NOT NULL,
    model_hash  TEXT NOT NULL,
    size        TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('running', 'completed', 'failed')),
    total       INTEGER NOT NULL,
    embedded    INTEGER NOT NULL,
    skipped     INTEGER NOT NULL,
    failed      INTEGER NOT NULL,
    failures    TEXT NOT NULL,
    seconds     REAL NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT NULL
);
CREATE INDEX cards_embed_runs_org ON cards_embed_runs (org_id, started_at);
