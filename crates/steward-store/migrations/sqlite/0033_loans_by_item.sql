-- Who held an item on a day is its latest loan issued by then and not yet returned; the web
-- filter's list of identities asks this of every addressed item, so loans are indexed by item
-- in that order (without it the check read every loan of the council for each loan).
CREATE INDEX loans_by_item ON loans (council_id, equipment_id, issued_on, id);
