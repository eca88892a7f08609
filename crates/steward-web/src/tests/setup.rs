//! Setting a council up from the browser: the whole way from an empty database to the
//! getting-started list, the address used once and running out, answers refused with their
//! field named, the test message, and the list marked from the register.

use super::*;
use steward_domain::ops::people;
use steward_domain::ops::setup::{self, Closed, SETUP_LIFETIME};
use steward_domain::repo::NewPerson;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// Issues an address as `steward serve` does, `minutes_ago` before the site's clock.
async fn issue(site: &Site, minutes_ago: i64) -> String {
    let now = (site.state.now)() - chrono::TimeDelta::minutes(minutes_ago);
    let mut tx = site.state.store.begin().await.unwrap();
    let secret = setup::issue(&mut tx, now, SETUP_LIFETIME)
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();
    secret.expose().to_string()
}

/// A browser going through setup: the form cookie it was given and the last page's token.
struct Browser {
    cookie: String,
    token: String,
}

impl Browser {
    async fn open(site: &Site, path: &str) -> (Browser, String) {
        let (status, headers, html) = get(site, path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {html}");
        let cookie = set_cookies(&headers).join("; ");
        assert!(cookie.starts_with("steward_form="), "{cookie}");
        let token = csrf_field(&html);
        (Browser { cookie, token }, html)
    }

    async fn post(&self, site: &Site, path: &str, form: &str) -> (StatusCode, HeaderMap, String) {
        post_as(
            site,
            path,
            &self.cookie,
            &format!("csrf_token={}&{form}", self.token),
        )
        .await
    }
}

use axum::http::HeaderMap;

fn location(headers: &HeaderMap) -> &str {
    headers[header::LOCATION].to_str().unwrap()
}

/// The error summary links to the field with the problem.
fn links_to(html: &str, field: &str) -> bool {
    html.contains("govuk-error-summary") && html.contains(&format!(r##"href="#{field}""##))
}

const ADMIN: &str = "username=dot.clerk&full_name=Dot+Clerk&email=dot%40dunmere.example.org\
                     &password=plum+tuesday+lantern+47&confirm_password=plum+tuesday+lantern+47";

#[tokio::test]
async fn a_council_is_set_up_from_an_empty_database_to_the_getting_started_list() {
    let site = empty_site().await;
    let (_, _, home) = get(&site, "/").await;
    assert!(home.contains("Setup is waiting"), "{home}");
    assert!(home.contains("console"), "{home}");
    let secret = issue(&site, 0).await;
    let base = format!("/setup/{secret}");

    let (status, headers, _) = get(&site, &base).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&headers), format!("{base}/preset"));
    let (browser, html) = Browser::open(&site, &format!("{base}/preset")).await;
    for preset in steward_policy::presets::all() {
        assert!(
            html.contains(&format!(r#"value="{}""#, preset.id)),
            "{html}"
        );
    }
    assert!(
        html.contains("acceptable use policy for everyone"),
        "{html}"
    );

    // Each answer is refused with its field named, and nothing moves on.
    let (status, _, html) = browser
        .post(&site, &format!("{base}/preset"), "preset=nope")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        links_to(&html, "preset") && title(&html).starts_with("Error: "),
        "{html}"
    );
    let (status, headers, _) = browser
        .post(&site, &format!("{base}/preset"), "preset=town-it-policy")
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&headers), format!("{base}/council"));

