-- Where each sign-in at the identity provider was started from (the client's address as the
-- password throttle files it), so that open attempts can be bounded per address and per
-- council. Attempts last ten minutes, so those begun before this have no address and expire
-- soon after.
ALTER TABLE oidc_attempts ADD COLUMN address TEXT NOT NULL DEFAULT '';
CREATE INDEX oidc_attempts_address ON oidc_attempts (council_id, address, created_at);
CREATE INDEX oidc_attempts_created ON oidc_attempts (council_id, created_at);
