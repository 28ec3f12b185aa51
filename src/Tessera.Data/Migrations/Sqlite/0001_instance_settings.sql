-- Settings every process of one deployment must share, e.g. the key that signs download URLs.
CREATE TABLE instance_settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    created_at TEXT NOT NULL
);
