-- An item's compliance is judged from its latest result of each check and its latest list of
-- programs from each source. Found by grouping, that read every observation of the page's
-- items, months of daily checks each; so the latest rows carry `latest`, kept by the import
-- that adds rows (its rows are found by import), and have an index of their own.
ALTER TABLE posture_observations ADD COLUMN latest BIGINT NOT NULL DEFAULT 0
    CHECK (latest IN (0, 1));
CREATE INDEX posture_observations_import ON posture_observations (council_id, import_id);
UPDATE posture_observations SET latest = 1
WHERE NOT EXISTS (
    SELECT 1 FROM posture_observations x
    WHERE x.council_id = posture_observations.council_id
      AND x.equipment_id = posture_observations.equipment_id
      AND x.check_word = posture_observations.check_word
      AND (posture_observations.check_word <> 'software' OR x.source = posture_observations.source)
      AND x.observed_at > posture_observations.observed_at);
-- `latest` leads the item, so that the planner takes this index for the latest rows rather than
-- the unique one, which reads an item's whole history.
CREATE INDEX posture_observations_current
    ON posture_observations (council_id, latest, equipment_id, check_word, software);
