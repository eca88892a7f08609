//! Who may reach which page: one account per role (and a second member) signs in over HTTP to
//! a server on a real socket, and every route in the route table is asked for by each of them
//! and by someone not signed in. A page added to the table is covered here without more work.

use super::{PASSWORD, add_user};
use crate::routes::{Need, pages};
use crate::{AppState, Now, Today, app};
use axum::http::Method;
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use steward_domain::auth::Role;
use steward_domain::ops::{acceptance, council, equipment, loans, people, policy};
use steward_domain::repo::{NewEquipment, NewPerson};
use steward_domain::{Council, Ctx, Pence};
use steward_policy::{EquipmentKind, EquipmentState, PersonKind, presets};
use steward_store::testing::TestDb;

mod forms;
mod phones;
mod records;

const SLUG: &str = "fenwold-borough";

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// A response as the tests need it.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn cookies(&self) -> Vec<String> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
            .filter_map(|(_, v)| v.split(';').next())
            .map(str::to_string)
            .collect()
    }

    /// A redirect to the sign-in page, perhaps asked to come back afterwards.
    fn to_sign_in(&self) -> bool {
        let page = format!("/councils/{SLUG}/sign-in");
        self.status == 303
            && self
                .header("location")
                .is_some_and(|l| l == page || l.starts_with(&format!("{page}?next=")))
    }
}

/// One HTTP/1.1 request on its own connection; a post is a URL-encoded form.
fn request(addr: SocketAddr, method: &Method, path: &str, cookies: &str, form: &str) -> Answer {
    let mut headers = vec![("Cookie", cookies)];
    if *method == Method::POST {
        headers.push(("Content-Type", "application/x-www-form-urlencoded"));
    }
    request_with(addr, method, path, &headers, form)
}

