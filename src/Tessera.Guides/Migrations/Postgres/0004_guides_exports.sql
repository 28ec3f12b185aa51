-- Exports of a job's instructions (Markdown or HTML bundles with the screenshots). identity is the hash of what a
-- bundle is made of (format, title, each step's text and screenshot): the same request again finds the job's same
-- export, and of racing identical requests the unique index lets one insert. provenance is frozen when it SUCCEEDED.
CREATE TABLE guides_exports (
    id                   uuid PRIMARY KEY,
    job_id               uuid NOT NULL REFERENCES guides_jobs (id),
    org_id               uuid NOT NULL,
    user_id              uuid NOT NULL,
    instruction_id       uuid NOT NULL REFERENCES guides_instructions (id),
    instruction_version  integer NOT NULL,
    format               text NOT NULL,
    identity             text NOT NULL,
    status               text NOT NULL,
    engine_job_id        uuid NULL,
    bundle_sha256        text NULL,
    bundle_bytes         bigint NULL,
    provenance           text NULL,
    failure_code         text NULL,
    failure_message      text NULL,
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL,
    completed_at         timestamptz NULL
);
CREATE UNIQUE INDEX guides_exports_identity ON guides_exports (job_id, identity);
CREATE INDEX guides_exports_owner ON guides_exports (org_id, user_id);
