-- Deleted note labels, numbered in commit order (SQLite has one writer), for the collection's tombstones.
CREATE TABLE notes_deleted_labels (
    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
    label    INTEGER NOT NULL
);
