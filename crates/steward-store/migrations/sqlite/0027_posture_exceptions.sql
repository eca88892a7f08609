-- A security duty an office authorised to be off for one item until a day (inclusive), from
-- the approved request that asked for it. `check_word` is a check of the pack's vocabulary;
-- `office` the approving office's id and `office_name` its name when approved.
CREATE TABLE posture_exceptions (
    id INTEGER PRIMARY KEY,
    council_id BIGINT NOT NULL REFERENCES councils (id),
    equipment_id BIGINT NOT NULL,
    check_word TEXT NOT NULL,
    until_day TEXT NOT NULL,
    office TEXT NOT NULL,
    office_name TEXT NOT NULL,
    authorised_on TEXT NOT NULL,
    request_id BIGINT NOT NULL,
    clause TEXT NOT NULL,
    document TEXT NOT NULL,
    FOREIGN KEY (council_id, equipment_id) REFERENCES equipment (council_id, id),
    FOREIGN KEY (council_id, request_id) REFERENCES requests (council_id, id)
);
CREATE INDEX posture_exceptions_until ON posture_exceptions (council_id, until_day);
