//! Reading a council's CSV files into checked rows: people from its members' system and
//! equipment from its asset list.
//!
//! Pure: the caller hands over the bytes and gets back either every row, fully checked, or
//! every problem in the file with its line number. A file with any bad row imports nothing,
//! so the parsers carry on past the first problem and report them all.
//!
//! Whether the offices a person holds are named by the council's policy, and whether dates
//! make sense against today, are left to the caller.

use crate::ids::{AssetTag, Pence, PersonRef};
use crate::limits::CSV_ROW;
use chrono::NaiveDate;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt;
use std::str::FromStr;
use steward_policy::{EquipmentKind, EquipmentState, OfficeId, PersonKind, TermEndReason};

/// The most rows one file may hold.
pub const MAX_ROWS: usize = 100_000;
const MAX_ROWS_TEXT: &str = "100,000";

pub(crate) const NAME_MAX: usize = 200;
pub(crate) const HOUSEHOLD_MAX: usize = 200;
pub(crate) const MODEL_MAX: usize = 200;
pub(crate) const SERIAL_MAX: usize = 100;
const EMAIL_MAX: usize = 254;

const DATE_FORMS: &str = "write dates as 2027-05-16 or 16/05/2027 (day/month/year)";

/// One person from the members' system, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct PersonRow {
    /// The line of the file the row starts on.
    pub line: u64,
    pub reference: PersonRef,
    pub name: String,
    pub kind: PersonKind,
    pub email: Option<String>,
    pub household: Option<String>,
    pub term_start: Option<NaiveDate>,
    pub term_end: Option<NaiveDate>,
    /// Well-formed office ids, in the order given, without repeats.
    pub offices: Vec<OfficeId>,
}

/// One item from the asset list, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct EquipmentRow {
    /// The line of the file the row starts on.
    pub line: u64,
    pub asset_tag: AssetTag,
    pub kind: EquipmentKind,
    pub model: String,
    pub serial: Option<String>,
    pub purchased_on: Option<NaiveDate>,
    pub replacement_cost: Pence,
    pub pat_tested_on: Option<NaiveDate>,
    pub encrypted: bool,
    pub state: EquipmentState,
}

/// One problem in a file: where it is and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct RowError {
    /// The line of the file the row starts on (the header is normally line 1).
    pub line: u64,
    /// The column, as the import names it, when the problem is in one field.
    pub column: Option<String>,
    pub message: String,
}

/// Every problem found in a file. Nothing from the file was imported.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, thiserror::Error, schemars::JsonSchema)]
pub struct ImportErrors {
    pub file: String,
    pub errors: Vec<RowError>,
}

impl ImportErrors {
    /// How many distinct lines have at least one problem.
    pub fn rows_with_problems(&self) -> usize {
        let mut count = 0;
        let mut last = None;
        for e in &self.errors {
            if last != Some(e.line) {
                count += 1;
                last = Some(e.line);
            }
        }
        count
    }
}

impl fmt::Display for ImportErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rows = self.rows_with_problems();
        let verb = if rows == 1 { "row has" } else { "rows have" };
        write!(
            f,
            "{}: {rows} {verb} problems; nothing was imported",
            self.file
        )?;
        for e in &self.errors {
            write!(f, "\n{}:{}: ", self.file, e.line)?;
            if let Some(column) = &e.column {
                write!(f, "{column}: ")?;
            }
            f.write_str(&e.message)?;
        }
        Ok(())
    }
}

/// Parses a people file. Columns: `reference`, `name`, `kind` (required); `email`,
/// `household`, `term_start`, `term_end`, `offices` (optional; offices separated by `;`).
pub fn parse_people(file: &str, data: &[u8]) -> Result<Vec<PersonRow>, ImportErrors> {
    let reference_blank = blank_code_hint::<PersonRef>();
    let kind_blank = blank_word_hint::<PersonKind>();
    let mut references: HashMap<PersonRef, u64> = HashMap::new();

    read_table(file, &PEOPLE, data, |f| {
        let reference = f.required("reference", &reference_blank, |s| {
            s.parse::<PersonRef>().map_err(|e| e.to_string())
        });
        if let Some(reference) = &reference {
            f.unique("reference", reference, &mut references);
        }
        let name = f.required("name", "write the person's name", |s| {
            plain_text(s, NAME_MAX)
        });
        let kind = f.required("kind", &kind_blank, |s| {
            s.parse::<PersonKind>().map_err(|e| e.to_string())
        });
        let email = f.optional("email", check_email);
        let household = f.optional("household", |s| plain_text(s, HOUSEHOLD_MAX));
        let term_start = f.optional("term_start", parse_date);
        let term_end = f.optional("term_end", parse_date);
        if let (Some(Some(start)), Some(Some(end))) = (term_start, term_end)
            && end < start
        {
            f.fail(
                "term_end",
                format!(
                    "the term ends ({}) before it starts ({}); check the two dates",
                    end.format("%d/%m/%Y"),
                    start.format("%d/%m/%Y")
                ),
            );
        }
        let offices = f.optional("offices", parse_offices);

        Some(PersonRow {
            line: f.line,
            reference: reference?,
            name: name?,
            kind: kind?,
            email: email?,
            household: household?,
            term_start: term_start?,
            term_end: term_end?,
            offices: offices?.unwrap_or_default(),
        })
    })
}

