-- Organizations, users, memberships with roles, API tokens (stored as SHA-256) and the audit log of writes.
CREATE TABLE organizations (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    password_hash TEXT NULL,
    created_at    TEXT NOT NULL
);

CREATE TABLE memberships (
    org_id     TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
    created_at TEXT NOT NULL,
    PRIMARY KEY (org_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE api_tokens (
    id            TEXT PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    org_id        TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    display_hint  TEXT NOT NULL,
    scopes        TEXT NOT NULL,
    loopback_only INTEGER NOT NULL DEFAULT 0,
    expires_at    TEXT NULL,
    last_used_at  TEXT NULL,
    revoked_at    TEXT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX api_tokens_user ON api_tokens (user_id, created_at);

CREATE TABLE audit_log (
    id             TEXT PRIMARY KEY,
    occurred_at    TEXT NOT NULL,
    user_id        TEXT NULL,
    org_id         TEXT NULL,
    action         TEXT NOT NULL,
    resource_type  TEXT NOT NULL,
    resource_id    TEXT NULL,
    remote_address TEXT NULL,
    detail         TEXT NULL
);
CREATE INDEX audit_log_org_time ON audit_log (org_id, occurred_at);
