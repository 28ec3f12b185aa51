-- Cards: the card catalog imported from Scryfall bulk-data files (one row per printing, unique per organization),
-- each card's image URLs per face and size, every import with what it changed, and what the downloader fetched
-- per image URL (the validators it got, so a revalidating rerun can ask "changed since?", and why a URL failed).
CREATE TABLE cards_imports (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    source      TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('running', 'completed', 'failed')),
    cards       INTEGER NOT NULL,
    added       INTEGER NOT NULL,
    changed     INTEGER NOT NULL,
    unchanged   INTEGER NOT NULL,
    removed     INTEGER NOT NULL,
    invalid     INTEGER NOT NULL,
    error       TEXT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT NULL
);
CREATE INDEX cards_imports_org ON cards_imports (org_id, started_at);

CREATE TABLE cards_cards (
    org_id           TEXT NOT NULL,
    id               TEXT NOT NULL,
    oracle_id        TEXT NULL,
    name             TEXT NOT NULL,
    set_code         TEXT NOT NULL,
    collector_number TEXT NOT NULL,
    lang             TEXT NOT NULL,
    layout           TEXT NOT NULL,
    content_hash     TEXT NOT NULL,
    import_id        TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    PRIMARY KEY (org_id, id)
);
CREATE INDEX cards_cards_import ON cards_cards (org_id, import_id);

CREATE TABLE cards_images (
    org_id  TEXT NOT NULL,
    card_id TEXT NOT NULL,
    face    INTEGER NOT NULL,
    size    TEXT NOT NULL,
    url     TEXT NOT NULL,
    PRIMARY KEY (org_id, card_id, face, size),
    FOREIGN KEY (org_id, card_id) REFERENCES cards_cards (org_id, id) ON DELETE CASCADE
);
CREATE INDEX cards_images_size ON cards_images (org_id, size, url);

CREATE TABLE cards_downloads (
    org_id        TEXT NOT NULL,
    url           TEXT NOT NULL,
    file_name     TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('done', 'failed')),
    reason        TEXT NULL,
    http_status   INTEGER NULL,
    etag          TEXT NULL,
    last_modified TEXT NULL,
    bytes         INTEGER NOT NULL,
    sha256        TEXT NULL,
    attempts      INTEGER NOT NULL,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (org_id, url)
);
