//! Invitations through the whole router: an administrator makes an account on a server that
//! sends email, the sender makes the link, and its holder chooses a password once. A link
//! that was used, ran out (72 hours after sending, by the time given), was replaced or never
//! existed opens a page that says so and what to do; each step is in the audit trail.

use super::tests::{SLUG, Site, get, post, send, session, site_with};
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use chrono::{DateTime, Duration, Utc};
use steward_domain::Ctx;
use steward_domain::ops::invitations::{self, Link};
use steward_domain::ops::{council, outbox};

/// Does what the sender does as it claims the next message: makes the link, at `now`.
async fn issue(site: &Site, now: DateTime<Utc>) -> String {
    let mut tx = site.state.store.begin().await.unwrap();
    let c = council::find(&mut tx, &SLUG.parse().unwrap())
        .await
        .unwrap();
    let ctx = Ctx::new("sender", now, now.date_naive());
    let claimed = outbox::claim_next(&mut tx, &ctx, &c)
        .await
        .unwrap()
        .expect("an invitation message is queued");
    let Link::Made(secret) = invitations::issue_link(&mut tx, &ctx, &c, &claimed.notice)
        .await
        .unwrap()
    else {
        panic!("the invitation gave no link");
    };
    outbox::record_sent(&mut tx, &ctx, &claimed).await.unwrap();
    tx.commit().await.unwrap();
    secret.expose().to_string()
}

/// The link's page, as someone not signed in opens it.
async fn open(site: &Site, secret: &str) -> (StatusCode, HeaderMap, String) {
    get(site, &format!("/invitation/{secret}"), "").await
}

/// The form token a visit to the link's page sets in its cookie.
async fn form_token(site: &Site, secret: &str) -> String {
    let (_, headers, _) = open(site, secret).await;
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("steward_form="))
        .map(|c| c.split(';').next().unwrap_or_default().to_string())
        .expect("the page sets its form's token")
}

