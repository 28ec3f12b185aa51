-- Deleted note labels, numbered in commit order (deletions lock the table), for the collection's tombstones.
CREATE TABLE notes_deleted_labels (
    sequence bigserial PRIMARY KEY,
    label    bigint NOT NULL
);
