//! Device compliance: what a device's latest checks make of the pack's `[[posture]]` duties,
//! its `[check_in]` age and its `[software]` rules.
//!
//! Pure: the caller hands over the item's kind, the latest result of each check, the programs
//! last seen installed, the software authorised for the item and the exceptions in force, and
//! says when it is. Every finding names the clause it rests on.

use crate::citation::Citation;
use crate::model::{Pack, PostureCheck};
use crate::period::long_date;
use crate::vocab::EquipmentKind;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// What a device check is about: one of the pack's duties, or the device reporting at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckWord {
    Antivirus,
    AutomaticUpdates,
    Firewall,
    ScreenLock,
    PasswordOrPin,
    DiskEncryption,
    NoOwnSoftware,
    NoSettingsChanges,
    /// The device reported to its management tool; always a pass when seen.
    CheckedIn,
}

impl CheckWord {
    pub const ALL: [CheckWord; 9] = [
        CheckWord::Antivirus,
        CheckWord::AutomaticUpdates,
        CheckWord::Firewall,
        CheckWord::ScreenLock,
        CheckWord::PasswordOrPin,
        CheckWord::DiskEncryption,
        CheckWord::NoOwnSoftware,
        CheckWord::NoSettingsChanges,
        CheckWord::CheckedIn,
    ];

    /// The word the observation formats use.
    pub fn word(self) -> &'static str {
        match self {
            CheckWord::Antivirus => "antivirus",
            CheckWord::AutomaticUpdates => "automatic_updates",
            CheckWord::Firewall => "firewall",
            CheckWord::ScreenLock => "screen_lock",
            CheckWord::PasswordOrPin => "password_or_pin",
            CheckWord::DiskEncryption => "disk_encryption",
            CheckWord::NoOwnSoftware => "no_own_software",
            CheckWord::NoSettingsChanges => "no_settings_changes",
            CheckWord::CheckedIn => "checked_in",
        }
    }

    /// The check in people's words.
    pub fn label(self) -> &'static str {
        match self {
            CheckWord::Antivirus => "Antivirus on and updating",
            CheckWord::AutomaticUpdates => "Automatic updates",
            CheckWord::Firewall => "Firewall on",
            CheckWord::ScreenLock => "Screen lock",
            CheckWord::PasswordOrPin => "Password or PIN",
            CheckWord::DiskEncryption => "Disk encryption",
            CheckWord::NoOwnSoftware => "No own software",
            CheckWord::NoSettingsChanges => "Settings unchanged",
            CheckWord::CheckedIn => "Checked in",
        }
    }

    pub fn parse(word: &str) -> Option<CheckWord> {
        CheckWord::ALL.into_iter().find(|c| c.word() == word)
    }

    pub fn duty(self) -> Option<PostureCheck> {
        Some(match self {
            CheckWord::Antivirus => PostureCheck::Antivirus,
            CheckWord::AutomaticUpdates => PostureCheck::AutomaticUpdates,
            CheckWord::Firewall => PostureCheck::Firewall,
            CheckWord::ScreenLock => PostureCheck::ScreenLock,
            CheckWord::PasswordOrPin => PostureCheck::PasswordOrPin,
            CheckWord::DiskEncryption => PostureCheck::DiskEncryption,
            CheckWord::NoOwnSoftware => PostureCheck::NoOwnSoftware,
            CheckWord::NoSettingsChanges => PostureCheck::NoSettingsChanges,
            CheckWord::CheckedIn => return None,
        })
    }

    pub fn of_duty(check: PostureCheck) -> CheckWord {
        match check {
            PostureCheck::Antivirus => CheckWord::Antivirus,
            PostureCheck::AutomaticUpdates => CheckWord::AutomaticUpdates,
            PostureCheck::Firewall => CheckWord::Firewall,
            PostureCheck::ScreenLock => CheckWord::ScreenLock,
            PostureCheck::PasswordOrPin => CheckWord::PasswordOrPin,
            PostureCheck::DiskEncryption => CheckWord::DiskEncryption,
            PostureCheck::NoOwnSoftware => CheckWord::NoOwnSoftware,
            PostureCheck::NoSettingsChanges => CheckWord::NoSettingsChanges,
        }
    }
}

/// What a check found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckResult {
    Pass,
    Fail,
    Unknown,
}

impl CheckResult {
    pub fn word(self) -> &'static str {
        match self {
            CheckResult::Pass => "pass",
            CheckResult::Fail => "fail",
            CheckResult::Unknown => "unknown",
        }
    }

    pub fn parse(word: &str) -> Option<CheckResult> {
        match word {
            "pass" => Some(CheckResult::Pass),
            "fail" => Some(CheckResult::Fail),
            "unknown" => Some(CheckResult::Unknown),
            _ => None,
        }
    }
}

