-- OpenID Connect identity providers per organization, and the external identities (issuer, subject) linked to users.
-- The client secret is stored encrypted (AES-GCM) with a key kept outside the database (see SecretBox).
-- An (issuer, audience) pair names one provider, so a presented token resolves to exactly one organization.
CREATE TABLE identity_providers (
    id                    TEXT PRIMARY KEY,
    org_id                TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name                  TEXT NOT NULL,
    issuer                TEXT NOT NULL,
    client_id             TEXT NOT NULL,
    client_secret         TEXT NULL,
    audience              TEXT NOT NULL,
    scopes                TEXT NOT NULL,
    allowed_email_domains TEXT NOT NULL,
    claim_subject         TEXT NOT NULL,
    claim_email           TEXT NOT NULL,
    claim_name            TEXT NOT NULL,
    claim_roles           TEXT NOT NULL,
    role_mappings         TEXT NOT NULL,
    default_role          TEXT NULL CHECK (default_role IN ('admin', 'member', 'viewer')),
    allow_jit             INTEGER NOT NULL,
    created_at            TEXT NOT NULL,
    UNIQUE (org_id, name),
    UNIQUE (issuer, audience)
);

CREATE TABLE identities (
    id           TEXT PRIMARY KEY,
    provider_id  TEXT NOT NULL REFERENCES identity_providers (id) ON DELETE CASCADE,
    issuer       TEXT NOT NULL,
    subject      TEXT NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    UNIQUE (issuer, subject)
);
CREATE INDEX identities_user ON identities (user_id);
