//! Every form in the route table refuses a body that is not a form (415) and a post from
//! another origin (403, "form has expired"), with a token that would otherwise be good, so
//! that nothing but those checks can be what refuses it.

use super::{Answer, Server, concrete, request_with};
use crate::routes::{Need, pages};
use axum::http::Method;

const FORM: &str = "application/x-www-form-urlencoded";

/// A session cookie and its token for a signed-in route, or the sign-in form's cookie and
/// token for a public one.
fn credentials(server: &Server, need: Need) -> (String, String) {
    match need {
        Need::Public | Need::Setup => {
            let page = server.get(&format!("/councils/{}/sign-in", super::SLUG), "");
            (
                page.cookies().join("; "),
                super::csrf_field(&page.body).unwrap(),
            )
        }
        Need::Member => server.sign_in("ada"),
        _ => server.sign_in("clerk"),
    }
}

fn expired(answer: &Answer) -> bool {
    answer.status == 403 && answer.body.contains("Your form has expired")
}

#[test]
fn every_form_refuses_other_bodies_and_other_origins() {
    let server = Server::start();
    let posts: Vec<_> = pages()
        .into_iter()
        .filter(|p| p.method == Method::POST)
        .collect();
    assert!(posts.len() > 20);
    let mut signed: std::collections::BTreeMap<String, (String, String)> = Default::default();
    for route in posts {
        let path = concrete(route.path, &server);
        let key = format!("{:?}", route.need);
        let (cookie, token) = signed
            .entry(key)
            .or_insert_with(|| credentials(&server, route.need))
            .clone();
        let form = format!("csrf_token={token}");
        let post = |headers: &[(&str, &str)]| {
            let mut all = vec![("Cookie", cookie.as_str())];
            all.extend_from_slice(headers);
            request_with(server.addr, &Method::POST, &path, &all, &form)
        };
        for content_type in ["text/plain", "application/json", ""] {
            let answer = post(&[("Content-Type", content_type)]);
            assert_eq!(
                answer.status, 415,
                "{path} as {content_type:?}: {}",
                answer.body
            );
            assert!(answer.body.contains("The form could not be read"), "{path}");
        }
        if route.need == Need::Setup {
            // Setup refuses everyone once a council exists, so only the body's type tells.
            continue;
        }
        let own = format!("http://{}", server.addr);
        for headers in [
            [
                ("Origin", "https://evil.example"),
                ("Sec-Fetch-Site", "cross-site"),
            ],
            [("Origin", "null"), ("Sec-Fetch-Site", "")],
            [("Origin", ""), ("Sec-Fetch-Site", "cross-site")],
            [("Origin", ""), ("Sec-Fetch-Site", "same-site")],
            [
                ("Origin", &own.replace("http:", "https:")),
                ("Sec-Fetch-Site", ""),
            ],
        ] {
            let answer = post(&[&[("Content-Type", FORM)][..], &headers[..]].concat());
            assert!(
                expired(&answer),
                "{path} with {headers:?}: {}",
                answer.status
            );
        }
    }
}

#[test]
fn a_form_from_the_servers_own_origin_is_read() {
    let server = Server::start();
    let path = format!("/councils/{}/sign-in", super::SLUG);
    let page = server.get(&path, "");
    let cookie = page.cookies().join("; ");
    let form = format!(
        "csrf_token={}&username=clerk&password={}",
        super::csrf_field(&page.body).unwrap(),
        super::PASSWORD.replace(' ', "+")
    );
    let own = format!("http://{}", server.addr);
    let headers = [
        ("Cookie", cookie.as_str()),
        (
            "Content-Type",
            "application/x-www-form-urlencoded; charset=UTF-8",
        ),
        ("Origin", own.as_str()),
        ("Sec-Fetch-Site", "same-origin"),
    ];
    let answer = request_with(server.addr, &Method::POST, &path, &headers, &form);
    assert_eq!(answer.status, 303, "{}", answer.body);
}
