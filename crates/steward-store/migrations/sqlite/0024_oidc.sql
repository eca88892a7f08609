-- Signing in with the council's identity provider (OpenID Connect). The client secret is never
-- kept here: only where the server reads it from (a file or an environment variable).
-- `role_map` is a JSON list of {"value", "role"}: a value of the token's role claim and the
-- Steward role it gives, the first match in list order winning.
CREATE TABLE oidc_settings (
    council_id BIGINT NOT NULL PRIMARY KEY REFERENCES councils (id),
    provider_name TEXT NOT NULL,
    issuer TEXT NOT NULL,
    client_id TEXT NOT NULL,
    secret_source TEXT NOT NULL CHECK (secret_source IN ('file', 'env')),
    secret_name TEXT NOT NULL,
    role_claim TEXT NOT NULL CHECK (role_claim IN ('roles', 'groups')),
    account_key TEXT NOT NULL CHECK (account_key IN ('subject', 'tenant_object')),
    role_map TEXT NOT NULL,
    passwords_off BIGINT NOT NULL CHECK (passwords_off IN (0, 1)),
    updated_at TEXT NOT NULL
);

-- How an account signs in besides its password: the provider's identity it is linked to
-- (`subject:<sub>` or `entra:<tid>/<oid>`), and whether it is an administrator's break-glass
-- account that keeps its password when the council switches passwords off.
CREATE TABLE account_sign_in (
    council_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    external_key TEXT,
    break_glass BIGINT NOT NULL CHECK (break_glass IN (0, 1)),
    PRIMARY KEY (council_id, user_id),
    FOREIGN KEY (council_id, user_id) REFERENCES users (council_id, id)
);
CREATE UNIQUE INDEX account_sign_in_external ON account_sign_in (council_id, external_key);

-- One sign-in at the provider under way: found by the digest of its `state`, used once, good
-- for ten minutes. The nonce and PKCE verifier never leave the server.
CREATE TABLE oidc_attempts (
    council_id BIGINT NOT NULL REFERENCES councils (id),
    state_hash TEXT NOT NULL,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    next_path TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (council_id, state_hash)
);