/// The latest result of one check on one device.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Observed {
    pub check: CheckWord,
    pub result: CheckResult,
    pub observed_at: DateTime<Utc>,
    /// What the source said, in its words ("real-time protection off").
    pub detail: String,
}

/// A duty an office has authorised to be off for this device until a date (inclusive).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DutyException {
    pub check: CheckWord,
    pub until: NaiveDate,
    /// The office that authorised it, in people's words.
    pub authorised_by: String,
    pub citation: Citation,
}

/// What is wrong, or might be.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Problem {
    /// The duty's check failed.
    Failing { check: CheckWord, detail: String },
    /// The check could not tell.
    Unknown { check: CheckWord, detail: String },
    /// Nothing heard from the device within the pack's `[check_in] max_age`.
    Stale {
        last_seen: DateTime<Utc>,
        max_age: String,
    },
    /// A program the council has not authorised for this item.
    Unauthorised { software: String },
    /// The device checked in after its holder left office, where the pack says equipment
    /// stops being used at once.
    UsedAfterLeaving {
        last_seen: DateTime<Utc>,
        left_on: NaiveDate,
    },
}

/// One thing an officer and the holder should know about a device, with its clause.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Finding {
    pub problem: Problem,
    pub citation: Citation,
    /// An exception in force that covers the problem; the finding is then not a breach.
    pub excepted: Option<DutyException>,
}

impl Finding {
    /// Whether the finding needs anyone to act: not when an exception covers it.
    pub fn is_breach(&self) -> bool {
        self.excepted.is_none()
    }

    /// A key that stays the same while the problem does: one check, one program, staleness.
    pub fn key(&self) -> String {
        match &self.problem {
            Problem::Failing { check, .. } => format!("fail:{}", check.word()),
            Problem::Unknown { check, .. } => format!("unknown:{}", check.word()),
            Problem::Stale { .. } => "stale".to_string(),
            Problem::UsedAfterLeaving { .. } => "used-after-leaving".to_string(),
            Problem::Unauthorised { software } => {
                format!("software:{}", software.trim().to_lowercase())
            }
        }
    }

    /// The finding in people's words.
    pub fn sentence(&self) -> String {
        let what = match &self.problem {
            Problem::Failing { check, detail } => {
                with_detail(format!("{} failed the device check", check.label()), detail)
            }
            Problem::Unknown { check, detail } => {
                with_detail(format!("{} could not be checked", check.label()), detail)
            }
            Problem::Stale { last_seen, max_age } => format!(
                "The device last checked in on {}, more than {max_age} ago",
                long_date(crate::uktime::uk_local(*last_seen).date())
            ),
            Problem::Unauthorised { software } => {
                format!("{software} is installed without the council's authorisation")
            }
            Problem::UsedAfterLeaving { last_seen, left_on } => format!(
                "The device was in use on {}, after its holder left office on {}; it must \
                 not be used",
                long_date(crate::uktime::uk_local(*last_seen).date()),
                long_date(*left_on)
            ),
        };
        match &self.excepted {
            Some(e) => format!(
                "{what}; authorised off by the {} until {} ({})",
                e.authorised_by,
                long_date(e.until),
                e.citation.clause
            ),
            None => what,
        }
    }
}

fn with_detail(what: String, detail: &str) -> String {
    if detail.trim().is_empty() {
        what
    } else {
        format!("{what} ({})", detail.trim())
    }
}

/// A duty's standing on one device, for the item's page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DutyStanding {
    pub check: CheckWord,
    /// The latest result, or none when no source has reported this check.
    pub result: Option<CheckResult>,
    pub observed_at: Option<DateTime<Utc>>,
    pub citation: Citation,
    pub excepted: Option<DutyException>,
}

/// Everything the pack makes of one device's checks.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Judgement {
    pub duties: Vec<DutyStanding>,
    pub findings: Vec<Finding>,
}

/// What is known about one device.
pub struct Device<'a> {
    pub kind: EquipmentKind,
    /// The latest observation of each check (when a check appears twice the later counts).
    pub observed: &'a [Observed],
    /// Programs last seen installed.
    pub installed: &'a [String],
    /// Software the council has authorised for this item (approved requests).
    pub authorised: &'a [String],
    pub exceptions: &'a [DutyException],
    /// The day its holder left office, when they still hold it.
    pub left_office: Option<NaiveDate>,
}

