-- Regenerate tasks: an instruction's steps written again from the transcript (all, or the selected blocks). A client's
-- request id is unique per instruction, so a replay finds its task and of racing identical requests one inserts;
-- request_hash is what the request asked, so the same id asking something else is refused. provenance is frozen when
-- it SUCCEEDED.
CREATE TABLE guides_tasks (
    id                 TEXT PRIMARY KEY,
    instruction_id     TEXT NOT NULL REFERENCES guides_instructions (id),
    job_id             TEXT NOT NULL REFERENCES guides_jobs (id),
    org_id             TEXT NOT NULL,
    user_id            TEXT NOT NULL,
    client_request_id  TEXT NOT NULL,
    request_hash       TEXT NOT NULL,
    base_version       INTEGER NOT NULL,
    block_ids          TEXT NULL,
    status             TEXT NOT NULL,
    engine_job_id      TEXT NULL,
    result_version     INTEGER NULL,
    provenance         TEXT NULL,
    failure_code       TEXT NULL,
    failure_message    TEXT NULL,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    completed_at       TEXT NULL
);
CREATE UNIQUE INDEX guides_tasks_client_request ON guides_tasks (instruction_id, client_request_id);
CREATE INDEX guides_tasks_owner ON guides_tasks (org_id, user_id);