    let (status, _, html) = browser
        .post(
            &site,
            &format!("{base}/council"),
            "name=Dunmere&slug=Not+Good",
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(links_to(&html, "slug"), "{html}");
    assert!(html.contains(r#"value="Not Good""#), "{html}");
    let (status, headers, _) = browser
        .post(
            &site,
            &format!("{base}/council"),
            "name=Dunmere+Town+Council&slug=",
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&headers), format!("{base}/administrator"));

    let weak = "username=dot.clerk&full_name=Dot+Clerk&email=dot%40dunmere.example.org\
                &password=dot.clerk&confirm_password=dot.clerk";
    let (status, _, html) = browser
        .post(&site, &format!("{base}/administrator"), weak)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(links_to(&html, "password"), "{html}");
    assert!(
        !html.contains(r#"value="dot.clerk" "#) || !html.contains("type=\"password\" value=\"dot")
    );
    let (status, _, html) = browser
        .post(
            &site,
            &format!("{base}/administrator"),
            "username=&email=nope",
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    for field in ["username", "full_name", "email", "password"] {
        assert!(links_to(&html, field), "{field}: {html}");
    }
    let (status, headers, _) = browser
        .post(&site, &format!("{base}/administrator"), ADMIN)
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&headers), format!("{base}/mail"));

    let (status, _, html) = browser
        .post(
            &site,
            &format!("{base}/mail"),
            "action=save&security=&host=&mail_from=x",
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    for field in ["security", "host", "mail_from"] {
        assert!(links_to(&html, field), "{field}: {html}");
    }
    let (status, headers, _) = browser
        .post(
            &site,
            &format!("{base}/mail"),
            "action=save&security=starttls&host=mail.dunmere.example.org&port=&mail_from=it%40dunmere.example.org",
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&headers), format!("{base}/check"));

    let (status, _, html) = get_as(&site, &format!("{base}/check"), &browser.cookie).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    for words in [
        "Town council IT policy",
        "Dunmere Town Council",
        "dunmere-town-council",
        "dot.clerk",
        "dot@dunmere.example.org",
        "smtp+starttls:&#x2f;&#x2f;mail.dunmere.example.org:587",
    ] {
        assert!(html.contains(words), "{words}: {html}");
    }
    assert!(!html.contains("argon2"), "{html}");

    // Without the form's token nothing is created.
    let (status, _, _) = post_as(&site, &format!("{base}/check"), &browser.cookie, "").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, headers, _) = browser.post(&site, &format!("{base}/check"), "").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location(&headers),
        "/councils/dunmere-town-council/getting-started"
    );
    let session = set_cookies(&headers)
        .into_iter()
        .find(|c| c.starts_with("steward_session=") && c.len() > 20)
        .unwrap();

