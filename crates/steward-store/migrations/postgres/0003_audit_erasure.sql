-- Personal data in audit records can be erased at the end of its retention. A record keeps
-- the digest of its data, which its hash covers, so the chain still verifies; the only change
-- the database allows is that erasure, once: both data columns emptied and the day set.

ALTER TABLE audit_events ADD COLUMN erased_on TEXT;

CREATE FUNCTION audit_records_only_erased() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.erased_on IS NULL
        AND NEW.erased_on IS NOT NULL
        AND length(NEW.erased_on) = 10
        AND NEW.before_data IS NULL
        AND NEW.after_data IS NULL
        AND (NEW.council_id, NEW.seq, NEW.at, NEW.actor, NEW.action, NEW.entity,
             NEW.entity_id, NEW.data_digest, NEW.prev_hash, NEW.hash)
            IS NOT DISTINCT FROM
            (OLD.council_id, OLD.seq, OLD.at, OLD.actor, OLD.action, OLD.entity,
             OLD.entity_id, OLD.data_digest, OLD.prev_hash, OLD.hash)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit records cannot be changed';
END;
$$;

DROP TRIGGER audit_events_no_update ON audit_events;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_records_only_erased();
