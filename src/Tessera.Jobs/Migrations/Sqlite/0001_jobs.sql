-- Durable jobs: one row per job (state machine, lease, progress, checkpoint, result), the edges of DAG
-- pipelines, and an append-only event log numbered per job by jobs.event_seq.
CREATE TABLE jobs (
    id                    TEXT PRIMARY KEY,
    kind                  TEXT NOT NULL,
    kind_version          INTEGER NOT NULL,
    owner_user_id         TEXT NOT NULL,
    owner_org_id          TEXT NOT NULL,
    state                 TEXT NOT NULL,
    priority              INTEGER NOT NULL DEFAULT 0,
    run_at                TEXT NOT NULL,
    input                 TEXT NOT NULL,
    input_hash            TEXT NOT NULL,
    input_signature       TEXT NOT NULL,
    idempotency_key       TEXT NULL,
    attempts              INTEGER NOT NULL DEFAULT 0,
    max_attempts          INTEGER NOT NULL,
    backoff_base_ms       INTEGER NOT NULL,
    lease_owner           TEXT NULL,
    lease_expires_at      TEXT NULL,
    heartbeat_at          TEXT NULL,
    cancel_requested      INTEGER NOT NULL DEFAULT 0,
    progress_done         INTEGER NOT NULL DEFAULT 0,
    progress_total        INTEGER NULL,
    progress_message      TEXT NULL,
    checkpoint            TEXT NULL,
    result                TEXT NULL,
    error_code            TEXT NULL,
    error_message         TEXT NULL,
    error_detail          TEXT NULL,
    cache_source_id       TEXT NULL,
    parent_id             TEXT NULL REFERENCES jobs (id),
    pipeline_id           TEXT NULL,
    step_name             TEXT NULL,
    on_dependency_failure TEXT NOT NULL DEFAULT 'fail',
    retry_of              TEXT NULL,
    event_seq             INTEGER NOT NULL DEFAULT 0,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    started_at            TEXT NULL,
    finished_at           TEXT NULL,
    UNIQUE (owner_org_id, owner_user_id, idempotency_key)
);
CREATE INDEX ix_jobs_claim ON jobs (priority DESC, run_at, id) WHERE state IN ('queued', 'retrying');
CREATE INDEX ix_jobs_running ON jobs (lease_expires_at) WHERE state = 'running';
CREATE INDEX ix_jobs_running_kind ON jobs (kind, owner_org_id) WHERE state = 'running';
CREATE INDEX ix_jobs_lease_owner ON jobs (lease_owner) WHERE state = 'running';
CREATE INDEX ix_jobs_owner ON jobs (owner_org_id, owner_user_id, created_at);
CREATE INDEX ix_jobs_signature ON jobs (owner_org_id, kind, input_hash);
CREATE INDEX ix_jobs_parent ON jobs (parent_id) WHERE parent_id IS NOT NULL;

CREATE TABLE job_dependencies (
    job_id        TEXT NOT NULL REFERENCES jobs (id),
    depends_on_id TEXT NOT NULL REFERENCES jobs (id),
    PRIMARY KEY (job_id, depends_on_id)
);
CREATE INDEX ix_job_dependencies_upstream ON job_dependencies (depends_on_id);

CREATE TABLE job_events (
    job_id     TEXT NOT NULL REFERENCES jobs (id),
    seq        INTEGER NOT NULL,
    type       TEXT NOT NULL,
    from_state TEXT NULL,
    to_state   TEXT NULL,
    message    TEXT NULL,
    data       TEXT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (job_id, seq)
);
