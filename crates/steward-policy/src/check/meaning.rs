//! Rules a well-typed pack must still keep: offices that exist, approvers who are people,
//! windows that end after they start. Each section, and each entry of a top-level array of
//! tables, is read on its own once the items that failed the key and type checks are set
//! aside, so a type error in one place does not stop these checks elsewhere. Office ids are
//! taken from the text itself, so they are checked even where the rest cannot be read.

use super::Finding;
use super::source::{Lines, Path, exists, span_of};
use super::structure::Reference;
use crate::model::{
    Acceptance, Breaches, CheckIn, Duty, DutyTopic, EquipmentRule, Loans, Mail, Monitoring,
    OfficeHolder, OfficeId, PersonalUse, Retention, Scope, Web, Window,
};
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

/// What the checks found, and the Markdown people sign when it could be read.
pub(crate) struct Outcome {
    pub(crate) found: Vec<Finding>,
    pub(crate) acceptance_text: Option<String>,
}

/// `text` is the pack as written, for positions; `readable` is the same pack with the items that
/// failed the key and type checks taken out, for reading sections as model types.
pub(crate) fn check(
    text: &Spanned<DeTable<'_>>,
    readable: &DeTable<'_>,
    references: &[Reference],
    lines: &Lines<'_>,
    read_text: &dyn Fn(&str) -> Result<String, String>,
) -> Outcome {
    let mut c = Checker {
        text,
        lines,
        offices: Offices::read(text.get_ref()),
        found: Vec::new(),
    };
    let top = Path::root();
    c.pack_id(&top.key("pack").key("id"));
    c.offices(&top.key("offices"));
    for reference in references {
        c.reference(reference);
    }
    if let Some(scope) = section::<Scope>(readable, "scope") {
        c.scope(&scope, &top.key("scope"));
    }
    let acceptance_text = match section::<Acceptance>(readable, "acceptance") {
        Some(acceptance) => c.acceptance(&acceptance, &top.key("acceptance"), read_text),
        None => Some(String::new()),
    };
    c.equipment(
        &entries::<EquipmentRule>(readable, "equipment"),
        &top.key("equipment"),
    );
    if let Some(loans) = section::<Loans>(readable, "loans") {
        c.loans(&loans, &top.key("loans"));
    }
    if let Some(personal) = section::<PersonalUse>(readable, "personal_use") {
        c.personal_use(&personal, &top.key("personal_use"));
    }
    if let Some(web) = section::<Web>(readable, "web") {
        c.web(&web, &top.key("web"));
    }
    if let Some(mail) = section::<Mail>(readable, "mail") {
        let marking_duty = entries::<Duty>(readable, "duties")
            .iter()
            .any(|(_, d)| d.topic == DutyTopic::ProtectiveMarking);
        c.mail(&mail, &top.key("mail"), marking_duty);
    }
    if let Some(breaches) = section::<Breaches>(readable, "breaches") {
        c.breaches(&breaches, &top.key("breaches"));
    }
    if let Some(monitoring) = section::<Monitoring>(readable, "monitoring") {
        c.monitoring(&monitoring, &top.key("monitoring"));
    }
    if let Some(check_in) = section::<CheckIn>(readable, "check_in")
        && check_in.max_age.is_zero()
    {
        c.problem(
            &top.key("check_in").key("max_age"),
            "`max_age` must be longer than none: every device would be out of date the moment \
             it checks in"
                .to_string(),
        );
    }
    if let Some(retention) = section::<Retention>(readable, "retention") {
        c.retention(&retention, &top.key("retention"));
        let watches_web = section::<Monitoring>(readable, "monitoring").is_some_and(|m| m.web);
        if retention.monitoring_findings.is_some() && !watches_web {
            c.problem(
                &top.key("retention").key("monitoring_findings"),
                "a period for monitoring findings needs `[monitoring] web = true`: without it \
                 the web filter's logs are not scanned into findings"
                    .to_string(),
            );
        }
    }
    Outcome {
        found: c.found,
        acceptance_text,
    }
}

