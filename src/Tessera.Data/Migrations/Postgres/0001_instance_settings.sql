-- Settings every process of one deployment must share, e.g. the key that signs download URLs.
CREATE TABLE instance_settings (
    key        text PRIMARY KEY,
    value      text NOT NULL,
    created_at timestamptz NOT NULL
);
