-- Keys a distributed PostgreSQL (Citus) can keep, with every council-owned table sharded by
-- council_id: a shard can only enforce a primary key, unique index or foreign key that
-- includes the distribution column, so each of them now does. Ids keep coming from their
-- identity columns, so they stay distinct within a table and no row, id or link changes;
-- what changes is only which columns the database enforces uniqueness on. `councils` keeps
-- its key on id alone: it becomes a reference table, copied to every node.
--
-- Where a table already had a unique index on (council_id, id) that index becomes the
-- primary key, and the foreign keys that point at it keep pointing at it.

ALTER TABLE pack_versions DROP CONSTRAINT pack_versions_pkey,
    ADD CONSTRAINT pack_versions_pkey PRIMARY KEY USING INDEX pack_versions_council_scope;
ALTER TABLE people DROP CONSTRAINT people_pkey,
    ADD CONSTRAINT people_pkey PRIMARY KEY USING INDEX people_council_scope;
ALTER TABLE terms DROP CONSTRAINT terms_pkey,
    ADD CONSTRAINT terms_pkey PRIMARY KEY (council_id, id);
ALTER TABLE office_holdings DROP CONSTRAINT office_holdings_pkey,
    ADD CONSTRAINT office_holdings_pkey PRIMARY KEY (council_id, id);
ALTER TABLE equipment DROP CONSTRAINT equipment_pkey,
    ADD CONSTRAINT equipment_pkey PRIMARY KEY USING INDEX equipment_council_scope;
ALTER TABLE loans DROP CONSTRAINT loans_pkey,
    ADD CONSTRAINT loans_pkey PRIMARY KEY USING INDEX loans_council_scope;
ALTER TABLE extensions DROP CONSTRAINT extensions_pkey,
    ADD CONSTRAINT extensions_pkey PRIMARY KEY (council_id, id);
ALTER TABLE charges DROP CONSTRAINT charges_pkey,
    ADD CONSTRAINT charges_pkey PRIMARY KEY (council_id, id);
ALTER TABLE acceptances DROP CONSTRAINT acceptances_pkey,
    ADD CONSTRAINT acceptances_pkey PRIMARY KEY (council_id, id);
ALTER TABLE users DROP CONSTRAINT users_pkey,
    ADD CONSTRAINT users_pkey PRIMARY KEY USING INDEX users_council_scope;
ALTER TABLE sign_in_failures DROP CONSTRAINT sign_in_failures_pkey,
    ADD CONSTRAINT sign_in_failures_pkey PRIMARY KEY (council_id, id);
ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_pkey,
    ADD CONSTRAINT api_tokens_pkey PRIMARY KEY (council_id, id);
ALTER TABLE requests DROP CONSTRAINT requests_pkey,
    ADD CONSTRAINT requests_pkey PRIMARY KEY USING INDEX requests_council_scope;
ALTER TABLE request_events DROP CONSTRAINT request_events_pkey,
    ADD CONSTRAINT request_events_pkey PRIMARY KEY (council_id, id);
ALTER TABLE request_approvals DROP CONSTRAINT request_approvals_pkey,
    ADD CONSTRAINT request_approvals_pkey PRIMARY KEY (council_id, id);
ALTER TABLE request_tasks DROP CONSTRAINT request_tasks_pkey,
    ADD CONSTRAINT request_tasks_pkey PRIMARY KEY (council_id, id);
ALTER TABLE web_exceptions DROP CONSTRAINT web_exceptions_pkey,
    ADD CONSTRAINT web_exceptions_pkey PRIMARY KEY (council_id, id);
ALTER TABLE authorised_software DROP CONSTRAINT authorised_software_pkey,
    ADD CONSTRAINT authorised_software_pkey PRIMARY KEY (council_id, id);
ALTER TABLE erasures DROP CONSTRAINT erasures_pkey,
    ADD CONSTRAINT erasures_pkey PRIMARY KEY (council_id, id);
ALTER TABLE cases DROP CONSTRAINT cases_pkey,
    ADD CONSTRAINT cases_pkey PRIMARY KEY USING INDEX cases_council_scope;
ALTER TABLE case_notes DROP CONSTRAINT case_notes_pkey,
    ADD CONSTRAINT case_notes_pkey PRIMARY KEY (council_id, id);
ALTER TABLE withdrawals DROP CONSTRAINT withdrawals_pkey,
    ADD CONSTRAINT withdrawals_pkey PRIMARY KEY (council_id, id);
ALTER TABLE restrictions DROP CONSTRAINT restrictions_pkey,
    ADD CONSTRAINT restrictions_pkey PRIMARY KEY (council_id, id);
ALTER TABLE notices DROP CONSTRAINT notices_pkey,
    ADD CONSTRAINT notices_pkey PRIMARY KEY USING INDEX notices_council_scope;
ALTER TABLE outbox DROP CONSTRAINT outbox_pkey,
    ADD CONSTRAINT outbox_pkey PRIMARY KEY (council_id, id);
