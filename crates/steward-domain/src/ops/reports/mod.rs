//! Reports for officers and auditors: each a table of rows with its columns, a chart of the
//! same figures, and the clauses the figures rest on. The web pages, the API and the command
//! line all show these rows, so a report reads the same wherever it is taken from.

pub mod compliance;
mod equipment;
pub mod findings;
mod overdue;
mod refresh;
mod requests;
mod signatures;

use super::due::DueTx;
use super::policy;
use crate::auth::Principal;
use crate::error::{DomainError, DomainResult};
use crate::network::NetworkTx;
use crate::phones::PhoneTx;
use crate::posture::PostureTx;
use crate::records::Council;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The storage the reports read.
pub trait ReportTx: PhoneTx + NetworkTx + DueTx + PostureTx {}
impl<T: PhoneTx + NetworkTx + DueTx + PostureTx> ReportTx for T {}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportName {
    Overdue,
    Signatures,
    Refresh,
    Requests,
    Equipment,
    Findings,
    Compliance,
}

impl ReportName {
    pub const ALL: [ReportName; 7] = [
        ReportName::Overdue,
        ReportName::Signatures,
        ReportName::Refresh,
        ReportName::Requests,
        ReportName::Equipment,
        ReportName::Findings,
        ReportName::Compliance,
    ];

    /// The name in addresses, file names and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportName::Overdue => "overdue",
            ReportName::Signatures => "signatures",
            ReportName::Refresh => "refresh",
            ReportName::Requests => "requests",
            ReportName::Equipment => "equipment",
            ReportName::Findings => "findings",
            ReportName::Compliance => "compliance",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            ReportName::Overdue => "Overdue returns and charges",
            ReportName::Signatures => "Who has not signed the policy",
            ReportName::Refresh => "Replacement plan by year",
            ReportName::Requests => "Requests against their response times",
            ReportName::Equipment => "Equipment by state and age",
            ReportName::Findings => "Monitoring findings over time",
            ReportName::Compliance => "Device compliance over time",
        }
    }

    /// One sentence on what the report shows.
    pub fn summary(self) -> &'static str {
        match self {
            ReportName::Overdue => {
                "Equipment past its return date and the charges the policy allows or that were raised."
            }
            ReportName::Signatures => {
                "People the policy covers who have not signed the version in force, or whose signature lapsed."
            }
            ReportName::Refresh => {
                "When each item reaches the age the policy replaces it at, and what replacing it costs, year by year."
            }
            ReportName::Requests => {
                "Requests of each kind that were dealt with inside their response time, late, or still open."
            }
            ReportName::Equipment => "How many items are in each state, and how old they are.",
            ReportName::Findings => {
                "Visits the web filter's logs showed, and how many people made them, by week or month and category."
            }
            ReportName::Compliance => {
                "How many items in service were compliant, failing, unknown or out of date against each device duty, by day or week."
            }
        }
    }

    /// Whether only the offices the policy names for monitoring, and auditors, may read it.
    pub fn is_monitoring(self) -> bool {
        self == ReportName::Findings
    }

    /// Whether the report covers a range of days, whose first day the reader may choose.
    pub fn is_ranged(self) -> bool {
        matches!(self, ReportName::Findings | ReportName::Compliance)
    }

    /// The most days a ranged report covers, when it is limited.
    pub fn longest(self) -> Option<i64> {
        match self {
            ReportName::Compliance => Some(compliance::LONGEST),
            _ => None,
        }
    }

    /// The first day of a ranged report's range when none is chosen.
    pub fn default_from(self, today: NaiveDate) -> NaiveDate {
        match self {
            ReportName::Compliance => compliance::default_from(today),
            _ => findings::default_from(today),
        }
    }
}

impl fmt::Display for ReportName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ReportName {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ReportName::ALL
            .into_iter()
            .find(|n| n.as_str() == s.trim())
            .ok_or_else(|| {
                let names: Vec<&str> = ReportName::ALL.iter().map(|n| n.as_str()).collect();
                DomainError::invalid(
                    "report",
                    format!("'{s}' is not a report; use one of: {}", names.join(", ")),
                )
            })
    }
}

/// One column of a report's table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Column {
    /// Stable, for the CSV heading and the JSON.
    pub key: String,
    pub label: String,
    /// Figures, aligned to the right.
    pub numeric: bool,
}

fn col(key: &str, label: &str) -> Column {
    Column {
        key: key.to_string(),
        label: label.to_string(),
        numeric: false,
    }
}

fn num(key: &str, label: &str) -> Column {
    Column {
        numeric: true,
        ..col(key, label)
    }
}

/// One bar of a chart: a category, with one value per series, each with its printed form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ChartGroup {
    pub label: String,
    pub values: Vec<i64>,
    pub texts: Vec<String>,
}

/// The figures a report's chart draws. With several series each bar is split into segments,
/// one per series, in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Chart {
    pub title: String,
    pub series: Vec<String>,
    pub groups: Vec<ChartGroup>,
}

impl Chart {
    fn new(title: &str, series: &[&str]) -> Chart {
        Chart {
            title: title.to_string(),
            series: series.iter().map(|s| s.to_string()).collect(),
            groups: Vec::new(),
        }
    }

