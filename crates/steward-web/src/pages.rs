//! Server-rendered pages: minijinja templates embedded in the binary, every value HTML-escaped
//! on the way out.
//!
//! `layout.html` is the shell every page extends; `components.html` holds the form and error
//! macros; `pages/` holds one template per page. Handlers build a context with [`Page`] and the
//! page's own values.

use crate::assets::Assets;
use chrono::NaiveDate;
use minijinja::value::{Serde, Value};
use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde::Serialize;
use steward_domain::Council;

const TEMPLATES: &[(&str, &str)] = &[
    ("layout.html", include_str!("../templates/layout.html")),
    (
        "components.html",
        include_str!("../templates/components.html"),
    ),
    (
        "pages/councils.html",
        include_str!("../templates/pages/councils.html"),
    ),
    (
        "pages/due.html",
        include_str!("../templates/pages/due.html"),
    ),
    (
        "pages/start.html",
        include_str!("../templates/pages/start.html"),
    ),
    (
        "pages/error.html",
        include_str!("../templates/pages/error.html"),
    ),
    (
        "pages/sign_in.html",
        include_str!("../templates/pages/sign_in.html"),
    ),
    (
        "pages/password.html",
        include_str!("../templates/pages/password.html"),
    ),
    (
        "pages/provider_refused.html",
        include_str!("../templates/pages/provider_refused.html"),
    ),
    (
        "pages/provider_busy.html",
        include_str!("../templates/pages/provider_busy.html"),
    ),
    (
        "pages/signed_out.html",
        include_str!("../templates/pages/signed_out.html"),
    ),
    (
        "pages/oidc_settings.html",
        include_str!("../templates/pages/oidc_settings.html"),
    ),
    ("pages/me.html", include_str!("../templates/pages/me.html")),
    (
        "pages/policy.html",
        include_str!("../templates/pages/policy.html"),
    ),
    (
        "pages/signed.html",
        include_str!("../templates/pages/signed.html"),
    ),
    ("listing.html", include_str!("../templates/listing.html")),
    (
        "phone_lines.html",
        include_str!("../templates/phone_lines.html"),
    ),
    (
        "pages/office_people.html",
        include_str!("../templates/pages/office_people.html"),
    ),
    (
        "pages/office_person.html",
        include_str!("../templates/pages/office_person.html"),
    ),
    (
        "pages/office_person_new.html",
        include_str!("../templates/pages/office_person_new.html"),
    ),
    (
        "pages/office_person_edit.html",
        include_str!("../templates/pages/office_person_edit.html"),
    ),
    (
        "pages/office_term_new.html",
        include_str!("../templates/pages/office_term_new.html"),
    ),
    (
        "pages/office_item_edit.html",
        include_str!("../templates/pages/office_item_edit.html"),
    ),
    (
        "pages/office_import.html",
        include_str!("../templates/pages/office_import.html"),
    ),
    (
        "pages/posture_upload.html",
        include_str!("../templates/pages/posture_upload.html"),
    ),
    (
        "pages/office_equipment.html",
        include_str!("../templates/pages/office_equipment.html"),
    ),
    (
        "pages/office_item.html",
        include_str!("../templates/pages/office_item.html"),
    ),
    (
        "pages/compliance.html",
        include_str!("../templates/pages/compliance.html"),
    ),
    (
        "pages/office_item_new.html",
        include_str!("../templates/pages/office_item_new.html"),
    ),
    (
        "pages/office_loans.html",
        include_str!("../templates/pages/office_loans.html"),
    ),
    (
        "pages/office_loan.html",
        include_str!("../templates/pages/office_loan.html"),
    ),
    (
        "pages/office_issue.html",
        include_str!("../templates/pages/office_issue.html"),
    ),
    (
        "pages/office_paper.html",
        include_str!("../templates/pages/office_paper.html"),
    ),
    (
        "pages/office_signatures.html",
        include_str!("../templates/pages/office_signatures.html"),
    ),
    (
        "pages/oversight_policy.html",
        include_str!("../templates/pages/oversight_policy.html"),
    ),
    (
        "pages/oversight_versions.html",
        include_str!("../templates/pages/oversight_versions.html"),
    ),
    (
        "pages/oversight_text.html",
        include_str!("../templates/pages/oversight_text.html"),
    ),
    (
        "pages/oversight_check.html",
        include_str!("../templates/pages/oversight_check.html"),
    ),
    (
        "pages/oversight_adopt.html",
        include_str!("../templates/pages/oversight_adopt.html"),
    ),
    (
        "pages/check_answers.html",
        include_str!("../templates/pages/check_answers.html"),
    ),
    (
        "pages/oversight_adopt_check.html",
        include_str!("../templates/pages/oversight_adopt_check.html"),
    ),
    (
        "pages/oversight_audit.html",
        include_str!("../templates/pages/oversight_audit.html"),
    ),
    (
        "pages/oversight_verify.html",
        include_str!("../templates/pages/oversight_verify.html"),
    ),
    (
        "pages/oversight_accounts.html",
        include_str!("../templates/pages/oversight_accounts.html"),
    ),
    (
        "pages/oversight_account_new.html",
        include_str!("../templates/pages/oversight_account_new.html"),
    ),
    (
        "pages/invitation.html",
        include_str!("../templates/pages/invitation.html"),
    ),
    (
        "pages/invitation_closed.html",
        include_str!("../templates/pages/invitation_closed.html"),
    ),
    (
        "pages/oversight_tokens.html",
        include_str!("../templates/pages/oversight_tokens.html"),
    ),
    (
        "pages/oversight_directory.html",
        include_str!("../templates/pages/oversight_directory.html"),
    ),
    (
        "pages/oversight_token.html",
        include_str!("../templates/pages/oversight_token.html"),
    ),
    (
        "pages/oversight_identity.html",
        include_str!("../templates/pages/oversight_identity.html"),
    ),
    (
        "pages/oversight_account.html",
        include_str!("../templates/pages/oversight_account.html"),
    ),
    (
        "pages/office_offices.html",
        include_str!("../templates/pages/office_offices.html"),
    ),
    (
        "pages/oversight_token_new.html",
        include_str!("../templates/pages/oversight_token_new.html"),
    ),
    (
        "pages/oversight_token_made.html",
        include_str!("../templates/pages/oversight_token_made.html"),
    ),
    (
        "pages/phone_line_new.html",
        include_str!("../templates/pages/phone_line_new.html"),
    ),
    (
        "pages/phone_bills.html",
        include_str!("../templates/pages/phone_bills.html"),
    ),
    (
        "pages/phone_import.html",
        include_str!("../templates/pages/phone_import.html"),
    ),
    (
        "pages/phone_bill.html",
        include_str!("../templates/pages/phone_bill.html"),
    ),
    (
        "pages/phone_statements.html",
        include_str!("../templates/pages/phone_statements.html"),
    ),
    (
        "pages/phone_statement.html",
        include_str!("../templates/pages/phone_statement.html"),
    ),
    (
        "pages/my_phone.html",
        include_str!("../templates/pages/my_phone.html"),
    ),
    (
        "pages/my_phone_period.html",
        include_str!("../templates/pages/my_phone_period.html"),
    ),
    (
        "pages/notifications.html",
        include_str!("../templates/pages/notifications.html"),
    ),
    (
        "pages/notification.html",
        include_str!("../templates/pages/notification.html"),
    ),
    ("workflow.html", include_str!("../templates/workflow.html")),
    (
        "pages/oversight.html",
        include_str!("../templates/pages/oversight.html"),
    ),
    (
        "pages/request_new.html",
        include_str!("../templates/pages/request_new.html"),
    ),
    (
        "pages/request_sent.html",
        include_str!("../templates/pages/request_sent.html"),
    ),
    (
        "pages/my_requests.html",
        include_str!("../templates/pages/my_requests.html"),
    ),
    (
        "pages/my_request.html",
        include_str!("../templates/pages/my_request.html"),
    ),
    (
        "pages/requests.html",
        include_str!("../templates/pages/requests.html"),
    ),
    (
        "pages/request.html",
        include_str!("../templates/pages/request.html"),
    ),
    (
        "pages/request_elsewhere.html",
        include_str!("../templates/pages/request_elsewhere.html"),
    ),
    (
        "pages/cases.html",
        include_str!("../templates/pages/cases.html"),
    ),
    (
        "pages/case.html",
        include_str!("../templates/pages/case.html"),
    ),
    (
        "pages/concern_new.html",
        include_str!("../templates/pages/concern_new.html"),
    ),
    (
        "pages/concern_sent.html",
        include_str!("../templates/pages/concern_sent.html"),
    ),
    (
        "pages/leaving.html",
        include_str!("../templates/pages/leaving.html"),
    ),
    (
        "pages/leaving_done.html",
        include_str!("../templates/pages/leaving_done.html"),
    ),
    (
        "pages/person_leave.html",
        include_str!("../templates/pages/person_leave.html"),
    ),
    (
        "pages/blocked.html",
        include_str!("../templates/pages/blocked.html"),
    ),
    (
        "pages/monitoring_findings.html",
        include_str!("../templates/pages/monitoring_findings.html"),
    ),
    (
        "pages/monitoring_mail_forwards.html",
        include_str!("../templates/pages/monitoring_mail_forwards.html"),
    ),
    (
        "pages/monitoring_mail_forwards_check.html",
        include_str!("../templates/pages/monitoring_mail_forwards_check.html"),
    ),
    (
        "pages/web_identities.html",
        include_str!("../templates/pages/web_identities.html"),
    ),
    (
        "pages/item_addresses.html",
        include_str!("../templates/pages/item_addresses.html"),
    ),
    (
        "pages/reports.html",
        include_str!("../templates/pages/reports.html"),
    ),
    (
        "pages/report.html",
        include_str!("../templates/pages/report.html"),
    ),
    (
        "pages/retention.html",
        include_str!("../templates/pages/retention.html"),
    ),
    (
        "pages/subject_access.html",
        include_str!("../templates/pages/subject_access.html"),
    ),
    (
        "pages/info_requests.html",
        include_str!("../templates/pages/info_requests.html"),
    ),
    (
        "pages/info_request_new.html",
        include_str!("../templates/pages/info_request_new.html"),
    ),
    (
        "pages/info_request.html",
        include_str!("../templates/pages/info_request.html"),
    ),
    (
        "pages/my_info_requests.html",
        include_str!("../templates/pages/my_info_requests.html"),
    ),
    (
        "pages/setup_preset.html",
        include_str!("../templates/pages/setup_preset.html"),
    ),
    (
        "pages/setup_council.html",
        include_str!("../templates/pages/setup_council.html"),
    ),
    (
        "pages/setup_admin.html",
        include_str!("../templates/pages/setup_admin.html"),
    ),
    (
        "pages/setup_mail.html",
        include_str!("../templates/pages/setup_mail.html"),
    ),
    (
        "pages/setup_check.html",
        include_str!("../templates/pages/setup_check.html"),
    ),
    (
        "pages/getting_started.html",
        include_str!("../templates/pages/getting_started.html"),
    ),
];