/// A top-level table read as its model type; `None` when absent or when it has problems of
/// its own, which the key and type checks report.
fn section<T: DeserializeOwned>(root: &DeTable<'_>, key: &str) -> Option<T> {
    root.get(key).and_then(read_as)
}

/// The well-formed entries of a top-level array of tables, with their positions.
fn entries<T: DeserializeOwned>(root: &DeTable<'_>, key: &str) -> Vec<(usize, T)> {
    let Some(DeValue::Array(items)) = root.get(key).map(|v| v.get_ref()) else {
        return Vec::new();
    };
    items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| Some((i, read_as(item)?)))
        .collect()
}

fn read_as<T: DeserializeOwned>(value: &Spanned<DeValue<'_>>) -> Option<T> {
    T::deserialize(ValueDeserializer::from(value.clone())).ok()
}

/// Each `[[offices]]` entry's id as written, with the entry's position. Taken from the text
/// so that an office with a problem elsewhere in its entry still counts as defined.
fn written_offices<'t>(root: &'t DeTable<'_>) -> Vec<(usize, &'t str, Option<OfficeHolder>)> {
    let Some(DeValue::Array(items)) = root.get("offices").map(|v| v.get_ref()) else {
        return Vec::new();
    };
    let entries = items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| Some((i, item.get_ref().as_table()?)));
    entries
        .filter_map(|(i, entry)| {
            let id = entry.get("id")?.get_ref().as_str()?;
            let holder = entry.get("holder").and_then(read_as::<OfficeHolder>);
            Some((i, id, holder))
        })
        .collect()
}

/// The offices a pack defines, for checking the places that name them.
struct Offices {
    ids: Vec<String>,
    holders: HashMap<String, OfficeHolder>,
}

impl Offices {
    fn read(root: &DeTable<'_>) -> Self {
        let mut ids: Vec<String> = Vec::new();
        let mut holders = HashMap::new();
        for (_, id, holder) in written_offices(root) {
            if let Some(holder) = holder {
                holders.insert(id.to_string(), holder);
            }
            if !ids.iter().any(|known| known == id) {
                ids.push(id.to_string());
            }
        }
        Offices { ids, holders }
    }

    fn listing(&self) -> String {
        if self.ids.is_empty() {
            "the pack defines no offices".to_string()
        } else {
            format!("offices are: {}", self.ids.join(", "))
        }
    }
}

struct Checker<'a> {
    text: &'a Spanned<DeTable<'a>>,
    lines: &'a Lines<'a>,
    offices: Offices,
    found: Vec<Finding>,
}

