-- Requests and incidents with their history, approvals and follow-ups; what approved
-- requests granted (web exceptions, authorised software) and recorded erasures; breach cases
-- with their notes and outcomes (withdrawn access, restrictions on items). JSON columns hold
-- what a request of one kind carries, the approval rule it was raised under, and a case's
-- handling offices.

ALTER TABLE loans ADD COLUMN ended_as TEXT;

CREATE TABLE requests (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    council_id BIGINT NOT NULL REFERENCES councils (id),
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    requester_id BIGINT,
    raised_by TEXT NOT NULL,
    equipment_id BIGINT,
    loan_id BIGINT,
    summary TEXT NOT NULL,
    details TEXT NOT NULL,
    handler TEXT NOT NULL,
    handler_name TEXT NOT NULL,
    clause TEXT NOT NULL,
    document TEXT NOT NULL,
    urgency TEXT NOT NULL,
    due_at TEXT,
    assignee_id BIGINT,
    approval TEXT,
    outcome TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    closed_at TEXT,
    FOREIGN KEY (council_id, requester_id) REFERENCES people (council_id, id),
    FOREIGN KEY (council_id, assignee_id) REFERENCES people (council_id, id),
    FOREIGN KEY (council_id, equipment_id) REFERENCES equipment (council_id, id),
    FOREIGN KEY (council_id, loan_id) REFERENCES loans (council_id, id)
);
CREATE UNIQUE INDEX requests_council_scope ON requests (council_id, id);
CREATE INDEX requests_council ON requests (council_id, state);

CREATE TABLE request_events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    council_id BIGINT NOT NULL,
    request_id BIGINT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    internal BIGINT NOT NULL CHECK (internal IN (0, 1)),
    FOREIGN KEY (council_id, request_id) REFERENCES requests (council_id, id)
);
CREATE INDEX request_events_request ON request_events (request_id);

CREATE TABLE request_approvals (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    council_id BIGINT NOT NULL,
    request_id BIGINT NOT NULL,
    office TEXT NOT NULL,
    person_id BIGINT NOT NULL,
    decision TEXT NOT NULL,
    reason TEXT NOT NULL,
    at TEXT NOT NULL,
    FOREIGN KEY (council_id, request_id) REFERENCES requests (council_id, id),
    FOREIGN KEY (council_id, person_id) REFERENCES people (council_id, id)
);
CREATE UNIQUE INDEX request_approvals_one_per_person ON request_approvals (request_id, person_id);
CREATE UNIQUE INDEX request_approvals_one_per_office ON request_approvals (request_id, office);

CREATE TABLE request_tasks (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    council_id BIGINT NOT NULL,
    request_id BIGINT NOT NULL,
    title TEXT NOT NULL,
    done_at TEXT,
    done_by TEXT,
    note TEXT,
    FOREIGN KEY (council_id, request_id) REFERENCES requests (council_id, id)
);
CREATE INDEX request_tasks_request ON request_tasks (request_id);

CREATE TABLE web_exceptions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    council_id BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    host TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    request_id BIGINT NOT NULL,
    clause TEXT NOT NULL,
    FOREIGN KEY (council_id, person_id) REFERENCES people (council_id, id),
    FOREIGN KEY (council_id, request_id) REFERENCES requests (council_id, id)
);
CREATE INDEX web_exceptions_council ON web_exceptions (council_id, ends_at);

CREATE TABLE authorised_software (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    council_id BIGINT NOT NULL,
    equipment_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    authorised_on TEXT NOT NULL,
    request_id BIGINT NOT NULL,
    clause TEXT NOT NULL,
    FOREIGN KEY (council_id, equipment_id) REFERENCES equipment (council_id, id),
    FOREIGN KEY (council_id, request_id) REFERENCES requests (council_id, id)
);
CREATE INDEX authorised_software_equipment ON authorised_software (equipment_id);

CREATE TABLE erasures (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    council_id BIGINT NOT NULL,
    equipment_id BIGINT NOT NULL,
    erased_on TEXT NOT NULL,
    method TEXT NOT NULL,
    certificate TEXT,
    recorded_by TEXT NOT NULL,
    request_id BIGINT,
    state_after TEXT NOT NULL,
    FOREIGN KEY (council_id, equipment_id) REFERENCES equipment (council_id, id),
    FOREIGN KEY (council_id, request_id) REFERENCES requests (council_id, id)
);
CREATE INDEX erasures_equipment ON erasures (equipment_id);

CREATE TABLE cases (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    council_id BIGINT NOT NULL REFERENCES councils (id),
    subject_id BIGINT,
    reporter_id BIGINT,
    source TEXT NOT NULL,
    summary TEXT NOT NULL,
    details TEXT NOT NULL,
    handlers TEXT NOT NULL,
    clause TEXT NOT NULL,
    document TEXT NOT NULL,
    state TEXT NOT NULL,
    escalated_to TEXT,
    escalation_clause TEXT,
    escalated_at TEXT,
    outcome TEXT,
    outcome_clause TEXT,
    outcome_note TEXT,
    created_at TEXT NOT NULL,
    closed_at TEXT,
    FOREIGN KEY (council_id, subject_id) REFERENCES people (council_id, id),
    FOREIGN KEY (council_id, reporter_id) REFERENCES people (council_id, id)
);
CREATE UNIQUE INDEX cases_council_scope ON cases (council_id, id);

CREATE TABLE case_notes (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    council_id BIGINT NOT NULL,
    case_id BIGINT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    text TEXT NOT NULL,
    FOREIGN KEY (council_id, case_id) REFERENCES cases (council_id, id)
);
CREATE INDEX case_notes_case ON case_notes (case_id);

CREATE TABLE withdrawals (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    council_id BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    case_id BIGINT NOT NULL,
    from_date TEXT NOT NULL,
    clause TEXT NOT NULL,
    document TEXT NOT NULL,
    lifted_on TEXT,
    FOREIGN KEY (council_id, person_id) REFERENCES people (council_id, id),
    FOREIGN KEY (council_id, case_id) REFERENCES cases (council_id, id)
);
CREATE INDEX withdrawals_person ON withdrawals (person_id);

CREATE TABLE restrictions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    council_id BIGINT NOT NULL,
    equipment_id BIGINT NOT NULL,
    case_id BIGINT NOT NULL,
    outcome TEXT NOT NULL,
    note TEXT NOT NULL,
    on_date TEXT NOT NULL,
    clause TEXT NOT NULL,
    FOREIGN KEY (council_id, equipment_id) REFERENCES equipment (council_id, id),
    FOREIGN KEY (council_id, case_id) REFERENCES cases (council_id, id)
);
CREATE INDEX restrictions_equipment ON restrictions (equipment_id);
