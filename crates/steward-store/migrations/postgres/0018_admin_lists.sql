-- The administrative lists paged in the database (accounts, API tokens, phone bills and
-- statements, web monitoring findings), and invitations to choose one's own password.
--
-- Every order a list offers gets an index (council, sort expression, id). The search index
-- gains accounts (by username), tokens (by name) and phone lines (by number); the program
-- fills those words for rows already stored when this migration runs, and keeps them after.

CREATE INDEX users_username ON users (council_id, username, id);
CREATE INDEX users_role ON users (council_id, role, id);
CREATE INDEX users_created ON users (council_id, created_at, id);
CREATE INDEX users_last_sign_in ON users (council_id, COALESCE(last_sign_in_at, ''), id);

CREATE INDEX api_tokens_created ON api_tokens (council_id, created_at, id);
CREATE INDEX api_tokens_name ON api_tokens (council_id, lower(name), id);
CREATE INDEX api_tokens_last_used ON api_tokens (council_id, COALESCE(last_used_at, ''), id);
CREATE INDEX api_tokens_expires ON api_tokens (council_id, COALESCE(expires_on, '9999-12-31'), id);

CREATE INDEX phone_bills_period ON phone_bills (council_id, period, id);
CREATE INDEX phone_bills_imported ON phone_bills (council_id, imported_on, id);
CREATE INDEX phone_bills_council_line ON phone_bills (council_id, line_id, id);
CREATE INDEX phone_calls_council_person ON phone_calls (council_id, person_id, bill_id);
CREATE INDEX phone_statements_issued ON phone_statements (council_id, issued_on, id);
CREATE INDEX phone_statements_amount ON phone_statements (council_id, amount, id);
CREATE INDEX phone_statements_council_person ON phone_statements (council_id, person_id, id);
CREATE INDEX phone_statements_council_bill ON phone_statements (council_id, bill_id, id);

-- A finding is listed once per identity, category and day, however many logs saw it: the
-- row with the lowest id stands for the others, found through the cell index.
CREATE INDEX web_findings_day_id ON web_findings (council_id, day, id);
CREATE INDEX web_findings_category ON web_findings (council_id, category, id);
CREATE INDEX web_findings_cell ON web_findings (council_id, day, identity, category, id);
CREATE INDEX web_findings_person_day ON web_findings (council_id, person_id, day, id);

-- An invitation to choose a password. The link's secret is made when the message carrying it
-- is sent and only its SHA-256 is kept (`token_hash`); a message sent again gets a new one,
-- which ends the old. `withdrawn_at` is set when a newer invitation replaces it.
CREATE TABLE account_invitations (
    id BIGINT GENERATED ALWAYS AS IDENTITY,
    council_id BIGINT NOT NULL REFERENCES councils (id),
    user_id BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    token_hash TEXT,
    sent_at TEXT,
    expires_at TEXT,
    used_at TEXT,
    withdrawn_at TEXT,
    CHECK ((token_hash IS NULL) = (expires_at IS NULL)),
    -- Keys include council_id, as every council-owned table's do (see version 17).
    PRIMARY KEY (council_id, id),
    FOREIGN KEY (council_id, user_id) REFERENCES users (council_id, id)
);
CREATE UNIQUE INDEX account_invitations_token_unique ON account_invitations (council_id, token_hash);
CREATE INDEX account_invitations_user ON account_invitations (council_id, user_id, id);

-- A message to an account rather than to a person (an invitation to an account that is not
-- linked to anyone in the register).
ALTER TABLE outbox ADD COLUMN user_id BIGINT,
    ADD FOREIGN KEY (council_id, user_id) REFERENCES users (council_id, id);
