-- Personal data in audit records can be erased at the end of its retention. A record keeps
-- the digest of its data, which its hash covers, so the chain still verifies; the only change
-- the database allows is that erasure, once: both data columns emptied and the day set.

DROP TRIGGER audit_events_no_update;

ALTER TABLE audit_events ADD COLUMN erased_on TEXT;

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
WHEN NOT (
    OLD.erased_on IS NULL
    AND NEW.erased_on IS NOT NULL
    AND length(NEW.erased_on) = 10
    AND NEW.before_data IS NULL
    AND NEW.after_data IS NULL
    AND NEW.council_id IS OLD.council_id
    AND NEW.seq IS OLD.seq
    AND NEW.at IS OLD.at
    AND NEW.actor IS OLD.actor
    AND NEW.action IS OLD.action
    AND NEW.entity IS OLD.entity
    AND NEW.entity_id IS OLD.entity_id
    AND NEW.data_digest IS OLD.data_digest
    AND NEW.prev_hash IS OLD.prev_hash
    AND NEW.hash IS OLD.hash
)
BEGIN
    SELECT RAISE(ABORT, 'audit records cannot be changed');
END;
