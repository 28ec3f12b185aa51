-- The result cache. A task version may declare a cache policy (JSON: ttl_seconds, compatible_versions, enabled);
-- null is the default policy (cached, no expiry, only the same version).
ALTER TABLE chem_tasks ADD COLUMN cache TEXT NULL;

-- Each execution records its input signature (SHA-256 of the canonical JSON of its normalised inputs, its
-- parameters with the schema's defaults applied, the task name and version and the tools' versions) with those
-- components, so a miss can be explained field by field. An execution served by another one (a hit on a completed
-- execution, or joined to one in flight) names it in cached_from and has no job of its own. SQLite cannot drop
-- NOT NULL from job_id, so the table is rebuilt (nothing references it).
CREATE TABLE chem_executions_cached (
    id                    TEXT PRIMARY KEY,
    org_id                TEXT NOT NULL,
    user_id               TEXT NOT NULL,
    task_id               TEXT NOT NULL REFERENCES chem_tasks (id),
    task_name             TEXT NOT NULL,
    task_version          INTEGER NOT NULL,
    service               TEXT NOT NULL,
    parameters            TEXT NOT NULL,
    job_id                TEXT NULL UNIQUE,
    result                TEXT NULL,
    created_at            TEXT NOT NULL,
    completed_at          TEXT NULL,
    input_signature       TEXT NULL,
    signature_components  TEXT NULL,
    cached_from           TEXT NULL REFERENCES chem_executions_cached (id),
    cache_outcome         TEXT NULL
);
INSERT INTO chem_executions_cached (id, org_id, user_id, task_id, task_name, task_version, service, parameters, job_id, result, created_at, completed_at)
    SELECT id, org_id, user_id, task_id, task_name, task_version, service, parameters, job_id, result, created_at, completed_at FROM chem_executions;
DROP TABLE chem_executions;
ALTER TABLE chem_executions_cached RENAME TO chem_executions;
CREATE INDEX chem_executions_org ON chem_executions (org_id, id);
CREATE INDEX chem_executions_signature ON chem_executions (org_id, input_signature, completed_at);
CREATE INDEX chem_executions_task ON chem_executions (org_id, task_name, created_at);
