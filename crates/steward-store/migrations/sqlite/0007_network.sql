-- The web filter's view of people: the names they give the proxy and the network addresses
-- of equipment (whoever has the item on loan is behind its address), and what scanning the
-- proxy's logs found, per source log, identity, category and day. Dates are ISO text, times
-- RFC 3339 text. Unique indexes carry the same names as in PostgreSQL.

CREATE TABLE proxy_users (
    id INTEGER PRIMARY KEY,
    council_id BIGINT NOT NULL REFERENCES councils (id),
    person_id BIGINT NOT NULL,
    -- Lower case: Squid's user names are matched without regard to case.
    username TEXT NOT NULL,
    added_on TEXT NOT NULL,
    FOREIGN KEY (council_id, person_id) REFERENCES people (council_id, id)
);
CREATE UNIQUE INDEX proxy_users_username_unique ON proxy_users (council_id, username);
CREATE INDEX proxy_users_person ON proxy_users (person_id);

CREATE TABLE equipment_addresses (
    id INTEGER PRIMARY KEY,
    council_id BIGINT NOT NULL REFERENCES councils (id),
    equipment_id BIGINT NOT NULL,
    -- An IPv4 or IPv6 address in its canonical text form.
    address TEXT NOT NULL,
    added_on TEXT NOT NULL,
    FOREIGN KEY (council_id, equipment_id) REFERENCES equipment (council_id, id)
);
CREATE UNIQUE INDEX equipment_addresses_address_unique ON equipment_addresses (council_id, address);
CREATE INDEX equipment_addresses_equipment ON equipment_addresses (equipment_id);

-- One run of `filter scan --db`: the entity its audit record names.
CREATE TABLE web_scans (
    id INTEGER PRIMARY KEY,
    council_id BIGINT NOT NULL REFERENCES councils (id),
    scanned_at TEXT NOT NULL,
    scanned_by TEXT NOT NULL,
    files BIGINT NOT NULL,
    lines BIGINT NOT NULL,
    cells BIGINT NOT NULL
);
CREATE UNIQUE INDEX web_scans_council_scope ON web_scans (council_id, id);

-- A source is a log file's identity (a digest of its first line), so a log scanned again,
-- grown or rotated and compressed, replaces its own cells instead of adding to them.
CREATE TABLE web_findings (
    id INTEGER PRIMARY KEY,
    council_id BIGINT NOT NULL REFERENCES councils (id),
    scan_id BIGINT NOT NULL,
    source TEXT NOT NULL,
    -- The proxy user name, or the client address, as the log has it.
    identity TEXT NOT NULL,
    person_id BIGINT,
    category TEXT NOT NULL,
    day TEXT NOT NULL,
    visits BIGINT NOT NULL CHECK (visits > 0),
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    -- A JSON array of a few of the addresses visited.
    samples TEXT NOT NULL,
    FOREIGN KEY (council_id, scan_id) REFERENCES web_scans (council_id, id),
    FOREIGN KEY (council_id, person_id) REFERENCES people (council_id, id)
);
CREATE UNIQUE INDEX web_findings_cell_unique
    ON web_findings (council_id, source, identity, category, day);
CREATE INDEX web_findings_day ON web_findings (council_id, day);
CREATE INDEX web_findings_person ON web_findings (person_id);

-- The case a day's findings opened, so that one person's category on one day opens one case
-- however often the logs are scanned. `subject` is `person:<id>`, or the raw identity.
CREATE TABLE web_finding_cases (
    id INTEGER PRIMARY KEY,
    council_id BIGINT NOT NULL REFERENCES councils (id),
    subject TEXT NOT NULL,
    category TEXT NOT NULL,
    day TEXT NOT NULL,
    case_id BIGINT NOT NULL,
    FOREIGN KEY (council_id, case_id) REFERENCES cases (council_id, id)
);
CREATE UNIQUE INDEX web_finding_cases_unique
    ON web_finding_cases (council_id, subject, category, day);