ALTER TABLE phone_lines DROP CONSTRAINT phone_lines_pkey,
    ADD CONSTRAINT phone_lines_pkey PRIMARY KEY USING INDEX phone_lines_council_scope;
ALTER TABLE phone_bills DROP CONSTRAINT phone_bills_pkey,
    ADD CONSTRAINT phone_bills_pkey PRIMARY KEY USING INDEX phone_bills_council_scope;
ALTER TABLE phone_calls DROP CONSTRAINT phone_calls_pkey,
    ADD CONSTRAINT phone_calls_pkey PRIMARY KEY (council_id, id);
ALTER TABLE phone_statements DROP CONSTRAINT phone_statements_pkey,
    ADD CONSTRAINT phone_statements_pkey PRIMARY KEY USING INDEX phone_statements_council_scope;
ALTER TABLE phone_payments DROP CONSTRAINT phone_payments_pkey,
    ADD CONSTRAINT phone_payments_pkey PRIMARY KEY (council_id, id);
ALTER TABLE proxy_users DROP CONSTRAINT proxy_users_pkey,
    ADD CONSTRAINT proxy_users_pkey PRIMARY KEY (council_id, id);
ALTER TABLE equipment_addresses DROP CONSTRAINT equipment_addresses_pkey,
    ADD CONSTRAINT equipment_addresses_pkey PRIMARY KEY (council_id, id);
ALTER TABLE web_scans DROP CONSTRAINT web_scans_pkey,
    ADD CONSTRAINT web_scans_pkey PRIMARY KEY USING INDEX web_scans_council_scope;
ALTER TABLE web_findings DROP CONSTRAINT web_findings_pkey,
    ADD CONSTRAINT web_findings_pkey PRIMARY KEY (council_id, id);
ALTER TABLE web_finding_cases DROP CONSTRAINT web_finding_cases_pkey,
    ADD CONSTRAINT web_finding_cases_pkey PRIMARY KEY (council_id, id);
ALTER TABLE information_requests DROP CONSTRAINT information_requests_pkey,
    ADD CONSTRAINT information_requests_pkey PRIMARY KEY USING INDEX information_requests_council_scope;
ALTER TABLE information_request_pauses DROP CONSTRAINT information_request_pauses_pkey,
    ADD CONSTRAINT information_request_pauses_pkey PRIMARY KEY (council_id, id);
ALTER TABLE information_request_helpers DROP CONSTRAINT information_request_helpers_pkey,
    ADD CONSTRAINT information_request_helpers_pkey PRIMARY KEY (council_id, id);

-- A session is found by the digest of its id; the digest stays unique within its council.
ALTER TABLE sessions DROP CONSTRAINT sessions_pkey,
    ADD CONSTRAINT sessions_pkey PRIMARY KEY (council_id, id_hash);

-- The unique rules that named a parent's id without its council, with the council added.
-- Their names stay, so a clash still reads the same to the person who caused it.
DROP INDEX api_tokens_hash_unique;
CREATE UNIQUE INDEX api_tokens_hash_unique ON api_tokens (council_id, token_hash);
DROP INDEX loans_one_open_per_equipment;
CREATE UNIQUE INDEX loans_one_open_per_equipment ON loans (council_id, equipment_id)
    WHERE returned_on IS NULL;
DROP INDEX phone_bills_line_period_unique;
CREATE UNIQUE INDEX phone_bills_line_period_unique ON phone_bills (council_id, line_id, period);
DROP INDEX phone_statements_bill_person_unique;
CREATE UNIQUE INDEX phone_statements_bill_person_unique
    ON phone_statements (council_id, bill_id, person_id);
DROP INDEX request_approvals_one_per_office;
CREATE UNIQUE INDEX request_approvals_one_per_office
    ON request_approvals (council_id, request_id, office);
DROP INDEX request_approvals_one_per_person;
CREATE UNIQUE INDEX request_approvals_one_per_person
    ON request_approvals (council_id, request_id, person_id);

-- A session cookie or API token arrives before anything says which council it is for. This
-- table answers that from the digest alone, so the session or token itself is then read
-- from its council's shard. Kept in step by the store whenever a session or token is
-- written or removed; a reference table under Citus.
CREATE TABLE credential_lookup (
    hash TEXT PRIMARY KEY,
    council_id BIGINT NOT NULL REFERENCES councils (id),
    kind TEXT NOT NULL CHECK (kind IN ('session', 'api_token'))
);
INSERT INTO credential_lookup (hash, council_id, kind)
SELECT id_hash, council_id, 'session' FROM sessions;
INSERT INTO credential_lookup (hash, council_id, kind)
SELECT token_hash, council_id, 'api_token' FROM api_tokens;

-- Indexes for the look-ups that now name the council too.
DROP INDEX sign_in_failures_address;
CREATE INDEX sign_in_failures_address ON sign_in_failures (council_id, address, at);
DROP INDEX users_person;
CREATE INDEX users_person ON users (council_id, person_id);
DROP INDEX sessions_user;
CREATE INDEX sessions_user ON sessions (council_id, user_id);
