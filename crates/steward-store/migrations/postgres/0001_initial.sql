-- The register's tables. Every row carries the council it belongs to; child rows point at
-- their parent through (council_id, id) so a row can never hang off another council's record.
-- Dates are TEXT YYYY-MM-DD, timestamps TEXT RFC 3339 to the microsecond, booleans 0/1,
-- money whole pence. Unique indexes carry the same names as in SQLite.

CREATE TABLE councils (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    audit_seq BIGINT NOT NULL DEFAULT 0,
    audit_head TEXT NOT NULL DEFAULT '0000000000000000000000000000000000000000000000000000000000000000',
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX councils_slug_unique ON councils (slug);

CREATE TABLE pack_versions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    council_id BIGINT NOT NULL REFERENCES councils (id),
    number BIGINT NOT NULL,
    pack_id TEXT NOT NULL,
    title TEXT NOT NULL,
    label TEXT NOT NULL,
    hash TEXT NOT NULL,
    source TEXT NOT NULL,
    acceptance_text TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    adopted_at TEXT NOT NULL,
    adopted_by TEXT NOT NULL
);
CREATE UNIQUE INDEX pack_versions_number_unique ON pack_versions (council_id, number);
CREATE UNIQUE INDEX pack_versions_council_scope ON pack_versions (council_id, id);

CREATE TABLE people (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    council_id BIGINT NOT NULL REFERENCES councils (id),
    reference TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    email TEXT,
    household TEXT
);
CREATE UNIQUE INDEX people_ref_unique ON people (council_id, reference);
CREATE UNIQUE INDEX people_council_scope ON people (council_id, id);
CREATE INDEX people_household ON people (council_id, household);

CREATE TABLE terms (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    council_id BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    starts TEXT NOT NULL,
    ends TEXT,
    end_reason TEXT,
    FOREIGN KEY (council_id, person_id) REFERENCES people (council_id, id)
);
CREATE INDEX terms_person ON terms (person_id);

CREATE TABLE office_holdings (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    council_id BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    office TEXT NOT NULL,
    starts TEXT NOT NULL,
    ends TEXT,
    FOREIGN KEY (council_id, person_id) REFERENCES people (council_id, id)
);
CREATE INDEX office_holdings_person ON office_holdings (person_id);

CREATE TABLE equipment (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    council_id BIGINT NOT NULL REFERENCES councils (id),
    asset_tag TEXT NOT NULL,
    kind TEXT NOT NULL,
    model TEXT NOT NULL,
    serial TEXT,
    purchased_on TEXT,
    replacement_cost BIGINT NOT NULL,
    pat_tested_on TEXT,
    encrypted BIGINT NOT NULL CHECK (encrypted IN (0, 1)),
    state TEXT NOT NULL
);
CREATE UNIQUE INDEX equipment_tag_unique ON equipment (council_id, asset_tag);
CREATE UNIQUE INDEX equipment_council_scope ON equipment (council_id, id);

CREATE TABLE loans (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    council_id BIGINT NOT NULL,
    equipment_id BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    issued_on TEXT NOT NULL,
    due_on TEXT,
    due_clause TEXT,
    recall_by TEXT,
    recall_clause TEXT,
    leaving_by TEXT,
    leaving_clause TEXT,
    returned_on TEXT,
    pack_version_id BIGINT NOT NULL,
    FOREIGN KEY (council_id, equipment_id) REFERENCES equipment (council_id, id),
    FOREIGN KEY (council_id, person_id) REFERENCES people (council_id, id),
    FOREIGN KEY (council_id, pack_version_id) REFERENCES pack_versions (council_id, id)
);
CREATE UNIQUE INDEX loans_one_open_per_equipment ON loans (equipment_id) WHERE returned_on IS NULL;
CREATE UNIQUE INDEX loans_council_scope ON loans (council_id, id);
CREATE INDEX loans_equipment ON loans (equipment_id);
CREATE INDEX loans_person ON loans (person_id);
CREATE INDEX loans_pack_version ON loans (pack_version_id);

CREATE TABLE extensions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    council_id BIGINT NOT NULL,
    loan_id BIGINT NOT NULL,
    previous_due TEXT,
    new_due TEXT NOT NULL,
    reason TEXT NOT NULL,
    approvals TEXT NOT NULL,
    granted_on TEXT NOT NULL,
    FOREIGN KEY (council_id, loan_id) REFERENCES loans (council_id, id)
);
CREATE INDEX extensions_loan ON extensions (loan_id);

CREATE TABLE charges (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    council_id BIGINT NOT NULL,
    loan_id BIGINT NOT NULL,
    amount BIGINT NOT NULL,
    raised_on TEXT NOT NULL,
    clause TEXT NOT NULL,
    FOREIGN KEY (council_id, loan_id) REFERENCES loans (council_id, id)
);
CREATE INDEX charges_loan ON charges (loan_id);

CREATE TABLE acceptances (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    council_id BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    pack_version_id BIGINT NOT NULL,
    pack_hash TEXT NOT NULL,
    signed_on TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    method TEXT NOT NULL,
    typed_name TEXT,
    recorded_by TEXT,
    FOREIGN KEY (council_id, person_id) REFERENCES people (council_id, id),
    FOREIGN KEY (council_id, pack_version_id) REFERENCES pack_versions (council_id, id)
);
CREATE INDEX acceptances_person ON acceptances (person_id);
CREATE INDEX acceptances_pack_version ON acceptances (pack_version_id);

CREATE TABLE audit_events (
    council_id BIGINT NOT NULL REFERENCES councils (id),
    seq BIGINT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    before_data TEXT,
    after_data TEXT,
    data_digest TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    CONSTRAINT audit_events_pkey PRIMARY KEY (council_id, seq)
);
CREATE INDEX audit_events_entity ON audit_events (council_id, entity, entity_id);
CREATE INDEX audit_events_at ON audit_events (council_id, at);

-- The audit trail is append-only: the database itself refuses to change or remove a record.
CREATE FUNCTION audit_records_cannot_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit records cannot be changed';
END;
$$;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_records_cannot_change();
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_records_cannot_change();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_records_cannot_change();

-- Winding the recorded head back would hide the removal of the newest records.
CREATE TRIGGER councils_audit_seq_only_grows BEFORE UPDATE OF audit_seq ON councils
    FOR EACH ROW WHEN (NEW.audit_seq < OLD.audit_seq)
    EXECUTE FUNCTION audit_records_cannot_change();
