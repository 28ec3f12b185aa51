-- One organization's execution results, in its own database file. Each attempt that produced a result writes a row;
-- the execution in the shared tables names the one that stands (chem_executions.result_id), and a cache hit names
-- the same row as the execution that served it.
CREATE TABLE execution_results (
    id            TEXT PRIMARY KEY,
    execution_id  TEXT NOT NULL,
    task_name     TEXT NOT NULL,
    task_version  INTEGER NOT NULL,
    result        TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX execution_results_execution ON execution_results (execution_id);