/// Parses an equipment file. Columns: `asset_tag`, `kind`, `model`, `replacement_cost`
/// (required); `serial`, `purchased_on`, `pat_tested_on`, `encrypted` (default no), `state`
/// (default in_stock) (optional).
pub fn parse_equipment(file: &str, data: &[u8]) -> Result<Vec<EquipmentRow>, ImportErrors> {
    let tag_blank = blank_code_hint::<AssetTag>();
    let kind_blank = blank_word_hint::<EquipmentKind>();
    let mut tags: HashMap<AssetTag, u64> = HashMap::new();
    let mut serials: HashMap<String, u64> = HashMap::new();

    read_table(file, &EQUIPMENT, data, |f| {
        let asset_tag = f.required("asset_tag", &tag_blank, |s| {
            s.parse::<AssetTag>().map_err(|e| e.to_string())
        });
        if let Some(tag) = &asset_tag {
            f.unique("asset_tag", tag, &mut tags);
        }
        let kind = f.required("kind", &kind_blank, |s| {
            s.parse::<EquipmentKind>().map_err(|e| e.to_string())
        });
        let model = f.required("model", "write the make and model", |s| {
            plain_text(s, MODEL_MAX)
        });
        let serial = f.optional("serial", |s| plain_text(s, SERIAL_MAX));
        if let Some(Some(serial)) = &serial {
            f.unique("serial", serial, &mut serials);
        }
        let purchased_on = f.optional("purchased_on", parse_date);
        let replacement_cost = f.required(
            "replacement_cost",
            "write what it would cost to replace, in pounds, like 799.00",
            parse_cost,
        );
        let pat_tested_on = f.optional("pat_tested_on", parse_date);
        let encrypted = f.optional("encrypted", parse_yes_no);
        let state = f.optional("state", |s| {
            s.parse::<EquipmentState>().map_err(|e| e.to_string())
        });

        Some(EquipmentRow {
            line: f.line,
            asset_tag: asset_tag?,
            kind: kind?,
            model: model?,
            serial: serial?,
            purchased_on: purchased_on?,
            replacement_cost: replacement_cost?,
            pat_tested_on: pat_tested_on?,
            encrypted: encrypted?.unwrap_or(false),
            state: state?.unwrap_or(EquipmentState::InStock),
        })
    })
}

/// One person leaving office, as a row of a leavers file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeaverRow {
    pub line: u64,
    pub reference: PersonRef,
    pub left_on: NaiveDate,
    pub reason: TermEndReason,
}

/// Parses a file of people leaving office (an election result, resignations). Columns:
/// `reference`, `left_on`, `reason` (not_re_elected, stood_down, ...). A person may appear once.
pub fn parse_leavers(file: &str, data: &[u8]) -> Result<Vec<LeaverRow>, ImportErrors> {
    let reference_blank = blank_code_hint::<PersonRef>();
    let reason_blank = blank_word_hint::<TermEndReason>();
    let mut references: HashMap<PersonRef, u64> = HashMap::new();
    read_table(file, &LEAVERS, data, |f| {
        let reference = f.required("reference", &reference_blank, |s| {
            s.parse::<PersonRef>().map_err(|e| e.to_string())
        });
        if let Some(reference) = &reference {
            f.unique("reference", reference, &mut references);
        }
        let left_on = f.required("left_on", "write the day they left office", parse_date);
        let reason = f.required("reason", &reason_blank, |s| {
            s.parse::<TermEndReason>().map_err(|e| e.to_string())
        });
        Some(LeaverRow {
            line: f.line,
            reference: reference?,
            left_on: left_on?,
            reason: reason?,
        })
    })
}

/// Parses a date as councils write them: 2027-05-16 or 16/05/2027.
///
/// Day and month may be one or two digits; the year must have four. Surrounding spaces are
/// ignored. The message for anything else says which forms are accepted.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let t = text.trim();
    let shape = || format!("'{t}' is not a date; {DATE_FORMS}");
    let numbers = |sep: char| -> Option<[(&str, u32); 3]> {
        let mut parts = t.split(sep);
        let mut out = [("", 0u32); 3];
        for slot in &mut out {
            let part = parts.next()?;
            if part.is_empty() || part.len() > 4 || !part.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            *slot = (part, part.parse().ok()?);
        }
        match parts.next() {
            Some(_) => None,
            None => Some(out),
        }
    };
    let short = |p: &str| (1..=2).contains(&p.len());

    let (year, month, day, order) = if let Some([(y, yn), (m, mn), (d, dn)]) = numbers('-') {
        if y.len() != 4 || !short(m) || !short(d) {
            return Err(shape());
        }
        (yn, mn, dn, "year-month-day")
    } else if let Some([(d, dn), (m, mn), (y, yn)]) = numbers('/') {
        if !short(d) || !short(m) {
            return Err(shape());
        }
        if y.len() == 2 {
            return Err(format!(
                "'{t}' is not a date: write the year with four digits; {DATE_FORMS}"
            ));
        }
        if y.len() != 4 {
            return Err(shape());
        }
        (yn, mn, dn, "day/month/year")
    } else {
        return Err(shape());
    };

    let Ok(signed_year) = i32::try_from(year) else {
        return Err(shape());
    };
    if !(1..=12).contains(&month) {
        return Err(format!(
            "'{t}' is not a date: there is no month {month} (this is read as {order}); \
             {DATE_FORMS}"
        ));
    }
    let Some(first) = NaiveDate::from_ymd_opt(signed_year, month, 1) else {
        return Err(shape());
    };
    let days = days_in_month(signed_year, month);
    match NaiveDate::from_ymd_opt(signed_year, month, day) {
        Some(date) if day >= 1 => Ok(date),
        _ => Err(format!(
            "'{t}' is not a date: {} has {days} days (this is read as {order}); {DATE_FORMS}",
            first.format("%B %Y")
        )),
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    (28..=31)
        .rev()
        .find(|d| NaiveDate::from_ymd_opt(year, month, *d).is_some())
        .unwrap_or(28)
}

