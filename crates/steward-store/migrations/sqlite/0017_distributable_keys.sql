-- PostgreSQL's version 17 also makes every key of a council's tables include council_id, so
-- the database can be sharded by council. A SQLite database is one file on one machine and is
-- never sharded, so its keys stay as they are. What is made here serves the same SQL on both:
-- the look-up table, which the store keeps on both databases, and indexes for the look-ups
-- that now name the council too.
--
-- A session cookie or API token arrives before anything says which council it is for; this
-- table answers that from the digest alone. Kept in step by the store whenever a session or
-- token is written or removed.
CREATE TABLE credential_lookup (
    hash TEXT PRIMARY KEY,
    council_id BIGINT NOT NULL REFERENCES councils (id),
    kind TEXT NOT NULL CHECK (kind IN ('session', 'api_token'))
);
INSERT INTO credential_lookup (hash, council_id, kind)
SELECT id_hash, council_id, 'session' FROM sessions;
INSERT INTO credential_lookup (hash, council_id, kind)
SELECT token_hash, council_id, 'api_token' FROM api_tokens;

DROP INDEX sign_in_failures_address;
CREATE INDEX sign_in_failures_address ON sign_in_failures (council_id, address, at);
DROP INDEX users_person;
CREATE INDEX users_person ON users (council_id, person_id);
DROP INDEX sessions_user;
CREATE INDEX sessions_user ON sessions (council_id, user_id);
