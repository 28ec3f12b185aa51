-- The result cache. A task version may declare a cache policy (JSON: ttl_seconds, compatible_versions, enabled);
-- null is the default policy (cached, no expiry, only the same version).
ALTER TABLE chem_tasks ADD COLUMN cache text NULL;

-- Each execution records its input signature (SHA-256 of the canonical JSON of its normalised inputs, its
-- parameters with the schema's defaults applied, the task name and version and the tools' versions) with those
-- components, so a miss can be explained field by field. An execution served by another one (a hit on a completed
-- execution, or joined to one in flight) names it in cached_from and has no job of its own.
ALTER TABLE chem_executions ALTER COLUMN job_id DROP NOT NULL;
ALTER TABLE chem_executions ADD COLUMN input_signature text NULL;
ALTER TABLE chem_executions ADD COLUMN signature_components text NULL;
ALTER TABLE chem_executions ADD COLUMN cached_from uuid NULL REFERENCES chem_executions (id);
ALTER TABLE chem_executions ADD COLUMN cache_outcome text NULL;
CREATE INDEX chem_executions_signature ON chem_executions (org_id, input_signature, completed_at);
CREATE INDEX chem_executions_task ON chem_executions (org_id, task_name, created_at);
