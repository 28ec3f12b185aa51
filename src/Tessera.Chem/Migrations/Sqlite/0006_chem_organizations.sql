-- Chem per organization: who may execute a task, the organization's quotas, and each execution's events and tool logs.

-- A task (an organization's own, or a system task as this organization uses it) restricted to named roles or users.
-- No row for a task: every member with tasks:execute may run it. Organization admins (tasks:define) always may.
CREATE TABLE chem_task_permissions (
    org_id      TEXT NOT NULL,
    task_name   TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('role', 'user')),
    grantee     TEXT NOT NULL,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (org_id, task_name, kind, grantee)
);

-- An organization's own quotas; a null column takes the deployment's default (chem:quota_*), 0 is no limit.
CREATE TABLE chem_quotas (
    org_id                     TEXT PRIMARY KEY,
    max_concurrent_executions  INTEGER NULL,
    cpu_seconds_per_day        INTEGER NULL,
    max_stored_bytes           INTEGER NULL,
    updated_by                 TEXT NOT NULL,
    updated_at                 TEXT NOT NULL
);

-- When an execution with a job of its own ended (null: queued or running, as far as Chem knows) and the CPU time it
-- was charged (its job's wall time times the task's cpu hint, over every attempt).
ALTER TABLE chem_executions ADD COLUMN finished_at TEXT NULL;
ALTER TABLE chem_executions ADD COLUMN cpu_seconds REAL NULL;
UPDATE chem_executions SET finished_at = completed_at WHERE completed_at IS NOT NULL;
CREATE INDEX chem_executions_open ON chem_executions (org_id, finished_at);

-- What happened to an execution, in order: cache decision, queued, started, service, tool runs, the outcome.
CREATE TABLE chem_execution_events (
    execution_id  TEXT NOT NULL REFERENCES chem_executions (id),
    seq           INTEGER NOT NULL,
    org_id        TEXT NOT NULL,
    type          TEXT NOT NULL,
    message       TEXT NOT NULL,
    data          TEXT NULL,
    created_at    TEXT NOT NULL,
    PRIMARY KEY (execution_id, seq)
);

-- The output of each tool an execution ran (stdout and stderr apart), kept in the blob store.
CREATE TABLE chem_execution_logs (
    id            TEXT PRIMARY KEY,
    execution_id  TEXT NOT NULL REFERENCES chem_executions (id),
    org_id        TEXT NOT NULL,
    step          TEXT NOT NULL,
    tool          TEXT NOT NULL,
    stream        TEXT NOT NULL CHECK (stream IN ('stdout', 'stderr')),
    blob_sha256   TEXT NOT NULL,
    size_bytes    INTEGER NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX chem_execution_logs_execution ON chem_execution_logs (execution_id, created_at);
CREATE INDEX chem_execution_logs_org ON chem_execution_logs (org_id);
