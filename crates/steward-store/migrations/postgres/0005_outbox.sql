-- Notices and the outbox they are sent from. A notice is one fact worth telling people, under
-- a key unique in its council, so the same fact is never queued twice; the outbox holds one
-- message per recipient with its sending state. Timestamps are TEXT RFC 3339 to the
-- microsecond, so they compare in time order as text.

CREATE TABLE notices (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    council_id BIGINT NOT NULL REFERENCES councils (id),
    notice_key TEXT NOT NULL,
    source TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    clause TEXT NOT NULL,
    document TEXT NOT NULL,
    noticed_on TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX notices_key_unique ON notices (council_id, notice_key);
CREATE UNIQUE INDEX notices_council_scope ON notices (council_id, id);

-- person_id is empty for an office no one holds; address is the person's address when the
-- message was queued, empty for those without one (state no_address). claim is set while a
-- sender holds the message: only that sender may record how it went.
CREATE TABLE outbox (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    council_id BIGINT NOT NULL,
    notice_id BIGINT NOT NULL,
    person_id BIGINT,
    office TEXT,
    address TEXT,
    message_id TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'uncertain', 'no_address')),
    attempts BIGINT NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at TEXT,
    last_error TEXT,
    claim TEXT,
    claimed_at TEXT,
    sent_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (state <> 'queued' OR address IS NOT NULL),
    FOREIGN KEY (council_id, notice_id) REFERENCES notices (council_id, id),
    FOREIGN KEY (council_id, person_id) REFERENCES people (council_id, id)
);
CREATE UNIQUE INDEX outbox_message_id_unique ON outbox (council_id, message_id);
CREATE INDEX outbox_due ON outbox (council_id, state, next_attempt_at);
CREATE INDEX outbox_notice ON outbox (notice_id);
CREATE INDEX outbox_person ON outbox (person_id);
