//! The domain's `PostureTx` for a store transaction: imports of device checks and their
//! observations.

use crate::equipment::{EQUIPMENT, equipment};
use crate::listing::{Arg, Frag};
use crate::packed::{Lookups, Page};
use crate::rows::{Cols, RowRef, date_text, numbered_marks, time_text};
use crate::tx::StoreTx;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::any::AnyRow;
use steward_domain::posture::*;
use steward_domain::workflow::AuthorisedSoftware;
use steward_domain::{Id, RepoError, RepoResult};
use steward_policy::posture::{CheckResult, CheckWord};

const IMPORT: &str = "id, council_id, imported_at, imported_by, format, file, observations, \
                      devices, unmatched";
const OBSERVATION: &str = "equipment_id, check_word, result, software, observed_at, source, detail";
const SOFTWARE_WORD: &str = "software";

// The items of a list held by someone who has left office, and the day their last term ended.
// A loan gets its leaving deadline when its borrower leaves; a later term (someone coming
// back) ends the deadline's meaning, so a term still open means no leaver.
const LEAVERS_FROM: &str = "FROM loans l \
     JOIN terms t ON t.council_id = l.council_id AND t.person_id = l.person_id \
     WHERE l.council_id = ? AND l.returned_on IS NULL AND l.leaving_by IS NOT NULL \
       AND l.equipment_id IN";
const LEAVERS_TAIL: &str = "AND NOT EXISTS (SELECT 1 FROM terms o WHERE o.council_id = l.council_id \
       AND o.person_id = l.person_id AND o.ends IS NULL) \
     GROUP BY l.equipment_id";
const BATCH: usize = 500;

fn import(row: &AnyRow) -> RepoResult<PostureImport> {
    let c = Cols::new(row, "posture_imports");
    Ok(PostureImport {
        id: c.int("id")?,
        council_id: c.int("council_id")?,
        imported_at: c.time("imported_at")?,
        imported_by: c.text("imported_by")?,
        format: c.text("format")?,
        file: c.text("file")?,
        observations: c.int("observations")?,
        devices: c.int("devices")?,
        unmatched: c.int("unmatched")?,
    })
}

fn observation<'r>(row: impl Into<RowRef<'r>>) -> RepoResult<StoredObservation> {
    let c = Cols::new(row, "posture_observations");
    let word = c.text("check_word")?;
    let observed = if word == SOFTWARE_WORD {
        Observed::Software {
            name: c.text("software")?,
        }
    } else {
        let check = CheckWord::parse(&word)
            .ok_or_else(|| RepoError::Backend(format!("'{word}' is not a device check")))?;
        let result_word = c.text("result")?;
        let result = CheckResult::parse(&result_word)
            .ok_or_else(|| RepoError::Backend(format!("'{result_word}' is not a result")))?;
        Observed::Check { check, result }
    };
    Ok(StoredObservation {
        equipment_id: c.int("equipment_id")?,
        observed,
        observed_at: c.time("observed_at")?,
        source: c.text("source")?,
        detail: c.text("detail")?,
    })
}

/// Whether a stored observation newer than the row being updated exists for its item and
/// check, or for software, its item and source.
fn newer() -> String {
    format!(
        "EXISTS (SELECT 1 FROM posture_observations x \
         WHERE x.council_id = posture_observations.council_id \
           AND x.equipment_id = posture_observations.equipment_id \
           AND x.check_word = posture_observations.check_word \
           AND (posture_observations.check_word <> '{SOFTWARE_WORD}' \
                OR x.source = posture_observations.source) \
           AND x.observed_at > posture_observations.observed_at)"
    )
}

/// After an import's rows are in: the latest rows of its items that its rows have overtaken
/// lose their mark, then its own rows that nothing overtakes gain it (an old file imported
/// late adds history only), and its items are marked as reporting. Only rows already marked
/// or just added can change: adding rows never makes an older row the latest.
async fn mark_latest(tx: &mut StoreTx, council_id: Id, import_id: Id) -> RepoResult<()> {
    let items = "SELECT i.equipment_id FROM posture_observations i \
                 WHERE i.council_id = $1 AND i.import_id = $2";
    let newer = newer();
    let statements = [
        format!(
            "UPDATE posture_observations SET latest = 0 \
             WHERE council_id = $1 AND latest = 1 AND equipment_id IN ({items}) AND {newer}"
        ),
        format!(
            "UPDATE posture_observations SET latest = 1 \
             WHERE council_id = $1 AND import_id = $2 AND latest = 0 AND NOT {newer}"
        ),
        format!(
            "UPDATE equipment SET reports_posture = 1 \
             WHERE council_id = $1 AND reports_posture = 0 AND id IN ({items})"
        ),
    ];
    for sql in &statements {
        tx.exec(sqlx::query(sql).bind(council_id).bind(import_id))
            .await?;
    }
    Ok(())
}