/// Posts the link's form with `token` in its field and cookie.
async fn post_link(
    site: &Site,
    secret: &str,
    token: &str,
    password: &str,
    again: &str,
) -> (StatusCode, HeaderMap, String) {
    let body = super::tests::form(&[
        ("csrf_token", token),
        ("password", password),
        ("again", again),
    ]);
    let req = Request::post(format!("/councils/{SLUG}/invitation/{secret}"))
        .header(header::COOKIE, format!("steward_form={token}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    send(site, req).await
}

/// Opens the link's page and chooses a password on it.
async fn choose(
    site: &Site,
    secret: &str,
    password: &str,
    again: &str,
) -> (StatusCode, HeaderMap, String) {
    let token = form_token(site, secret).await;
    post_link(site, secret, &token, password, again).await
}

const CHOSEN: &str = "violet harbour seven 22";

#[tokio::test]
async fn an_invited_holder_chooses_a_password_once_through_the_link() {
    let site = site_with(true).await;
    let now = (site.state.now)();
    let (clerk, token) = session(&site, "clerk").await;
    // On a server that sends email there is no temporary password to give.
    let (_, _, form) = get(&site, "/admin/accounts/new", &clerk).await;
    assert!(!form.contains("Temporary password"), "{form}");
    assert!(form.contains("link to choose their own password"), "{form}");
    // Ivy has no address in the register: the field says so.
    let fields = [
        ("csrf_token", token.as_str()),
        ("username", "ivy"),
        ("role", "member"),
        ("person", "M7"),
    ];
    let (status, _, refused) = post(&site, "/admin/accounts/new", &clerk, &fields).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(refused.contains(r##"<a href="#email">"##), "{refused}");
    assert!(
        refused.contains("Ivy Marsh (M7) has no email address"),
        "{refused}"
    );
    let mut with_email = fields.to_vec();
    with_email.push(("email", "ivy@example.org"));
    let (status, headers, _) = post(&site, "/admin/accounts/new", &clerk, &with_email).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let to = headers[header::LOCATION].to_str().unwrap().to_string();
    let (_, _, list) = get(
        &site,
        to.trim_start_matches(&format!("/councils/{SLUG}")),
        &clerk,
    )
    .await;
    assert!(
        list.contains("An invitation to choose their own password is queued"),
        "{list}"
    );
    assert!(list.contains("Invited"), "{list}");
    let (_, _, page) = get(&site, "/admin/accounts/ivy", &clerk).await;
    assert!(page.contains("waiting in the outbox to be sent"), "{page}");

    let secret = issue(&site, now - Duration::hours(1)).await;
    let (_, _, page) = get(&site, "/admin/accounts/ivy", &clerk).await;
    assert!(page.contains("its link works until"), "{page}");
    let (status, headers, html) = open(&site, &secret).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    assert!(
        html.contains("Your username is <strong>ivy</strong>"),
        "{html}"
    );
    // Two different passwords are refused on the form, linked to the field.
    let (status, _, wrong) = choose(&site, &secret, CHOSEN, "something else entirely").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(wrong.contains(r##"<a href="#again">"##), "{wrong}");
    let (status, _, weak) = choose(&site, &secret, "short", "short").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(weak.contains(r##"<a href="#password">"##), "{weak}");
    // The right one signs them in.
    let token = form_token(&site, &secret).await;
    let (status, headers, _) = post_link(&site, &secret, &token, CHOSEN, CHOSEN).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let cookies: Vec<&str> = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    assert!(
        cookies.iter().any(|c| c.starts_with("steward_session=")),
        "{cookies:?}"
    );

    // Once only: the link now says it was used, and posting to it changes nothing.
    let (status, _, used) = open(&site, &secret).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(used.contains("This link has already been used"), "{used}");
    assert!(!used.contains("name=\"password\""), "{used}");
    let other = "another phrase of words";
    let (status, _, again) = post_link(&site, &secret, &token, other, other).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(again.contains("This link has already been used"), "{again}");
    let (status, _, unknown) = open(&site, "not-a-link").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(unknown.contains("This link cannot be used"), "{unknown}");
    let (_, _, page) = get(&site, "/admin/accounts/ivy", &clerk).await;
    assert!(page.contains("to choose a password"), "{page}");
    assert!(page.contains("Active"), "{page}");

    // The audit trail has each step, and never the link.
    let (audrey, _) = session(&site, "audrey").await;
    let (_, _, csv) = get(&site, "/audit?entity=user&id=ivy&format=csv", &audrey).await;
    for action in [
        "user.create",
        "user.invite",
        "invitation.send",
        "invitation.use",
    ] {
        assert!(csv.contains(action), "{action}: {csv}");
    }
    assert!(!csv.contains(&secret), "{csv}");
}

#[tokio::test]
async fn a_link_runs_out_after_72_hours_and_a_newer_one_replaces_it() {
    let site = site_with(true).await;
    let now = (site.state.now)();
    let (clerk, token) = session(&site, "clerk").await;
    let fields = [
        ("csrf_token", token.as_str()),
        ("username", "ivy"),
        ("role", "member"),
        ("person", "M7"),
        ("email", "ivy@example.org"),
    ];
    let (status, _, _) = post(&site, "/admin/accounts/new", &clerk, &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // Sent 72 hours ago to the second: it stopped working just now.
    let old = issue(&site, now - Duration::hours(72)).await;
    let (status, _, ran_out) = open(&site, &old).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(ran_out.contains("This link has run out"), "{ran_out}");
    assert!(
        ran_out.contains("stopped working at 11:00am on 20 May 2027"),
        "{ran_out}"
    );
    let (_, _, page) = get(&site, "/admin/accounts/ivy", &clerk).await;
    assert!(page.contains("ran out at 11:00am on 20 May 2027"), "{page}");

    // A new invitation from the account's page; its link works, the old one is replaced.
    let (status, _, _) = post(
        &site,
        "/admin/accounts/ivy/invite",
        &clerk,
        &[("csrf_token", &token), ("email", "ivy@example.org")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let fresh = issue(&site, now - Duration::hours(71)).await;
    let (status, _, html) = open(&site, &fresh).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let (status, _, replaced) = open(&site, &old).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(
        replaced.contains("This link has been replaced"),
        "{replaced}"
    );
    // A temporary password replaces the invitation too.
    let (status, _, body) = post(
        &site,
        "/admin/accounts/ivy/password",
        &clerk,
        &[
            ("csrf_token", &token),
            ("password", "amber window river 71"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let (_, _, replaced) = open(&site, &fresh).await;
    assert!(
        replaced.contains("This link has been replaced"),
        "{replaced}"
    );
    let (audrey, _) = session(&site, "audrey").await;
    let (_, _, csv) = get(&site, "/audit?entity=user&id=ivy&format=csv", &audrey).await;
    assert!(csv.contains("invitation.withdraw"), "{csv}");
}

#[tokio::test]
async fn without_email_an_account_gets_a_temporary_password_and_no_invitation() {
    let site = site_with(false).await;
    let (clerk, token) = session(&site, "clerk").await;
    let (_, _, form) = get(&site, "/admin/accounts/new", &clerk).await;
    assert!(form.contains("This server does not send email"), "{form}");
    let (status, _, _) = post(
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
    let (_, _, page) = get(&site, "/admin/accounts/ivy", &clerk).await;
    assert!(!page.contains("Send an invitation"), "{page}");
    let (status, _, refused) = post(
        &site,
        "/admin/accounts/ivy/invite",
        &clerk,
        &[("csrf_token", &token)],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(refused.contains("does not send email"), "{refused}");
}
