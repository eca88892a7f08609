-- Reads that grow with a page or a person rather than the register: the compliance page reads
-- the authorised software of its own items only, and a subject access document reads the
-- milter's decisions about mail one address sent, newest first.
CREATE INDEX authorised_software_council_item ON authorised_software (council_id, equipment_id, id);
CREATE INDEX mail_decisions_sender ON mail_decisions (council_id, sender, decided_at, id);
