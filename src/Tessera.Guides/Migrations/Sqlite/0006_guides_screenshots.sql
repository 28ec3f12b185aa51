-- Screenshots taken from a job's video at chosen times. extraction_key is the hash of the job and its sorted times:
-- the same request again (the times in any order) finds the same task, and of racing identical requests the unique
-- index lets one insert. Each time's frame is stored once as a raw frame asset of the job (guides_assets, kind frame).
CREATE TABLE guides_screenshot_tasks (
    id               TEXT PRIMARY KEY,
    job_id           TEXT NOT NULL REFERENCES guides_jobs (id),
    org_id           TEXT NOT NULL,
    user_id          TEXT NOT NULL,
    extraction_key   TEXT NOT NULL,
    timestamps_ms    TEXT NOT NULL,
    status           TEXT NOT NULL,
    engine_job_id    TEXT NULL,
    failure_code     TEXT NULL,
    failure_message  TEXT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    completed_at     TEXT NULL
);
CREATE UNIQUE INDEX guides_screenshot_tasks_key ON guides_screenshot_tasks (job_id, extraction_key);
CREATE INDEX guides_screenshot_tasks_owner ON guides_screenshot_tasks (org_id, user_id);

-- What a SUCCEEDED task took: the frame asset at each of its times.
CREATE TABLE guides_screenshot_shots (
    task_id       TEXT NOT NULL REFERENCES guides_screenshot_tasks (id),
    timestamp_ms  INTEGER NOT NULL,
    asset_id      TEXT NOT NULL REFERENCES guides_assets (id),
    PRIMARY KEY (task_id, timestamp_ms)
);

-- Screenshots a user uploaded for a job (PNG or JPEG): the bytes as sent (sha256), and once confirmed (decoded and
-- checked) the asset made of them, kind upload, stored as PNG. The same bytes uploaded to the same job again find the
-- same upload. Unconfirmed uploads are not blob references, so the sweeper removes bytes nobody confirmed.
CREATE TABLE guides_screenshot_uploads (
    id            TEXT PRIMARY KEY,
    job_id        TEXT NOT NULL REFERENCES guides_jobs (id),
    org_id        TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    size_bytes    INTEGER NOT NULL,
    asset_id      TEXT NULL REFERENCES guides_assets (id),
    created_at    TEXT NOT NULL,
    confirmed_at  TEXT NULL
);
CREATE UNIQUE INDEX guides_screenshot_uploads_bytes ON guides_screenshot_uploads (job_id, sha256);
CREATE INDEX guides_screenshot_uploads_owner ON guides_screenshot_uploads (org_id, user_id);
CREATE UNIQUE INDEX guides_assets_upload ON guides_assets (job_id, sha256) WHERE kind = 'upload';
