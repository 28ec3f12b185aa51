-- Cards embeddings: one vector per catalog image (card, face) and embedder, with the URL of the image it was
-- computed from (a changed image arrives under a new URL and is embedded again). Labels only grow; the labels of
-- replaced or removed vectors are numbered in commit order (a writer locks the table) so every node's collection
-- drops them from searches. Every embedding run is recorded with its counts and the images it could not use.
CREATE TABLE cards_embeddings (
    label      bigserial PRIMARY KEY,
    org_id     uuid NOT NULL,
    card_id    text NOT NULL,
    face       integer NOT NULL,
    url        text NOT NULL,
    embedder   text NOT NULL,
    model_hash text NOT NULL,
    dimension  integer NOT NULL,
    vector     bytea NOT NULL CHECK (length(vector) = dimension * 4),
    created_at timestamptz NOT NULL,
    UNIQUE (org_id, embedder, model_hash, card_id, face),
    FOREIGN KEY (org_id, card_id) REFERENCES cards_cards (org_id, id) ON DELETE CASCADE
);
CREATE INDEX cards_embeddings_partition ON cards_embeddings (embedder, model_hash, label);

CREATE TABLE cards_deleted_labels (
    sequence   bigserial PRIMARY KEY,
    embedder   text NOT NULL,
    model_hash text NOT NULL,
    label      bigint NOT NULL
);
CREATE INDEX cards_deleted_labels_partition ON cards_deleted_labels (embedder, model_hash, sequence);

CREATE TABLE cards_embed_runs (
    id          uuid PRIMARY KEY,
    org_id      uuid NOT NULL,
    embedder    text NOT NULL,
    model_hash  text NOT NULL,
    size        text NOT NULL,
    state       text NOT NULL CHECK (state IN ('running', 'completed', 'failed')),
    total       integer NOT NULL,
    embedded    integer NOT NULL,
    skipped     integer NOT NULL,
    failed      integer NOT NULL,
    failures    text NOT NULL,
    seconds     double precision NOT NULL,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz NULL
);
CREATE INDEX cards_embed_runs_org ON cards_embed_runs (org_id, started_at);
