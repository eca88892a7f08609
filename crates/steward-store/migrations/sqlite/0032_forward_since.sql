-- Which snapshot each forward was first seen in without a break: a forward removed and later
-- set again starts afresh, so the daily sweep files it as a new finding. NULL for forwards
-- already present before this was recorded.
ALTER TABLE mail_forwards ADD COLUMN since_import BIGINT;
