-- Chem: uploaded molecule files (artifacts: the bytes live in the blob store), the molecules Open Babel read from
-- them (normalised: canonical SMILES, InChIKey, formula, weight, descriptors), and the task registry: versioned
-- task definitions with JSON Schemas, owned by an organization or, for the system tasks seeded below, by none.
CREATE TABLE chem_artifacts (
    id             uuid PRIMARY KEY,
    org_id         uuid NOT NULL,
    user_id        uuid NOT NULL,
    file_name      text NOT NULL,
    format         text NOT NULL CHECK (format IN ('smi', 'csv', 'sdf', 'mol2', 'pdb', 'pdbqt')),
    blob_sha256    text NOT NULL,
    size_bytes     bigint NOT NULL,
    molecule_count integer NOT NULL,
    rejected_count integer NOT NULL,
    rejected       text NOT NULL,
    created_at     timestamptz NOT NULL
);
CREATE INDEX chem_artifacts_org ON chem_artifacts (org_id, created_at);

CREATE TABLE chem_molecules (
    id               uuid PRIMARY KEY,
    org_id           uuid NOT NULL,
    artifact_id      uuid NOT NULL REFERENCES chem_artifacts (id) ON DELETE CASCADE,
    record           integer NOT NULL,
    title            text NULL,
    canonical_smiles text NOT NULL,
    inchikey         text NOT NULL,
    formula          text NOT NULL,
    molecular_weight double precision NOT NULL,
    logp             double precision NOT NULL,
    tpsa             double precision NOT NULL,
    hbd              integer NOT NULL,
    hba              integer NOT NULL,
    rotatable_bonds  integer NOT NULL,
    created_at       timestamptz NOT NULL,
    UNIQUE (artifact_id, record)
);
CREATE INDEX chem_molecules_org ON chem_molecules (org_id, id);
CREATE INDEX chem_molecules_inchikey ON chem_molecules (org_id, inchikey);

