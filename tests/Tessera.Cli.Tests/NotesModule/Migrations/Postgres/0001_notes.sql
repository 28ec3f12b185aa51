CREATE TABLE notes_items (
    label      bigserial PRIMARY KEY,
    org_id     uuid NOT NULL,
    text       text NOT NULL,
    vector     bytea NOT NULL
);
