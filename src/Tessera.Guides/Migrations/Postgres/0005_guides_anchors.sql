-- Screenshot assets of a job: a frame of its video (kind frame, raw: never changed) or a frame drawn on
-- (kind annotated: its source asset, the operations and their hash). Rows never change; the blobs are PNGs.
CREATE TABLE guides_assets (
    id               uuid PRIMARY KEY,
    job_id           uuid NOT NULL REFERENCES guides_jobs (id),
    org_id           uuid NOT NULL,
    user_id          uuid NOT NULL,
    kind             text NOT NULL,
    sha256           text NOT NULL,
    source_asset_id  uuid NULL REFERENCES guides_assets (id),
    ops_hash         text NULL,
    ops              text NULL,
    width            integer NOT NULL,
    height           integer NOT NULL,
    created_at       timestamptz NOT NULL
);
CREATE UNIQUE INDEX guides_assets_frame ON guides_assets (job_id, sha256) WHERE kind = 'frame';
CREATE UNIQUE INDEX guides_assets_render ON guides_assets (source_asset_id, ops_hash) WHERE kind = 'annotated';

-- An anchor pins screenshots to a step of the instructions: by block id, with the quoted text (the char range it was
-- made on) as the fallback when that block is gone. Each save resolves it against the new version: resolved (same
-- place), moved (elsewhere, or found by its quote), or orphaned.
CREATE TABLE guides_anchors (
    id                 uuid PRIMARY KEY,
    instruction_id     uuid NOT NULL REFERENCES guides_instructions (id),
    job_id             uuid NOT NULL REFERENCES guides_jobs (id),
    org_id             uuid NOT NULL,
    user_id            uuid NOT NULL,
    block_id           text NOT NULL,
    char_start         integer NULL,
    char_end           integer NULL,
    quote              text NOT NULL,
    created_version    integer NOT NULL,
    created_index      integer NOT NULL,
    resolved_version   integer NOT NULL,
    resolved_block_id  text NULL,
    resolved_index     integer NULL,
    resolution         text NOT NULL,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL
);
CREATE UNIQUE INDEX guides_anchors_address ON guides_anchors (instruction_id, block_id, COALESCE(char_start, -1), COALESCE(char_end, -1));

-- The assets attached to an anchor, in order; the active one is the newest not detached. Detaching never deletes the
-- asset (raw frames and renders stay as they are).
CREATE TABLE guides_anchor_assets (
    anchor_id    uuid NOT NULL REFERENCES guides_anchors (id),
    seq          integer NOT NULL,
    asset_id     uuid NOT NULL REFERENCES guides_assets (id),
    attached_at  timestamptz NOT NULL,
    detached_at  timestamptz NULL,
    PRIMARY KEY (anchor_id, seq)
);

-- What an export bundles: the version's steps with each anchored step's active screenshot, fixed when it was
-- requested (its identity is the hash of this), so a later annotation cannot change an export already asked for.
ALTER TABLE guides_exports ADD COLUMN blocks text NULL;
