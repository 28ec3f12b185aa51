-- Guides: projects, and jobs that turn a narrated screen recording into instructions. A job's status moves only
-- through the transitions GuideJobStatus allows, each recorded once in guides_job_transitions.
CREATE TABLE guides_projects (
    id          TEXT PRIMARY KEY,
    org_id      TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    name        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX guides_projects_owner ON guides_projects (org_id, user_id, created_at);

CREATE TABLE guides_jobs (
    id               TEXT PRIMARY KEY,
    project_id       TEXT NOT NULL REFERENCES guides_projects (id),
    org_id           TEXT NOT NULL,
    user_id          TEXT NOT NULL,
    status           TEXT NOT NULL,
    video_uri        TEXT NULL,
    video_sha256     TEXT NULL,
    engine_job_id    TEXT NULL,
    retry_of         TEXT NULL UNIQUE REFERENCES guides_jobs (id),
    checkpoint       TEXT NULL,
    failure_code     TEXT NULL,
    failure_message  TEXT NULL,
    artifacts        TEXT NULL,
    transcript       TEXT NULL,
    last_sequence    INTEGER NOT NULL DEFAULT 0,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX guides_jobs_owner ON guides_jobs (org_id, user_id, project_id, created_at);

-- Every status change, once: who made it (api, worker, callback) and why.
CREATE TABLE guides_job_transitions (
    job_id       TEXT NOT NULL REFERENCES guides_jobs (id),
    seq          INTEGER NOT NULL,
    from_status  TEXT NOT NULL,
    to_status    TEXT NOT NULL,
    actor        TEXT NOT NULL,
    reason       TEXT NULL,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (job_id, seq)
);

-- Accepted worker callbacks by event id (webhook-id), so a replay is recognised and a reused id with another body refused.
CREATE TABLE guides_callback_events (
    job_id          TEXT NOT NULL REFERENCES guides_jobs (id),
    event_id        TEXT NOT NULL,
    payload_sha256  TEXT NOT NULL,
    sequence        INTEGER NOT NULL,
    status          TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (job_id, event_id)
);

-- The blobs a job's processing stored (frames, audio), so the blob sweeper keeps them.
CREATE TABLE guides_job_blobs (
    job_id       TEXT NOT NULL REFERENCES guides_jobs (id),
    kind         TEXT NOT NULL,
    blob_sha256  TEXT NOT NULL,
    PRIMARY KEY (job_id, kind, blob_sha256)
);
