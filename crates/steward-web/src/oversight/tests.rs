//! The oversight pages through the whole router: checking packs, adopting, the audit log and
//! its CSV, accounts and tokens, and what an auditor is refused.

use super::policy::{check_text, problem_errors};
use crate::pages::{Page, Pages};
use crate::{AppState, Now, Today, app};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::NaiveDate;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use steward_domain::Ctx;
use steward_domain::auth::{Password, Role};
use steward_domain::ops::{council, people, policy, sessions, users};
use steward_domain::repo::NewPerson;
use steward_policy::{PersonKind, presets};
use steward_store::testing::TestDb;
use tower::ServiceExt;

pub(super) const SLUG: &str = "wexcombe-city";
const PASSWORD: &str = "copper lantern autumn 58";

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

pub(super) struct Site {
    pub(super) app: Router,
    pub(super) state: AppState,
    _db: TestDb,
}

async fn site() -> Site {
    site_with(true).await
}

/// A site whose server sends email (`sends_mail`) or not.
pub(super) async fn site_with(sends_mail: bool) -> Site {
    let db = TestDb::new().await;
    let store = db.open().await.unwrap();
    let start = day("2027-01-04");
    let ctx = Ctx::new(
        "setup",
        start.and_hms_opt(9, 0, 0).unwrap().and_utc(),
        start,
    );
    let mut tx = store.begin().await.unwrap();
    let c = council::create(
        &mut tx,
        &ctx,
        &SLUG.parse().unwrap(),
        "Wexcombe City Council",
    )
    .await
    .unwrap();
    let preset = presets::find("city-aup").unwrap();
    policy::adopt(&mut tx, &ctx, &c, &presets::load(preset).unwrap(), start)
        .await
        .unwrap();
    let req = people::AddPerson {
        person: NewPerson {
            reference: "M7".parse().unwrap(),
            name: "Ivy Marsh".into(),
            kind: PersonKind::Councillor,
            email: None,
            household: None,
        },
        term_start: Some(start),
        term_end: None,
        offices: Vec::new(),
    };
    people::add(&mut tx, &ctx, &c, req).await.unwrap();
    for (name, role) in [("clerk", Role::Admin), ("audrey", Role::Auditor)] {
        let username: steward_domain::auth::Username = name.parse().unwrap();
        let req = users::CreateUser {
            password: Password::new(PASSWORD, &username).unwrap(),
            username,
            role,
            person: None,
            must_change_password: false,
        };
        users::create(&mut tx, &ctx, &c, req).await.unwrap();
    }
    tx.commit().await.unwrap();
    let found = crate::assets::Assets::open(std::path::Path::new("/nonexistent"));
    let today: Today = Arc::new(|| day("2027-05-20"));
    let now: Now = Arc::new(|| day("2027-05-20").and_hms_opt(10, 0, 0).unwrap().and_utc());
    let state = AppState::for_tests(store, today, now, found, sends_mail);
    Site {
        app: app(state.clone()),
        state,
        _db: db,
    }
}

/// A session for `username`: its cookie and its CSRF token.
pub(super) async fn session(site: &Site, username: &str) -> (String, String) {
    let mut tx = site.state.store.begin().await.unwrap();
    let c = council::find(&mut tx, &SLUG.parse().unwrap())
        .await
        .unwrap();
    let signed = sessions::sign_in(
        &mut tx,
        &c,
        username,
        PASSWORD,
        IpAddr::V4(Ipv4Addr::LOCALHOST),
        (site.state.now)(),
    )
    .await
    .unwrap()
    .unwrap();
    tx.commit().await.unwrap();
    (
        format!("steward_session={}", signed.secret.expose()),
        signed.session.csrf_token,
    )
}

pub(super) async fn send(
    site: &Site,
    req: Request<Body>,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let res = site.app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 22)
        .await
        .unwrap();
    (
        status,
        headers,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

pub(super) async fn get(
    site: &Site,
    path: &str,
    cookie: &str,
) -> (StatusCode, axum::http::HeaderMap, String) {
    let req = Request::get(format!("/councils/{SLUG}{path}"))
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    send(site, req).await
}

/// Form-encodes pairs.
pub(super) fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", crate::listing::encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

pub(super) async fn post(
    site: &Site,
    path: &str,
    cookie: &str,
    pairs: &[(&str, &str)],
) -> (StatusCode, axum::http::HeaderMap, String) {
    let req = Request::post(format!("/councils/{SLUG}{path}"))
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form(pairs)))
        .unwrap();
    send(site, req).await
}