/// The compiled templates.
pub struct Pages {
    env: Environment<'static>,
}

impl Pages {
    /// Compiles every template, so a mistake in one fails at start-up rather than on a request.
    pub fn new(assets: &Assets) -> Result<Pages, minijinja::Error> {
        let mut env = Environment::new();
        // Every template is HTML, whatever its name.
        env.set_auto_escape_callback(|_| AutoEscape::Html);
        // Printing a missing value is an error; testing one with `if` is allowed.
        env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
        for (name, source) in TEMPLATES {
            env.add_template(name, source)?;
        }
        let assets = assets.clone();
        // Asset addresses are built from names in the templates and a hex digest: nothing to
        // escape, and `/` left as it is reads better in the page source.
        env.add_function("asset", move |name: &str| {
            Value::from_safe_string(assets.url(name))
        });
        env.add_filter("long_date", long_date);
        for (name, _) in TEMPLATES {
            env.get_template(name)?;
        }
        Ok(Pages { env })
    }

    pub fn render(
        &self,
        name: &str,
        page: &Page<'_>,
        values: Value,
    ) -> Result<String, minijinja::Error> {
        let ctx = minijinja::context! { ..values, ..Value::from(Serde(page)) };
        self.env.get_template(name)?.render(ctx)
    }
}