/// One HTTP/1.1 request on its own connection with the given headers (those left blank are
/// not sent).
fn request_with(
    addr: SocketAddr,
    method: &Method,
    path: &str,
    headers: &[(&str, &str)],
    form: &str,
) -> Answer {
    let mut stream = TcpStream::connect(addr).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers.iter().filter(|(_, v)| !v.is_empty()) {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if *method == Method::POST {
        head.push_str(&format!("Content-Length: {}\r\n", form.len()));
    }
    head.push_str("\r\n");
    head.push_str(form);
    stream.write_all(head.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Answer {
        status,
        headers,
        body: body.to_string(),
    }
}

fn csrf_field(html: &str) -> Option<String> {
    html.split(r#"name="csrf_token" value=""#)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .map(str::to_string)
}

/// A server on port 0 with its own database, holding one council with two members who each
/// hold a laptop, an officer, an auditor and an administrator.
struct Server {
    addr: SocketAddr,
    /// The secret of an invitation's link that works, for the page it opens.
    invitation: String,
    /// Runs the server until the test ends.
    _runtime: tokio::runtime::Runtime,
    _db: TestDb,
}

/// Seeds the register; answers the secret of an open invitation's link, for its page.
async fn seed(store: &steward_store::Store) -> String {
    let start = day("2027-01-04");
    let ctx = Ctx::new("test", start.and_hms_opt(9, 0, 0).unwrap().and_utc(), start);
    let mut tx = store.begin().await.unwrap();
    let c = council::create(
        &mut tx,
        &ctx,
        &SLUG.parse().unwrap(),
        "Fenwold Borough Council",
    )
    .await
    .unwrap();
    let preset = presets::find("borough-members-protocol").unwrap();
    policy::adopt(&mut tx, &ctx, &c, &presets::load(preset).unwrap(), start)
        .await
        .unwrap();
    for (reference, name, kind, offices) in [
        (
            "S1",
            "Olive Desk",
            PersonKind::Employee,
            vec!["legal_and_democratic_services_manager"],
        ),
        ("M1", "Ada Quill", PersonKind::Councillor, vec![]),
        ("M2", "Bo Fenn", PersonKind::Councillor, vec![]),
    ] {
        let req = people::AddPerson {
            person: NewPerson {
                reference: reference.parse().unwrap(),
                name: name.into(),
                kind,
                email: None,
                household: None,
            },
            term_start: Some(start),
            term_end: None,
            offices: offices
                .into_iter()
                .map(|o| steward_policy::OfficeId(o.to_string()))
                .collect(),
        };
        people::add(&mut tx, &ctx, &c, req).await.unwrap();
    }
    for tag in ["LAP-1", "LAP-2"] {
        let new = NewEquipment {
            asset_tag: tag.parse().unwrap(),
            kind: EquipmentKind::Laptop,
            model: "T14".into(),
            serial: None,
            purchased_on: Some(start),
            replacement_cost: Pence(65_000),
            pat_tested_on: Some(start),
            encrypted: true,
            state: EquipmentState::InStock,
        };
        equipment::add(&mut tx, &ctx, &c, new).await.unwrap();
    }
    for (reference, name, tag) in [("M1", "Ada Quill", "LAP-1"), ("M2", "Bo Fenn", "LAP-2")] {
        acceptance::sign(
            &mut tx,
            &ctx,
            &c,
            &reference.parse().unwrap(),
            acceptance::Signature::Typed { name: name.into() },
        )
        .await
        .unwrap();
        loans::issue(
            &mut tx,
            &ctx,
            &c,
            &reference.parse().unwrap(),
            &tag.parse().unwrap(),
            None,
        )
        .await
        .unwrap();
    }
    phones::seed(&mut tx, &c).await;
    // Ada's laptop is recalled a week before the day the server is pinned to.
    let recalled = day("2027-05-13");
    let ctx = Ctx::new(
        "test",
        recalled.and_hms_opt(9, 0, 0).unwrap().and_utc(),
        recalled,
    );
    let ada_loan = loans::list(&mut tx, &c, true, recalled)
        .await
        .unwrap()
        .into_iter()
        .find(|l| l.asset_tag.as_str() == "LAP-1")
        .unwrap();
    loans::recall(
        &mut tx,
        &ctx,
        &c,
        ada_loan.loan.id,
        &"S1".parse().unwrap(),
        None,
    )
    .await
    .unwrap();
    // The day's sweep tells Ada of the recall: notification 1, for the pages about one.
    let swept = day("2027-05-20");
    let sweep_ctx = Ctx::new("test", swept.and_hms_opt(6, 0, 0).unwrap().and_utc(), swept);
    steward_domain::ops::sweep::run(&mut tx, &sweep_ctx, &c)
        .await
        .unwrap();
    // Case 1: a concern about Bo, raised without a name, for the pages about one case.
    steward_domain::ops::cases::raise(
        &mut tx,
        &Ctx::new("anonymous", ctx.now, ctx.today),
        &c,
        steward_domain::ops::cases::Raiser::Anonymous,
        steward_domain::ops::cases::Concern {
            subject: Some("M2".parse().unwrap()),
            summary: "Shared a password".into(),
            details: String::new(),
        },
    )
    .await
    .unwrap();
    for (username, role, person) in [
        ("clerk", Role::Admin, None),
        ("audrey", Role::Auditor, None),
        ("olive", Role::Officer, Some("S1")),
        ("ada", Role::Member, Some("M1")),
        ("bofenn", Role::Member, Some("M2")),
        ("spare", Role::Auditor, None),
    ] {
        add_user(&mut tx, &ctx, &c, username, role, person, false).await;
    }
    records::seed(&mut tx, &c).await;
    // Token 1, for the pages about one token.
    steward_domain::ops::tokens::create(
        &mut tx,
        &ctx,
        &c,
        steward_domain::ops::tokens::CreateToken {
            username: "spare".parse().unwrap(),
            role: Role::Auditor,
            name: "nightly export".into(),
            expires_on: None,
            scope: steward_domain::auth::TokenScope::Api,
        },
    )
    .await
    .unwrap();
    let secret = invitation_link(&mut tx, &ctx, &c).await;
    tx.commit().await.unwrap();
    secret
}

/// An account invited to choose its password, and the link its message carries once sent.
async fn invitation_link(tx: &mut steward_store::StoreTx, ctx: &Ctx, c: &Council) -> String {
    use steward_domain::ops::invitations::{self, CreateInvited, Link};
    let req = CreateInvited {
        username: "newcomer".parse().unwrap(),
        role: Role::Auditor,
        person: None,
        email: Some("newcomer@example.org".into()),
    };
    let (_, invited) = invitations::create_invited(tx, ctx, c, req).await.unwrap();
    // Sent the morning of the day the server runs as, so its link still works.
    let sent = day("2027-05-20").and_hms_opt(9, 0, 0).unwrap().and_utc();
    let ctx = &Ctx::new("sender", sent, sent.date_naive());
    let detail = steward_domain::ops::outbox::detail(tx, c, invited.message_id)
        .await
        .unwrap();
    match invitations::issue_link(tx, ctx, c, &detail.notice)
        .await
        .unwrap()
    {
        Link::Made(secret) => secret.expose().to_string(),
        other => panic!("no link: {other:?}"),
    }
}

impl Server {
    fn start() -> Server {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let (db, addr, invitation) = runtime.block_on(async {
            let db = TestDb::new().await;
            let store = db.open().await.unwrap();
            let invitation = seed(&store).await;
            let today: Today = Arc::new(|| day("2027-05-20"));
            let now: Now = Arc::new(|| day("2027-05-20").and_hms_opt(10, 0, 0).unwrap().and_utc());
            let found = crate::assets::Assets::open(std::path::Path::new("/nonexistent"));
            let state = AppState::for_tests(store, today, now, found, true);
            // Bound before the server starts, so the first request cannot arrive too early.
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            let service = app(state).into_make_service_with_connect_info::<SocketAddr>();
            tokio::spawn(async move { axum::serve(listener, service).await });
            (db, addr, invitation)
        });
        Server {
            addr,
            invitation,
            _runtime: runtime,
            _db: db,
        }
    }

    fn get(&self, path: &str, cookies: &str) -> Answer {
        request(self.addr, &Method::GET, path, cookies, "")
    }

    fn post(&self, path: &str, cookies: &str, form: &str) -> Answer {
        request(self.addr, &Method::POST, path, cookies, form)
    }

    /// Signs in through the form; returns the session cookie and the session's CSRF token.
    fn sign_in(&self, username: &str) -> (String, String) {
        let path = format!("/councils/{SLUG}/sign-in");
        let page = self.get(&path, "");
        let form_cookie = page.cookies().join("; ");
        let token = csrf_field(&page.body).unwrap();
        let answer = self.post(
            &path,
            &form_cookie,
            &format!(
                "csrf_token={token}&username={username}&password={}",
                PASSWORD.replace(' ', "+")
            ),
        );
        assert_eq!(answer.status, 303, "{username}: {}", answer.body);
        let session = answer
            .cookies()
            .into_iter()
            .find(|c| c.starts_with("steward_session=") && c.len() > 20)
            .unwrap();
        // Every signed-in page carries the session's token in its sign-out form.
        let home = answer.header("location").unwrap().to_string();
        let page = self.get(&home, &session);
        assert_eq!(page.status, 200, "{username} at {home}");
        (session, csrf_field(&page.body).unwrap())
    }
}

/// A route's address with records the seed data holds, for pages about one person, item or
/// loan, and a setup address that does not work.
fn concrete(path: &str, server: &Server) -> String {
    path.replace("{slug}", SLUG)
        .replace("{reference}", "M1")
        .replace("{tag}", "LAP-1")
        .replace("{id}", "1")
        .replace("{username}", "spare")
        .replace("{office}", "legal_and_democratic_services_manager")
        .replace("{line}", "1")
        .replace("{bill}", "1")
        .replace("{statement}", "1")
        .replace("{period}", "2027-04")
        .replace("{secret}", &server.invitation)
        .replace("{token}", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
}

/// Whether a record in the address is one the account may not see, so the page is "not
/// found" to them whatever its need: request 1 is Ada's (the recall of her laptop), and case 1
/// is for the Legal and Democratic Services Manager, whose office Olive holds and the
/// administrator does not.
fn hidden(user: &str, path: &str) -> bool {
    let own_request = format!("/councils/{SLUG}/me/requests/1");
    // Request for help 1 was asked of Ada.
    let own_ask = format!("/councils/{SLUG}/me/information-requests/1");
    let case = format!("/councils/{SLUG}/cases/1");
    ((path.starts_with(&own_request) || path.starts_with(&own_ask)) && user != "ada")
        || (path.starts_with(&case) && user == "clerk")
        || path.contains("/sign-in/provider")
}

/// Whether the record refuses the action to an account the route lets in: Ada may not
/// withdraw request 1, a recall the council made of her; and what monitoring found, in its
/// pages and its report, is only for the office the policy names (Olive's) and auditors, not
/// the administrator.
fn refused(user: &str, method: &Method, path: &str) -> bool {
    (*method == Method::POST && user == "ada" && path.ends_with("/me/requests/1/withdraw"))
        || (user == "clerk" && path.contains("/monitoring/"))
        || (user == "clerk" && path.contains("/reports/findings"))
}

/// Whether a role passes a route's need, written out here rather than asked of the code.
fn allowed(role: Option<&str>, need: Need) -> bool {
    match (role, need) {
        (_, Need::Public) => true,
        (None, _) => false,
        (Some(_), Need::SignedIn) => true,
        (Some(r), Need::Member) => matches!(r, "ada" | "bofenn" | "olive"),
        (Some(r), Need::Reader) => matches!(r, "olive" | "audrey" | "clerk"),
        (Some(r), Need::Officer) => matches!(r, "olive" | "clerk"),
        (Some(r), Need::Admin) => r == "clerk",
        (_, Need::Setup) => false,
    }
}

#[test]
fn every_route_answers_each_role_as_the_table_says() {
    let server = Server::start();
    let accounts = ["clerk", "audrey", "olive", "ada", "bofenn"];
    let sessions: BTreeMap<&str, (String, String)> =
        accounts.iter().map(|u| (*u, server.sign_in(u))).collect();
    let table = pages();
    assert!(table.iter().any(|p| p.need == Need::Reader));
    assert!(table.iter().any(|p| p.need == Need::Member));

    // Sign-out goes last: it ends the session the other requests use.
    let mut routes: Vec<_> = table.iter().collect();
    routes.sort_by_key(|p| p.path.ends_with("/sign-out"));

    for route in routes {
        let path = concrete(route.path, &server);
        let is_post = route.method == Method::POST;

        // Setup pages refuse everyone once a council exists, whatever address they hold.
        if route.need == Need::Setup {
            for (cookie, token) in std::iter::once(("", "x"))
                .chain(sessions.values().map(|(c, t)| (c.as_str(), t.as_str())))
            {
                let answer = if is_post {
                    server.post(&path, cookie, &format!("csrf_token={token}"))
                } else {
                    server.get(&path, cookie)
                };
                assert_eq!(
                    answer.status, 403,
                    "{} {path}: {}",
                    route.method, answer.body
                );
            }
            continue;
        }

        // Someone not signed in.
        let anon = if is_post {
            server.post(&path, "", "csrf_token=x")
        } else {
            server.get(&path, "")
        };
        if route.need == Need::Public {
            // The council under test signs in with passwords only: it has no provider to
            // send anyone to.
            let want = if is_post {
                403
            } else if path.contains("/sign-in/provider") {
                404
            } else {
                200
            };
            assert_eq!(anon.status, want, "anonymous {} {path}", route.method);
        } else {
            assert!(
                anon.to_sign_in(),
                "anonymous {} {path}: {}",
                route.method,
                anon.status
            );
        }

        for user in accounts {
            let (cookie, token) = &sessions[user];
            let who = format!("{user} {} {path}", route.method);
            if is_post {
                // Without the token, or with someone else's, a form has expired.
                let missing = server.post(&path, cookie, "");
                let other = &sessions[if user == "ada" { "bofenn" } else { "ada" }].1;
                let wrong = server.post(&path, cookie, &format!("csrf_token={other}"));
                for answer in [missing, wrong] {
                    if allowed(Some(user), route.need) || route.need == Need::Public {
                        assert_eq!(answer.status, 403, "{who} without its token");
                        assert!(answer.body.contains("Your form has expired"), "{who}");
                    } else {
                        assert_eq!(answer.status, 403, "{who}");
                    }
                }
            }
            if route.need == Need::Public && is_post {
                continue;
            }
            let answer = if is_post {
                server.post(&path, cookie, &format!("csrf_token={token}"))
            } else {
                server.get(&path, cookie)
            };
            if allowed(Some(user), route.need) && hidden(user, &path) {
                assert_eq!(answer.status, 404, "{who}: {}", answer.body);
            } else if allowed(Some(user), route.need) && refused(user, &route.method, &path) {
                assert_eq!(answer.status, 403, "{who}: {}", answer.body);
            } else if allowed(Some(user), route.need) {
                assert!(
                    matches!(answer.status, 200 | 303 | 400) && !answer.to_sign_in()
                        || path.ends_with("/sign-out") && answer.to_sign_in(),
                    "{who}: {} {}",
                    answer.status,
                    answer.body
                );
                if !is_post {
                    assert!(
                        answer.status == 200 || answer.status == 303 && path.ends_with("/signed"),
                        "{who}: {}",
                        answer.status
                    );
                }
            } else {
                assert_eq!(answer.status, 403, "{who}: {}", answer.body);
                assert!(answer.body.contains("You cannot see this page"), "{who}");
            }

            // A member never sees another member's name or equipment.
            let (others, theirs) = match user {
                "ada" => (["Bo Fenn", "LAP-2"], ["Ada Quill", "LAP-1"]),
                "bofenn" => (["Ada Quill", "LAP-1"], ["Bo Fenn", "LAP-2"]),
                _ => continue,
            };
            for word in others {
                assert!(!answer.body.contains(word), "{who} shows {word}");
            }
            if path.ends_with("/me") && !is_post {
                for word in theirs {
                    assert!(answer.body.contains(word), "{who} lacks {word}");
                }
            }
        }
    }
}

#[test]
fn a_member_sees_their_equipment_with_its_date_and_clause_and_can_sign() {
    let server = Server::start();
    let (ada, token) = server.sign_in("ada");
    let page = server.get(&format!("/councils/{SLUG}/me"), &ada);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("LAP-1"), "{}", page.body);
    assert!(
        page.body.contains("20 May 2027")
            && page
                .body
                .contains("clause 8.2, Protocol on the use of ICT by Members"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("You signed the policy on 4 January 2027"),
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"aria-current="page""#));

    let policy = server.get(&format!("/councils/{SLUG}/me/policy"), &ada);
    assert_eq!(policy.status, 200);
    assert!(
        policy.body.contains("<h2 class=\"govuk-heading-m\">"),
        "{}",
        policy.body
    );
    let path = format!("/councils/{SLUG}/me/policy");
    let wrong = server.post(
        &path,
        &ada,
        &format!("csrf_token={token}&typed_name=Bo+Fenn"),
    );
    assert_eq!(wrong.status, 400);
    assert!(
        wrong.body.contains(r##"<a href="#typed_name">Type your name exactly as the register holds it to sign.</a>"##),
        "{}",
        wrong.body
    );
    assert!(
        wrong
            .body
            .contains("<title>Error: Read and sign the policy")
    );
    let done = server.post(
        &path,
        &ada,
        &format!("csrf_token={token}&typed_name=ada+quill"),
    );
    assert_eq!(done.status, 303, "{}", done.body);
    let receipt = server.get(done.header("location").unwrap(), &ada);
    assert_eq!(receipt.status, 200);
    assert!(receipt.body.contains("You have signed the policy"));
    assert!(receipt.body.contains("20 May 2027"), "{}", receipt.body);

    // The auditor reads the register, where both members appear, but cannot sign for anyone.
    let (audrey, audrey_token) = server.sign_in("audrey");
    let due = server.get(&format!("/councils/{SLUG}/due"), &audrey);
    assert_eq!(due.status, 200);
    let refused = server.post(
        &path,
        &audrey,
        &format!("csrf_token={audrey_token}&typed_name=x"),
    );
    assert_eq!(refused.status, 403);
}
