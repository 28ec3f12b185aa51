-- Regenerate tasks: an instruction's steps written again from the transcript (all, or the selected blocks). A client's
-- request id is unique per instruction, so a replay finds its task and of racing identical requests one inserts;
-- request_hash is what the request asked, so the same id asking something else is refused. provenance is frozen when
-- it SUCCEEDED.
CREATE TABLE guides_tasks (
    id                 uuid PRIMARY KEY,
    instruction_id     uuid NOT NULL REFERENCES guides_instructions (id),
    job_id             uuid NOT NULL REFERENCES guides_jobs (id),
    org_id             uuid NOT NULL,
    user_id            uuid NOT NULL,
    client_request_id  text NOT NULL,
    request_hash       text NOT NULL,
    base_version       integer NOT NULL,
    block_ids          text NULL,
    status             text NOT NULL,
    engine_job_id      uuid NULL,
    result_version     integer NULL,
    provenance         text NULL,
    failure_code       text NULL,
    failure_message    text NULL,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    completed_at       timestamptz NULL
);
CREATE UNIQUE INDEX guides_tasks_client_request ON guides_tasks (instruction_id, client_request_id);
CREATE INDEX guides_tasks_owner ON guides_tasks (org_id, user_id);
