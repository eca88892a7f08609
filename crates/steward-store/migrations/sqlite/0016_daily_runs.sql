-- Work a server does once a day per council (the sweep, with retention), claimed in the same
-- transaction as the work itself, so that several servers sharing the database do it once.
CREATE TABLE daily_runs (
    council_id BIGINT NOT NULL REFERENCES councils (id),
    job TEXT NOT NULL,
    day TEXT NOT NULL,
    claimed_at TEXT NOT NULL,
    CONSTRAINT daily_runs_pkey PRIMARY KEY (council_id, job, day)
);
