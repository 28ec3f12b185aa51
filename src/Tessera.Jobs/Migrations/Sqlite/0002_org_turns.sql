-- Fair share between organizations: each organization's place in the claim order. A claim serves the waiting
-- organizations with the lowest last_turn first and gives the ones it served the next turns (least recently run
-- first). A row is added when an organization first enqueues.
CREATE TABLE job_org_turns (
    owner_org_id TEXT PRIMARY KEY,
    last_turn    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX ix_job_org_turns_turn ON job_org_turns (last_turn, owner_org_id);
INSERT INTO job_org_turns (owner_org_id) SELECT DISTINCT owner_org_id FROM jobs;

-- An organization's next jobs in priority order, without scanning the others' backlog.
CREATE INDEX ix_jobs_claim_org ON jobs (owner_org_id, priority DESC, run_at, id) WHERE state IN ('queued', 'retrying');
