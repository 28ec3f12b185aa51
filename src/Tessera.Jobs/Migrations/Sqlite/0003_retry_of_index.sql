-- A failed job is retried at most once; this finds its retry without scanning every job.
CREATE INDEX ix_jobs_retry_of ON jobs (retry_of) WHERE retry_of IS NOT NULL;
