-- Marks the system tasks' parameters that name a molecule or a stored file with the annotation keyword
-- "x-tessera-input" ("molecule": SMILES or a molecule id; "artifact": an artifact id), so the web form offers a file
-- upload for them. An annotation changes no validation, default or cache signature, so the versions stay as they are.
UPDATE chem_tasks
SET input_schema = REPLACE(input_schema, '"molecule":{"type":"string","minLength":1,', '"molecule":{"type":"string","minLength":1,"x-tessera-input":"molecule",')
WHERE org_id IS NULL AND name LIKE 'obabel.%';

UPDATE chem_tasks
SET input_schema = REPLACE(REPLACE(REPLACE(input_schema,
        '"receptor":{"type":"string","minLength":1,', '"receptor":{"type":"string","minLength":1,"x-tessera-input":"artifact",'),
        '"ligand":{"type":"string","minLength":1,', '"ligand":{"type":"string","minLength":1,"x-tessera-input":"artifact",'),
        '"reference_ligand":{"type":"string","minLength":1,', '"reference_ligand":{"type":"string","minLength":1,"x-tessera-input":"artifact",')
WHERE org_id IS NULL AND name = 'vina.dock';
