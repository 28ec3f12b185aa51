-- A job's instructions: the steps the writer drafted from the transcript, then each edit, as versions that never
-- change. current_version is the one a save must name as its base_version (optimistic concurrency).
CREATE TABLE guides_instructions (
    id               TEXT PRIMARY KEY,
    job_id           TEXT NOT NULL UNIQUE REFERENCES guides_jobs (id),
    org_id           TEXT NOT NULL,
    user_id          TEXT NOT NULL,
    current_version  INTEGER NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX guides_instructions_owner ON guides_instructions (org_id, user_id);

CREATE TABLE guides_instruction_versions (
    instruction_id     TEXT NOT NULL REFERENCES guides_instructions (id),
    version            INTEGER NOT NULL,
    blocks             TEXT NOT NULL,
    source             TEXT NOT NULL,
    validation_status  TEXT NOT NULL,
    validation_issues  TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    PRIMARY KEY (instruction_id, version)
);
