-- The start page counts open requests by handling office and by assignee, open cases, and
-- failed notices; each count reads an index of (council, what it counts by). The outbox
-- already has one on (council_id, state, next_attempt_at).

CREATE INDEX IF NOT EXISTS requests_handler_state ON requests (council_id, handler, state);
CREATE INDEX IF NOT EXISTS requests_assignee_state ON requests (council_id, assignee_id, state);
CREATE INDEX IF NOT EXISTS cases_state ON cases (council_id, state);
