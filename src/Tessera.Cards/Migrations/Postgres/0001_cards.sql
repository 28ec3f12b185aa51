-- Cards: the card catalog imported from Scryfall bulk-data files (one row per printing, unique per organization),
-- each card's image URLs per face and size, every import with what it changed, and what the downloader fetched
-- per image URL (the validators it got, so a revalidating rerun can ask "changed since?", and why a URL failed).
CREATE TABLE cards_imports (
    id          uuid PRIMARY KEY,
    org_id      uuid NOT NULL,
    user_id     uuid NOT NULL,
    source      text NOT NULL,
    state       text NOT NULL CHECK (state IN ('running', 'completed', 'failed')),
    cards       integer NOT NULL,
    added       integer NOT NULL,
    changed     integer NOT NULL,
    unchanged   integer NOT NULL,
    removed     integer NOT NULL,
    invalid     integer NOT NULL,
    error       text NULL,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz NULL
);
CREATE INDEX cards_imports_org ON cards_imports (org_id, started_at);

CREATE TABLE cards_cards (
    org_id           uuid NOT NULL,
    id               text NOT NULL,
    oracle_id        text NULL,
    name             text NOT NULL,
    set_code         text NOT NULL,
    collector_number text NOT NULL,
    lang             text NOT NULL,
    layout           text NOT NULL,
    content_hash     text NOT NULL,
    import_id        uuid NOT NULL,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    PRIMARY KEY (org_id, id)
);
CREATE INDEX cards_cards_import ON cards_cards (org_id, import_id);

CREATE TABLE cards_images (
    org_id  uuid NOT NULL,
    card_id text NOT NULL,
    face    integer NOT NULL,
    size    text NOT NULL,
    url     text NOT NULL,
    PRIMARY KEY (org_id, card_id, face, size),
    FOREIGN KEY (org_id, card_id) REFERENCES cards_cards (org_id, id) ON DELETE CASCADE
);
CREATE INDEX cards_images_size ON cards_images (org_id, size, url);

CREATE TABLE cards_downloads (
    org_id        uuid NOT NULL,
    url           text NOT NULL,
    file_name     text NOT NULL,
    state         text NOT NULL CHECK (state IN ('done', 'failed')),
    reason        text NULL,
    http_status   integer NULL,
    etag          text NULL,
    last_modified timestamptz NULL,
    bytes         bigint NOT NULL,
    sha256        text NULL,
    attempts      integer NOT NULL,
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (org_id, url)
);