// ---------------------------------------------------------------------------------------------
// Field checks

pub(crate) fn plain_text(s: &str, max: usize) -> Result<String, String> {
    let length = s.chars().count();
    if length > max {
        return Err(format!(
            "is {length} characters long; at most {max} are allowed"
        ));
    }
    crate::text::one_line(s).map_err(|why| why.to_string())?;
    Ok(s.to_string())
}

pub(crate) fn check_email(s: &str) -> Result<String, String> {
    let problem = if s.chars().count() > EMAIL_MAX {
        Some(format!("is longer than {EMAIL_MAX} characters"))
    } else if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Some("has a space in it".to_string())
    } else {
        match s.split_once('@') {
            None => Some("has no '@'".to_string()),
            Some((_, domain)) if domain.contains('@') => Some("has more than one '@'".to_string()),
            Some(("", _)) => Some("has nothing before the '@'".to_string()),
            Some((_, domain)) => {
                let parts: Vec<&str> = domain.split('.').collect();
                if parts.len() < 2 || parts.iter().any(|p| p.is_empty()) {
                    Some("needs a domain with a dot after the '@'".to_string())
                } else {
                    None
                }
            }
        }
    };
    match problem {
        None => Ok(s.to_string()),
        Some(why) => Err(format!(
            "'{s}' does not look like an email address: it {why}; expected something like \
             j.smith@council.gov.uk"
        )),
    }
}

fn parse_offices(s: &str) -> Result<Vec<OfficeId>, String> {
    let mut offices: Vec<OfficeId> = Vec::new();
    let mut bad: Vec<String> = Vec::new();
    for piece in s.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        if OfficeId::is_well_formed(piece) {
            if !offices.iter().any(|o| o.as_str() == piece) {
                offices.push(OfficeId(piece.to_string()));
            }
        } else {
            let tidied = piece.to_lowercase().replace([' ', '-'], "_");
            if OfficeId::is_well_formed(&tidied) {
                bad.push(format!("'{piece}' (did you mean '{tidied}'?)"));
            } else {
                bad.push(format!("'{piece}'"));
            }
        }
    }
    match bad.as_slice() {
        [] => Ok(offices),
        [one] => Err(format!(
            "{one} is not an office id; office ids are lower-case letters, digits and \
             underscores starting with a letter, like monitoring_officer, separated by ';'"
        )),
        many => Err(format!(
            "{} are not office ids; office ids are lower-case letters, digits and underscores \
             starting with a letter, like monitoring_officer, separated by ';'",
            many.join(", ")
        )),
    }
}

fn parse_cost(s: &str) -> Result<Pence, String> {
    let cost = Pence::parse_pounds(s).map_err(|e| e.to_string())?;
    if cost.0 <= 0 {
        return Err(format!(
            "'{s}' is not a replacement cost: it must be more than £0.00"
        ));
    }
    Ok(cost)
}

fn parse_yes_no(s: &str) -> Result<bool, String> {
    match s.to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "1" => Ok(true),
        "no" | "n" | "false" | "0" => Ok(false),
        _ => Err(format!(
            "'{s}' is not yes or no; expected one of: yes, no, true, false, y, n, 1, 0 \
             (blank means no)"
        )),
    }
}

fn blank_code_hint<T: FromStr<Err = crate::ids::InvalidValue>>() -> String {
    match "".parse::<T>() {
        Err(e) => e.rule.to_string(),
        Ok(_) => String::new(),
    }
}

fn blank_word_hint<T: FromStr<Err = steward_policy::vocab::UnknownWord>>() -> String {
    match "".parse::<T>() {
        Err(e) => format!("expected one of: {}", e.expected.join(", ")),
        Ok(_) => String::new(),
    }
}

// ---------------------------------------------------------------------------------------------
// The table reader shared by both files

/// The columns one kind of file has.
pub(crate) struct Spec {
    /// How messages name the file: "a people file".
    pub(crate) rows: &'static str,
    pub(crate) required: &'static [&'static str],
    pub(crate) optional: &'static [&'static str],
    /// Other headings a column goes by in files from elsewhere, as (heading, column).
    pub(crate) aliases: &'static [(&'static str, &'static str)],
    /// Whether columns the import does not read are passed over rather than refused, as in a
    /// vendor's export that carries many columns of its own.
    pub(crate) extra_columns: bool,
}

const PEOPLE: Spec = Spec {
    rows: "a people file",
    required: &["reference", "name", "kind"],
    optional: &["email", "household", "term_start", "term_end", "offices"],
    aliases: &[],
    extra_columns: false,
};

const LEAVERS: Spec = Spec {
    rows: "a file of people leaving office",
    required: &["reference", "left_on", "reason"],
    optional: &[],
    aliases: &[],
    extra_columns: false,
};

const EQUIPMENT: Spec = Spec {
    rows: "an equipment file",
    required: &["asset_tag", "kind", "model", "replacement_cost"],
    optional: &[
        "serial",
        "purchased_on",
        "pat_tested_on",
        "encrypted",
        "state",
    ],
    aliases: &[],
    extra_columns: false,
};

impl Spec {
    fn columns(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.required.iter().chain(self.optional).copied()
    }

    fn len(&self) -> usize {
        self.required.len() + self.optional.len()
    }

    fn index(&self, name: &str) -> Option<usize> {
        let name = self
            .aliases
            .iter()
            .find(|(alias, _)| *alias == name)
            .map_or(name, |(_, column)| *column);
        self.columns().position(|c| c == name)
    }

    fn accepted(&self) -> String {
        format!(
            "the columns of {} are {} (required) and {} (optional)",
            self.rows,
            self.required.join(", "),
            self.optional.join(", ")
        )
    }
}

