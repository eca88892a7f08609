//! What every command prints: text and tables for people, or under `--json` one envelope of
//! the same shape whatever the command, so that a script reads every answer the same way:
//!
//! ```json
//! {"ok": true, "command": "loan issue", "data": {...}, "outcome": "Loan 3 issued...",
//!  "decision": {...} | null, "page": {...} | null}
//! {"ok": false, "command": "loan issue",
//!  "error": {"kind": "refused", "message": "...", "refusals": [...], "field": null}}
//! ```
//!
//! Nothing else goes to standard output under `--json`, and an error is not repeated as text
//! on standard error.

use serde::Serialize;
use serde_json::Value;
use std::io::Write;
use steward_domain::listing::Total;
use steward_policy::decide::{Gate, Refusal};

/// A plain text table with aligned columns.
pub struct Table {
    headers: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(headers: &[&'static str]) -> Self {
        Table {
            headers: headers.to_vec(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(
            cells
                .iter()
                .map(|c| crate::terminal::cell(c).into_owned())
                .collect(),
        );
    }

    /// The table as lines of text; every cell passes through here, so one call can make all
    /// of them safe to print.
    pub fn render(&self) -> String {
        let rows: Vec<Vec<String>> = self.rows.clone();
        let widths = self.widths(&rows);
        let mut out = String::new();
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        let headers: Vec<String> = self.headers.iter().map(|h| h.to_string()).collect();
        line(&widths, &headers, &mut out);
        line(&widths, &rule, &mut out);
        for row in &rows {
            line(&widths, row, &mut out);
        }
        if rows.is_empty() {
            out.push_str("(none)\n");
        }
        out
    }

    fn widths(&self, rows: &[Vec<String>]) -> Vec<usize> {
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for row in rows {
            for (i, cell) in row.iter().enumerate() {
                if let Some(w) = widths.get_mut(i) {
                    *w = (*w).max(cell.chars().count());
                }
            }
        }
        widths
    }
}

/// One row of a table, each cell but the last padded to its column's width.
fn line(widths: &[usize], cells: &[String], out: &mut String) {
    let mut text = String::new();
    for (i, cell) in cells.iter().enumerate() {
        let pad = widths.get(i).copied().unwrap_or(0);
        if i + 1 == cells.len() {
            text.push_str(cell);
        } else {
            text.push_str(&format!("{cell:<pad$}  "));
        }
    }
    out.push_str(text.trim_end());
    out.push('\n');
}

/// Where a page of a list sits: how many match in all and where the pages either side start.
#[derive(Clone, Debug, Serialize)]
pub struct Page {
    pub total: Total,
    pub next_cursor: Option<String>,
    pub previous_cursor: Option<String>,
}

/// What one command answers, before it is printed either way.
pub struct Reply<'a, T: Serialize> {
    pub data: &'a T,
    /// What happened, in a sentence or two.
    pub outcome: String,
    /// The policy's answer the command acted on, with its clause.
    pub decision: Option<Value>,
    pub page: Option<Page>,
}

impl<'a, T: Serialize> Reply<'a, T> {
    pub fn new(data: &'a T, outcome: impl Into<String>) -> Self {
        Reply {
            data,
            outcome: outcome.into(),
            decision: None,
            page: None,
        }
    }

    pub fn decision(mut self, decision: &impl Serialize) -> anyhow::Result<Self> {
        self.decision = Some(serde_json::to_value(decision)?);
        Ok(self)
    }

    pub fn page(mut self, page: Option<Page>) -> Self {
        self.page = page;
        self
    }
}

#[derive(Serialize)]
struct Success<'a, T: Serialize> {
    ok: bool,
    command: &'a str,
    data: &'a T,
    outcome: &'a str,
    decision: Option<&'a Value>,
    page: Option<&'a Page>,
}

/// How a command prints: to people or to scripts, and under which command's name.
#[derive(Clone, Debug)]
pub struct Out {
    pub json: bool,
    command: String,
}

impl Out {
    pub fn new(json: bool, command: &str) -> Out {
        Out {
            json,
            command: command.to_string(),
        }
    }

    /// Prints `reply` in the envelope, or the human text `human` produces.
    pub fn reply<T: Serialize>(
        &self,
        reply: Reply<'_, T>,
        human: impl FnOnce() -> String,
    ) -> anyhow::Result<()> {
        let mut stdout = std::io::stdout().lock();
        if self.json {
            let body = Success {
                ok: true,
                command: &self.command,
                data: reply.data,
                outcome: reply.outcome.trim_end(),
                decision: reply.decision.as_ref(),
                page: reply.page.as_ref(),
            };
            serde_json::to_writer_pretty(&mut stdout, &body)?;
            writeln!(stdout)?;
        } else {
            write!(stdout, "{}", crate::terminal::lines(&human()))?;
        }
        Ok(())
    }

    /// A change or a record told in a few lines: the same words for people and as the outcome.
    pub fn emit<T: Serialize>(
        &self,
        data: &T,
        words: impl FnOnce() -> String,
    ) -> anyhow::Result<()> {
        let words = words();
        self.reply(Reply::new(data, words.clone()), || words)
    }

