CREATE TABLE notes_items (
    label      INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id     TEXT NOT NULL,
    text       TEXT NOT NULL,
    vector     BLOB NOT NULL
);