    fn group(&mut self, label: impl Into<String>, values: &[i64], texts: Vec<String>) {
        self.groups.push(ChartGroup {
            label: label.into(),
            values: values.to_vec(),
            texts,
        });
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Report {
    pub name: ReportName,
    pub title: String,
    pub council: String,
    pub as_of: NaiveDate,
    /// The policy in force, or none.
    pub policy: Option<String>,
    /// What the figures rest on: the rules and their clauses, in sentences.
    pub notes: Vec<String>,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
    pub chart: Chart,
}

impl Report {
    fn new(name: ReportName, council: &Council, as_of: NaiveDate, columns: Vec<Column>) -> Self {
        Report {
            name,
            title: name.title().to_string(),
            council: council.name.clone(),
            as_of,
            policy: None,
            notes: Vec::new(),
            columns,
            rows: Vec::new(),
            chart: Chart::new("", &[]),
        }
    }

    /// The table as CSV: a heading row of column labels, then the rows.
    pub fn csv(&self) -> String {
        let mut out = String::new();
        let line = |cells: Vec<&str>, out: &mut String| {
            let quoted: Vec<String> = cells.into_iter().map(csv_cell).collect();
            out.push_str(&quoted.join(","));
            out.push_str("\r\n");
        };
        line(
            self.columns.iter().map(|c| c.label.as_str()).collect(),
            &mut out,
        );
        for row in &self.rows {
            line(row.iter().map(String::as_str).collect(), &mut out);
        }
        out
    }

    /// The rows as objects keyed by column, for the API.
    pub fn records(&self) -> Vec<serde_json::Map<String, serde_json::Value>> {
        self.rows
            .iter()
            .map(|row| {
                self.columns
                    .iter()
                    .zip(row)
                    .map(|(c, v)| (c.key.clone(), serde_json::Value::String(v.clone())))
                    .collect()
            })
            .collect()
    }
}

/// A CSV cell, quoted when it must be, and with a leading formula character defused so a
/// spreadsheet shows the text rather than running it.
fn csv_cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) && text.parse::<f64>().is_err() {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// Which report, over which days, and for whom.
#[derive(Clone, Copy, Debug)]
pub struct Asked<'a> {
    pub name: ReportName,
    /// The last day, and the day the report is as of.
    pub today: NaiveDate,
    /// The first day, for a report over a range (findings, compliance); its default otherwise.
    pub from: Option<NaiveDate>,
    /// Who reads it. `None` is the command line acting with the database's own authority,
    /// which monitoring findings never open to: someone must say which account reads them.
    pub reader: Option<&'a Principal>,
}

impl<'a> Asked<'a> {
    pub fn new(name: ReportName, today: NaiveDate) -> Self {
        Asked {
            name,
            today,
            from: None,
            reader: None,
        }
    }

    pub fn by(self, reader: &'a Principal) -> Self {
        Asked {
            reader: Some(reader),
            ..self
        }
    }

    pub fn from(self, from: Option<NaiveDate>) -> Self {
        Asked { from, ..self }
    }
}

/// Refuses a reader who may not open report `name` on `today`: readers for most reports,
/// and for monitoring findings only the offices the pack in force names, and auditors.
pub async fn access<T: ReportTx>(
    tx: &mut T,
    council: &Council,
    name: ReportName,
    reader: Option<&Principal>,
    today: NaiveDate,
) -> DomainResult<()> {
    match (reader, name.is_monitoring()) {
        (Some(p), true) => super::network::view::access(tx, council, p, today).await,
        (Some(p), false) => p
            .reader()
            .map(|_| ())
            .map_err(|d| DomainError::Forbidden(d.0.to_string())),
        (None, true) => Err(DomainError::Forbidden(
            "monitoring findings are read by an account the policy lets see them: say which \
             account reads the report"
                .to_string(),
        )),
        (None, false) => Ok(()),
    }
}

/// Builds the report asked for.
pub async fn build<T: ReportTx>(
    tx: &mut T,
    council: &Council,
    asked: Asked<'_>,
) -> DomainResult<Report> {
    let Asked {
        name, today, from, ..
    } = asked;
    access(tx, council, name, asked.reader, today).await?;
    let active = policy::in_force(tx, council, today).await?;
    let mut report = match name {
        ReportName::Overdue => overdue::build(tx, council, today).await?,
        ReportName::Signatures => signatures::build(tx, council, today, active.is_some()).await?,
        ReportName::Refresh => refresh::build(tx, council, today, active.as_ref()).await?,
        ReportName::Requests => requests::build(tx, council, today).await?,
        ReportName::Equipment => equipment::build(tx, council, today).await?,
        ReportName::Findings => findings::build(tx, council, today, from, active.as_ref()).await?,
        ReportName::Compliance => {
            compliance::build(tx, council, today, from, active.as_ref()).await?
        }
    };
    report.policy = active.map(|a| format!("{} (version {})", a.pack.pack.title, a.version.number));
    Ok(report)
}

/// "1 item", "3 items".
fn count(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A stored word as a table's or chart's label: "in_stock" reads "In stock".
fn label(code: &str) -> String {
    let words = code.replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => words,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_defuses() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a, b"), "\"a, b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(csv_cell("-3"), "-3");
    }

    #[test]
    fn names_round_trip() {
        for name in ReportName::ALL {
            assert_eq!(name.as_str().parse::<ReportName>().unwrap(), name);
        }
        assert!("nonsense".parse::<ReportName>().is_err());
    }
}