/// Unmarks the items whose last observation retention has deleted.
pub(crate) async fn unmark_silent(tx: &mut StoreTx, council_id: Id) -> RepoResult<()> {
    let query = sqlx::query(
        "UPDATE equipment SET reports_posture = 0 \
         WHERE council_id = $1 AND reports_posture = 1 \
           AND NOT EXISTS (SELECT 1 FROM posture_observations o \
                           WHERE o.council_id = $1 AND o.equipment_id = equipment.id)",
    )
    .bind(council_id);
    tx.exec(query).await?;
    Ok(())
}

/// The look-ups of `posture_facts`, in the order [`read_facts`] reads them: the items, their
/// latest observations, exceptions running to `today` or later, authorised software, and
/// leavers' holdings.
fn facts_lookups(council_id: Id, ids: &[Id], today: NaiveDate) -> RepoResult<Lookups> {
    let marks = vec!["?"; ids.len()].join(", ");
    let among = |extra: Option<Arg>| -> Vec<Arg> {
        let mut all = vec![Arg::Int(council_id)];
        all.extend(ids.iter().map(|id| Arg::Int(*id)));
        all.extend(extra);
        all
    };
    let of_items =
        |table: &str| format!("FROM {table} WHERE council_id = ? AND equipment_id IN ({marks})");
    let mut lookups = Lookups::default();
    let items = format!("FROM equipment WHERE council_id = ? AND id IN ({marks})");
    lookups.add(EQUIPMENT, Frag::new(items, among(None)), "id")?;
    let latest = format!("{} AND latest = 1", of_items("posture_observations"));
    let by_check = "equipment_id, check_word, software";
    lookups.add(OBSERVATION, Frag::new(latest, among(None)), by_check)?;
    let running = format!("{} AND until_day >= ?", of_items("posture_exceptions"));
    let until = Some(date_text(today).into());
    lookups.add(
        crate::workflow::grants::POSTURE_EXCEPTION,
        Frag::new(running, among(until)),
        "equipment_id, id",
    )?;
    lookups.add(
        crate::workflow::grants::SOFTWARE,
        Frag::new(of_items("authorised_software"), among(None)),
        "equipment_id, id",
    )?;
    let leavers = format!("{LEAVERS_FROM} ({marks}) {LEAVERS_TAIL}");
    lookups.add(
        "l.equipment_id, MAX(t.ends) AS left_on",
        Frag::new(leavers, among(None)),
        "equipment_id",
    )?;
    Ok(lookups)
}

/// The facts from the pages of [`facts_lookups`].
fn read_facts(pages: &[Page]) -> RepoResult<PostureFacts> {
    let [items, latest, exceptions, authorised, leavers] = pages else {
        return Err(RepoError::Backend("a look-up went unanswered".into()));
    };
    let mut facts = PostureFacts {
        items: items.rows().map(equipment).collect::<RepoResult<_>>()?,
        latest: latest.rows().map(observation).collect::<RepoResult<_>>()?,
        exceptions: exceptions
            .rows()
            .map(crate::workflow::grants::posture_exception)
            .collect::<RepoResult<_>>()?,
        authorised: authorised
            .rows()
            .map(crate::workflow::grants::software)
            .collect::<RepoResult<_>>()?,
        leavers: Vec::new(),
    };
    for row in leavers.rows() {
        let c = Cols::new(row, "loans");
        if let Some(left_on) = c.opt_date("left_on")? {
            facts.leavers.push((c.int("equipment_id")?, left_on));
        }
    }
    Ok(facts)
}

impl PostureTx for StoreTx {
    async fn insert_posture_import(
        &mut self,
        council_id: Id,
        imported_at: DateTime<Utc>,
        imported_by: &str,
        format: &str,
        file: &str,
    ) -> RepoResult<PostureImport> {
        self.writable()?;
        let sql = format!(
            "INSERT INTO posture_imports (council_id, imported_at, imported_by, format, file)
             VALUES ($1, $2, $3, $4, $5) RETURNING {IMPORT}"
        );
        let query = sqlx::query(&sql)
            .bind(council_id)
            .bind(time_text(imported_at))
            .bind(imported_by)
            .bind(format)
            .bind(file);
        let row = self
            .one(query, || {
                "the import of device checks was not stored".into()
            })
            .await?;
        import(&row)
    }