/// A field of one row, by the import's own column order.
#[derive(Clone, Debug)]
enum Cell {
    /// The file has no such column, or the field is blank.
    Empty,
    Text(String),
    /// Not UTF-8; already reported.
    Broken,
}

/// One row being checked. Field checks record their problems and return `None`.
pub(crate) struct Fields<'a> {
    pub(crate) line: u64,
    spec: &'a Spec,
    cells: &'a [Cell],
    errors: &'a mut Vec<RowError>,
    failed: bool,
}

impl Fields<'_> {
    fn cell(&self, column: &str) -> &Cell {
        self.spec
            .index(column)
            .and_then(|i| self.cells.get(i))
            .unwrap_or(&Cell::Empty)
    }

    pub(crate) fn fail(&mut self, column: &str, message: String) {
        self.failed = true;
        self.errors.push(RowError {
            line: self.line,
            column: Some(column.to_string()),
            message,
        });
    }

    /// A field that must have a value; `blank` says what to write there.
    pub(crate) fn required<T>(
        &mut self,
        column: &str,
        blank: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let result = match self.cell(column) {
            Cell::Broken => {
                self.failed = true;
                return None;
            }
            Cell::Empty => Err(format!("is blank; {blank}")),
            Cell::Text(text) => parse(text),
        };
        match result {
            Ok(value) => Some(value),
            Err(message) => {
                self.fail(column, message);
                None
            }
        }
    }

    /// A field that may be blank. `None` means it was bad; `Some(None)` that it was blank.
    pub(crate) fn optional<T>(
        &mut self,
        column: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<Option<T>> {
        let result = match self.cell(column) {
            Cell::Broken => {
                self.failed = true;
                return None;
            }
            Cell::Empty => return Some(None),
            Cell::Text(text) => parse(text),
        };
        match result {
            Ok(value) => Some(Some(value)),
            Err(message) => {
                self.fail(column, message);
                None
            }
        }
    }

    /// Records the first line each value appears on and complains about later ones.
    fn unique<K>(&mut self, column: &str, key: &K, seen: &mut HashMap<K, u64>)
    where
        K: Clone + Eq + std::hash::Hash + fmt::Display,
    {
        match seen.entry(key.clone()) {
            Entry::Occupied(first) => {
                let first = *first.get();
                self.fail(
                    column,
                    format!("'{key}' is already used on line {first}; each must be different"),
                );
            }
            Entry::Vacant(slot) => {
                slot.insert(self.line);
            }
        }
    }
}

/// Turns byte offsets into physical line numbers. Offsets must be asked for in order.
struct Lines<'a> {
    data: &'a [u8],
    at: usize,
    line: u64,
}

impl<'a> Lines<'a> {
    fn new(data: &'a [u8]) -> Self {
        Lines {
            data,
            at: 0,
            line: 1,
        }
    }

    /// The line on which the record whose reading began at `offset` starts: line breaks of
    /// skipped empty lines before it are passed over.
    fn record_line(&mut self, offset: u64) -> u64 {
        let mut start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.data.len());
        while let Some(b'\r' | b'\n') = self.data.get(start) {
            start += 1;
        }
        while self.at < start {
            match self.data.get(self.at) {
                Some(b'\n') => self.line += 1,
                Some(b'\r') if self.data.get(self.at + 1) != Some(&b'\n') => self.line += 1,
                _ => {}
            }
            self.at += 1;
        }
        self.line
    }
}

fn is_blank(record: &csv::ByteRecord) -> bool {
    record.iter().all(|field| field.trim_ascii().is_empty())
}

fn normalise_heading(text: &str) -> String {
    text.trim().to_lowercase().replace([' ', '-'], "_")
}

/// Reads the header. Returns, for each field position, the import column it feeds (if any),
/// or `None` when the header is too broken to read rows by.
fn read_header(
    spec: &Spec,
    record: &csv::ByteRecord,
    line: u64,
    errors: &mut Vec<RowError>,
) -> Option<Vec<Option<usize>>> {
    let mut usable = true;
    let mut map = Vec::with_capacity(record.len());
    let mut seen: Vec<Option<usize>> = vec![None; spec.len()];
    let mut error = |column: Option<String>, message: String| {
        errors.push(RowError {
            line,
            column,
            message,
        });
    };

    for (position, raw) in record.iter().enumerate() {
        let number = position + 1;
        let Ok(text) = std::str::from_utf8(raw) else {
            error(
                None,
                format!(
                    "the heading of column {number} is not UTF-8 text; save the file as \
                     CSV UTF-8"
                ),
            );
            usable = false;
            map.push(None);
            continue;
        };
        let heading = text.trim();
        let name = normalise_heading(heading);
        if name.is_empty() {
            error(
                None,
                format!("column {number} has no heading; {}", spec.accepted()),
            );
            map.push(None);
            continue;
        }
        match spec.index(&name) {
            None if spec.extra_columns => map.push(None),
            None => {
                error(
                    Some(heading.to_string()),
                    format!("unknown column; {}", spec.accepted()),
                );
                map.push(None);
            }
            Some(index) => {
                if let Some(Some(earlier)) = seen.get(index) {
                    error(
                        Some(heading.to_string()),
                        format!(
                            "this column appears twice (columns {} and {number}); keep only one",
                            earlier + 1
                        ),
                    );
                    usable = false;
                    map.push(None);
                } else {
                    if let Some(slot) = seen.get_mut(index) {
                        *slot = Some(position);
                    }
                    map.push(Some(index));
                }
            }
        }
    }

    for (index, column) in spec.columns().enumerate() {
        let required = index < spec.required.len();
        if required && matches!(seen.get(index), Some(None)) {
            error(
                Some(column.to_string()),
                format!("this required column is missing; {}", spec.accepted()),
            );
            usable = false;
        }
    }

    usable.then_some(map)
}

