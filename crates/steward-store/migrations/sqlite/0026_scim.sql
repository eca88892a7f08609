-- Provisioning by SCIM 2.0 (Entra ID's provisioning service pushes joiners, movers and
-- leavers). A token's `scope` says where it works: `api` for the JSON API, `scim` for the
-- SCIM endpoint only, so that neither kind opens the other.
ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'api' CHECK (scope IN ('api', 'scim'));

-- The users the directory has pushed, keyed on the directory's lasting id (Entra's object id,
-- sent as `externalId`), with only the attributes Steward reads (JSON, one value each). They
-- are kept apart from `people`: a user outside every mapped group is known to SCIM but not
-- in the register. `user_name_key` is the user name lower-cased, SCIM's user names being
-- unique regardless of case.
CREATE TABLE scim_users (
    council_id BIGINT NOT NULL REFERENCES councils (id),
    external_id TEXT NOT NULL,
    user_name TEXT NOT NULL,
    user_name_key TEXT NOT NULL,
    active BIGINT NOT NULL CHECK (active IN (0, 1)),
    attributes TEXT NOT NULL,
    PRIMARY KEY (council_id, external_id)
);
CREATE UNIQUE INDEX scim_users_user_name ON scim_users (council_id, user_name_key);

-- The directory's groups and their members, read through the council's group mappings.
CREATE TABLE scim_groups (
    council_id BIGINT NOT NULL REFERENCES councils (id),
    external_id TEXT NOT NULL,
    display_name TEXT NOT NULL,
    display_name_key TEXT NOT NULL,
    PRIMARY KEY (council_id, external_id)
);
CREATE INDEX scim_groups_display_name ON scim_groups (council_id, display_name_key, external_id);

CREATE TABLE scim_members (
    council_id BIGINT NOT NULL,
    group_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    PRIMARY KEY (council_id, group_id, user_id),
    FOREIGN KEY (council_id, group_id) REFERENCES scim_groups (council_id, external_id),
    FOREIGN KEY (council_id, user_id) REFERENCES scim_users (council_id, external_id)
);
CREATE INDEX scim_members_user ON scim_members (council_id, user_id, group_id);
