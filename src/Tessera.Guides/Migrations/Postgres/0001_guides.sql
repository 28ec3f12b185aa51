-- Guides: projects, and jobs that turn a narrated screen recording into instructions. A job's status moves only
-- through the transitions GuideJobStatus allows, each recorded once in guides_job_transitions.
CREATE TABLE guides_projects (
    id          uuid PRIMARY KEY,
    org_id      uuid NOT NULL,
    user_id     uuid NOT NULL,
    name        text NOT NULL,
    created_at  timestamptz NOT NULL
);
CREATE INDEX guides_projects_owner ON guides_projects (org_id, user_id, created_at);

CREATE TABLE guides_jobs (
    id               uuid PRIMARY KEY,
    project_id       uuid NOT NULL REFERENCES guides_projects (id),
    org_id           uuid NOT NULL,
    user_id          uuid NOT NULL,
    status           text NOT NULL,
    video_uri        text NULL,
    video_sha256     text NULL,
    engine_job_id    uuid NULL,
    retry_of         uuid NULL UNIQUE REFERENCES guides_jobs (id),
    checkpoint       text NULL,
    failure_code     text NULL,
    failure_message  text NULL,
    artifacts        text NULL,
    transcript       text NULL,
    last_sequence    bigint NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL
);
CREATE INDEX guides_jobs_owner ON guides_jobs (org_id, user_id, project_id, created_at);

-- Every status change, once: who made it (api, worker, callback) and why.
CREATE TABLE guides_job_transitions (
    job_id       uuid NOT NULL REFERENCES guides_jobs (id),
    seq          integer NOT NULL,
    from_status  text NOT NULL,
    to_status    text NOT NULL,
    actor        text NOT NULL,
    reason       text NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (job_id, seq)
);

-- Accepted worker callbacks by event id (webhook-id), so a replay is recognised and a reused id with another body refused.
CREATE TABLE guides_callback_events (
    job_id          uuid NOT NULL REFERENCES guides_jobs (id),
    event_id        text NOT NULL,
    payload_sha256  text NOT NULL,
    sequence        bigint NOT NULL,
    status          text NOT NULL,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (job_id, event_id)
);

-- The blobs a job's processing stored (frames, audio), so the blob sweeper keeps them.
CREATE TABLE guides_job_blobs (
    job_id       uuid NOT NULL REFERENCES guides_jobs (id),
    kind         text NOT NULL,
    blob_sha256  text NOT NULL,
    PRIMARY KEY (job_id, kind, blob_sha256)
);
