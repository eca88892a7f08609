//! Where notices about equipment care (PAT tests, replacement) go.
//!
//! The policy names no office for these directly, so they go to the office it names for
//! equipment faults of that kind (`[[reporting]] kind = "fault"`), the people who look after
//! the council's kit; when it names none, to the council's officers (the people linked to its
//! officer and administrator accounts). The report and the notice say which, and why.

use crate::ops::outbox::Audience;
use steward_policy::model::ReportKind;
use steward_policy::{Citation, EquipmentKind, OfficeId, Pack};

pub(crate) fn equipment_care(pack: &Pack, kind: EquipmentKind) -> (Audience, String) {
    let routes: Vec<_> = pack
        .reporting
        .iter()
        .filter(|r| r.kind == ReportKind::Fault)
        .filter(|r| r.equipment.is_empty() || r.equipment.contains(&kind))
        .collect();
    let mut offices: Vec<OfficeId> = Vec::new();
    for r in &routes {
        if !offices.contains(&r.report_to) {
            offices.push(r.report_to.clone());
        }
    }
    match routes.first() {
        Some(first) => {
            let names: Vec<String> = offices.iter().map(|o| pack.office_name(o)).collect();
            let why = format!(
                "sent to {}, who handle faults with this equipment ({})",
                names.join(" and "),
                Citation::new(pack, &first.clause)
            );
            (Audience::Offices(offices), why)
        }
        None => (
            Audience::Officers,
            "sent to the council's officers: the policy names no office for this".to_string(),
        ),
    }
}

/// Where notices about the policy's review go: its owners, or else the officers.
pub(crate) fn review_owners(pack: &Pack) -> (Audience, String) {
    match &pack.review {
        Some(review) if !review.owners.is_empty() => {
            let names: Vec<String> = review.owners.iter().map(|o| pack.office_name(o)).collect();
            (
                Audience::Offices(review.owners.clone()),
                format!(
                    "sent to the policy's owners, {} ({})",
                    names.join(" and "),
                    Citation::new(pack, &review.clause)
                ),
            )
        }
        _ => (
            Audience::Officers,
            "sent to the council's officers: the policy names no owner".to_string(),
        ),
    }
}