/// Reads a whole file, handing each row to `build`. Rows are kept only if the whole file is
/// free of problems.
pub(crate) fn read_table<T>(
    file: &str,
    spec: &Spec,
    data: &[u8],
    mut build: impl FnMut(&mut Fields<'_>) -> Option<T>,
) -> Result<Vec<T>, ImportErrors> {
    let data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(data);
    let mut lines = Lines::new(data);
    let mut record = csv::ByteRecord::new();
    let mut errors: Vec<RowError> = Vec::new();
    let mut rows: Vec<T> = Vec::new();
    let mut header: Option<(Vec<Option<usize>>, usize)> = None;
    let mut header_seen = false;
    let mut count: usize = 0;

    loop {
        let offset = reader.position().byte();
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                errors.push(RowError {
                    line: lines.record_line(offset),
                    column: None,
                    message: format!("the file could not be read as CSV from here: {e}"),
                });
                break;
            }
        }
        let line = lines.record_line(offset);
        let row_bytes = reader.position().byte().saturating_sub(offset);
        if row_bytes > CSV_ROW as u64 {
            errors.push(RowError {
                line,
                column: None,
                message: format!(
                    "this row is longer than {}, the longest a row may be; check for a quote \
                     that is never closed",
                    crate::limits::size(CSV_ROW as u64)
                ),
            });
            break;
        }
        if is_blank(&record) {
            continue;
        }

        if !header_seen {
            header_seen = true;
            header = read_header(spec, &record, line, &mut errors).map(|m| (m, record.len()));
            if header.is_none() {
                break;
            }
            continue;
        }
        let Some((map, width)) = &header else {
            break;
        };

        count += 1;
        if count > MAX_ROWS {
            errors.push(RowError {
                line,
                column: None,
                message: format!(
                    "the file has more than {MAX_ROWS_TEXT} rows; split it into smaller files"
                ),
            });
            break;
        }

        if record.len() != *width {
            errors.push(RowError {
                line,
                column: None,
                message: format!(
                    "this row has {} fields but the header has {width} columns; check for a \
                     missing or extra comma, or a value with a comma that needs quotes",
                    record.len()
                ),
            });
            continue;
        }

        let mut cells = vec![Cell::Empty; spec.len()];
        let mut failed = false;
        for (raw, target) in record.iter().zip(map) {
            let Some(index) = *target else { continue };
            let cell = match std::str::from_utf8(raw) {
                Ok(text) => match text.trim() {
                    "" => Cell::Empty,
                    value => Cell::Text(value.to_string()),
                },
                Err(_) => {
                    failed = true;
                    errors.push(RowError {
                        line,
                        column: spec.columns().nth(index).map(str::to_string),
                        message: "is not UTF-8 text; save the file as CSV UTF-8".to_string(),
                    });
                    Cell::Broken
                }
            };
            if let Some(slot) = cells.get_mut(index) {
                *slot = cell;
            }
        }

        let mut fields = Fields {
            line,
            spec,
            cells: &cells,
            errors: &mut errors,
            failed,
        };
        let built = build(&mut fields);
        if let Some(row) = built
            && !fields.failed
        {
            rows.push(row);
        }
    }

    if errors.is_empty() && rows.is_empty() {
        errors.push(RowError {
            line: 1,
            column: None,
            message: format!(
                "the file has no rows; the first line should name the columns and each line \
                 after it should hold one row; {}",
                spec.accepted()
            ),
        });
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        errors.sort_by_key(|e| e.line);
        Err(ImportErrors {
            file: file.to_string(),
            errors,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    /// (line, column) of every error, for compact comparisons.
    fn places(e: &ImportErrors) -> Vec<(u64, Option<&str>)> {
        e.errors
            .iter()
            .map(|r| (r.line, r.column.as_deref()))
            .collect()
    }

    fn message<'a>(e: &'a ImportErrors, line: u64, column: &str) -> &'a str {
        e.errors
            .iter()
            .find(|r| r.line == line && r.column.as_deref() == Some(column))
            .map(|r| r.message.as_str())
            .unwrap_or_else(|| panic!("no error at {line} {column}: {e}"))
    }

    const GOOD_PEOPLE: &str = "\
Reference, Name ,KIND,Email,Household,Term Start,term-end,Offices
M0001,\"Smith, Jane\",Councillor,jane.smith@ashbury.gov.uk,H1,2023-05-04,04/05/2027,mayor; cabinet_member
M0002,Raj Patel,co-opted member,,H1,,,
E0100,Alex Jones,employee,a.jones@ashbury.gov.uk,,1/9/2020,,
";

    #[test]
    fn good_people_file() {
        let rows = parse_people("people.csv", GOOD_PEOPLE.as_bytes()).expect("parses");
        assert_eq!(rows.len(), 3);
        assert_eq!(
            rows[0],
            PersonRow {
                line: 2,
                reference: "M0001".parse().expect("ref"),
                name: "Smith, Jane".into(),
                kind: PersonKind::Councillor,
                email: Some("jane.smith@ashbury.gov.uk".into()),
                household: Some("H1".into()),
                term_start: Some(date(2023, 5, 4)),
                term_end: Some(date(2027, 5, 4)),
                offices: vec![OfficeId("mayor".into()), OfficeId("cabinet_member".into())],
            }
        );
        assert_eq!(rows[1].kind, PersonKind::CoOptedMember);
        assert_eq!(rows[1].email, None);
        assert_eq!(rows[1].term_start, None);
        assert!(rows[1].offices.is_empty());
        assert_eq!(rows[2].line, 4);
        assert_eq!(rows[2].term_start, Some(date(2020, 9, 1)));
    }

    #[test]
    fn good_equipment_file() {
        let text = "\
asset tag,kind,model,serial,purchased on,replacement cost,pat tested on,encrypted,state
LAP-0117,laptop,Dell Latitude 5440,SN123,2024-01-15,\"£1,299.50\",15/01/2025,yes,issued
TAB/2,Tablet,iPad 10th gen,,,399,,,
USB-9,removable media,Kingston 32GB,K-9,,12.5,,N,awaiting erasure
";
        let rows = parse_equipment("kit.csv", text.as_bytes()).expect("parses");
        assert_eq!(
            rows[0],
            EquipmentRow {
                line: 2,
                asset_tag: "LAP-0117".parse().expect("tag"),
                kind: EquipmentKind::Laptop,
                model: "Dell Latitude 5440".into(),
                serial: Some("SN123".into()),
                purchased_on: Some(date(2024, 1, 15)),
                replacement_cost: Pence(129_950),
                pat_tested_on: Some(date(2025, 1, 15)),
                encrypted: true,
                state: EquipmentState::Issued,
            }
        );
        assert_eq!(rows[1].kind, EquipmentKind::Tablet);
        assert_eq!(rows[1].serial, None);
        assert_eq!(rows[1].replacement_cost, Pence(39_900));
        assert!(!rows[1].encrypted);
        assert_eq!(rows[1].state, EquipmentState::InStock);
        assert_eq!(rows[2].kind, EquipmentKind::RemovableMedia);
        assert_eq!(rows[2].replacement_cost, Pence(1_250));
        assert_eq!(rows[2].state, EquipmentState::AwaitingErasure);
        assert_eq!(rows[2].line, 4);
    }

    #[test]
    fn every_bad_people_row_is_reported_with_its_line() {
        let text = "\
reference,name,kind,email,household,term_start,term_end,offices
M1,Good Person,councillor,good@council.gov.uk,,,,
M2,,alderman,not-an-email,,2027-02-30,,Mayor
M3,\"A name
over two lines\",councillor,,,,,
M 4,Bad Ref,employee,,,,,

M5,Dates Wrong,councillor,,,16/05/2027,2027-05-01,
M6,Too,Few
M1,Again,volunteer,x@y@z.uk,,31/31/2027,May 5,leader;deputy leader
";
        let err = parse_people("people.csv", text.as_bytes()).expect_err("bad file");
        assert_eq!(
            places(&err),
            vec![
                (3, Some("name")),
                (3, Some("kind")),
                (3, Some("email")),
                (3, Some("term_start")),
                (3, Some("offices")),
                (4, Some("name")),
                (6, Some("reference")),
                (8, Some("term_end")),
                (9, None),
                (10, Some("reference")),
                (10, Some("email")),
                (10, Some("term_start")),
                (10, Some("term_end")),
                (10, Some("offices")),
            ],
            "{err}"
        );
        assert_eq!(
            message(&err, 3, "name"),
            "is blank; write the person's name"
        );
        assert!(
            message(&err, 3, "kind").starts_with(
                "'alderman' is not a kind of person; expected one of: councillor, co_opted_member"
            ),
            "{err}"
        );
        assert!(message(&err, 3, "email").contains("no '@'"));
        assert!(message(&err, 3, "term_start").contains("February 2027 has 28 days"));
        assert!(message(&err, 3, "offices").contains("did you mean 'mayor'?"));
        assert!(message(&err, 4, "name").contains("line break"));
        assert!(message(&err, 6, "reference").contains("person reference 'M 4' is not valid"));
        assert!(message(&err, 8, "term_end").contains("before it starts"));
        assert_eq!(
            message(&err, 10, "reference"),
            "'M1' is already used on line 2; each must be different"
        );
        assert!(message(&err, 10, "email").contains("more than one '@'"));
        assert!(message(&err, 10, "term_start").contains("there is no month 31"));
        assert!(message(&err, 10, "term_end").contains("'May 5' is not a date"));
        assert!(message(&err, 10, "offices").contains("'deputy leader' (did you mean"));

        let shown = err.to_string();
        let first = shown.lines().next().expect("a first line");
        assert_eq!(
            first,
            "people.csv: 6 rows have problems; nothing was imported"
        );
        assert_eq!(shown.lines().count(), 1 + err.errors.len());
        assert!(shown.contains("\npeople.csv:3: kind: 'alderman' is not a kind of person"));
        assert!(shown.contains("\npeople.csv:9: this row has 3 fields but the header has 8"));
    }

    #[test]
    fn every_bad_equipment_row_is_reported_with_its_line() {
        let text = "\
asset_tag,kind,model,replacement_cost,serial,encrypted,state
LAP-1,tablet pc,\"Model with
a quoted
line break\",0,,maybe,lent out
LAP-2,laptop,Fine,799.00,S1,,
LAP-3,laptop,Fine,£7.999,S1,,
,desktop,,,,,
";
        let err = parse_equipment("kit.csv", text.as_bytes()).expect_err("bad file");
        assert_eq!(
            places(&err),
            vec![
                (2, Some("kind")),
                (2, Some("model")),
                (2, Some("replacement_cost")),
                (2, Some("encrypted")),
                (2, Some("state")),
                (6, Some("serial")),
                (6, Some("replacement_cost")),
                (7, Some("asset_tag")),
                (7, Some("model")),
                (7, Some("replacement_cost")),
            ],
            "{err}"
        );
        assert!(message(&err, 2, "kind").starts_with(
            "'tablet pc' is not a kind of equipment; expected one of: laptop, tablet,"
        ));
        assert!(message(&err, 2, "replacement_cost").contains("more than £0.00"));
        assert!(message(&err, 2, "encrypted").contains("yes, no, true, false, y, n, 1, 0"));
        assert!(message(&err, 2, "state").contains("'lent out' is not an equipment state"));
        assert_eq!(
            message(&err, 6, "serial"),
            "'S1' is already used on line 5; each must be different"
        );
        assert!(message(&err, 6, "replacement_cost").contains("amount '£7.999' is not valid"));
        assert!(message(&err, 7, "asset_tag").starts_with("is blank; use 1 to 32"));
        assert!(
            err.to_string()
                .contains("\nkit.csv:2: kind: 'tablet pc' is not a kind of equipment; expected one of: laptop, tablet, mobile_phone")
        );
    }

    #[test]
    fn header_problems_are_reported_on_line_one() {
        let err = parse_people("p.csv", b"Reference,Type,name,email,Name,\nM1,x,y,,z,\n")
            .expect_err("bad header");
        assert!(err.errors.iter().all(|e| e.line == 1), "{err}");
        assert_eq!(
            places(&err),
            vec![
                (1, Some("Type")),
                (1, Some("Name")),
                (1, None),
                (1, Some("kind")),
            ]
        );
        assert!(message(&err, 1, "Type").starts_with("unknown column; the columns of a people file are reference, name, kind (required) and email, household, term_start, term_end, offices (optional)"));
        assert!(message(&err, 1, "Name").contains("columns 3 and 5"));
        assert!(
            message(&err, 1, "kind").starts_with("this required column is missing; the columns")
        );
        assert!(err.errors[2].message.starts_with("column 6 has no heading"));

        // An unknown column alone still lets the rows be checked, so everything is reported.
        let err = parse_equipment(
            "e.csv",
            b"asset_tag,kind,model,replacement_cost,colour\nA1,laptop,X,1,red\nA2,phone,X,1,blue\n",
        )
        .expect_err("unknown column");
        assert_eq!(places(&err), vec![(1, Some("colour")), (3, Some("kind"))]);

        let err = parse_equipment("e.csv", b"asset_tag,model\n").expect_err("missing");
        assert_eq!(
            places(&err),
            vec![(1, Some("kind")), (1, Some("replacement_cost"))]
        );
    }

    #[test]
    fn byte_order_mark_and_line_endings() {
        let text = "\u{feff}reference,name,kind\r\nM1,Ann,councillor\r\n\r\nM2,Bob,employee\r\n";
        let rows = parse_people("p.csv", text.as_bytes()).expect("parses");
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), vec![2, 4]);

        // Old Mac-style line endings still give physical line numbers.
        let text = "reference,name,kind\rM1,Ann,councillor\r\rM2,,employee\r";
        let err = parse_people("p.csv", text.as_bytes()).expect_err("blank name");
        assert_eq!(places(&err), vec![(4, Some("name"))]);
    }

    #[test]
    fn empty_lines_are_skipped_but_counted() {
        let text = "\n\nreference,name,kind\n\n   \n,,\nM1,Ann,councillor\n\nM2,Bob,alien\n";
        let err = parse_people("p.csv", text.as_bytes()).expect_err("bad kind");
        assert_eq!(places(&err), vec![(9, Some("kind"))]);

        let err = parse_people("p.csv", b"reference,name\xff,kind\n").expect_err("header utf8");
        assert_eq!(places(&err), vec![(1, None), (1, Some("name"))]);
        assert!(
            err.errors[0]
                .message
                .contains("heading of column 2 is not UTF-8")
        );
    }

    #[test]
    fn invalid_utf8_is_a_row_error() {
        let err = parse_people(
            "p.csv",
            b"reference,name,kind\nM1,Ren\xe9e,councillor\nM2,X,alien\n",
        )
        .expect_err("latin-1");
        assert_eq!(places(&err), vec![(2, Some("name")), (3, Some("kind"))]);
        assert!(err.errors[0].message.contains("not UTF-8"));
    }

    #[test]
    fn empty_files_are_refused() {
        for text in [
            "",
            "\n\n",
            "\u{feff}",
            "reference,name,kind\n",
            "reference,name,kind\n\n,,\n",
        ] {
            let err = parse_people("p.csv", text.as_bytes()).expect_err("empty");
            assert_eq!(err.errors.len(), 1, "{text:?}");
            assert!(err.errors[0].message.starts_with("the file has no rows"));
            assert_eq!(
                err.to_string().lines().next(),
                Some("p.csv: 1 row has problems; nothing was imported")
            );
        }
        let err = parse_equipment("e.csv", b"").expect_err("empty");
        assert!(err.errors[0].message.starts_with("the file has no rows"));
    }

    #[test]
    fn duplicates_name_the_earlier_line() {
        let text = "reference,name,kind\nA1,One,employee\nA2,Two,employee\nA1,Three,employee\nA1,Four,employee\n";
        let err = parse_people("p.csv", text.as_bytes()).expect_err("dupes");
        assert_eq!(
            places(&err),
            vec![(4, Some("reference")), (5, Some("reference"))]
        );
        assert!(err.errors.iter().all(|e| e.message.contains("line 2")));

        let text = "asset_tag,kind,model,replacement_cost,serial\n\
                    T1,laptop,X,1,S1\nT2,laptop,X,1,\nT3,laptop,X,1,\nT1,laptop,X,1,S1\n";
        let err = parse_equipment("e.csv", text.as_bytes()).expect_err("dupes");
        assert_eq!(
            places(&err),
            vec![(5, Some("asset_tag")), (5, Some("serial"))]
        );
        assert!(err.errors.iter().all(|e| e.message.contains("line 2")));
    }

    #[test]
    fn too_many_rows_is_reported_once() {
        let mut text = String::from("reference,name,kind\n");
        for i in 0..=MAX_ROWS {
            text.push_str(&format!("R{i},Name,employee\n"));
        }
        text.push_str("bad ref,,\n");
        let err = parse_people("p.csv", text.as_bytes()).expect_err("too many");
        assert_eq!(places(&err), vec![(MAX_ROWS as u64 + 2, None)]);
        assert!(err.errors[0].message.contains("more than 100,000 rows"));
    }

    #[test]
    fn a_row_over_the_limit_stops_the_file_there() {
        let long = "x".repeat(CSV_ROW);
        let text = format!("reference,name,kind\nR1,Ada,employee\nR2,\"{long}\nmore\",employee\n");
        let err = parse_people("p.csv", text.as_bytes()).expect_err("too long");
        assert_eq!(places(&err), vec![(3, None)]);
        assert!(
            err.errors[0].message.contains("longer than 64 KiB"),
            "{err:?}"
        );
    }

    #[test]
    fn a_name_with_a_direction_override_is_refused() {
        let text = "reference,name,kind\nR1,Ada \u{202E}lliuQ,employee\n";
        let err = parse_people("p.csv", text.as_bytes()).expect_err("refused");
        assert_eq!(places(&err), vec![(2, Some("name"))]);
        assert!(err.errors[0].message.contains("U+202E"), "{err:?}");
    }

    #[test]
    fn dates_in_both_forms() {
        assert_eq!(parse_date("2027-05-16"), Ok(date(2027, 5, 16)));
        assert_eq!(parse_date("16/05/2027"), Ok(date(2027, 5, 16)));
        assert_eq!(parse_date(" 5/6/2027 "), Ok(date(2027, 6, 5)));
        assert_eq!(parse_date("2028-02-29"), Ok(date(2028, 2, 29)));
        for bad in [
            "2027-02-30",
            "31/31/2027",
            "May 5",
            "",
            "16/05/27",
            "2027/05/16",
            "16-05-2027",
            "2027-05-16T00:00",
            "00/01/2027",
            "1/0/2027",
            "29/02/2027",
            "+2027-05-16",
            "１６/05/2027",
            "16/05/2027/1",
            "20270-05-16",
        ] {
            let err = parse_date(bad).expect_err(bad);
            assert!(err.contains("2027-05-16 or 16/05/2027"), "{bad}: {err}");
        }
        assert!(
            parse_date("2027-02-30")
                .unwrap_err()
                .contains("February 2027 has 28 days")
        );
        assert!(
            parse_date("31/31/2027")
                .unwrap_err()
                .contains("there is no month 31")
        );
        assert!(parse_date("16/05/27").unwrap_err().contains("four digits"));
    }

    #[test]
    fn display_format() {
        let err = ImportErrors {
            file: "f.csv".into(),
            errors: vec![
                RowError {
                    line: 1,
                    column: None,
                    message: "a".into(),
                },
                RowError {
                    line: 3,
                    column: Some("kind".into()),
                    message: "b".into(),
                },
                RowError {
                    line: 3,
                    column: Some("name".into()),
                    message: "c".into(),
                },
            ],
        };
        assert_eq!(
            err.to_string(),
            "f.csv: 2 rows have problems; nothing was imported\nf.csv:1: a\nf.csv:3: kind: b\nf.csv:3: name: c"
        );
    }

    fn csvish() -> impl Strategy<Value = Vec<u8>> {
        let piece = prop_oneof![
            Just(b",".to_vec()),
            Just(b"\"".to_vec()),
            Just(b"\n".to_vec()),
            Just(b"\r".to_vec()),
            Just(b"\xef\xbb\xbf".to_vec()),
            Just(b"\xff".to_vec()),
            Just(b"laptop".to_vec()),
            Just(b"16/05/2027".to_vec()),
            Just(b"a@b.c".to_vec()),
            Just(b";".to_vec()),
            "[A-Za-z0-9 ._-]{0,6}".prop_map(String::into_bytes),
        ];
        proptest::collection::vec(piece, 0..60).prop_map(|p| p.concat())
    }

    proptest! {
        #[test]
        fn parsers_never_panic_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = parse_people("p.csv", &bytes);
            let _ = parse_equipment("e.csv", &bytes);
        }

        #[test]
        fn parsers_never_panic_on_near_csv(body in csvish(), people in any::<bool>()) {
            let header: &[u8] = if people {
                b"reference,name,kind,email,household,term_start,term_end,offices\n"
            } else {
                b"asset_tag,kind,model,replacement_cost,serial,purchased_on,pat_tested_on,encrypted,state\n"
            };
            let data = [header, &body].concat();
            let lines = data.iter().filter(|b| **b == b'\n' || **b == b'\r').count() as u64 + 1;
            let errors = if people {
                parse_people("p.csv", &data).err()
            } else {
                parse_equipment("e.csv", &data).err()
            };
            if let Some(e) = errors {
                prop_assert!(!e.errors.is_empty());
                prop_assert!(e.errors.windows(2).all(|w| w[0].line <= w[1].line));
                prop_assert!(e.errors.iter().all(|r| r.line >= 1 && r.line <= lines));
            }
        }

        #[test]
        fn every_date_parses_both_ways(days in 0i64..3_652_059) {
            let d = date(1, 1, 1) + chrono::Duration::days(days);
            prop_assert_eq!(parse_date(&d.format("%Y-%m-%d").to_string()), Ok(d));
            prop_assert_eq!(parse_date(&d.format("%d/%m/%Y").to_string()), Ok(d));
        }

        #[test]
        fn parse_date_never_panics(s in "\\PC{0,16}") {
            let _ = parse_date(&s);
        }
    }
}
