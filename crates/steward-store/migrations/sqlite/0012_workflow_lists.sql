-- Workflow lists paged in the database. Which offices approve a request and which handle a
-- case were held only inside JSON; each gets rows of its own so that who may see a request or
-- a case is a condition an index answers. Filled from the JSON by the program when this
-- migration runs, and kept by it on every insert. Every order the request and case lists
-- offer gets an index (council, sort expression, id).

CREATE TABLE request_approvers (
    council_id BIGINT NOT NULL REFERENCES councils (id),
    request_id BIGINT NOT NULL,
    office TEXT NOT NULL,
    CONSTRAINT request_approvers_pkey PRIMARY KEY (council_id, request_id, office),
    FOREIGN KEY (council_id, request_id) REFERENCES requests (council_id, id)
);
CREATE INDEX request_approvers_office ON request_approvers (council_id, office, request_id);

CREATE TABLE case_handlers (
    council_id BIGINT NOT NULL REFERENCES councils (id),
    case_id BIGINT NOT NULL,
    office TEXT NOT NULL,
    CONSTRAINT case_handlers_pkey PRIMARY KEY (council_id, case_id, office),
    FOREIGN KEY (council_id, case_id) REFERENCES cases (council_id, id)
);
CREATE INDEX case_handlers_office ON case_handlers (council_id, office, case_id);

CREATE INDEX requests_raised ON requests (council_id, created_at, id);
CREATE INDEX requests_due ON requests (council_id, COALESCE(due_at, '9999-12-31T23:59:59.999999Z'), id);
CREATE INDEX requests_state ON requests (council_id, state, id);
CREATE INDEX requests_handler ON requests (council_id, handler, id);
CREATE INDEX requests_requester ON requests (council_id, requester_id, id);
CREATE INDEX requests_assignee ON requests (council_id, assignee_id, id);

CREATE INDEX cases_raised ON cases (council_id, created_at, id);
CREATE INDEX cases_state ON cases (council_id, state, id);
CREATE INDEX cases_subject ON cases (council_id, subject_id, id);
CREATE INDEX cases_escalated_to ON cases (council_id, escalated_to, id);
CREATE INDEX requests_loan ON requests (council_id, loan_id);

-- The outbox list's orders.
CREATE INDEX outbox_queued ON outbox (council_id, created_at, id);
CREATE INDEX outbox_state ON outbox (council_id, state, id);
CREATE INDEX outbox_attempts ON outbox (council_id, attempts, id);
CREATE INDEX outbox_council_person ON outbox (council_id, person_id, id);

-- Information requests: their handling offices as rows (from the JSON, as for cases), and an
-- index for each order the register offers.
CREATE TABLE information_request_handlers (
    council_id BIGINT NOT NULL REFERENCES councils (id),
    request_id BIGINT NOT NULL,
    office TEXT NOT NULL,
    CONSTRAINT information_request_handlers_pkey PRIMARY KEY (council_id, request_id, office),
    FOREIGN KEY (council_id, request_id) REFERENCES information_requests (council_id, id)
);
CREATE INDEX information_request_handlers_office
    ON information_request_handlers (council_id, office, request_id);
CREATE INDEX information_requests_received ON information_requests (council_id, received_on, id);
CREATE INDEX information_requests_reference ON information_requests (council_id, reference, id);
CREATE INDEX information_requests_kind ON information_requests (council_id, kind, id);
