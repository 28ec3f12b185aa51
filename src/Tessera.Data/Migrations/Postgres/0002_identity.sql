-- Organizations, users, memberships with roles, API tokens (stored as SHA-256) and the audit log of writes.
CREATE TABLE organizations (
    id         uuid PRIMARY KEY,
    name       text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL
);

CREATE TABLE users (
    id            uuid PRIMARY KEY,
    email         text NOT NULL UNIQUE,
    display_name  text NOT NULL,
    password_hash text NULL,
    created_at    timestamptz NOT NULL
);

CREATE TABLE memberships (
    org_id     uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       text NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
    created_at timestamptz NOT NULL,
    PRIMARY KEY (org_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE api_tokens (
    id            uuid PRIMARY KEY,
    user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    org_id        uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name          text NOT NULL,
    token_hash    text NOT NULL UNIQUE,
    display_hint  text NOT NULL,
    scopes        text NOT NULL,
    loopback_only boolean NOT NULL DEFAULT false,
    expires_at    timestamptz NULL,
    last_used_at  timestamptz NULL,
    revoked_at    timestamptz NULL,
    created_at    timestamptz NOT NULL
);
CREATE INDEX api_tokens_user ON api_tokens (user_id, created_at);

CREATE TABLE audit_log (
    id             uuid PRIMARY KEY,
    occurred_at    timestamptz NOT NULL,
    user_id        uuid NULL,
    org_id         uuid NULL,
    action         text NOT NULL,
    resource_type  text NOT NULL,
    resource_id    text NULL,
    remote_address text NULL,
    detail         text NULL
);
CREATE INDEX audit_log_org_time ON audit_log (org_id, occurred_at);
