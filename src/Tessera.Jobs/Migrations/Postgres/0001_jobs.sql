-- Durable jobs: one row per job (state machine, lease, progress, checkpoint, result), the edges of DAG
-- pipelines, and an append-only event log numbered per job by jobs.event_seq.
CREATE TABLE jobs (
    id                    uuid PRIMARY KEY,
    kind                  text NOT NULL,
    kind_version          integer NOT NULL,
    owner_user_id         uuid NOT NULL,
    owner_org_id          uuid NOT NULL,
    state                 text NOT NULL,
    priority              integer NOT NULL DEFAULT 0,
    run_at                timestamptz NOT NULL,
    input                 text NOT NULL,
    input_hash            text NOT NULL,
    input_signature       text NOT NULL,
    idempotency_key       text NULL,
    attempts              integer NOT NULL DEFAULT 0,
    max_attempts          integer NOT NULL,
    backoff_base_ms       integer NOT NULL,
    lease_owner           text NULL,
    lease_expires_at      timestamptz NULL,
    heartbeat_at          timestamptz NULL,
    cancel_requested      integer NOT NULL DEFAULT 0,
    progress_done         bigint NOT NULL DEFAULT 0,
    progress_total        bigint NULL,
    progress_message      text NULL,
    checkpoint            text NULL,
    result                text NULL,
    error_code            text NULL,
    error_message         text NULL,
    error_detail          text NULL,
    cache_source_id       uuid NULL,
    parent_id             uuid NULL REFERENCES jobs (id),
    pipeline_id           uuid NULL,
    step_name             text NULL,
    on_dependency_failure text NOT NULL DEFAULT 'fail',
    retry_of              uuid NULL,
    event_seq             bigint NOT NULL DEFAULT 0,
    created_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL,
    started_at            timestamptz NULL,
    finished_at           timestamptz NULL,
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
    job_id        uuid NOT NULL REFERENCES jobs (id),
    depends_on_id uuid NOT NULL REFERENCES jobs (id),
    PRIMARY KEY (job_id, depends_on_id)
);
CREATE INDEX ix_job_dependencies_upstream ON job_dependencies (depends_on_id);

CREATE TABLE job_events (
    job_id     uuid NOT NULL REFERENCES jobs (id),
    seq        bigint NOT NULL,
    type       text NOT NULL,
    from_state text NULL,
    to_state   text NULL,
    message    text NULL,
    data       text NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (job_id, seq)
);