/// What the layout needs from every page.
#[derive(Serialize)]
pub struct Page<'a> {
    /// The page's own name; the layout adds the council, the service and any "Error: ".
    pub title: &'a str,
    pub council: Option<CouncilRef<'a>>,
    /// Which service navigation item is the current page.
    pub nav: Option<&'static str>,
    pub errors: Vec<FieldError>,
    /// Who is signed in, for the navigation and the sign-out form.
    pub viewer: Option<Viewer>,
}

/// The signed-in account as the layout needs it: which links to show, and the token its
/// forms carry.
#[derive(Serialize)]
pub struct Viewer {
    pub username: String,
    pub member: bool,
    pub reader: bool,
    pub admin: bool,
    pub csrf_token: String,
}

impl<'a> Page<'a> {
    pub fn new(title: &'a str) -> Page<'a> {
        Page {
            title,
            council: None,
            nav: None,
            errors: Vec::new(),
            viewer: None,
        }
    }

    /// Shows the navigation the principal's capabilities allow.
    pub fn viewer(mut self, signed: &crate::session::SignedIn) -> Self {
        let p = &signed.principal;
        let settled = !p.user.must_change_password;
        self.viewer = Some(Viewer {
            username: p.user.username.to_string(),
            member: settled && p.member().is_ok(),
            reader: settled && p.reader().is_ok(),
            admin: settled && p.admin().is_ok(),
            csrf_token: signed.session.csrf_token.clone(),
        });
        self
    }

    pub fn council(mut self, council: &'a Council) -> Self {
        self.council = Some(CouncilRef::from(council));
        self
    }

    pub fn nav(mut self, id: &'static str) -> Self {
        self.nav = Some(id);
        self
    }
}

#[derive(Serialize)]
pub struct CouncilRef<'a> {
    pub name: &'a str,
    pub slug: &'a str,
}

