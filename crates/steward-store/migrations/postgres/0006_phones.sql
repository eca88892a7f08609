-- Council phones: the number each phone answers to (its line), the itemised bills imported for
-- a line and month, each item with whoever held the phone that day, and the statements and
-- payments for personal calls. Numbers are E.164 text, months YYYY-MM, times of day HH:MM:SS,
-- money whole pence. Unique indexes carry the same names as in SQLite.

CREATE TABLE phone_lines (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    council_id BIGINT NOT NULL,
    equipment_id BIGINT NOT NULL,
    number TEXT NOT NULL,
    added_on TEXT NOT NULL,
    removed_on TEXT,
    FOREIGN KEY (council_id, equipment_id) REFERENCES equipment (council_id, id)
);
-- A number belongs to one phone at a time; a removed line keeps its number for old bills.
CREATE UNIQUE INDEX phone_lines_number_unique ON phone_lines (council_id, number)
    WHERE removed_on IS NULL;
CREATE UNIQUE INDEX phone_lines_council_scope ON phone_lines (council_id, id);
CREATE INDEX phone_lines_equipment ON phone_lines (equipment_id);

CREATE TABLE phone_bills (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    council_id BIGINT NOT NULL,
    line_id BIGINT NOT NULL,
    period TEXT NOT NULL,
    imported_on TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    source TEXT NOT NULL,
    FOREIGN KEY (council_id, line_id) REFERENCES phone_lines (council_id, id)
);
CREATE UNIQUE INDEX phone_bills_line_period_unique ON phone_bills (line_id, period);
CREATE UNIQUE INDEX phone_bills_council_scope ON phone_bills (council_id, id);

CREATE TABLE phone_calls (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    council_id BIGINT NOT NULL,
    bill_id BIGINT NOT NULL,
    called_on TEXT NOT NULL,
    called_at TEXT,
    called TEXT,
    description TEXT,
    duration_seconds BIGINT CHECK (duration_seconds >= 0),
    cost BIGINT NOT NULL CHECK (cost >= 0),
    person_id BIGINT,
    loan_id BIGINT,
    personal BIGINT NOT NULL DEFAULT 0 CHECK (personal IN (0, 1)),
    FOREIGN KEY (council_id, bill_id) REFERENCES phone_bills (council_id, id),
    FOREIGN KEY (council_id, person_id) REFERENCES people (council_id, id),
    FOREIGN KEY (council_id, loan_id) REFERENCES loans (council_id, id)
);
CREATE INDEX phone_calls_bill ON phone_calls (bill_id);
CREATE INDEX phone_calls_person ON phone_calls (person_id);

CREATE TABLE phone_statements (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    council_id BIGINT NOT NULL,
    bill_id BIGINT NOT NULL,
    person_id BIGINT NOT NULL,
    amount BIGINT NOT NULL CHECK (amount >= 0),
    issued_on TEXT NOT NULL,
    issued_by TEXT NOT NULL,
    clause TEXT NOT NULL,
    document TEXT NOT NULL,
    FOREIGN KEY (council_id, bill_id) REFERENCES phone_bills (council_id, id),
    FOREIGN KEY (council_id, person_id) REFERENCES people (council_id, id)
);
CREATE UNIQUE INDEX phone_statements_bill_person_unique ON phone_statements (bill_id, person_id);
CREATE UNIQUE INDEX phone_statements_council_scope ON phone_statements (council_id, id);
CREATE INDEX phone_statements_person ON phone_statements (person_id);

CREATE TABLE phone_payments (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    council_id BIGINT NOT NULL,
    statement_id BIGINT NOT NULL,
    amount BIGINT NOT NULL CHECK (amount > 0),
    paid_on TEXT NOT NULL,
    reference TEXT,
    recorded_by TEXT NOT NULL,
    FOREIGN KEY (council_id, statement_id) REFERENCES phone_statements (council_id, id)
);
CREATE INDEX phone_payments_statement ON phone_payments (statement_id);
CREATE INDEX phone_payments_council ON phone_payments (council_id);
