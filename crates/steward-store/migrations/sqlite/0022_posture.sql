-- Device compliance. An import is one file of device checks taken in; an observation is one
-- check (or one installed program) of one item of the register, as a source saw it at a
-- time. The same observation imported twice is stored once.
CREATE TABLE posture_imports (
    id INTEGER PRIMARY KEY,
    council_id BIGINT NOT NULL REFERENCES councils (id),
    imported_at TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    format TEXT NOT NULL CHECK (format IN ('steward', 'intune', 'osquery', 'fleet')),
    file TEXT NOT NULL,
    observations BIGINT NOT NULL DEFAULT 0,
    devices BIGINT NOT NULL DEFAULT 0,
    unmatched BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX posture_imports_council_scope ON posture_imports (council_id, id);
CREATE INDEX posture_imports_council ON posture_imports (council_id, imported_at);

-- `check_word` is a check of the pack's vocabulary, `checked_in`, or `software`, when
-- `software` names the program (and is blank otherwise).
CREATE TABLE posture_observations (
    id INTEGER PRIMARY KEY,
    council_id BIGINT NOT NULL REFERENCES councils (id),
    import_id BIGINT NOT NULL,
    equipment_id BIGINT NOT NULL,
    check_word TEXT NOT NULL,
    result TEXT NOT NULL CHECK (result IN ('pass', 'fail', 'unknown')),
    software TEXT NOT NULL DEFAULT '',
    observed_at TEXT NOT NULL,
    source TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    FOREIGN KEY (council_id, import_id) REFERENCES posture_imports (council_id, id),
    FOREIGN KEY (council_id, equipment_id) REFERENCES equipment (council_id, id)
);
CREATE UNIQUE INDEX posture_observations_unique
    ON posture_observations (council_id, equipment_id, check_word, software, source, observed_at);
CREATE INDEX posture_observations_latest
    ON posture_observations (council_id, equipment_id, check_word, observed_at);
