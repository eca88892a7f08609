-- Mail's side of the register: snapshots of the forwards set on the council's mailboxes,
-- each forward as the pack judged it on import, and what the outbound relay's milter
-- decided about each message (metadata only, never a body or a subject). Times are RFC 3339
-- text; flags 0/1. Unique indexes carry the same names on both backends.

-- One import of a snapshot: the entity its audit record names.
CREATE TABLE mail_forward_imports (
    id INTEGER PRIMARY KEY,
    council_id BIGINT NOT NULL REFERENCES councils (id),
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    file_name TEXT NOT NULL,
    format TEXT NOT NULL CHECK (format IN ('graph', 'exchange')),
    forwards BIGINT NOT NULL,
    breaches BIGINT NOT NULL
);
CREATE UNIQUE INDEX mail_forward_imports_council_scope ON mail_forward_imports (council_id, id);

-- The forwards of the latest snapshot of each source (inbox rules, mailboxes' own
-- forwarding): a snapshot replaces the rows of the sources it covers.
CREATE TABLE mail_forwards (
    id INTEGER PRIMARY KEY,
    council_id BIGINT NOT NULL REFERENCES councils (id),
    import_id BIGINT NOT NULL,
    line BIGINT NOT NULL,
    -- The mailbox's address, in lower case; matched to a person by their email.
    mailbox TEXT NOT NULL,
    person_id BIGINT,
    source TEXT NOT NULL CHECK (source IN ('inbox_rule', 'mailbox')),
    rule TEXT,
    kind TEXT NOT NULL CHECK (kind IN ('forward', 'redirect', 'attachment', 'mailbox')),
    -- Where mail goes; NULL for a recipient inside the mail organisation.
    target TEXT,
    keeps_copy BIGINT,
    outcome TEXT NOT NULL,
    message TEXT NOT NULL,
    clause TEXT,
    document TEXT,
    FOREIGN KEY (council_id, import_id) REFERENCES mail_forward_imports (council_id, id),
    FOREIGN KEY (council_id, person_id) REFERENCES people (council_id, id)
);
CREATE INDEX mail_forwards_mailbox ON mail_forwards (council_id, mailbox, id);
CREATE INDEX mail_forwards_outcome ON mail_forwards (council_id, outcome, id);
CREATE INDEX mail_forwards_person ON mail_forwards (council_id, person_id, id);
CREATE INDEX mail_forwards_source ON mail_forwards (council_id, source, id);
CREATE INDEX mail_forwards_import ON mail_forwards (council_id, import_id);

-- What the milter decided about one message: its envelope and marking, never its content.
CREATE TABLE mail_decisions (
    id INTEGER PRIMARY KEY,
    council_id BIGINT NOT NULL REFERENCES councils (id),
    decided_at TEXT NOT NULL,
    queue_id TEXT,
    sender TEXT NOT NULL,
    -- A JSON array of the recipients' addresses.
    recipients TEXT NOT NULL,
    -- The marking the message carried (OFFICIAL ...), when any.
    level TEXT,
    action TEXT NOT NULL CHECK (action IN ('accept', 'reject', 'hold')),
    disclaimer BIGINT NOT NULL,
    flagged BIGINT NOT NULL,
    -- A JSON array of the reasons, each with its clause.
    reasons TEXT NOT NULL
);
CREATE INDEX mail_decisions_decided ON mail_decisions (council_id, decided_at, id);
CREATE INDEX mail_decisions_action ON mail_decisions (council_id, action, id);