impl<'a> From<&'a Council> for CouncilRef<'a> {
    fn from(c: &'a Council) -> Self {
        CouncilRef {
            name: &c.name,
            slug: c.slug.as_str(),
        }
    }
}

/// A problem with one form field: `field` is the input's id, which the error summary links to.
#[derive(Clone, Debug, Serialize)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

/// Errors keyed by field, for the field macros.
pub fn by_field(errors: &[FieldError]) -> Value {
    let map: std::collections::BTreeMap<&str, &str> = errors
        .iter()
        .map(|e| (e.field, e.message.as_str()))
        .collect();
    Value::from(Serde(map))
}

/// A message from the domain as a sentence: a capital first letter and a full stop.
pub fn sentence(text: &str) -> String {
    let mut chars = text.trim().chars();
    let mut out: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    if !out.is_empty() && !out.ends_with(['.', '?', '!']) {
        out.push('.');
    }
    out
}

/// `2027-05-16` as `16 May 2027`.
fn long_date(value: &str) -> Result<String, minijinja::Error> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map(steward_policy::long_date)
        .map_err(|_| {
            minijinja::Error::new(
                minijinja::ErrorKind::InvalidOperation,
                format!("'{value}' is not a date"),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_people_write_them() {
        assert_eq!(long_date("2027-05-16").unwrap(), "16 May 2027");
        assert_eq!(long_date("2027-01-04").unwrap(), "4 January 2027");
        assert!(long_date("16/05/2027").is_err());
    }

    #[test]
    fn every_template_compiles_and_escapes() {
        let pages = Pages::new(&Assets::open(std::path::Path::new("/nonexistent"))).unwrap();
        let html = pages
            .render(
                "pages/error.html",
                &Page::new("Page <not> found"),
                minijinja::context! { heading => "<b>", paragraphs => vec!["a & b"] },
            )
            .unwrap();
        assert!(
            html.contains("<title>Page &lt;not&gt; found - Steward</title>"),
            "{html}"
        );
        assert!(
            html.contains("&lt;b&gt;") && html.contains("a &amp; b"),
            "{html}"
        );
        assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    }

    #[test]
    fn every_template_file_is_compiled_in() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut files = Vec::new();
        for dir in [root.clone(), root.join("pages")] {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().is_some_and(|e| e == "html") {
                    let name = path.strip_prefix(&root).unwrap().to_string_lossy();
                    files.push(name.replace('\\', "/"));
                }
            }
        }
        for name in &files {
            assert!(
                TEMPLATES.iter().any(|(n, _)| n == name),
                "{name} is not in TEMPLATES"
            );
        }
        assert_eq!(files.len(), TEMPLATES.len());
    }

    #[test]
    fn errors_prefix_the_title() {
        let pages = Pages::new(&Assets::open(std::path::Path::new("/nonexistent"))).unwrap();
        let mut page = Page::new("Thing");
        page.errors.push(FieldError {
            field: "x",
            message: "Enter x".into(),
        });
        let html = pages
            .render(
                "pages/error.html",
                &page,
                minijinja::context! { heading => "h", paragraphs => Vec::<String>::new() },
            )
            .unwrap();
        assert!(
            html.contains("<title>Error: Thing - Steward</title>"),
            "{html}"
        );
    }
}
