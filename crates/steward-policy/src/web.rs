//! Web filtering decisions: whether a person may reach a site in some categories at some time,
//! by the pack's `[web]` rules, its `[personal_use]` hours, and the person's live exceptions.
//!
//! Pure: the caller says who is asking, which categories the filter lists put the site in (in
//! the order it wants them judged), and when. The answer names the clause.

use crate::citation::Citation;
use crate::model::{Pack, WebAction, WebRule, Window};
use crate::uktime::uk_local;
use crate::vocab::Audience;
use chrono::{DateTime, Datelike, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

/// Who is browsing, as far as the rules can tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WebAudience {
    Member,
    Staff,
    /// Nobody the council knows (an unrecognised proxy user or address): only rules for
    /// everyone apply, since a rule for members or for staff cannot be shown to cover them.
    Unknown,
}

impl WebAudience {
    fn covered_by(self, audience: Audience) -> bool {
        match audience {
            Audience::Everyone => true,
            Audience::Members => self == WebAudience::Member,
            Audience::Staff => self == WebAudience::Staff,
        }
    }
}

/// What an approved exception unblocks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum ExceptionScope {
    /// A site and everything under it: `example.com` also covers `www.example.com`.
    Host(String),
    /// Every site in a category.
    Category(String),
}

/// An exception approved for one person, good until `until`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WebException {
    pub scope: ExceptionScope,
    pub until: DateTime<Utc>,
}

impl WebException {
    fn covers(&self, category: &str, host: &str, now: DateTime<Utc>) -> bool {
        if now >= self.until {
            return false;
        }
        match &self.scope {
            ExceptionScope::Category(c) => c == category,
            ExceptionScope::Host(h) => host_within(host, h),
        }
    }
}

/// Whether `host` is `suffix` or a subdomain of it, ignoring case and a trailing dot.
pub fn host_within(host: &str, suffix: &str) -> bool {
    let host = host.trim_end_matches('.').as_bytes();
    let suffix = suffix.trim_end_matches('.').as_bytes();
    if suffix.is_empty() || host.len() < suffix.len() {
        return false;
    }
    let cut = host.len() - suffix.len();
    host[cut..].eq_ignore_ascii_case(suffix) && (cut == 0 || host[cut - 1] == b'.')
}

/// A moment as the rules need it: the instant (for exception expiry) and the council's wall
/// clock (for working hours).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WebMoment {
    pub utc: DateTime<Utc>,
    pub local: NaiveDateTime,
}

impl WebMoment {
    /// The moment `utc` as seen by a council in the UK.
    pub fn uk(utc: DateTime<Utc>) -> WebMoment {
        WebMoment {
            utc,
            local: uk_local(utc),
        }
    }
}

/// The answer for one request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "verdict")]
pub enum WebDecision {
    /// Allowed; `exception` cites the exceptions clause when an exception lifted a block.
    Allow { exception: Option<Citation> },
    /// Blocked because the site is in `category`, by the rule `citation` names.
    Block {
        category: String,
        citation: Citation,
    },
}

impl WebDecision {
    pub fn is_blocked(&self) -> bool {
        matches!(self, WebDecision::Block { .. })
    }
}

fn inside(window: &Window, local: NaiveDateTime) -> bool {
    let time = local.time();
    window.days.contains(&local.weekday()) && window.start <= time && time < window.end
}

/// Whether `local` falls within the pack's working hours (never, when the pack sets none).
pub fn in_working_hours(pack: &Pack, local: NaiveDateTime) -> bool {
    pack.personal_use
        .as_ref()
        .and_then(|p| p.working_hours.as_ref())
        .is_some_and(|w| inside(w, local))
}

/// Whether `local` is the user's own time: outside working hours, or in an `own_time` window.
pub fn in_own_time(pack: &Pack, local: NaiveDateTime) -> bool {
    let windows = pack.personal_use.as_ref().map(|p| p.own_time.as_slice());
    !in_working_hours(pack, local) || windows.unwrap_or_default().iter().any(|w| inside(w, local))
}

/// The rule that decides `category` for `audience`: the first in the pack that names it and
/// covers them.
pub fn rule_for<'p>(pack: &'p Pack, category: &str, audience: WebAudience) -> Option<&'p WebRule> {
    pack.web
        .as_ref()?
        .rules
        .iter()
        .find(|r| audience.covered_by(r.audience) && r.categories.iter().any(|c| c == category))
}

fn blocks(pack: &Pack, rule: &WebRule, local: NaiveDateTime) -> bool {
    match rule.action {
        WebAction::Block => true,
        WebAction::Allow => false,
        WebAction::OwnTimeOnly => !in_own_time(pack, local),
        WebAction::OutsideWorkingHours => in_working_hours(pack, local),
    }
}

/// Whether a person may reach `host`, which the lists put in `categories` (judged in that
/// order: the first category whose rule blocks names the block).
pub fn web_decision(
    pack: &Pack,
    audience: WebAudience,
    categories: &[&str],
    host: &str,
    at: &WebMoment,
    exceptions: &[WebException],
) -> WebDecision {
    let mut excepted = false;
    for category in categories {
        let Some(rule) = rule_for(pack, category, audience) else {
            continue;
        };
        if !blocks(pack, rule, at.local) {
            continue;
        }
        if exceptions.iter().any(|e| e.covers(category, host, at.utc)) {
            excepted = true;
            continue;
        }
        return WebDecision::Block {
            category: (*category).to_string(),
            citation: Citation::new(pack, &rule.clause),
        };
    }
    let exception = excepted
        .then(|| pack.web.as_ref().and_then(|w| w.exceptions.as_ref()))
        .flatten()
        .map(|e| Citation::new(pack, &e.clause));
    WebDecision::Allow { exception }
}

#[cfg(test)]
mod tests;
