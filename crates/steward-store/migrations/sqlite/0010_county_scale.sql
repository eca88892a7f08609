-- County scale. The audit chain's head moves to a row of its own per council, so that
-- appending touches it once a transaction and the councils table is no longer written by
-- every change. A search index of words (names, references, asset tags, serial numbers)
-- serves every list's search by prefix. Each loan keeps the date it must be back by beside
-- it, and every list's sorts and filters get an index.

CREATE TABLE audit_heads (
    council_id BIGINT NOT NULL REFERENCES councils (id),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL,
    CONSTRAINT audit_heads_pkey PRIMARY KEY (council_id)
);
INSERT INTO audit_heads (council_id, seq, hash) SELECT id, audit_seq, audit_head FROM councils;

-- Winding the recorded head back, or removing it, would hide the removal of the newest records.
CREATE TRIGGER audit_heads_seq_only_grows BEFORE UPDATE OF seq ON audit_heads
WHEN NEW.seq < OLD.seq
BEGIN
    SELECT RAISE(ABORT, 'audit records cannot be changed');
END;
CREATE TRIGGER audit_heads_no_delete BEFORE DELETE ON audit_heads
BEGIN
    SELECT RAISE(ABORT, 'audit records cannot be changed');
END;
DROP TRIGGER councils_audit_seq_only_grows;
ALTER TABLE councils DROP COLUMN audit_seq;
ALTER TABLE councils DROP COLUMN audit_head;

-- One row per word of a record's searchable text; filled by the program (its words are
-- split and lower-cased in Rust, the same way for every backend).
CREATE TABLE search_words (
    council_id BIGINT NOT NULL REFERENCES councils (id),
    entity TEXT NOT NULL,
    entity_id BIGINT NOT NULL,
    word TEXT NOT NULL,
    CONSTRAINT search_words_pkey PRIMARY KEY (council_id, entity, word, entity_id)
);
CREATE INDEX search_words_entity ON search_words (council_id, entity, entity_id);

-- The earliest of the loan's due, recall and leaving dates, and the clause that sets it;
-- kept by the program whenever the loan is written.
ALTER TABLE loans ADD COLUMN return_by TEXT;
ALTER TABLE loans ADD COLUMN return_clause TEXT;

CREATE INDEX people_name ON people (council_id, lower(name), id);
CREATE INDEX people_kind ON people (council_id, kind, id);
CREATE INDEX terms_council_person ON terms (council_id, person_id, starts);
CREATE INDEX office_holdings_council_office ON office_holdings (council_id, office, person_id);
CREATE INDEX equipment_kind ON equipment (council_id, kind, id);
CREATE INDEX equipment_state ON equipment (council_id, state, id);
CREATE INDEX equipment_model ON equipment (council_id, lower(model), id);
CREATE INDEX equipment_purchased ON equipment (council_id, COALESCE(purchased_on, ''), id);
CREATE INDEX loans_issued ON loans (council_id, issued_on, id);
CREATE INDEX loans_return_by ON loans (council_id, COALESCE(return_by, '9999-12-31'), id);
CREATE INDEX loans_open_return_by ON loans (council_id, return_by) WHERE returned_on IS NULL;
CREATE INDEX loans_returned ON loans (council_id, COALESCE(returned_on, ''), id);
CREATE INDEX acceptances_council_person ON acceptances (council_id, person_id, signed_on);
