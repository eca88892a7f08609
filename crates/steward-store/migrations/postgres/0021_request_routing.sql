-- How a request's receiver was found: named by the policy, the pack's default for reports
-- nothing else covers, or the council's administrators when the pack has no default.
ALTER TABLE requests ADD COLUMN routing TEXT NOT NULL DEFAULT 'named';
