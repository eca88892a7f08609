-- Setting a council up from the browser. A setup address is handed out on the server's console
-- while the database holds no council, so this table alone has no council_id: it exists
-- before any council does. Only a digest of the address's secret is kept, with its expiry; the
-- answers given so far wait in `draft` (JSON; the administrator's password only as its
-- argon2id hash) and are cleared when setup completes.
CREATE TABLE setup_tokens (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    draft TEXT NOT NULL,
    used_at TEXT
);

-- The name and email address of an account that is not linked to a person in the register,
-- such as the administrator who set the council up.
CREATE TABLE account_contacts (
    council_id BIGINT NOT NULL REFERENCES councils (id),
    user_id BIGINT NOT NULL PRIMARY KEY REFERENCES users (id),
    full_name TEXT NOT NULL,
    email TEXT NOT NULL
);

-- The mail server chosen at setup; `steward serve` sends through it when no --smtp is given.
-- Credentials never live here: they come from the server's environment.
CREATE TABLE mail_settings (
    council_id BIGINT NOT NULL PRIMARY KEY REFERENCES councils (id),
    security TEXT NOT NULL CHECK (security IN ('plain', 'starttls', 'tls')),
    host TEXT NOT NULL,
    port BIGINT NOT NULL CHECK (port BETWEEN 1 AND 65535),
    mail_from TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
