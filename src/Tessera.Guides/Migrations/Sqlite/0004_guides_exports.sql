-- Exports of a job's instructions (Markdown or HTML bundles with the screenshots). identity is the hash of what a
-- bundle is made of (format, title, each step's text and screenshot): the same request again finds the job's same
-- export, and of racing identical requests the unique index lets one insert. provenance is frozen when it SUCCEEDED.
CREATE TABLE guides_exports (
    id                   TEXT PRIMARY KEY,
    job_id               TEXT NOT NULL REFERENCES guides_jobs (id),
    org_id               TEXT NOT NULL,
    user_id              TEXT NOT NULL,
    instruction_id       TEXT NOT NULL REFERENCES guides_instructions (id),
    instruction_version  INTEGER NOT NULL,
    format               TEXT NOT NULL,
    identity             TEXT NOT NULL,
    status               TEXT NOT NULL,
    engine_job_id        TEXT NULL,
    bundle_sha256        TEXT NULL,
    bundle_bytes         INTEGER NULL,
    provenance           TEXT NULL,
    failure_code         TEXT NULL,
    failure_message      TEXT NULL,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    completed_at         TEXT NULL
);
CREATE UNIQUE INDEX guides_exports_identity ON guides_exports (job_id, identity);
CREATE INDEX guides_exports_owner ON guides_exports (org_id, user_id);