    /// A command that answers with a record although it did not succeed (a check the policy
    /// refuses, a chain that does not verify): the record as `data` beside the error under
    /// `--json`, else the text `human` produces. Answers the failure's exit code.
    pub fn failed<T: Serialize>(
        &self,
        data: &T,
        failure: &Failure,
        human: impl FnOnce() -> String,
    ) -> anyhow::Result<u8> {
        let mut stdout = std::io::stdout().lock();
        if self.json {
            let body = FailureBody {
                ok: false,
                command: &self.command,
                data: Some(data),
                error: failure,
            };
            serde_json::to_writer_pretty(&mut stdout, &body)?;
            writeln!(stdout)?;
        } else {
            write!(stdout, "{}", human())?;
        }
        Ok(failure.kind.code())
    }

    /// A list or a long record: a table or text for people, a sentence as the outcome.
    pub fn show<T: Serialize>(
        &self,
        data: &T,
        outcome: impl Into<String>,
        human: impl FnOnce() -> String,
    ) -> anyhow::Result<()> {
        self.reply(Reply::new(data, outcome), human)
    }
}

/// "3 loans", "1 loan": how many rows a list holds, for its outcome.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The kinds of failure a script can tell apart, each with its own exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    Usage,
    Invalid,
    NotFound,
    Refused,
    Conflict,
    AuditFailed,
    Forbidden,
    Internal,
}

impl FailureKind {
    /// The exit code of this kind, the same for every command.
    pub fn code(self) -> u8 {
        use crate::exit;
        match self {
            FailureKind::Internal => exit::INTERNAL,
            FailureKind::Usage => exit::USAGE,
            FailureKind::Invalid => exit::INVALID,
            FailureKind::NotFound => exit::NOT_FOUND,
            FailureKind::Refused => exit::REFUSED,
            FailureKind::Conflict => exit::CONFLICT,
            FailureKind::AuditFailed => exit::AUDIT_FAILED,
            FailureKind::Forbidden => exit::FORBIDDEN,
        }
    }

    /// The kind an exit code stands for.
    pub fn of_code(code: u8) -> FailureKind {
        use crate::exit;
        match code {
            exit::USAGE => FailureKind::Usage,
            exit::INVALID => FailureKind::Invalid,
            exit::NOT_FOUND => FailureKind::NotFound,
            exit::REFUSED => FailureKind::Refused,
            exit::CONFLICT => FailureKind::Conflict,
            exit::AUDIT_FAILED => FailureKind::AuditFailed,
            exit::FORBIDDEN => FailureKind::Forbidden,
            _ => FailureKind::Internal,
        }
    }
}

/// One reason the policy gave for saying no, with the clause it rests on.
#[derive(Clone, Debug, Serialize)]
pub struct RefusalOut {
    /// Which of the policy's tests failed, as one word ("in_office", "availability").
    pub gate: Gate,
    pub message: String,
    pub clause: Option<String>,
    pub document: Option<String>,
}

impl From<&Refusal> for RefusalOut {
    fn from(r: &Refusal) -> Self {
        RefusalOut {
            gate: r.gate,
            message: r.message.clone(),
            clause: r.citation.as_ref().map(|c| c.clause.clone()),
            document: r.citation.as_ref().map(|c| c.document.clone()),
        }
    }
}

/// Why a command failed, as both kinds of output tell it.
#[derive(Clone, Debug, Serialize)]
pub struct Failure {
    pub kind: FailureKind,
    pub message: String,
    pub refusals: Vec<RefusalOut>,
    /// The flag, column or field that is wrong, where one is.
    pub field: Option<String>,
    /// For people: every refusal on its own line with its clause.
    #[serde(skip)]
    pub text: String,
}

#[derive(Serialize)]
struct FailureBody<'a, T: Serialize> {
    ok: bool,
    command: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a T>,
    error: &'a Failure,
}

impl Failure {
    pub fn new(kind: FailureKind, message: impl Into<String>) -> Failure {
        let message = message.into();
        Failure {
            kind,
            text: format!("error: {message}\n"),
            message,
            refusals: Vec::new(),
            field: None,
        }
    }

    /// The policy said no to `action`: each reason with its clause, in JSON and in words.
    pub fn refused(action: &str, refusals: &[Refusal]) -> Failure {
        let mut text = format!("{action} refused:\n");
        for r in refusals {
            text.push_str(&format!("  - {r}\n"));
        }
        let reasons: Vec<String> = refusals.iter().map(ToString::to_string).collect();
        Failure {
            kind: FailureKind::Refused,
            message: format!("{action} refused: {}", reasons.join("; ")),
            refusals: refusals.iter().map(RefusalOut::from).collect(),
            field: None,
            text,
        }
    }

    /// The envelope `command` prints under `--json` when it fails.
    pub fn envelope(&self, command: &str) -> String {
        let body: FailureBody<'_, ()> = FailureBody {
            ok: false,
            command,
            data: None,
            error: self,
        };
        serde_json::to_string_pretty(&body).unwrap_or_default()
    }
}

pub fn opt<T: ToString>(value: &Option<T>) -> String {
    value
        .as_ref()
        .map(|v| v.to_string())
        .unwrap_or_else(|| "-".into())
}
