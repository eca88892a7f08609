-- Retention: records whose personal data was purged at the end of their retention period keep
-- their row (other records refer to it) and the day they were purged, so no purge finds them
-- again. Sessions and failed sign-ins are deleted outright: nothing refers to them.

ALTER TABLE requests ADD COLUMN purged_on TEXT;
ALTER TABLE cases ADD COLUMN purged_on TEXT;
ALTER TABLE people ADD COLUMN purged_on TEXT;
ALTER TABLE notices ADD COLUMN purged_on TEXT;
