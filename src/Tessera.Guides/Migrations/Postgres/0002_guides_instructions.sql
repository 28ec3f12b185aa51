-- A job's instructions: the steps the writer drafted from the transcript, then each edit, as versions that never
-- change. current_version is the one a save must name as its base_version (optimistic concurrency).
CREATE TABLE guides_instructions (
    id               uuid PRIMARY KEY,
    job_id           uuid NOT NULL UNIQUE REFERENCES guides_jobs (id),
    org_id           uuid NOT NULL,
    user_id          uuid NOT NULL,
    current_version  integer NOT NULL,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL
);
CREATE INDEX guides_instructions_owner ON guides_instructions (org_id, user_id);

CREATE TABLE guides_instruction_versions (
    instruction_id     uuid NOT NULL REFERENCES guides_instructions (id),
    version            integer NOT NULL,
    blocks             text NOT NULL,
    source             text NOT NULL,
    validation_status  text NOT NULL,
    validation_issues  text NOT NULL,
    created_at         timestamptz NOT NULL,
    PRIMARY KEY (instruction_id, version)
);
