//! A request's details as forms, the API and the command line give them: loose optional
//! fields, read into the one `RequestDetails` shape the kind needs, or an error naming the
//! field that is missing or wrong.

use crate::error::{DomainError, DomainResult};
use crate::import::parse_date;
use crate::workflow::RequestDetails;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use steward_policy::model::ReportKind;
use steward_policy::posture::CheckWord;

#[derive(Clone, Debug, Default, Deserialize)]
pub struct DetailFields {
    /// A longer loan, or web access, until this day.
    pub until: Option<String>,
    pub software: Option<String>,
    pub licence: Option<String>,
    /// The website, for a web exception.
    pub host: Option<String>,
    pub stolen: Option<bool>,
    pub noticed_on: Option<String>,
    pub place: Option<String>,
    pub police_reference: Option<String>,
    /// The address reached by accident, and when.
    pub address: Option<String>,
    pub at: Option<String>,
    /// An erasure ends in disposal rather than reuse.
    pub dispose: Option<bool>,
    /// The security duty to be off, for a posture exception ("antivirus").
    pub duty: Option<String>,
}

fn text(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn day(field: &str, v: &Option<String>) -> DomainResult<Option<NaiveDate>> {
    text(v)
        .map(|t| parse_date(&t).map_err(|e| DomainError::invalid(field, e)))
        .transpose()
}

fn required_day(field: &str, v: &Option<String>, what: &str) -> DomainResult<NaiveDate> {
    day(field, v)?.ok_or_else(|| DomainError::invalid(field, format!("give {what}")))
}

/// A duty of the pack's vocabulary, by its word.
fn duty(v: &Option<String>) -> DomainResult<CheckWord> {
    let words: Vec<&str> = CheckWord::ALL
        .iter()
        .filter(|c| c.duty().is_some())
        .map(|c| c.word())
        .collect();
    let word = text(v).ok_or_else(|| {
        DomainError::invalid(
            "duty",
            format!("say which duty is to be off: {}", words.join(", ")),
        )
    })?;
    CheckWord::parse(&word)
        .filter(|c| c.duty().is_some())
        .ok_or_else(|| {
            DomainError::invalid(
                "duty",
                format!(
                    "'{word}' is not a security duty; use one of: {}",
                    words.join(", ")
                ),
            )
        })
}

impl DetailFields {
    /// The details `kind` needs; `today` fills in a loss noticed "today" and a visit "now".
    pub fn into_details(
        self,
        kind: ReportKind,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> DomainResult<RequestDetails> {
        Ok(match kind {
            ReportKind::LoanExtension => RequestDetails::Extension {
                until: required_day("until", &self.until, "the day the loan should run to")?,
            },
            ReportKind::SoftwareInstall => RequestDetails::Software {
                name: text(&self.software).ok_or_else(|| {
                    DomainError::invalid("software", "give the name of the software")
                })?,
                licence: text(&self.licence),
            },
            ReportKind::WebException => RequestDetails::Website {
                host: text(&self.host).ok_or_else(|| {
                    DomainError::invalid("host", "give the website, like www.example.org")
                })?,
                until: required_day("until", &self.until, "the day access is needed until")?,
            },
            ReportKind::LostOrStolen => RequestDetails::Loss {
                stolen: self.stolen.unwrap_or(false),
                noticed_on: day("noticed_on", &self.noticed_on)?.unwrap_or(today),
                place: text(&self.place).unwrap_or_default(),
                police_reference: text(&self.police_reference),
            },
            ReportKind::AccidentalAccess => match text(&self.address) {
                Some(address) => RequestDetails::Visit {
                    address,
                    at: match text(&self.at) {
                        Some(t) => DateTime::parse_from_rfc3339(&t)
                            .map(|t| t.with_timezone(&Utc))
                            .map_err(|_| {
                                DomainError::invalid("at", "give the time as 2027-05-16T09:30:00Z")
                            })?,
                        None => now,
                    },
                },
                None => RequestDetails::None,
            },
            ReportKind::PostureException => RequestDetails::PostureException {
                check: duty(&self.duty)?,
                until: required_day("until", &self.until, "the last day the duty may be off")?,
            },
            ReportKind::Erasure => RequestDetails::Erasure {
                dispose: self.dispose.unwrap_or(false),
            },
            _ => RequestDetails::None,
        })
    }
}
