-- Screenshot assets of a job: a frame of its video (kind frame, raw: never changed) or a frame drawn on
-- (kind annotated: its source asset, the operations and their hash). Rows never change; the blobs are PNGs.
CREATE TABLE guides_assets (
    id               TEXT PRIMARY KEY,
    job_id           TEXT NOT NULL REFERENCES guides_jobs (id),
    org_id           TEXT NOT NULL,
    user_id          TEXT NOT NULL,
    kind             TEXT NOT NULL,
    sha256           TEXT NOT NULL,
    source_asset_id  TEXT NULL REFERENCES guides_assets (id),
    ops_hash         TEXT NULL,
    ops              TEXT NULL,
    width            INTEGER NOT NULL,
    height           INTEGER NOT NULL,
    created_at       TEXT NOT NULL
);
CREATE UNIQUE INDEX guides_assets_frame ON guides_assets (job_id, sha256) WHERE kind = 'frame';
CREATE UNIQUE INDEX guides_assets_render ON guides_assets (source_asset_id, ops_hash) WHERE kind = 'annotated';

-- An anchor pins screenshots to a step of the instructions: by block id, with the quoted text (the char range it was
-- made on) as the fallback when that block is gone. Each save resolves it against the new version: resolved (same
-- place), moved (elsewhere, or found by its quote), or orphaned.
CREATE TABLE guides_anchors (
    id                 TEXT PRIMARY KEY,
    instruction_id     TEXT NOT NULL REFERENCES guides_instructions (id),
    job_id             TEXT NOT NULL REFERENCES guides_jobs (id),
    org_id             TEXT NOT NULL,
    user_id            TEXT NOT NULL,
    block_id           TEXT NOT NULL,
    char_start         INTEGER NULL,
    char_end           INTEGER NULL,
    quote              TEXT NOT NULL,
    created_version    INTEGER NOT NULL,
    created_index      INTEGER NOT NULL,
    resolved_version   INTEGER NOT NULL,
    resolved_block_id  TEXT NULL,
    resolved_index     INTEGER NULL,
    resolution         TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE UNIQUE INDEX guides_anchors_address ON guides_anchors (instruction_id, block_id, COALESCE(char_start, -1), COALESCE(char_end, -1));

-- The assets attached to an anchor, in order; the active one is the newest not detached. Detaching never deletes the
-- asset (raw frames and renders stay as they are).
CREATE TABLE guides_anchor_assets (
    anchor_id    TEXT NOT NULL REFERENCES guides_anchors (id),
    seq          INTEGER NOT NULL,
    asset_id     TEXT NOT NULL REFERENCES guides_assets (id),
    attached_at  TEXT NOT NULL,
    detached_at  TEXT NULL,
    PRIMARY KEY (anchor_id, seq)
);

-- What an export bundles: the version's steps with each anchored step's active screenshot, fixed when it was
-- requested (its identity is the hash of this), so a later annotation cannot change an export already asked for.
ALTER TABLE guides_exports ADD COLUMN blocks TEXT NULL;
