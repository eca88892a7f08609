-- Information requests: freedom of information (FOI) and environmental information (EIR)
-- requests from anyone, and subject access requests (SAR) about a person in the register.
-- Each carries the offices that handle it and the clause that says so, frozen at receipt; the
-- deadline is worked out from the received date, the clarification pauses and any extension,
-- so only those facts are stored. Dates are ISO text. Unique indexes carry the same names as
-- in SQLite.

CREATE TABLE information_requests (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    council_id BIGINT NOT NULL REFERENCES councils (id),
    kind TEXT NOT NULL CHECK (kind IN ('foi', 'eir', 'sar')),
    reference TEXT NOT NULL,
    requester TEXT NOT NULL,
    subject_id BIGINT,
    nation TEXT NOT NULL,
    received_on TEXT NOT NULL,
    summary TEXT NOT NULL,
    handlers TEXT NOT NULL,
    clause TEXT NOT NULL,
    document TEXT NOT NULL,
    extended_to TEXT,
    extension_reason TEXT,
    identity_checked_on TEXT,
    closed_on TEXT,
    outcome TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    FOREIGN KEY (council_id, subject_id) REFERENCES people (council_id, id)
);
CREATE UNIQUE INDEX information_requests_reference_unique
    ON information_requests (council_id, reference);
CREATE UNIQUE INDEX information_requests_council_scope ON information_requests (council_id, id);
CREATE INDEX information_requests_subject ON information_requests (subject_id);

-- The clock stops while the council waits for the requester to clarify what they want.
CREATE TABLE information_request_pauses (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    council_id BIGINT NOT NULL,
    request_id BIGINT NOT NULL,
    asked_on TEXT NOT NULL,
    answered_on TEXT,
    note TEXT NOT NULL,
    FOREIGN KEY (council_id, request_id) REFERENCES information_requests (council_id, id)
);
CREATE INDEX information_request_pauses_request ON information_request_pauses (request_id);

-- Members (or anyone in the register) asked to search for what they hold.
CREATE TABLE information_request_helpers (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    council_id BIGINT NOT NULL,
    request_id BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    asked_on TEXT NOT NULL,
    answered_on TEXT,
    answer TEXT,
    FOREIGN KEY (council_id, request_id) REFERENCES information_requests (council_id, id),
    FOREIGN KEY (council_id, person_id) REFERENCES people (council_id, id)
);
CREATE INDEX information_request_helpers_request ON information_request_helpers (request_id);
CREATE INDEX information_request_helpers_person ON information_request_helpers (person_id);
