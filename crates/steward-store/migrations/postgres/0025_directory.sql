-- Keeping the register in step with the council's directory. `directory_settings` holds the
-- council's settings as JSON (where the directory is, which attributes and groups mean what);
-- secrets are never here, only the file or environment variable they are read from.
-- `directory_links` ties a person to their directory entry's lasting id, so a rename or a new
-- email address is a change to the same person, and someone the directory no longer lists can
-- be found to leave. A person is linked to one entry and an entry to one person.
CREATE TABLE directory_settings (
    council_id BIGINT NOT NULL PRIMARY KEY REFERENCES councils (id),
    settings TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE directory_links (
    council_id BIGINT NOT NULL REFERENCES councils (id),
    external_id TEXT NOT NULL,
    person_id BIGINT NOT NULL,
    PRIMARY KEY (council_id, external_id),
    FOREIGN KEY (council_id, person_id) REFERENCES people (council_id, id)
);
CREATE UNIQUE INDEX directory_links_person ON directory_links (council_id, person_id);
