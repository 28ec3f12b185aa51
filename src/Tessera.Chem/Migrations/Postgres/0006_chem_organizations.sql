-- Chem per organization: who may execute a task, the organization's quotas, and each execution's events and tool logs.

-- A task (an organization's own, or a system task as this organization uses it) restricted to named roles or users.
-- No row for a task: every member with tasks:execute may run it. Organization admins (tasks:define) always may.
CREATE TABLE chem_task_permissions (
    org_id      uuid NOT NULL,
    task_name   text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('role', 'user')),
    grantee     text NOT NULL,
    created_by  uuid NOT NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (org_id, task_name, kind, grantee)
);

-- An organization's own quotas; a null column takes the deployment's default (chem:quota_*), 0 is no limit.
CREATE TABLE chem_quotas (
    org_id                     uuid PRIMARY KEY,
    max_concurrent_executions  bigint NULL,
    cpu_seconds_per_day        bigint NULL,
    max_stored_bytes           bigint NULL,
    updated_by                 uuid NOT NULL,
    updated_at                 timestamptz NOT NULL
);

-- When an execution with a job of its own ended (null: queued or running, as far as Chem knows) and the CPU time it
-- was charged (its job's wall time times the task's cpu hint, over every attempt).
ALTER TABLE chem_executions ADD COLUMN finished_at timestamptz NULL;
ALTER TABLE chem_executions ADD COLUMN cpu_seconds double precision NULL;
UPDATE chem_executions SET finished_at = completed_at WHERE completed_at IS NOT NULL;
CREATE INDEX chem_executions_open ON chem_executions (org_id, finished_at);

-- What happened to an execution, in order: cache decision, queued, started, service, tool runs, the outcome.
CREATE TABLE chem_execution_events (
    execution_id  uuid NOT NULL REFERENCES chem_executions (id),
    seq           integer NOT NULL,
    org_id        uuid NOT NULL,
    type          text NOT NULL,
    message       text NOT NULL,
    data          text NULL,
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (execution_id, seq)
);

-- The output of each tool an execution ran (stdout and stderr apart), kept in the blob store.
CREATE TABLE chem_execution_logs (
    id            uuid PRIMARY KEY,
    execution_id  uuid NOT NULL REFERENCES chem_executions (id),
    org_id        uuid NOT NULL,
    step          text NOT NULL,
    tool          text NOT NULL,
    stream        text NOT NULL CHECK (stream IN ('stdout', 'stderr')),
    blob_sha256   text NOT NULL,
    size_bytes    bigint NOT NULL,
    created_at    timestamptz NOT NULL
);
CREATE INDEX chem_execution_logs_execution ON chem_execution_logs (execution_id, created_at);
CREATE INDEX chem_execution_logs_org ON chem_execution_logs (org_id);
