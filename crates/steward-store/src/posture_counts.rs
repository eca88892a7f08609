//! Device compliance over time, counted in the database: for each period end, the latest
//! observation of each check of each item by then, each item's standing against each duty its
//! kind has, and the counts by duty and standing, in one statement.
//!
//! Each observation is current from its own time until the next one of the same item and check
//! (`LEAD`), so a period end picks exactly one observation per item and check without a
//! subquery per row; when two share a time, the worse result is taken as the later one.

use crate::rows::{Cols, time_text};
use crate::tx::StoreTx;
use steward_domain::posture::{DutyOfKind, PeriodEnd, Standing, StandingCount};
use steward_domain::{Id, RepoError, RepoResult};
use steward_policy::EquipmentState;

/// More period ends or duties than this in one statement is a mistake of the caller's.
const MOST: usize = 400;

/// A number bound as a parameter.
fn index(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

pub(crate) async fn standing_counts(
    tx: &mut StoreTx,
    council_id: Id,
    ends: &[PeriodEnd],
    duties: &[DutyOfKind],
) -> RepoResult<Vec<StandingCount>> {
    if ends.is_empty() || duties.is_empty() {
        return Ok(Vec::new());
    }
    if ends.len() > MOST || duties.len() > MOST {
        return Err(RepoError::Backend(format!(
            "{} periods and {} duties are more than one count may take",
            ends.len(),
            duties.len()
        )));
    }
    // $1 council, $2..$4 the states out of service, $5 the last period end, then three
    // parameters per period end and three per duty.
    let mut next = 6;
    let mut marks = |width: usize, rows: usize| {
        let out: Vec<String> = (0..rows)
            .map(|_| {
                let row: Vec<String> = (next..next + width).map(|i| format!("${i}")).collect();
                next += width;
                format!("({})", row.join(", "))
            })
            .collect();
        out.join(", ")
    };
    let end_rows = marks(3, ends.len());
    let duty_rows = marks(3, duties.len());
    let rank = |s: Standing| s.rank();
    let sql = format!(
        "WITH ends (period, ends_at, fresh_from) AS (VALUES {end_rows}),
         duties (kind, check_word, duty) AS (VALUES {duty_rows}),
         items AS (
             SELECT id, kind FROM equipment
             WHERE council_id = $1 AND state NOT IN ($2, $3, $4)),
         spans AS (
             SELECT o.equipment_id, o.check_word, o.result, o.observed_at,
                    LEAD(o.observed_at) OVER (
                        PARTITION BY o.equipment_id, o.check_word
                        ORDER BY o.observed_at,
                                 CASE o.result WHEN 'pass' THEN 0 WHEN 'unknown' THEN 1 ELSE 2 END,
                                 o.id) AS next_at
             FROM posture_observations o
             WHERE o.council_id = $1 AND o.check_word <> 'software' AND o.observed_at < $5),
         latest AS (
             SELECT e.period, s.equipment_id, s.check_word, s.result, s.observed_at
             FROM ends e JOIN spans s
               ON s.observed_at < e.ends_at AND (s.next_at IS NULL OR s.next_at >= e.ends_at)),
         seen AS (
             SELECT period, equipment_id, MAX(observed_at) AS last_seen
             FROM latest GROUP BY period, equipment_id),
         judged AS (
             SELECT e.period, i.id AS equipment_id, d.duty,
                    CASE WHEN s.last_seen IS NULL THEN {none}
                         WHEN s.last_seen < e.fresh_from THEN {stale}
                         WHEN c.result = 'pass' THEN {pass}
                         WHEN c.result = 'fail' THEN {fail}
                         ELSE {unknown} END AS standing
             FROM ends e CROSS JOIN items i
             JOIN duties d ON d.kind = i.kind
             LEFT JOIN seen s ON s.period = e.period AND s.equipment_id = i.id
             LEFT JOIN latest c ON c.period = e.period AND c.equipment_id = i.id
                                AND c.check_word = d.check_word)
         SELECT CAST(period AS BIGINT) AS period, CAST(duty AS BIGINT) AS duty,
                CAST(standing AS BIGINT) AS standing, CAST(COUNT(*) AS BIGINT) AS items
         FROM judged GROUP BY period, duty, standing
         UNION ALL
         SELECT CAST(period AS BIGINT), CAST(-1 AS BIGINT), CAST(worst AS BIGINT),
                CAST(COUNT(*) AS BIGINT)
         FROM (SELECT period, equipment_id, MAX(standing) AS worst
               FROM judged GROUP BY period, equipment_id) w
         GROUP BY period, worst
         ORDER BY 1, 2, 3",
        none = rank(Standing::NotReported),
        stale = rank(Standing::Stale),
        pass = rank(Standing::Compliant),
        fail = rank(Standing::Failing),
        unknown = rank(Standing::Unknown),
    );
    let last_end = ends.iter().map(|e| e.ends_at).max().unwrap_or_default();
    let mut query = sqlx::query(&sql)
        .bind(council_id)
        .bind(EquipmentState::Disposed.as_str())
        .bind(EquipmentState::Lost.as_str())
        .bind(EquipmentState::Stolen.as_str())
        .bind(time_text(last_end));
    for (i, end) in ends.iter().enumerate() {
        // With no check-in age nothing is out of date: every time sorts after the empty text.
        query = query
            .bind(index(i))
            .bind(time_text(end.ends_at))
            .bind(end.fresh_from.map(time_text).unwrap_or_default());
    }
    for d in duties {
        query = query
            .bind(d.kind.as_str())
            .bind(d.check.word())
            .bind(index(d.duty));
    }
    let mut out = Vec::new();
    for row in tx.all(query).await? {
        let c = Cols::new(&row, "posture_observations");
        let rank = c.int("standing")?;
        let standing = Standing::of_rank(rank)
            .ok_or_else(|| RepoError::Backend(format!("{rank} is not a standing")))?;
        let duty = c.int("duty")?;
        out.push(StandingCount {
            period: usize::try_from(c.int("period")?).unwrap_or(usize::MAX),
            duty: usize::try_from(duty).ok(),
            standing,
            items: c.int("items")?,
        });
    }
    Ok(out)
}
