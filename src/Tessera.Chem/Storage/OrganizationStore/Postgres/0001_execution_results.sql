-- One organization's execution results, in its own schema (the connection's search_path). Each attempt that produced
-- a result writes a row; the execution in the shared tables names the one that stands (chem_executions.result_id),
-- and a cache hit names the same row as the execution that served it.
CREATE TABLE execution_results (
    id            uuid PRIMARY KEY,
    execution_id  uuid NOT NULL,
    task_name     text NOT NULL,
    task_version  integer NOT NULL,
    result        text NOT NULL,
    created_at    timestamptz NOT NULL
);
CREATE INDEX execution_results_execution ON execution_results (execution_id);