CREATE TABLE chem_tasks (
    id            uuid PRIMARY KEY,
    org_id        uuid NULL,
    name          text NOT NULL,
    version       integer NOT NULL CHECK (version >= 1),
    description   text NOT NULL,
    input_schema  text NOT NULL,
    output_schema text NOT NULL,
    resources     text NOT NULL,
    created_by    uuid NULL,
    created_at    timestamptz NOT NULL
);
-- One row per owner, name and version (a system task's owner is none, which a plain UNIQUE would let repeat).
CREATE UNIQUE INDEX chem_tasks_version ON chem_tasks (COALESCE(org_id, '00000000-0000-0000-0000-000000000000'::uuid), name, version);

-- The system tasks (definitions only; their services come later), visible to every organization.
INSERT INTO chem_tasks (id, org_id, name, version, description, input_schema, output_schema, resources, created_by, created_at) VALUES
    ('00000000-0000-7000-8000-000000000001', NULL, 'obabel.convert', 1, 'Convert a molecule between formats with Open Babel.', '{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"molecule":{"type":"string","minLength":1,"description":"A molecule: SMILES, or the id of a stored molecule."},"input_format":{"type":"string","enum":["smi","can","sdf","mol2","pdb","pdbqt","mol","inchi","inchikey","xyz"]},"output_format":{"type":"string","enum":["smi","can","sdf","mol2","pdb","pdbqt","mol","inchi","inchikey","xyz"]},"add_hydrogens":{"type":"boolean","default":false}},"required":["molecule","output_format"],"additionalProperties":false}', '{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"output":{"type":"string"},"output_format":{"type":"string","enum":["smi","can","sdf","mol2","pdb","pdbqt","mol","inchi","inchikey","xyz"]}},"required":["output","output_format"],"additionalProperties":false}', '{"cpu":1,"memory_mb":256,"timeout_seconds":60}', NULL, '2026-12-06T00:00:00Z'),
    ('00000000-0000-7000-8000-000000000002', NULL, 'obabel.gen3d', 1, 'Generate 3-D coordinates for a molecule with Open Babel (--gen3d).', '{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"molecule":{"type":"string","minLength":1,"description":"A molecule: SMILES, or the id of a stored molecule."},"speed":{"type":"string","enum":["fastest","fast","med","slow","slowest"],"default":"med"},"output_format":{"type":"string","enum":["sdf","mol2","pdb","pdbqt"],"default":"sdf"}},"required":["molecule"],"additionalProperties":false}', '{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"output":{"type":"string"},"output_format":{"type":"string"}},"required":["output","output_format"],"additionalProperties":false}', '{"cpu":1,"memory_mb":512,"timeout_seconds":300}', NULL, '2026-12-06T00:00:00Z'),
    ('00000000-0000-7000-8000-000000000003', NULL, 'obabel.protonate', 1, 'Protonate a molecule for a pH with Open Babel (-p).', '{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"molecule":{"type":"string","minLength":1,"description":"A molecule: SMILES, or the id of a stored molecule."},"ph":{"type":"number","minimum":0,"maximum":14,"default":7.4}},"required":["molecule"],"additionalProperties":false}', '{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"smiles":{"type":"string"},"ph":{"type":"number"}},"required":["smiles","ph"],"additionalProperties":false}', '{"cpu":1,"memory_mb":256,"timeout_seconds":60}', NULL, '2026-12-06T00:00:00Z'),
    ('00000000-0000-7000-8000-000000000004', NULL, 'obabel.descriptors', 1, 'Descriptors and a fingerprint of a molecule with Open Babel.', '{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"molecule":{"type":"string","minLength":1,"description":"A molecule: SMILES, or the id of a stored molecule."},"descriptors":{"type":"array","items":{"type":"string","enum":["MW","logP","TPSA","HBD","HBA1","rotors","formula","InChIKey"]},"uniqueItems":true},"fingerprint":{"type":"string","enum":["FP2","FP3","FP4","MACCS","ECFP4"],"default":"FP2"}},"required":["molecule"],"additionalProperties":false}', '{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"descriptors":{"type":"object","additionalProperties":{"type":["number","string"]}},"fingerprint":{"type":"string","description":"hex"}},"required":["descriptors"],"additionalProperties":false}', '{"cpu":1,"memory_mb":256,"timeout_seconds":60}', NULL, '2026-12-06T00:00:00Z'),
    ('00000000-0000-7000-8000-000000000005', NULL, 'vina.dock', 1, 'Dock a ligand into a receptor with AutoDock Vina.', '{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","additionalProperties":false,"properties":{"receptor":{"type":"string","minLength":1,"description":"The receptor: a stored artifact id (PDB or PDBQT)."},"ligand":{"type":"string","minLength":1,"description":"The ligand: SMILES, or a stored molecule or artifact id (SDF)."},"box":{"type":"object","additionalProperties":false,"required":["center","size"],"properties":{"center":{"type":"array","items":{"type":"number"},"minItems":3,"maxItems":3},"size":{"type":"array","items":{"type":"number","exclusiveMinimum":0,"maximum":126},"minItems":3,"maxItems":3}}},"reference_ligand":{"type":"string","minLength":1,"description":"Put the box around this ligand (an artifact id) instead of giving one."},"padding":{"type":"number","minimum":0,"maximum":20,"default":4},"exhaustiveness":{"type":"integer","minimum":1,"maximum":64,"default":8},"num_modes":{"type":"integer","minimum":1,"maximum":20,"default":9},"seed":{"type":"integer","minimum":0,"maximum":2147483647}},"required":["receptor","ligand"],"oneOf":[{"required":["box"]},{"required":["reference_ligand"]}]}', '{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{"poses_sdf":{"type":"string"},"poses_pdbqt":{"type":"string"},"scores":{"type":"array","items":{"type":"number"}},"confidence":{"type":"number"}},"required":["poses_sdf","poses_pdbqt","scores"],"additionalProperties":false}', '{"cpu":4,"memory_mb":1024,"timeout_seconds":1800}', NULL, '2026-12-06T00:00:00Z');
