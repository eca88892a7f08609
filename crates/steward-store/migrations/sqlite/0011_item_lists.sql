-- The equipment list sorts by asset tag with the id as a tie-break, like every list; the
-- unique index on the tag alone does not carry the id.
CREATE INDEX equipment_tag_order ON equipment (council_id, asset_tag, id);