    async fn finish_posture_import(
        &mut self,
        council_id: Id,
        import_id: Id,
        observations: i64,
        devices: i64,
        unmatched: i64,
    ) -> RepoResult<()> {
        self.writable()?;
        let query = sqlx::query(
            "UPDATE posture_imports SET observations = $3, devices = $4, unmatched = $5
             WHERE council_id = $1 AND id = $2",
        )
        .bind(council_id)
        .bind(import_id)
        .bind(observations)
        .bind(devices)
        .bind(unmatched);
        self.exec_one(query, || {
            format!("no import of device checks has id {import_id}")
        })
        .await?;
        mark_latest(self, council_id, import_id).await
    }

    async fn insert_observations(
        &mut self,
        council_id: Id,
        import_id: Id,
        observations: &[NewObservation],
    ) -> RepoResult<u64> {
        self.writable()?;
        let mut new = 0;
        for chunk in observations.chunks(BATCH) {
            let sql = format!(
                "INSERT INTO posture_observations (council_id, import_id, equipment_id,
                     check_word, result, software, observed_at, source, detail)
                 VALUES {}
                 ON CONFLICT (council_id, equipment_id, check_word, software, source, observed_at)
                 DO NOTHING",
                crate::people::placeholders(chunk.len(), 9)
            );
            let mut query = sqlx::query(&sql);
            for o in chunk {
                let (word, result, software) = match &o.observed {
                    Observed::Check { check, result } => (check.word(), result.word(), ""),
                    Observed::Software { name } => {
                        (SOFTWARE_WORD, CheckResult::Pass.word(), name.as_str())
                    }
                };
                query = query
                    .bind(council_id)
                    .bind(import_id)
                    .bind(o.equipment_id)
                    .bind(word)
                    .bind(result)
                    .bind(software.to_string())
                    .bind(time_text(o.observed_at))
                    .bind(o.source.clone())
                    .bind(o.detail.clone());
            }
            new += self.exec(query).await?;
        }
        Ok(new)
    }

    async fn posture_facts(
        &mut self,
        council_id: Id,
        ids: &[Id],
        today: NaiveDate,
    ) -> RepoResult<PostureFacts> {
        if ids.is_empty() {
            return Ok(PostureFacts::default());
        }
        let pages = facts_lookups(council_id, ids, today)?.run(self).await?;
        read_facts(&pages)
    }

    async fn held_by_leavers(
        &mut self,
        council_id: Id,
        ids: &[Id],
    ) -> RepoResult<Vec<(Id, NaiveDate)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT l.equipment_id, MAX(t.ends) AS left_on {} ({}) {LEAVERS_TAIL}",
            LEAVERS_FROM.replacen('?', "$1", 1),
            numbered_marks(2, ids.len())
        );
        let mut query = sqlx::query(&sql).bind(council_id);
        for id in ids {
            query = query.bind(*id);
        }
        let mut out = Vec::new();
        for row in self.all(query).await? {
            let c = Cols::new(&row, "loans");
            if let Some(left_on) = c.opt_date("left_on")? {
                out.push((c.int("equipment_id")?, left_on));
            }
        }
        Ok(out)
    }

    async fn latest_observations(
        &mut self,
        council_id: Id,
        only: &[Id],
    ) -> RepoResult<Vec<StoredObservation>> {
        // The rows marked latest by their imports (`mark_latest`), from their own index.
        let items = if only.is_empty() {
            String::new()
        } else {
            format!("AND equipment_id IN ({})", numbered_marks(2, only.len()))
        };
        let sql = format!(
            "SELECT {OBSERVATION} FROM posture_observations \
             WHERE council_id = $1 AND latest = 1 {items} \
             ORDER BY equipment_id, check_word, software"
        );
        let mut query = sqlx::query(&sql).bind(council_id);
        for id in only {
            query = query.bind(*id);
        }
        self.all(query).await?.iter().map(observation).collect()
    }

    async fn check_episodes(&mut self, council_id: Id) -> RepoResult<Vec<CheckEpisode>> {
        // Per item and check: when it last passed, and when it first did not; the spell is
        // the observations that did not pass after the last pass.
        let sql = format!(
            "WITH passed AS (
                 SELECT equipment_id, check_word, MAX(observed_at) AS at
                 FROM posture_observations
                 WHERE council_id = $1 AND check_word <> '{SOFTWARE_WORD}' AND result = 'pass'
                 GROUP BY equipment_id, check_word),
             first_bad AS (
                 SELECT equipment_id, check_word, MIN(observed_at) AS at
                 FROM posture_observations
                 WHERE council_id = $1 AND check_word <> '{SOFTWARE_WORD}' AND result <> 'pass'
                 GROUP BY equipment_id, check_word)
             SELECT o.equipment_id, o.check_word, MIN(o.observed_at) AS since,
                    MAX(p.at) AS passed_at, MAX(f.at) AS first_bad_at
             FROM posture_observations o
             LEFT JOIN passed p
               ON p.equipment_id = o.equipment_id AND p.check_word = o.check_word
             JOIN first_bad f
               ON f.equipment_id = o.equipment_id AND f.check_word = o.check_word
             WHERE o.council_id = $1 AND o.check_word <> '{SOFTWARE_WORD}'
               AND o.result <> 'pass' AND (p.at IS NULL OR o.observed_at > p.at)
             GROUP BY o.equipment_id, o.check_word
             ORDER BY o.equipment_id, o.check_word"
        );
        let query = sqlx::query(&sql).bind(council_id);
        let mut out = Vec::new();
        for row in self.all(query).await? {
            let c = Cols::new(&row, "posture_observations");
            let passed = c.opt_time("passed_at")?;
            let first_bad = c.time("first_bad_at")?;
            out.push(CheckEpisode {
                equipment_id: c.int("equipment_id")?,
                check: c.text("check_word")?,
                since: c.time("since")?,
                after_pass: passed.is_some(),
                returned: passed.is_some_and(|at| first_bad < at),
            });
        }
        Ok(out)
    }

    async fn reported_items(
        &mut self,
        council_id: Id,
        after: Option<&str>,
        limit: i64,
    ) -> RepoResult<Vec<Id>> {
        // `reports_posture` has its own index in tag order, so a page reads its own rows
        // however few of the register's items report.
        let query = sqlx::query(
            "SELECT e.id FROM equipment e
             WHERE e.council_id = $1 AND e.reports_posture = 1 AND e.asset_tag > $2
             ORDER BY e.asset_tag LIMIT $3",
        )
        .bind(council_id)
        .bind(after.unwrap_or("").to_string())
        .bind(limit);
        self.all(query)
            .await?
            .iter()
            .map(|row| Cols::new(row, "equipment").int("id"))
            .collect()
    }

    async fn standing_counts(
        &mut self,
        council_id: Id,
        ends: &[PeriodEnd],
        duties: &[DutyOfKind],
    ) -> RepoResult<Vec<StandingCount>> {
        crate::posture_counts::standing_counts(self, council_id, ends, duties).await
    }

    async fn authorised_software_of(
        &mut self,
        council_id: Id,
        ids: &[Id],
    ) -> RepoResult<Vec<AuthorisedSoftware>> {
        let mut out = Vec::new();
        for chunk in ids.chunks(BATCH) {
            let sql = format!(
                "SELECT {} FROM authorised_software \
                 WHERE council_id = $1 AND equipment_id IN ({}) ORDER BY equipment_id, id",
                crate::workflow::grants::SOFTWARE,
                numbered_marks(2, chunk.len())
            );
            let mut query = sqlx::query(&sql).bind(council_id);
            for id in chunk {
                query = query.bind(*id);
            }
            for row in self.all(query).await? {
                out.push(crate::workflow::grants::software(&row)?);
            }
        }
        Ok(out)
    }

    async fn check_tallies(
        &mut self,
        council_id: Id,
        equipment_id: Id,
        from: DateTime<Utc>,
        to: Option<DateTime<Utc>>,
    ) -> RepoResult<Vec<CheckTally>> {
        // Programs are counted once each, whatever their result word says.
        let sql = format!(
            "SELECT check_word, CASE WHEN check_word = '{SOFTWARE_WORD}' THEN '' ELSE result END \
                 AS result, COUNT(DISTINCT CASE WHEN check_word = '{SOFTWARE_WORD}' \
                 THEN software ELSE CAST(id AS TEXT) END) AS n, \
                 MIN(observed_at) AS first, MAX(observed_at) AS last \
             FROM posture_observations \
             WHERE council_id = $1 AND equipment_id = $2 AND observed_at >= $3 \
               AND observed_at < $4 \
             GROUP BY check_word, CASE WHEN check_word = '{SOFTWARE_WORD}' THEN '' ELSE result END \
             ORDER BY check_word, result"
        );
        // An open loan runs to the end of time: "9999" sorts after every stored time.
        let to = to.map(time_text).unwrap_or_else(|| "9999".to_string());
        let query = sqlx::query(&sql)
            .bind(council_id)
            .bind(equipment_id)
            .bind(time_text(from))
            .bind(to);
        self.all(query)
            .await?
            .iter()
            .map(|row| {
                let c = Cols::new(row, "posture_observations");
                Ok(CheckTally {
                    check: c.text("check_word")?,
                    result: c.text("result")?,
                    count: c.int("n")?,
                    first: c.time("first")?,
                    last: c.time("last")?,
                })
            })
            .collect()
    }
}
