-- The reporting views are PostgreSQL's (docs/reporting.md): a council that reports from
-- Power BI or Metabase runs Steward on PostgreSQL. Nothing changes in SQLite; the number is
-- kept so that both backends' migrations count alike.
SELECT 1;
