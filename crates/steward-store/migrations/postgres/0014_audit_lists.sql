-- The audit log is filtered by kind of record (and its reference), by action and by who acted,
-- and paged by sequence number. Each filter gets an index ending in seq, so a page of matches,
-- newest or oldest first, is one range of it however long the chain. A range of times is
-- listed in the order of the records' times, ties by seq, from an index on both. These replace
-- the indexes by kind and reference and by time without seq.

DROP INDEX audit_events_entity;
DROP INDEX audit_events_at;
CREATE INDEX audit_events_entity_seq ON audit_events (council_id, entity, seq);
CREATE INDEX audit_events_entity_id_seq ON audit_events (council_id, entity, entity_id, seq);
CREATE INDEX audit_events_action_seq ON audit_events (council_id, action, seq);
CREATE INDEX audit_events_actor_seq ON audit_events (council_id, actor, seq);
CREATE INDEX audit_events_at_seq ON audit_events (council_id, at, seq);
