-- Chem pipelines. A template is an organization's DAG of task steps (JSON: each step's id, task name and version,
-- fixed parameters, and bindings of parameters to the pipeline's inputs or to an upstream step's result), versioned
-- by name like tasks. An instance is one run of a template with the inputs it was given; each of its steps is a chem
-- execution created with the instance, whose job waits on the jobs of the steps it depends on.

-- docking.summarise, the system task a docking pipeline ends with.
INSERT INTO chem_tasks (id, org_id, name, version, description, input_schema, output_schema, resources, created_by, created_at) VALUES
    ('00000000-0000-7000-8000-000000000501', NULL, 'docking.summarise', 1, 'Summarise a docking: pose count, best, mean and spread of the scores, confidence, and whether the best reaches a threshold.', '{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","additionalProperties":false,"properties":{"poses":{"type":"array","description":"The docking''s poses (vina.dock v2 result.poses): each with its score in kcal/mol.","items":{"type":"object","properties":{"score":{"type":"number"}},"required":["score"]}},"confidence":{"type":"number","minimum":0,"maximum":1,"description":"The docking''s confidence (vina.dock v2 result.confidence.value)."},"threshold":{"type":"number","default":-7,"description":"A best score at or below this (kcal/mol) passes."},"label":{"type":"string","description":"What the summary is of (a ligand''s name or SMILES)."}},"required":["poses"]}', '{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","additionalProperties":false,"properties":{"label":{"type":["string","null"]},"pose_count":{"type":"integer"},"best_score":{"type":["number","null"]},"mean_score":{"type":["number","null"]},"score_spread":{"type":["number","null"]},"confidence":{"type":["number","null"]},"threshold":{"type":"number"},"passes":{"type":"boolean"},"verdict":{"type":"string"}},"required":["pose_count","best_score","passes","verdict"]}', '{"cpu":1,"memory_mb":64,"timeout_seconds":10}', NULL, '2026-12-08T00:00:00Z');

CREATE TABLE chem_pipeline_templates (
    id           uuid PRIMARY KEY,
    org_id       uuid NOT NULL,
    name         text NOT NULL,
    version      integer NOT NULL CHECK (version >= 1),
    description  text NOT NULL,
    steps        text NOT NULL,
    inputs       text NOT NULL,
    created_by   uuid NOT NULL,
    created_at   timestamptz NOT NULL,
    UNIQUE (org_id, name, version)
);

CREATE TABLE chem_pipeline_instances (
    id           uuid PRIMARY KEY,
    org_id       uuid NOT NULL,
    user_id      uuid NOT NULL,
    template_id  uuid NOT NULL REFERENCES chem_pipeline_templates (id),
    parameters   text NOT NULL,
    rerun_of     uuid NULL REFERENCES chem_pipeline_instances (id),
    created_at   timestamptz NOT NULL
);
CREATE INDEX chem_pipeline_instances_org ON chem_pipeline_instances (org_id, created_at);

-- One row per step of an instance, in the template's order; depends_on is the JSON list of upstream step ids.
CREATE TABLE chem_pipeline_instance_steps (
    instance_id   uuid NOT NULL REFERENCES chem_pipeline_instances (id),
    step_id       text NOT NULL,
    position      integer NOT NULL,
    task_name     text NOT NULL,
    task_version  integer NOT NULL,
    depends_on    text NOT NULL,
    execution_id  uuid NOT NULL REFERENCES chem_executions (id),
    PRIMARY KEY (instance_id, step_id)
);
