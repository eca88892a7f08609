-- The version in force on a day is read on nearly every request: the latest effective on or
-- before the day, the higher number first on the same day. This index answers it in order.
CREATE INDEX pack_versions_in_force ON pack_versions (council_id, effective_from, number);