    // Signed in as the administrator, on the list.
    let list_path = "/councils/dunmere-town-council/getting-started";
    let (status, _, html) = get_as(&site, list_path, &session).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("govuk-task-list"), "{html}");
    assert!(html.contains("You have done 0 of 5 tasks"), "{html}");
    let (_, _, start) = get_as(&site, "/councils/dunmere-town-council/start", &session).await;
    assert!(
        start.contains(r#"href="/councils/dunmere-town-council/getting-started""#),
        "{start}"
    );

    // Everything was made in one go, each with its audit record.
    let mut tx = site.state.store.read().await.unwrap();
    let c = council::find(&mut tx, &"dunmere-town-council".parse().unwrap())
        .await
        .unwrap();
    let user = users::find(&mut tx, &c, &"dot.clerk".parse().unwrap())
        .await
        .unwrap();
    assert_eq!(user.role, Role::Admin);
    let mail = setup::mail_server(&mut tx, &c).await.unwrap().unwrap();
    assert_eq!(mail.port, 587);
    let records = steward_domain::RegisterTx::audit_records(&mut tx, c.id, &Default::default())
        .await
        .unwrap();
    let actions: Vec<&str> = records.iter().map(|e| e.action.as_str()).collect();
    for action in [
        "council.create",
        "policy.adopt",
        "user.create",
        "mail.configure",
        "setup.complete",
        "session.start",
    ] {
        assert!(actions.contains(&action), "{action}: {actions:?}");
    }
    assert!(site.state.store.verify_audit(c.id).await.unwrap().is_ok());
    drop(tx);

    // The address is used up, and setup refuses now that a council exists.
    let (status, _, html) = get(&site, &format!("{base}/preset")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{html}");
    assert!(html.contains("already set up"), "{html}");
    let (status, _, _) = browser.post(&site, &format!("{base}/check"), "").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let mut tx = site.state.store.begin().await.unwrap();
    let now = (site.state.now)();
    assert!(
        setup::issue(&mut tx, now, SETUP_LIFETIME)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        setup::open(&mut tx, &secret, now)
            .await
            .unwrap()
            .unwrap_err(),
        Closed::AlreadySetUp
    );
}

#[tokio::test]
async fn an_address_runs_out_after_an_hour_and_only_the_newest_works() {
    let site = empty_site().await;
    let old = issue(&site, 61).await;
    let (status, _, html) = get(&site, &format!("/setup/{old}/preset")).await;
    assert_eq!(status, StatusCode::GONE, "{html}");
    assert!(
        html.contains("run out") && html.contains("Restart Steward"),
        "{html}"
    );

    let first = issue(&site, 59).await;
    let (status, _, _) = get(&site, &format!("/setup/{first}/preset")).await;
    assert_eq!(status, StatusCode::OK);
    let second = issue(&site, 0).await;
    let (status, _, _) = get(&site, &format!("/setup/{first}/preset")).await;
    assert_eq!(
        status,
        StatusCode::GONE,
        "a newer address replaces the older"
    );
    let (status, _, _) = get(&site, &format!("/setup/{second}/preset")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = get(&site, "/setup/no-such-address/preset").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Completing twice with one address: the second finds it used.
    let mut tx = site.state.store.begin().await.unwrap();
    let mut open = setup::open(&mut tx, &second, (site.state.now)())
        .await
        .unwrap()
        .unwrap();
    open.draft.preset = Some("city-aup".into());
    open.draft.council = Some(setup::CouncilDraft::new("Wexcombe City Council", "").unwrap());
    open.draft.admin = Some(
        setup::AdminDraft::new("clerk", "Ivy Clerk", "ivy@example.org", PASSWORD, PASSWORD)
            .unwrap()
            .unwrap(),
    );
    open.draft.mail = Some(setup::MailChoice::Later);
    setup::save(&mut tx, &open).await.unwrap();
    tx.commit().await.unwrap();
    let ctx = Ctx::new("setup", (site.state.now)(), (site.state.today)());
    let mut tx = site.state.store.begin().await.unwrap();
    assert!(
        setup::complete(&mut tx, &ctx, &second)
            .await
            .unwrap()
            .is_ok()
    );
    // Were the council removed, the address would still be spent.
    assert_eq!(
        tx.setup_token(&steward_domain::auth::digest(&second))
            .await
            .unwrap()
            .unwrap()
            .used_at,
        Some(ctx.now)
    );
    tx.commit().await.unwrap();
    let mut tx = site.state.store.begin().await.unwrap();
    assert_eq!(
        setup::complete(&mut tx, &ctx, &second).await.unwrap().err(),
        Some(Closed::AlreadySetUp)
    );
}

use steward_domain::ops::setup::SetupTx;

/// A mail server that accepts one message and hands back what it was sent.
async fn one_message_server() -> (u16, tokio::task::JoinHandle<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let task = tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        let (read, mut write) = stream.into_split();
        let mut lines = BufReader::new(read).lines();
        write.write_all(b"220 test ESMTP\r\n").await.unwrap();
        let mut data = String::new();
        let mut in_data = false;
        while let Some(line) = lines.next_line().await.unwrap() {
            if in_data {
                if line == "." {
                    in_data = false;
                    write.write_all(b"250 queued\r\n").await.unwrap();
                } else {
                    data.push_str(&line);
                    data.push('\n');
                }
                continue;
            }
            let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
            let reply: &[u8] = match verb.as_str() {
                "EHLO" | "HELO" => b"250 test\r\n",
                "DATA" => {
                    in_data = true;
                    b"354 go on\r\n"
                }
                "QUIT" => {
                    write.write_all(b"221 bye\r\n").await.unwrap();
                    break;
                }
                _ => b"250 ok\r\n",
            };
            write.write_all(reply).await.unwrap();
        }
        data
    });
    (port, task)
}

