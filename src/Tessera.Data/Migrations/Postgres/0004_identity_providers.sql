-- OpenID Connect identity providers per organization, and the external identities (issuer, subject) linked to users.
-- The client secret is stored encrypted (AES-GCM) with a key kept outside the database (see SecretBox).
-- An (issuer, audience) pair names one provider, so a presented token resolves to exactly one organization.
CREATE TABLE identity_providers (
    id                    uuid PRIMARY KEY,
    org_id                uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name                  text NOT NULL,
    issuer                text NOT NULL,
    client_id             text NOT NULL,
    client_secret         text NULL,
    audience              text NOT NULL,
    scopes                text NOT NULL,
    allowed_email_domains text NOT NULL,
    claim_subject         text NOT NULL,
    claim_email           text NOT NULL,
    claim_name            text NOT NULL,
    claim_roles           text NOT NULL,
    role_mappings         text NOT NULL,
    default_role          text NULL CHECK (default_role IN ('admin', 'member', 'viewer')),
    allow_jit             boolean NOT NULL,
    created_at            timestamptz NOT NULL,
    UNIQUE (org_id, name),
    UNIQUE (issuer, audience)
);

CREATE TABLE identities (
    id           uuid PRIMARY KEY,
    provider_id  uuid NOT NULL REFERENCES identity_providers (id) ON DELETE CASCADE,
    issuer       text NOT NULL,
    subject      text NOT NULL,
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    UNIQUE (issuer, subject)
);
CREATE INDEX identities_user ON identities (user_id);
