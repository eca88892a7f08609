-- Accounts, sessions, failed sign-ins and API tokens. Secrets are never stored: passwords as
-- argon2id PHC strings, session ids and API tokens as the SHA-256 hex of the secret.

CREATE TABLE users (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    council_id BIGINT NOT NULL REFERENCES councils (id),
    username TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('member', 'officer', 'auditor', 'admin')),
    person_id BIGINT,
    password_hash TEXT NOT NULL,
    must_change_password BIGINT NOT NULL CHECK (must_change_password IN (0, 1)),
    disabled BIGINT NOT NULL CHECK (disabled IN (0, 1)),
    created_at TEXT NOT NULL,
    password_changed_at TEXT NOT NULL,
    last_sign_in_at TEXT,
    CHECK (person_id IS NOT NULL OR role IN ('auditor', 'admin')),
    FOREIGN KEY (council_id, person_id) REFERENCES people (council_id, id)
);
CREATE UNIQUE INDEX users_username_unique ON users (council_id, username);
CREATE UNIQUE INDEX users_council_scope ON users (council_id, id);
CREATE INDEX users_person ON users (person_id);

CREATE TABLE sessions (
    id_hash TEXT NOT NULL,
    council_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    ended_at TEXT,
    csrf_token TEXT NOT NULL,
    CONSTRAINT sessions_pkey PRIMARY KEY (id_hash),
    FOREIGN KEY (council_id, user_id) REFERENCES users (council_id, id)
);
CREATE INDEX sessions_user ON sessions (user_id);

-- The username as tried (it may name no account) and the client's address; never the password.
CREATE TABLE sign_in_failures (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    council_id BIGINT NOT NULL REFERENCES councils (id),
    username TEXT NOT NULL,
    address TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX sign_in_failures_username ON sign_in_failures (council_id, username, at);
CREATE INDEX sign_in_failures_address ON sign_in_failures (address, at);

CREATE TABLE api_tokens (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    council_id BIGINT NOT NULL,
    token_hash TEXT NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('member', 'officer', 'auditor', 'admin')),
    created_by BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT,
    expires_on TEXT,
    FOREIGN KEY (council_id, created_by) REFERENCES users (council_id, id)
);
CREATE UNIQUE INDEX api_tokens_hash_unique ON api_tokens (token_hash);
CREATE INDEX api_tokens_council ON api_tokens (council_id, id);
CREATE INDEX api_tokens_created_by ON api_tokens (created_by);
