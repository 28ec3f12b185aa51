-- Chem executions: one run of a task version with its parameters, carried out by a job (kind chem.execute) on the
-- job engine, which holds its state, attempts, error and events. The row records who asked, which task version and
-- service ran it, and, once the job succeeded, the result together with the artifacts it stored (one transaction).
CREATE TABLE chem_executions (
    id            uuid PRIMARY KEY,
    org_id        uuid NOT NULL,
    user_id       uuid NOT NULL,
    task_id       uuid NOT NULL REFERENCES chem_tasks (id),
    task_name     text NOT NULL,
    task_version  integer NOT NULL,
    service       text NOT NULL,
    parameters    text NOT NULL,
    job_id        uuid NOT NULL UNIQUE,
    result        text NULL,
    created_at    timestamptz NOT NULL,
    completed_at  timestamptz NULL
);
CREATE INDEX chem_executions_org ON chem_executions (org_id, id);

-- vina.dock v2 (v1 stays as it was: versions never change): the seed defaults to 0 so every run is repeatable,
-- energy_range and cpu are parameters, and the output names the poses, scores, confidence and pose artifacts.
INSERT INTO chem_tasks (id, org_id, name, version, description, input_schema, output_schema, resources, created_by, created_at) VALUES
    ('00000000-0000-7000-8000-000000000006', NULL, 'vina.dock', 2, 'Dock a ligand into a receptor with AutoDock Vina: poses (SDF and PDBQT), a score per pose and a confidence.', '{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","additionalProperties":false,"properties":{"receptor":{"type":"string","minLength":1,"description":"The receptor: the id of a stored artifact (PDB or PDBQT). PDB is made a rigid PDBQT with Open Babel (-xr) as given: bring its hydrogens."},"ligand":{"type":"string","minLength":1,"description":"The ligand: SMILES (given 3-D coordinates with --gen3d), or the id of a stored molecule (its SMILES) or artifact (SDF, MOL2, PDB or PDBQT: its first structure, its own coordinates). Hydrogens and Gasteiger charges are added."},"box":{"type":"object","additionalProperties":false,"required":["center","size"],"properties":{"center":{"type":"array","items":{"type":"number"},"minItems":3,"maxItems":3,"description":"x, y, z in Å."},"size":{"type":"array","items":{"type":"number","exclusiveMinimum":0,"maximum":126},"minItems":3,"maxItems":3,"description":"Edge lengths along x, y, z in Å."}}},"reference_ligand":{"type":"string","minLength":1,"description":"Put the box around this ligand (an artifact id): its bounding box plus padding on every side."},"padding":{"type":"number","minimum":0,"maximum":20,"default":4},"exhaustiveness":{"type":"integer","minimum":1,"maximum":64,"default":8},"num_modes":{"type":"integer","minimum":1,"maximum":20,"default":9},"energy_range":{"type":"number","exclusiveMinimum":0,"maximum":10,"default":3,"description":"Poses scoring more than this (kcal/mol) above the best are not kept."},"seed":{"type":"integer","minimum":0,"maximum":2147483647,"default":0,"description":"The same inputs and seed give the same poses and scores."},"cpu":{"type":"integer","minimum":1,"maximum":16,"default":1}},"required":["receptor","ligand"],"oneOf":[{"required":["box"]},{"required":["reference_ligand"]}]}', '{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"poses":{"type":"array","items":{"type":"object","properties":{"rank":{"type":"integer"},"score":{"type":"number","description":"kcal/mol"},"rmsd_lb":{"type":"number"},"rmsd_ub":{"type":"number"}},"required":["rank","score","rmsd_lb","rmsd_ub"]}},"best_score":{"type":"number"},"confidence":{"type":"object","properties":{"value":{"type":"number","minimum":0,"maximum":1},"score_gap":{"type":["number","null"]},"score_spread":{"type":"number"},"poses_in_window":{"type":"integer"}},"required":["value"]},"box":{"type":"object","properties":{"center":{"type":"array","items":{"type":"number"}},"size":{"type":"array","items":{"type":"number"}}}},"seed":{"type":"integer"},"vina_seconds":{"type":"number"},"poses_sdf_artifact_id":{"type":"string"},"poses_pdbqt_artifact_id":{"type":"string"}},"required":["poses","best_score","confidence","poses_sdf_artifact_id","poses_pdbqt_artifact_id"]}', '{"cpu":1,"memory_mb":1024,"timeout_seconds":1800}', NULL, '2026-12-07T00:00:00Z');
