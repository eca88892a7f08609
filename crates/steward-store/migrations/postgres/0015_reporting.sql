-- Read-only views for a council's reporting tools (Power BI, Metabase, a spreadsheet's
-- database connection). The tables keep dates as text, money as pence and flags as 0/1, so
-- that one set of SQL serves SQLite too; these views give each value its real type (date,
-- timestamptz, boolean, numeric pounds) and its words, one row per record, with the council
-- each belongs to. A role that may read only these views is made where the migrating user
-- may create roles; docs/reporting.md says how to make it otherwise.

CREATE SCHEMA IF NOT EXISTS reporting;

CREATE VIEW reporting.councils AS
SELECT c.id AS council_id, c.slug AS council, c.name AS council_name
FROM councils c;

CREATE VIEW reporting.people AS
SELECT p.council_id,
       p.id AS person_id,
       p.reference,
       p.name,
       replace(p.kind, '_', ' ') AS kind,
       p.email,
       p.household,
       t.starts::date AS term_starts_on,
       t.ends::date AS term_ends_on,
       replace(t.end_reason, '_', ' ') AS term_end_reason,
       (t.id IS NOT NULL AND t.starts::date <= current_date
        AND (t.ends IS NULL OR t.ends::date >= current_date)) AS in_office_today
FROM people p
LEFT JOIN LATERAL (
    SELECT * FROM terms t
    WHERE t.council_id = p.council_id AND t.person_id = p.id
    ORDER BY t.starts DESC, t.id DESC
    LIMIT 1
) t ON true;

CREATE VIEW reporting.equipment AS
SELECT e.council_id,
       e.id AS equipment_id,
       e.asset_tag,
       replace(e.kind, '_', ' ') AS kind,
       e.model,
       e.serial,
       e.purchased_on::date AS purchased_on,
       (e.replacement_cost / 100.0)::numeric(12, 2) AS replacement_cost_pounds,
       e.pat_tested_on::date AS pat_tested_on,
       (e.encrypted = 1) AS encrypted,
       replace(e.state, '_', ' ') AS state
FROM equipment e;

CREATE VIEW reporting.loans AS
SELECT l.council_id,
       l.id AS loan_id,
       l.person_id,
       p.reference AS person_reference,
       p.name AS person_name,
       l.equipment_id,
       e.asset_tag,
       l.issued_on::date AS issued_on,
       l.due_on::date AS due_on,
       l.recall_by::date AS recall_by,
       l.leaving_by::date AS leaving_by,
       l.return_by::date AS return_by,
       l.return_clause,
       l.returned_on::date AS returned_on,
       replace(l.ended_as, '_', ' ') AS ended_as,
       (l.returned_on IS NULL) AS open,
       (l.returned_on IS NULL AND l.return_by IS NOT NULL
        AND l.return_by::date < current_date) AS overdue
FROM loans l
JOIN people p ON p.council_id = l.council_id AND p.id = l.person_id
JOIN equipment e ON e.council_id = l.council_id AND e.id = l.equipment_id;

CREATE VIEW reporting.acceptances AS
SELECT a.council_id,
       a.id AS acceptance_id,
       a.person_id,
       p.reference AS person_reference,
       p.name AS person_name,
       v.number AS policy_version,
       v.title AS policy_title,
       a.signed_on::date AS signed_on,
       a.recorded_at::timestamptz AS recorded_at,
       replace(a.method, '_', ' ') AS method
FROM acceptances a
JOIN people p ON p.council_id = a.council_id AND p.id = a.person_id
JOIN pack_versions v ON v.council_id = a.council_id AND v.id = a.pack_version_id;

CREATE VIEW reporting.requests AS
SELECT r.council_id,
       r.id AS request_id,
       replace(r.kind, '_', ' ') AS kind,
       replace(r.state, '_', ' ') AS state,
       r.handler_name AS handling_office,
       p.reference AS requester_reference,
       p.name AS requester_name,
       e.asset_tag,
       r.summary,
       r.urgency,
       r.clause,
       r.created_at::timestamptz AS created_at,
       r.due_at::timestamptz AS respond_by,
       r.closed_at::timestamptz AS closed_at,
       (r.closed_at IS NULL AND r.due_at IS NOT NULL
        AND r.due_at::timestamptz < now()) AS late
FROM requests r
LEFT JOIN people p ON p.council_id = r.council_id AND p.id = r.requester_id
LEFT JOIN equipment e ON e.council_id = r.council_id AND e.id = r.equipment_id;

CREATE VIEW reporting.charges AS
SELECT c.council_id,
       c.id AS charge_id,
       c.loan_id,
       p.reference AS person_reference,
       p.name AS person_name,
       e.asset_tag,
       (c.amount / 100.0)::numeric(12, 2) AS amount_pounds,
       c.raised_on::date AS raised_on,
       c.clause
FROM charges c
JOIN loans l ON l.council_id = c.council_id AND l.id = c.loan_id
JOIN people p ON p.council_id = l.council_id AND p.id = l.person_id
JOIN equipment e ON e.council_id = l.council_id AND e.id = l.equipment_id;

-- The read-only role: it may read the views and nothing else.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'steward_reporting')
       AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_user
                   AND (rolsuper OR rolcreaterole)) THEN
        CREATE ROLE steward_reporting NOLOGIN;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'steward_reporting') THEN
        GRANT USAGE ON SCHEMA reporting TO steward_reporting;
        GRANT SELECT ON ALL TABLES IN SCHEMA reporting TO steward_reporting;
    END IF;
END
$$;
