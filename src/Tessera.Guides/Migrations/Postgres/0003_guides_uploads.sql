-- Who uploaded which video: confirming a job's upload needs the caller's own upload, not merely a hash in the
-- content-addressed blob store (which every organization shares). Unconfirmed uploads are not blob references, so
-- the blob sweeper still removes a video nobody confirmed after its grace period; confirm checks the blob too.
CREATE TABLE guides_uploads (
    org_id       uuid NOT NULL,
    user_id      uuid NOT NULL,
    blob_sha256  text NOT NULL,
    size_bytes   bigint NOT NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (org_id, user_id, blob_sha256)
);
