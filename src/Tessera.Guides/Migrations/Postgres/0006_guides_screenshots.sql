-- Screenshots taken from a job's video at chosen times. extraction_key is the hash of the job and its sorted times:
-- the same request again (the times in any order) finds the same task, and of racing identical requests the unique
-- index lets one insert. Each time's frame is stored once as a raw frame asset of the job (guides_assets, kind frame).
CREATE TABLE guides_screenshot_tasks (
    id               uuid PRIMARY KEY,
    job_id           uuid NOT NULL REFERENCES guides_jobs (id),
    org_id           uuid NOT NULL,
    user_id          uuid NOT NULL,
    extraction_key   text NOT NULL,
    timestamps_ms    text NOT NULL,
    status           text NOT NULL,
    engine_job_id    uuid NULL,
    failure_code     text NULL,
    failure_message  text NULL,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    completed_at     timestamptz NULL
);
CREATE UNIQUE INDEX guides_screenshot_tasks_key ON guides_screenshot_tasks (job_id, extraction_key);
CREATE INDEX guides_screenshot_tasks_owner ON guides_screenshot_tasks (org_id, user_id);

-- What a SUCCEEDED task took: the frame asset at each of its times.
CREATE TABLE guides_screenshot_shots (
    task_id       uuid NOT NULL REFERENCES guides_screenshot_tasks (id),
    timestamp_ms  bigint NOT NULL,
    asset_id      uuid NOT NULL REFERENCES guides_assets (id),
    PRIMARY KEY (task_id, timestamp_ms)
);

-- Screenshots a user uploaded for a job (PNG or JPEG): the bytes as sent (sha256), and once confirmed (decoded and
-- checked) the asset made of them, kind upload, stored as PNG. The same bytes uploaded to the same job again find the
-- same upload. Unconfirmed uploads are not blob references, so the sweeper removes bytes nobody confirmed.
CREATE TABLE guides_screenshot_uploads (
    id            uuid PRIMARY KEY,
    job_id        uuid NOT NULL REFERENCES guides_jobs (id),
    org_id        uuid NOT NULL,
    user_id       uuid NOT NULL,
    sha256        text NOT NULL,
    size_bytes    bigint NOT NULL,
    asset_id      uuid NULL REFERENCES guides_assets (id),
    created_at    timestamptz NOT NULL,
    confirmed_at  timestamptz NULL
);
CREATE UNIQUE INDEX guides_screenshot_uploads_bytes ON guides_screenshot_uploads (job_id, sha256);
CREATE INDEX guides_screenshot_uploads_owner ON guides_screenshot_uploads (org_id, user_id);
CREATE UNIQUE INDEX guides_assets_upload ON guides_assets (job_id, sha256) WHERE kind = 'upload';