const BROKEN: &str = "[pack]\nid = \"x\"\ntitle = 3\n\n[scope\n";

#[test]
fn every_problem_is_listed_as_line_and_column_linked_to_the_text() {
    let text = "[pack]\nid = 5\n";
    let error = check_text(text).unwrap_err();
    let errors = problem_errors("pack_toml", &error, Some(text));
    assert!(!errors.is_empty());
    assert!(
        errors
            .iter()
            .any(|e| e.message.contains("(the line reads “id = 5”)")),
        "{errors:?}"
    );
    for e in &errors {
        let (line, rest) = e.message.split_once(':').unwrap();
        let (column, message) = rest.split_once(": ").unwrap();
        assert!(
            line.parse::<usize>().is_ok() && column.parse::<usize>().is_ok(),
            "{e:?}"
        );
        assert!(!message.is_empty());
    }
    let pages = Pages::new(&crate::assets::Assets::open(std::path::Path::new("/x"))).unwrap();
    let mut page = Page::new("Check a policy pack");
    page.errors = errors.clone();
    let html = pages
        .render(
            "pages/oversight_check.html",
            &page,
            minijinja::context! {
                council => minijinja::context! { name => "C", slug => "c" },
                pack_toml => "[pack]\nid = 5\n",
                pack_error => "The pack has problems",
                csrf_token => "t",
            },
        )
        .unwrap();
    assert!(html.contains("<title>Error: Check a policy pack"), "{html}");
    for e in &errors {
        let escaped = e.message.replace('`', "&#x60;").replace('\'', "&#x27;");
        assert!(
            html.contains(&format!(
                r##"<li><a href="#pack_toml">{}</a></li>"##,
                e.message
            )) || html.contains(&format!(r##"<li><a href="#pack_toml">{escaped}</a></li>"##)),
            "{} in {html}",
            e.message
        );
    }
    assert!(html.contains(r#"id="pack_toml" name="pack_toml""#));
}

#[tokio::test]
async fn any_reader_checks_a_pack_and_sees_every_problem_but_cannot_adopt() {
    let site = site().await;
    let (audrey, token) = session(&site, "audrey").await;
    let (status, _, html) = post(
        &site,
        "/policy/check",
        &audrey,
        &[("csrf_token", &token), ("pack_toml", BROKEN)],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{html}");
    assert!(
        html.contains(r##"<a href="#pack_toml">5:7: unclosed table"##),
        "{html}"
    );
    let good = presets::find("town-it-policy").unwrap().source;
    let (status, _, html) = post(
        &site,
        "/policy/check",
        &audrey,
        &[("csrf_token", &token), ("pack_toml", good)],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("No problems found"), "{html}");

    let (status, _, html) = post(
        &site,
        "/policy/adopt",
        &audrey,
        &[
            ("csrf_token", &token),
            ("preset", "town-it-policy"),
            ("effective", "01/06/2027"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("You cannot see this page"));
    let (_, _, versions) = get(&site, "/policy/versions", &audrey).await;
    assert!(!versions.contains("Version 2"), "{versions}");
}

#[tokio::test]
async fn an_administrator_adopts_a_version_and_the_trail_records_it() {
    let site = site().await;
    let (clerk, token) = session(&site, "clerk").await;
    let (status, _, html) = post(
        &site,
        "/policy/adopt",
        &clerk,
        &[
            ("csrf_token", &token),
            ("pack_toml", BROKEN),
            ("effective", ""),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        html.contains(r##"<a href="#effective">Enter the date"##),
        "{html}"
    );
    assert!(
        html.contains(r##"<a href="#pack_toml">5:7: unclosed table"##),
        "{html}"
    );

    // First the changes, in words, with who must sign again; nothing is adopted yet.
    let (status, _, check) = post(
        &site,
        "/policy/adopt",
        &clerk,
        &[
            ("csrf_token", &token),
            ("preset", "town-it-policy"),
            ("effective", "01/06/2027"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{check}");
    assert!(
        check.contains("Check the changes before adopting"),
        "{check}"
    );
    assert!(check.contains("1 June 2027"), "{check}");
    // The city's policy gives way to the town's: its longest loan is a new rule, in words.
    assert!(
        check.contains("New rule") || check.contains("Rule changed"),
        "{check}"
    );
    assert!(check.contains("Longest loan: 3 months"), "{check}");
    // The town's policy asks for no signature, so nobody is asked to sign.
    assert!(!check.contains("Who must sign"), "{check}");
    assert!(check.contains(r#"name="confirm" value="yes""#), "{check}");
    let (_, _, versions) = get(&site, "/policy/versions", &clerk).await;
    assert!(!versions.contains("Version 2"), "{versions}");

    let (status, headers, html) = post(
        &site,
        "/policy/adopt",
        &clerk,
        &[
            ("csrf_token", &token),
            ("preset", "town-it-policy"),
            ("effective", "01/06/2027"),
            ("confirm", "yes"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
    let to = headers[header::LOCATION].to_str().unwrap();
    assert_eq!(to, format!("/councils/{SLUG}/policy/versions?adopted=2"));
    let (_, _, versions) = get(&site, "/policy/versions?adopted=2", &clerk).await;
    assert!(
        versions.contains("Version 2 has been adopted."),
        "{versions}"
    );
    let (_, _, next) = get(&site, "/policy?version=2", &clerk).await;
    assert!(
        next.contains("This is not the version in force today"),
        "{next}"
    );
    let (status, _, rules) = get(&site, "/policy", &clerk).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        rules.contains("version 1"),
        "version 1 is still in force: {rules}"
    );

    // The adoption is in the trail, which still verifies.
    let (_, _, log) = get(&site, "/audit?entity=policy&id=2", &clerk).await;
    assert!(
        log.contains(r#"card__title">Adopted a policy version"#)
            && log.contains("The only record that matches"),
        "{log}"
    );
    let (_, _, verified) = get(&site, "/audit/verify", &clerk).await;
    assert!(verified.contains("The audit trail is intact"), "{verified}");
}

#[tokio::test]
async fn the_pack_in_force_downloads_as_the_toml_it_was_adopted_from() {
    let site = site().await;
    let (audrey, _) = session(&site, "audrey").await;
    let (status, headers, toml) = get(&site, "/policy/pack.toml", &audrey).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers[header::CONTENT_TYPE],
        "application/toml; charset=utf-8"
    );
    assert!(
        headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("policy-version-1.toml")
    );
    assert_eq!(toml, presets::find("city-aup").unwrap().source);
    let (status, _, _) = get(&site, "/policy/pack.toml?version=9", &audrey).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_audit_log_filters_pages_and_exports_guarded_csv() {
    let site = site().await;
    let (audrey, _) = session(&site, "audrey").await;
    let (status, _, html) = get(&site, "/audit?entity=user", &audrey).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Setup created the account clerk with the role administrator.")
            && !html.contains(r#"card__title">Adopted a policy version"#),
        "{html}"
    );
    // People read the record in words: its codes, data and hash are for the CSV and the API.
    assert!(
        !html.contains("<code>") && !html.contains("<pre") && !html.contains("(UTC)"),
        "{html}"
    );
    let (status, _, html) = get(&site, "/audit?from=31%2F02%2F2027", &audrey).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains(r##"<a href="#from">"##), "{html}");
    let (status, headers, csv) = get(&site, "/audit?entity=user&format=csv", &audrey).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert_eq!(csv.matches(",setup,user.create,user,").count(), 2, "{csv}");
    assert!(csv.contains(",user,clerk,"), "{csv}");
}

#[tokio::test]
async fn accounts_and_tokens_are_managed_by_administrators_only() {
    // Without email an account gets a temporary password.
    let site = site_with(false).await;
    let (clerk, token) = session(&site, "clerk").await;
    let (status, _, html) = post(
        &site,
        "/admin/accounts/new",
        &clerk,
        &[
            ("csrf_token", &token),
            ("username", "ivy"),
            ("role", "member"),
            ("person", "M7"),
            ("password", "short"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains(r##"<a href="#password">"##), "{html}");
    assert!(html.contains("<title>Error: Create an account"), "{html}");
    let (status, headers, _) = post(
        &site,
        "/admin/accounts/new",
        &clerk,
        &[
            ("csrf_token", &token),
            ("username", "ivy"),
            ("role", "member"),
            ("person", "M7"),
            ("password", "violet harbour seven 22"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let to = headers[header::LOCATION].to_str().unwrap().to_string();
    let (_, _, list) = get(
        &site,
        to.trim_start_matches(&format!("/councils/{SLUG}")),
        &clerk,
    )
    .await;
    assert!(list.contains("Account ivy created."), "{list}");
    assert!(list.contains("M7"), "{list}");

    let (status, _, made) = post(
        &site,
        "/admin/tokens/new",
        &clerk,
        &[
            ("csrf_token", &token),
            ("username", "clerk"),
            ("role", "auditor"),
            ("name", "nightly export"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{made}");
    let secret = made
        .split(r#"id="token-secret">"#)
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap()
        .to_string();
    assert!(secret.len() > 20, "{secret}");
    let (_, _, tokens) = get(&site, "/admin/tokens", &clerk).await;
    assert!(tokens.contains("nightly export") && !tokens.contains(&secret));

    // A provisioning token is chosen like a role, and listed as what it is for.
    let (_, _, form) = get(&site, "/admin/tokens/new", &clerk).await;
    assert!(form.contains("SCIM provisioning only"), "{form}");
    let (status, _, made) = post(
        &site,
        "/admin/tokens/new",
        &clerk,
        &[
            ("csrf_token", &token),
            ("username", "clerk"),
            ("role", "scim"),
            ("name", "Entra provisioning"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{made}");
    assert!(made.contains("SCIM provisioning"), "{made}");
    let (_, _, tokens) = get(&site, "/admin/tokens", &clerk).await;
    assert!(tokens.contains("Entra provisioning"), "{tokens}");

    let (status, headers, _) = post(
        &site,
        "/admin/tokens/1/revoke",
        &clerk,
        &[("csrf_token", &token)],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        headers[header::LOCATION],
        format!("/councils/{SLUG}/admin/tokens/1?done=revoked")
    );
    let (_, _, revoked) = get(&site, "/admin/tokens/1?done=revoked", &clerk).await;
    assert!(revoked.contains("Token 1 revoked."), "{revoked}");
    assert!(!revoked.contains("Revoke this token"), "{revoked}");
    // Revoking twice is explained on the token's page.
    let (status, _, again) = post(
        &site,
        "/admin/tokens/1/revoke",
        &clerk,
        &[("csrf_token", &token)],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(again.contains("govuk-error-summary"), "{again}");
    let (status, _, _) = post(
        &site,
        "/admin/accounts/ivy/disable",
        &clerk,
        &[("csrf_token", &token)],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // Refusals are shown in the error summary of the account's page.
    let (status, _, own) = post(
        &site,
        "/admin/accounts/clerk/disable",
        &clerk,
        &[("csrf_token", &token)],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(own.contains("<title>Error: Account clerk"), "{own}");
    assert!(own.contains(r##"<a href="#action">"##), "{own}");
    let (status, _, twice) = post(
        &site,
        "/admin/accounts/ivy/disable",
        &clerk,
        &[("csrf_token", &token)],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(twice.contains("already disabled"), "{twice}");
    let (status, _, weak) = post(
        &site,
        "/admin/accounts/ivy/password",
        &clerk,
        &[("csrf_token", &token), ("password", "short")],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(weak.contains(r##"<a href="#password">"##), "{weak}");
    let (status, _, _) = post(
        &site,
        "/admin/accounts/ivy/password",
        &clerk,
        &[
            ("csrf_token", &token),
            ("password", "amber window river 71"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, _) = get(&site, "/admin/accounts/nobody", &clerk).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The accounts list searches and downloads as CSV.
    let (_, _, found) = get(&site, "/admin/accounts?q=ivy", &clerk).await;
    assert!(
        found.contains("Accounts matching “ivy”: 1 to 1 of 1"),
        "{found}"
    );
    let (_, _, csv) = get(&site, "/admin/accounts?format=csv", &clerk).await;
    assert!(
        csv.starts_with("Username,Role,Acts as,Status,Last sign-in,Created"),
        "{csv}"
    );
    assert!(
        csv.contains("ivy,Member,Ivy Marsh (M7),Disabled,Never,11:00am on 20 May 2027"),
        "{csv}"
    );

    let (audrey, audrey_token) = session(&site, "audrey").await;
    for path in ["/admin/accounts", "/admin/tokens", "/admin/accounts/new"] {
        let (status, _, _) = get(&site, path, &audrey).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
    let (status, _, _) = post(
        &site,
        "/admin/accounts/ivy/enable",
        &audrey,
        &[("csrf_token", &audrey_token)],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, _, log) = get(&site, "/audit?entity=user&id=ivy", &audrey).await;
    assert!(
        log.contains(r#"card__title">Created an account"#)
            && log.contains(r#"card__title">Disabled an account"#)
            && log.contains(r#"card__title">Reset a password"#)
            && !log.contains(r#"card__title">Enabled an account"#),
        "{log}"
    );
}

/// The link labelled `label` on a page, as a path under the council.
fn link(html: &str, label: &str) -> Option<String> {
    let at = html.find(&format!(">{label}</span>"))?;
    let start = html[..at].rfind("href=\"")? + 6;
    let end = start + html[start..].find('"')?;
    let href = html[start..end]
        .replace("&amp;", "&")
        .replace("&#x2f;", "/")
        .replace("&#x3d;", "=");
    Some(
        href.trim_start_matches(&format!("/councils/{SLUG}"))
            .to_string(),
    )
}

#[tokio::test]
async fn the_audit_log_reads_in_words_and_pages_by_cursor_both_ways() {
    use steward_domain::RegisterTx;
    let site = site().await;
    let (audrey, _) = session(&site, "audrey").await;
    let mut tx = site.state.store.begin().await.unwrap();
    let c = council::find(&mut tx, &SLUG.parse().unwrap())
        .await
        .unwrap();
    let at = day("2027-05-16").and_hms_opt(8, 30, 0).unwrap().and_utc();
    for _ in 0..30 {
        let event = steward_domain::AuditEvent {
            action: "session.start".into(),
            entity: "user".into(),
            entity_id: "audrey".into(),
            before: None,
            after: None,
        };
        tx.append_audit(c.id, at, "audrey", &event).await.unwrap();
    }
    tx.commit().await.unwrap();

    let (status, _, first) = get(&site, "/audit", &audrey).await;
    assert_eq!(status, StatusCode::OK);
    assert!(first.contains("Records 1 to 25 of "), "{first}");
    assert!(first.contains("The auditor audrey signed in."), "{first}");
    assert!(first.contains("9:30am, 16 May 2027"), "{first}");
    assert!(!first.contains("UTC, "), "{first}");
    assert_eq!(link(&first, "Newer records"), None);
    let older = link(&first, "Older records").unwrap();
    let (_, _, second) = get(&site, &older, &audrey).await;
    assert!(second.contains("Records 26 to "), "{second}");
    assert!(second.contains("Created the council"), "{second}");
    let newer = link(&second, "Newer records").unwrap();
    let (_, _, back) = get(&site, &newer, &audrey).await;
    assert!(back.contains("Records 1 to 25 of "), "{back}");

    // Oldest first, the council's creation comes first; filters narrow in the database.
    let (_, _, oldest) = get(&site, "/audit?order=oldest", &audrey).await;
    let created = oldest.find("Setup created the council").unwrap();
    assert!(created < oldest.find("The auditor audrey signed in.").unwrap());
    let (_, _, signins) = get(
        &site,
        "/audit?action=session.start&actor=audrey&from=16%2F05%2F2027&to=16%2F05%2F2027",
        &audrey,
    )
    .await;
    assert!(
        signins.contains("Records 1 to 25 of 30 records"),
        "{signins}"
    );
    // The filter shows what was chosen, and only that.
    assert!(
        signins.contains(r#"<option value="session.start" selected>"#),
        "{signins}"
    );
    assert_eq!(signins.matches(" selected>").count(), 3, "{signins}");
    let (_, _, people) = get(&site, "/audit?entity=person", &audrey).await;
    assert!(
        people.contains(r#"<option value="person" selected>"#),
        "{people}"
    );
    let (status, _, bad) = get(&site, "/audit?action=warp.engage", &audrey).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(bad.contains(r##"<a href="#action">"##), "{bad}");
}

#[tokio::test]
async fn the_verify_page_waits_while_the_chain_is_being_checked() {
    let site = site().await;
    let (audrey, _) = session(&site, "audrey").await;
    let mut tx = site.state.store.read().await.unwrap();
    let c = council::find(&mut tx, &SLUG.parse().unwrap())
        .await
        .unwrap();
    drop(tx);
    let running = site.state.checks.start(c.id).unwrap();
    let (status, _, html) = get(&site, "/audit/verify", &audrey).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(html.contains("Try again shortly"), "{html}");
    drop(running);
    let (status, _, html) = get(&site, "/audit/verify", &audrey).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("The audit trail is intact"), "{html}");
}

/// A Graph stand-in: a token for any post, one page of one user for anything else.
fn graph_stand_in() -> String {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream);
            let mut first = String::new();
            reader.read_line(&mut first).unwrap();
            let mut length = 0;
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                if line.trim().is_empty() {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap();
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            let text = if first.starts_with("POST") {
                r#"{"token_type":"Bearer","access_token":"t"}"#.to_string()
            } else {
                r#"{"value":[{"id":"5f0e","displayName":"Ann Example","mail":"ann@example.org","employeeId":"S1","accountEnabled":true}]}"#.to_string()
            };
            let reply = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{text}",
                text.len()
            );
            let _ = reader.get_mut().write_all(reply.as_bytes());
        }
    });
    base
}

#[tokio::test]
async fn an_administrator_previews_a_directory_sync_and_applies_it() {
    use steward_domain::directory::apply;
    use steward_domain::directory::settings::{
        Attributes, DirectorySettings, SecretFrom, SourceSettings,
    };
    let site = site().await;
    let base = graph_stand_in();
    let secret = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(secret.path(), "s3cret-value\n").unwrap();
    let (admin, token) = session(&site, "clerk").await;
    let (auditor, _) = session(&site, "audrey").await;

    let (_, _, empty) = get(&site, "/admin/directory", &admin).await;
    assert!(empty.contains("No directory is set"), "{empty}");
    let settings = DirectorySettings {
        source: SourceSettings::Graph {
            base_url: format!("{base}/v1.0"),
            token_url: format!("{base}/token"),
            client_id: "app".into(),
            client_secret: SecretFrom::File(secret.path().display().to_string()),
        },
        attributes: Attributes::graph_defaults(),
        default_kind: Some(PersonKind::Employee),
        groups: Vec::new(),
        scheduled: false,
    };
    let mut tx = site.state.store.begin().await.unwrap();
    let c = council::find(&mut tx, &SLUG.parse().unwrap())
        .await
        .unwrap();
    let ctx = Ctx::new("test", (site.state.now)(), (site.state.today)());
    apply::save_settings(&mut tx, &ctx, &c, &settings)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let (status, _, _) = get(&site, "/admin/directory", &auditor).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, _, page) = get(&site, "/admin/directory", &admin).await;
    assert!(page.contains("Microsoft Graph at"), "{page}");
    assert!(!page.contains("s3cret-value"));
    let (status, _, _) = post(&site, "/admin/directory", &admin, &[]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no CSRF token");

    let (status, _, preview) =
        post(&site, "/admin/directory", &admin, &[("csrf_token", &token)]).await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert!(
        preview.contains("Check the changes from the directory"),
        "{preview}"
    );
    assert!(
        preview.contains("New: Ann Example (S1) joins as employee"),
        "{preview}"
    );
    // Ivy, added by hand, is not the directory's to end.
    assert!(!preview.contains("Ivy Marsh"), "{preview}");
    let mut tx = site.state.store.read().await.unwrap();
    assert!(
        people::find(&mut tx, &c, &"S1".parse().unwrap())
            .await
            .is_err()
    );
    drop(tx);

    let (status, _, done) = post(
        &site,
        "/admin/directory",
        &admin,
        &[("csrf_token", &token), ("confirm", "yes")],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert!(
        done.contains("in step with the directory: 1 joining"),
        "{done}"
    );
    let mut tx = site.state.store.read().await.unwrap();
    let ann = people::find(&mut tx, &c, &"S1".parse().unwrap())
        .await
        .unwrap();
    assert_eq!(ann.name, "Ann Example");
}
