-- The device compliance list pages through the items some source has reported on, in asset tag
-- order. Walking every item and asking whether it has observations read the whole register
-- when few items report, so an item carries whether it has any, kept by the imports and by
-- retention, and the reporting items have their own index in tag order.
ALTER TABLE equipment ADD COLUMN reports_posture BIGINT NOT NULL DEFAULT 0
    CHECK (reports_posture IN (0, 1));
UPDATE equipment SET reports_posture = 1
WHERE EXISTS (SELECT 1 FROM posture_observations o
              WHERE o.council_id = equipment.council_id AND o.equipment_id = equipment.id);
CREATE INDEX equipment_reporting ON equipment (council_id, asset_tag, id)
    WHERE reports_posture = 1;