impl Checker<'_> {
    fn problem(&mut self, path: &Path, message: String) {
        self.found.push(Finding {
            at: span_of(self.text, path),
            path: path.clone(),
            message,
        });
    }

    /// Whether the pack as written has the item, even if it failed its own checks.
    fn written(&self, path: &Path) -> bool {
        exists(self.text, path)
    }

    fn line_of(&self, path: &Path) -> usize {
        self.lines.position(span_of(self.text, path).start).0
    }

    fn reference(&mut self, reference: &Reference) {
        let id = &reference.id;
        if !self.offices.ids.contains(id) {
            let listing = self.offices.listing();
            self.problem_at(
                reference,
                format!("no office `{id}` in [[offices]]; {listing}"),
            );
        } else if reference.signer && self.offices.holders.get(id) == Some(&OfficeHolder::Body) {
            // Approvals and signatures need a person; a committee receives matters but signs nothing.
            self.problem_at(
                reference,
                format!(
                    "`{id}` is a body (holder = \"body\"), and a body cannot approve or sign; \
                     name an office held by a member or an officer"
                ),
            );
        }
    }

    fn problem_at(&mut self, reference: &Reference, message: String) {
        self.found.push(Finding {
            path: reference.path.clone(),
            at: reference.at.clone(),
            message,
        });
    }

    /// Read from the text, so that a problem elsewhere in [pack] does not hide this one.
    fn pack_id(&mut self, path: &Path) {
        let Some(id) = self
            .text
            .get_ref()
            .get("pack")
            .and_then(|p| p.get_ref().get("id"))
        else {
            return;
        };
        let Some(id) = id.get_ref().as_str() else {
            return;
        };
        let well_formed = !id.is_empty()
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !well_formed {
            self.problem(
                path,
                format!(
                    "pack id {id:?} must be lower case letters, digits and hyphens, like \
                     \"borough-members-protocol\""
                ),
            );
        }
    }

    fn offices(&mut self, path: &Path) {
        let mut first_seen: HashMap<&str, usize> = HashMap::new();
        for (i, id, _) in written_offices(self.text.get_ref()) {
            let id_path = path.index(i).key("id");
            if !OfficeId::is_well_formed(id) {
                self.problem(
                    &id_path,
                    format!(
                        "office id {id:?} must start with a lower case letter and use only lower \
                         case letters, digits and underscores (64 at most), like \"monitoring_officer\""
                    ),
                );
            }
            match first_seen.get(id) {
                Some(first) => {
                    let line = self.line_of(&path.index(*first).key("id"));
                    self.problem(
                        &id_path,
                        format!(
                            "office `{id}` is already defined at line {line}; each office needs \
                             its own id"
                        ),
                    );
                }
                None => {
                    first_seen.insert(id, i);
                }
            }
        }
    }

    fn scope(&mut self, scope: &Scope, path: &Path) {
        let kinds = path.key("kinds");
        if scope.kinds.is_empty() {
            self.problem(
                &kinds,
                "`kinds` must name at least one kind of person".to_string(),
            );
        }
        for (i, kind) in scope.kinds.iter().enumerate() {
            if scope.kinds[..i].contains(kind) {
                self.problem(&kinds.index(i), format!("`{kind}` is listed twice"));
            }
        }
    }

    /// Returns the text people sign, or `None` when it could not be had.
    fn acceptance(
        &mut self,
        acceptance: &Acceptance,
        path: &Path,
        read_text: &dyn Fn(&str) -> Result<String, String>,
    ) -> Option<String> {
        match (&acceptance.text, &acceptance.text_file) {
            (Some(_), Some(_)) => {
                self.problem(
                    &path.key("text_file"),
                    "give either `text` or `text_file` in [acceptance], not both".to_string(),
                );
                None
            }
            (None, None)
                if self.written(&path.key("text")) || self.written(&path.key("text_file")) =>
            {
                None
            }
            (None, None) => {
                self.problem(
                    path,
                    "[acceptance] needs the text people sign: add `text` or `text_file`"
                        .to_string(),
                );
                None
            }
            (Some(text), None) => self.signed_text(text.clone(), &path.key("text"), "`text`"),
            (None, Some(file)) => match read_text(file) {
                Ok(text) => self.signed_text(text, &path.key("text_file"), &format!("`{file}`")),
                Err(why) => {
                    self.problem(
                        &path.key("text_file"),
                        format!("cannot read `{file}`: {why}"),
                    );
                    None
                }
            },
        }
    }

    fn signed_text(&mut self, text: String, path: &Path, name: &str) -> Option<String> {
        if text.trim().is_empty() {
            self.problem(
                path,
                format!("{name} is empty; it must hold the text people sign"),
            );
            return None;
        }
        Some(text)
    }

    fn equipment(&mut self, rules: &[(usize, EquipmentRule)], path: &Path) {
        let mut claimed = HashMap::new();
        for (i, rule) in rules {
            let rule_path = path.index(*i);
            let kinds = rule_path.key("kinds");
            if rule.kinds.is_empty() {
                self.problem(
                    &kinds,
                    "`kinds` must name at least one kind of equipment".to_string(),
                );
            }
            for (j, kind) in rule.kinds.iter().enumerate() {
                match claimed.get(kind) {
                    Some(earlier) => {
                        let line = self.line_of(earlier);
                        self.problem(
                            &kinds.index(j),
                            format!(
                                "`{kind}` already has a rule in [[equipment]] at line {line}; \
                                 each kind of equipment belongs to one rule only"
                            ),
                        );
                    }
                    None => {
                        claimed.insert(*kind, rule_path.clone());
                    }
                }
            }
        }
    }

    fn loans(&mut self, loans: &Loans, path: &Path) {
        if let Some(extension) = &loans.extension {
            let at = path.key("extension");
            if !self.written(&path.key("max_period")) {
                self.problem(
                    &at,
                    "[loans.extension] needs [loans.max_period]: an extension lengthens the \
                     longest loan, so the pack must say what that is"
                        .to_string(),
                );
            }
            if extension.approvers.is_empty() {
                self.problem(
                    &at.key("approvers"),
                    "`approvers` must name at least one office".to_string(),
                );
            }
        }
        if let Some(limit) = &loans.household_limit
            && limit.max < 1
        {
            self.problem(
                &path.key("household_limit").key("max"),
                "`max` must be 1 or more; a household limit of 0 would forbid every loan"
                    .to_string(),
            );
        }
    }

    fn retention(&mut self, retention: &Retention, path: &Path) {
        let kinds = [
            ("closed_requests", &retention.closed_requests),
            ("closed_cases", &retention.closed_cases),
            ("leavers", &retention.leavers),
            ("notices", &retention.notices),
            ("sessions", &retention.sessions),
            ("monitoring_findings", &retention.monitoring_findings),
            ("device_checks", &retention.device_checks),
            ("mail_forwards", &retention.mail_forwards),
            ("mail_decisions", &retention.mail_decisions),
        ];
        for (key, keep) in kinds {
            if let Some(keep) = keep
                && keep.keep.is_zero()
            {
                self.problem(
                    &path.key(key).key("keep"),
                    "`keep` must be longer than none: a record would be purged the day it ends"
                        .to_string(),
                );
            }
        }
    }

    fn personal_use(&mut self, personal: &PersonalUse, path: &Path) {
        if let Some(hours) = &personal.working_hours {
            self.window(hours, &path.key("working_hours"));
        }
        for (i, window) in personal.own_time.iter().enumerate() {
            self.window(window, &path.key("own_time").index(i));
        }
    }

    fn window(&mut self, window: &Window, path: &Path) {
        if window.days.is_empty() {
            self.problem(
                &path.key("days"),
                "`days` must name at least one day".to_string(),
            );
        }
        if window.start >= window.end {
            self.problem(
                &path.key("end"),
                format!(
                    "`end` ({}) must be later than `start` ({})",
                    window.end.format("%H:%M"),
                    window.start.format("%H:%M")
                ),
            );
        }
    }

    fn web(&mut self, web: &Web, path: &Path) {
        for (i, rule) in web.rules.iter().enumerate() {
            let categories = path.key("rules").index(i).key("categories");
            if rule.categories.is_empty() {
                self.problem(
                    &categories,
                    "`categories` must name at least one category".to_string(),
                );
            }
            self.categories(&rule.categories, &categories);
        }
    }

    fn categories(&mut self, names: &[String], path: &Path) {
        for (j, category) in names.iter().enumerate() {
            let well_formed = !category.is_empty()
                && category.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-'
                });
            if !well_formed {
                self.problem(
                    &path.index(j),
                    format!(
                        "category {category:?} must be lower case letters, digits, `_` and \
                         `-`, as the filter lists spell it, like \"gambling\""
                    ),
                );
            }
        }
    }

    fn monitoring(&mut self, monitoring: &Monitoring, path: &Path) {
        let Some(threshold) = &monitoring.threshold else {
            return;
        };
        let at = path.key("threshold");
        if threshold.visits == 0 {
            self.problem(
                &at.key("visits"),
                "`visits` must be at least 1: a day's visits in a category that open a case"
                    .to_string(),
            );
        }
        self.categories(&threshold.categories, &at.key("categories"));
        if !monitoring.web {
            self.problem(
                &at,
                "a threshold counts the web filter's findings; set `web = true` in [monitoring]"
                    .to_string(),
            );
        }
        if !self.written(&Path::root().key("breaches")) {
            self.problem(
                &at,
                "a threshold opens breach cases, so the pack needs [breaches] saying who handles them"
                    .to_string(),
            );
        }
    }

    fn mail(&mut self, mail: &Mail, path: &Path, marking_duty: bool) {
        if let Some(official) = &mail.official_address {
            let at = path.key("official_address").key("domains");
            for (i, domain) in official.domains.iter().enumerate() {
                self.domain(&at.index(i), domain);
            }
        }
        if let Some(domain) = mail
            .confidential
            .as_ref()
            .and_then(|c| c.secure_domain.as_ref())
        {
            self.domain(&path.key("confidential").key("secure_domain"), domain);
        }
        if let Some(c) = &mail.confidential {
            let at = path.key("confidential").key("secure_domains");
            for (i, domain) in c.secure_domains.iter().enumerate() {
                self.domain(&at.index(i), domain);
            }
        }
        let Some(markings) = &mail.markings else {
            return;
        };
        let at = path.key("markings");
        if markings.levels.is_empty() {
            self.problem(
                &at.key("levels"),
                "name at least one marking, lowest first, like [\"OFFICIAL\"]".to_string(),
            );
        }
        if markings.clause.is_none() && !marking_duty {
            self.problem(
                &at,
                "say which clause sets out the markings: give this section a clause, or the \
                 pack a protective_marking duty"
                    .to_string(),
            );
        }
        let known = |level: &str| {
            markings
                .levels
                .iter()
                .any(|l| l.eq_ignore_ascii_case(level))
        };
        let levels = markings.levels.join(", ");
        for (i, l) in markings.labels.iter().enumerate() {
            if !known(&l.level) {
                self.problem(
                    &at.key("labels").index(i).key("level"),
                    format!("{:?} is not one of the levels ({levels})", l.level),
                );
            }
        }
        for (i, l) in markings.subjects.iter().enumerate() {
            if !known(&l.level) {
                self.problem(
                    &at.key("subjects").index(i).key("level"),
                    format!("{:?} is not one of the levels ({levels})", l.level),
                );
            }
        }
        if let Some(marking) = mail.confidential.as_ref().and_then(|c| c.marking.as_ref())
            && !known(marking)
        {
            self.problem(
                &path.key("confidential").key("marking"),
                format!("{marking:?} is not one of [mail.markings] levels ({levels})"),
            );
        }
        if let Some(d) = &mail.disclaimer
            && !known(&d.marking)
        {
            self.problem(
                &path.key("disclaimer").key("marking"),
                format!(
                    "{:?} is not one of [mail.markings] levels ({levels})",
                    d.marking
                ),
            );
        }
    }

    fn domain(&mut self, path: &Path, domain: &str) {
        let looks_right = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && !domain.chars().any(char::is_whitespace);
        if !looks_right {
            self.problem(
                path,
                format!(
                    "{domain:?} does not look like a mail domain; write it like \"council.gov.uk\""
                ),
            );
        }
    }

    fn breaches(&mut self, breaches: &Breaches, path: &Path) {
        if breaches.routes.is_empty() {
            self.problem(
                &path.key("routes"),
                "[breaches] needs at least one [[breaches.routes]] entry saying who handles a breach"
                    .to_string(),
            );
        }
    }
}