#[tokio::test]
async fn the_test_message_reports_in_words_whether_it_went() {
    let site = empty_site().await;
    let secret = issue(&site, 0).await;
    let base = format!("/setup/{secret}");
    let (browser, _) = Browser::open(&site, &format!("{base}/preset")).await;
    browser
        .post(&site, &format!("{base}/preset"), "preset=city-aup")
        .await;
    browser
        .post(
            &site,
            &format!("{base}/council"),
            "name=Wexcombe+City+Council",
        )
        .await;
    browser
        .post(&site, &format!("{base}/administrator"), ADMIN)
        .await;

    let (port, received) = one_message_server().await;
    let form = format!(
        "action=test&security=plain&host=127.0.0.1&port={port}&mail_from=it%40wexcombe.example.org"
    );
    let (status, _, html) = browser.post(&site, &format!("{base}/mail"), &form).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains("A test message was sent to dot@dunmere.example.org"),
        "{html}"
    );
    let message = received.await.unwrap();
    assert!(
        message.contains("Steward test message for Wexcombe City Council"),
        "{message}"
    );

    // Nothing listens on the port any more: the failure is said in words, and nothing is kept.
    let (status, _, html) = browser.post(&site, &format!("{base}/mail"), &form).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains("The test message could not be sent: the mail server could not be reached."),
        "{html}"
    );
    let (_, headers, _) = get(&site, &base).await;
    assert_eq!(location(&headers), format!("{base}/mail"));
    let (_, headers, _) = browser
        .post(&site, &format!("{base}/mail"), "action=later")
        .await;
    assert_eq!(location(&headers), format!("{base}/check"));
    let (_, _, html) = get_as(&site, &format!("{base}/check"), &browser.cookie).await;
    assert!(html.contains("Not yet"), "{html}");
}

#[tokio::test]
async fn the_getting_started_list_follows_the_register() {
    let site = site().await;
    let mut tx = site.state.store.begin().await.unwrap();
    let c = council::find(&mut tx, &"dunmere-town".parse().unwrap())
        .await
        .unwrap();
    let preset = steward_policy::presets::find("town-it-policy").unwrap();
    let ctx = Ctx::new("test", (site.state.now)(), (site.state.today)());
    steward_domain::ops::policy::adopt(
        &mut tx,
        &ctx,
        &c,
        &steward_policy::presets::load(preset).unwrap(),
        day("2027-01-01"),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let me = sign_in(&site, "clerk").await;
    let path = "/councils/dunmere-town/getting-started";
    let (status, _, html) = get_as(&site, path, &me).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    // Three accounts exist already: that task is done; nothing else is.
    assert!(html.contains("You have done 1 of 5 tasks"), "{html}");

    let mut tx = site.state.store.begin().await.unwrap();
    let person = people::AddPerson {
        person: NewPerson {
            reference: "M1".parse().unwrap(),
            name: "Ada Quill".into(),
            kind: steward_policy::PersonKind::Councillor,
            email: None,
            household: None,
        },
        term_start: None,
        term_end: None,
        offices: Vec::new(),
    };
    people::add(&mut tx, &ctx, &c, person).await.unwrap();
    tx.commit().await.unwrap();
    let (_, _, html) = get_as(&site, path, &me).await;
    assert!(html.contains("You have done 2 of 5 tasks"), "{html}");

    let token = csrf_field(&html);
    let (status, _, _) = post_as(
        &site,
        "/councils/dunmere-town/getting-started/policy-reviewed",
        &me,
        &format!("csrf_token={token}"),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, html) = get_as(&site, path, &me).await;
    assert!(html.contains("You have done 3 of 5 tasks"), "{html}");
    assert!(!html.contains("The policy fits our document"), "{html}");
}
