//! The pack's `[monitoring] threshold`: a day's visits in a category, summed over every log
//! that saw them, that open a breach case for the pack's breach handler, once per person (or
//! unknown identity), category and day.

use crate::ctx::Ctx;
use crate::error::DomainResult;
use crate::network::{FindingFilter, NetworkTx, WebFinding};
use crate::ops::audit;
use crate::records::{Council, Id};
use crate::workflow::{CaseSource, NewCase};
use chrono::NaiveDate;
use std::collections::BTreeSet;
use steward_policy::cases::case_route;
use steward_policy::{Citation, Pack, long_date};

/// Whom a finding is about: the person, or the raw identity when nobody is known.
fn subject(f: &WebFinding) -> String {
    match f.person_id {
        Some(id) => format!("person:{id}"),
        None => f.identity.clone(),
    }
}

/// Opens the cases `stored` findings call for; returns their ids.
pub(super) async fn open_cases<T: NetworkTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    pack: &Pack,
    stored: &[WebFinding],
) -> DomainResult<Vec<Id>> {
    let Some(threshold) = pack.monitoring.as_ref().and_then(|m| m.threshold.as_ref()) else {
        return Ok(Vec::new());
    };
    let cells: BTreeSet<(String, String, NaiveDate)> = stored
        .iter()
        .filter(|f| threshold.counts(&f.category))
        .map(|f| (subject(f), f.category.clone(), f.day))
        .collect();
    let mut opened = Vec::new();
    for (who, category, day) in cells {
        let filter = FindingFilter {
            category: Some(category.clone()),
            from: Some(day),
            to: Some(day),
            ..FindingFilter::default()
        };
        let same: Vec<WebFinding> = tx
            .web_findings(council.id, &filter)
            .await?
            .into_iter()
            .filter(|f| subject(f) == who)
            .collect();
        let visits: i64 = same.iter().map(|f| f.visits).sum();
        if !threshold.reached(&category, u64::try_from(visits).unwrap_or(0))
            || tx
                .web_finding_case(council.id, &who, &category, day)
                .await?
                .is_some()
        {
            continue;
        }
        let Some(first) = same.first() else { continue };
        let person = match first.person_id {
            Some(id) => tx.person(council.id, id).await?,
            None => None,
        };
        // A pack whose breach routes do not cover this person opens nothing: the findings
        // page still shows the day.
        let Ok(route) = case_route(pack, person.as_ref().map(|p| p.kind)) else {
            continue;
        };
        let cited = Citation::new(pack, &threshold.clause);
        let who_words = match &person {
            Some(p) => format!("{} ({})", p.name, p.reference),
            None => format!("unknown user {}", first.identity),
        };
        let new = NewCase {
            subject_id: person.as_ref().map(|p| p.id),
            reporter_id: None,
            source: CaseSource::Monitoring,
            summary: format!("{visits} visits to {category} sites on {}", long_date(day)),
            details: format!(
                "The web filter's logs show {who_words} reaching sites in the {category} \
                 category {visits} times on {}, at or over the {} a day the policy sets ({cited}).",
                long_date(day),
                threshold.visits
            ),
            handlers: route.handlers.clone(),
            clause: route.citation.clause.clone(),
            document: route.citation.document.clone(),
            created_at: ctx.now,
        };
        let case = tx.insert_case(council.id, &new).await?;
        tx.insert_web_finding_case(council.id, &who, &category, day, case.id)
            .await?;
        let trail = serde_json::json!({
            "handlers": case.handlers,
            "source": case.source,
            "clause": case.clause,
            "threshold_clause": threshold.clause.clone(),
        });
        audit(
            tx,
            ctx,
            council.id,
            "case.raise",
            "case",
            case.id,
            crate::ops::NONE,
            Some(&trail),
        )
        .await?;
        opened.push(case.id);
    }
    Ok(opened)
}