/// Judges one device against the pack on `now`. A device with no observation at all has not
/// been connected to any source and yields nothing: the register holds many items no tool
/// manages, and only a device that has reported can be out of date.
pub fn judge(pack: &Pack, device: &Device<'_>, now: DateTime<Utc>) -> Judgement {
    let mut latest: HashMap<CheckWord, &Observed> = HashMap::new();
    for o in device.observed {
        match latest.get(&o.check) {
            Some(seen) if seen.observed_at >= o.observed_at => {}
            _ => {
                latest.insert(o.check, o);
            }
        }
    }
    let mut judgement = Judgement::default();
    if latest.is_empty() && device.installed.is_empty() {
        return judgement;
    }
    let today = crate::uktime::uk_local(now).date();
    let exception_for = |check: CheckWord| {
        device
            .exceptions
            .iter()
            .filter(|e| e.check == check && e.until >= today)
            .max_by_key(|e| e.until)
            .cloned()
    };

    let mut seen_duties: Vec<CheckWord> = Vec::new();
    for duty in &pack.posture {
        if !duty.kinds.is_empty() && !duty.kinds.contains(&device.kind) {
            continue;
        }
        let check = CheckWord::of_duty(duty.check);
        if seen_duties.contains(&check) {
            continue;
        }
        seen_duties.push(check);
        let citation = Citation::new(pack, &duty.clause);
        let observed = latest.get(&check);
        let excepted = exception_for(check);
        judgement.duties.push(DutyStanding {
            check,
            result: observed.map(|o| o.result),
            observed_at: observed.map(|o| o.observed_at),
            citation: citation.clone(),
            excepted: excepted.clone(),
        });
        let Some(o) = observed else { continue };
        let problem = match o.result {
            CheckResult::Pass => continue,
            CheckResult::Fail => Problem::Failing {
                check,
                detail: o.detail.clone(),
            },
            CheckResult::Unknown => Problem::Unknown {
                check,
                detail: o.detail.clone(),
            },
        };
        judgement.findings.push(Finding {
            problem,
            citation,
            excepted,
        });
    }

    if let Some(rule) = &pack.check_in
        && let Some(last_seen) = latest.values().map(|o| o.observed_at).max()
    {
        let last_day = crate::uktime::uk_local(last_seen).date();
        let due = rule.max_age.after(last_day).unwrap_or(NaiveDate::MAX);
        if due < today {
            judgement.findings.push(Finding {
                problem: Problem::Stale {
                    last_seen,
                    max_age: rule.max_age.to_string(),
                },
                citation: Citation::new(pack, &rule.clause),
                excepted: None,
            });
        }
    }

    if let (Some(citation), Some(left_on)) =
        (crate::decide::leaving_stop_use(pack), device.left_office)
        && let Some(last_seen) = latest.values().map(|o| o.observed_at).max()
        && crate::uktime::uk_local(last_seen).date() > left_on
    {
        judgement.findings.push(Finding {
            problem: Problem::UsedAfterLeaving { last_seen, left_on },
            citation,
            excepted: None,
        });
    }

    if let Some(clause) = software_clause(pack, device.kind) {
        let authorised: Vec<String> = device
            .authorised
            .iter()
            .map(|a| a.trim().to_lowercase())
            .collect();
        let mut reported: Vec<String> = Vec::new();
        for program in device.installed {
            let name = program.trim().to_lowercase();
            if name.is_empty() || reported.contains(&name) {
                continue;
            }
            reported.push(name.clone());
            if authorised.iter().any(|a| a == &name) {
                continue;
            }
            judgement.findings.push(Finding {
                problem: Problem::Unauthorised {
                    software: program.trim().to_string(),
                },
                citation: Citation::new(pack, clause),
                excepted: exception_for(CheckWord::NoOwnSoftware),
            });
        }
    }
    judgement
}

/// The clause installed software is judged under: only licensed software, else no installs at
/// all, else a no-own-software duty for this kind; none when the pack says nothing.
fn software_clause(pack: &Pack, kind: EquipmentKind) -> Option<&crate::model::Clause> {
    if let Some(software) = &pack.software {
        if let Some(licensed) = &software.licensed_only {
            return Some(&licensed.clause);
        }
        if !software.install.allowed {
            return Some(&software.install.clause);
        }
    }
    pack.posture
        .iter()
        .find(|d| {
            d.check == PostureCheck::NoOwnSoftware
                && (d.kinds.is_empty() || d.kinds.contains(&kind))
        })
        .map(|d| &d.clause)
}

#[cfg(test)]
mod tests;
