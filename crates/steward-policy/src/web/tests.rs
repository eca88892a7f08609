use super::*;
use crate::presets;

fn pack(id: &str) -> Pack {
    presets::load(presets::find(id).unwrap()).unwrap().pack
}

fn custom(web: &str) -> Pack {
    let source = format!(
        r#"
[pack]
id = "test"
title = "Test policy"
version = "1"
adopted = 2027-01-01

[scope]
kinds = ["councillor", "employee"]
clause = "1"

[personal_use]
allowance = "own_time"
working_hours = {{ days = ["Mon", "Tue", "Wed", "Thu", "Fri"], start = "09:00", end = "17:00" }}
clause = "3"

{web}
"#
    );
    crate::check_pack("test.toml", &source, &|_| Err("no files".into()))
        .unwrap()
        .pack
}

/// A UK wall-clock time, turned into the UTC instant a proxy would report.
fn at(local: &str) -> WebMoment {
    let local: NaiveDateTime = local.parse().unwrap();
    // June is in summer time, January is not: the tests pick one or the other.
    let offset = if local.month() >= 4 && local.month() <= 9 {
        1
    } else {
        0
    };
    let utc = (local - chrono::Duration::hours(offset)).and_utc();
    let moment = WebMoment::uk(utc);
    assert_eq!(moment.local, local);
    moment
}

fn clause(decision: &WebDecision) -> Option<&str> {
    match decision {
        WebDecision::Block { citation, .. } => Some(citation.clause.as_str()),
        WebDecision::Allow { .. } => None,
    }
}

#[test]
fn city_aup_allows_shopping_at_lunch_but_not_in_the_morning() {
    let p = pack("city-aup");
    let shop = |when: &str| {
        web_decision(
            &p,
            WebAudience::Staff,
            &["shopping"],
            "shop.example",
            &at(when),
            &[],
        )
    };
    // Wednesday 9 June 2027.
    assert!(!shop("2027-06-09T12:30:00").is_blocked());
    let morning = shop("2027-06-09T10:15:00");
    assert!(morning.is_blocked());
    assert_eq!(clause(&morning), Some("Internet use"));
    assert!(!shop("2027-06-09T18:00:00").is_blocked());
    // Saturday is outside working hours altogether.
    assert!(!shop("2027-06-12T10:15:00").is_blocked());
}

#[test]
fn city_aup_blocks_betting_at_any_time() {
    let p = pack("city-aup");
    for when in [
        "2027-06-09T12:30:00",
        "2027-06-09T10:00:00",
        "2027-06-12T23:00:00",
        "2027-01-13T03:00:00",
    ] {
        for audience in [
            WebAudience::Member,
            WebAudience::Staff,
            WebAudience::Unknown,
        ] {
            let d = web_decision(&p, audience, &["gambling"], "bet.example", &at(when), &[]);
            assert_eq!(
                d,
                WebDecision::Block {
                    category: "gambling".into(),
                    citation: Citation {
                        clause: "Internet use".into(),
                        document: p.pack.title.clone(),
                    },
                },
                "{when} {audience:?}"
            );
        }
    }
}

#[test]
fn an_exception_lets_its_holder_through_until_it_expires() {
    let p = pack("city-aup");
    let now = at("2027-06-09T10:00:00");
    let until = now.utc + chrono::Duration::hours(2);
    let theirs = [WebException {
        scope: ExceptionScope::Host("bet.example".into()),
        until,
    }];
    let decide = |host: &str, when: &WebMoment, exceptions: &[WebException]| {
        web_decision(
            &p,
            WebAudience::Staff,
            &["gambling"],
            host,
            when,
            exceptions,
        )
    };
    assert!(!decide("www.bet.example", &now, &theirs).is_blocked());
    assert!(!decide("bet.example.", &now, &theirs).is_blocked());
    // Nobody else, no other site, and not once it has run out.
    assert!(decide("www.bet.example", &now, &[]).is_blocked());
    assert!(decide("other.example", &now, &theirs).is_blocked());
    assert!(decide("notbet.example", &now, &theirs).is_blocked());
    let later = WebMoment::uk(until);
    assert!(decide("www.bet.example", &later, &theirs).is_blocked());
}

#[test]
fn a_category_exception_lifts_only_that_category() {
    let p = pack("city-aup");
    let now = at("2027-06-09T10:00:00");
    let theirs = [WebException {
        scope: ExceptionScope::Category("p2p".into()),
        until: now.utc + chrono::Duration::days(1),
    }];
    let only_p2p = web_decision(
        &p,
        WebAudience::Member,
        &["p2p"],
        "x.example",
        &now,
        &theirs,
    );
    assert_eq!(only_p2p, WebDecision::Allow { exception: None });
    let both = web_decision(
        &p,
        WebAudience::Member,
        &["p2p", "gambling"],
        "x.example",
        &now,
        &theirs,
    );
    assert_eq!(
        both,
        WebDecision::Block {
            category: "gambling".into(),
            citation: Citation::new(&p, &crate::model::Clause("Internet use".into())),
        }
    );
}

#[test]
fn town_it_policy_blocks_games_in_working_hours_only() {
    let p = pack("town-it-policy");
    let games = |when: &str| {
        web_decision(
            &p,
            WebAudience::Member,
            &["games"],
            "play.example",
            &at(when),
            &[],
        )
    };
    let working = games("2027-01-13T11:00:00");
    assert_eq!(clause(&working), Some("7.6"));
    assert!(!games("2027-01-13T17:00:00").is_blocked());
    assert!(!games("2027-01-13T08:59:59").is_blocked());
    assert!(!games("2027-06-12T11:00:00").is_blocked());
    // A category the policy says nothing about is allowed.
    let news = web_decision(
        &p,
        WebAudience::Member,
        &["news"],
        "n.example",
        &at("2027-01-13T11:00:00"),
        &[],
    );
    assert!(!news.is_blocked());
}

#[test]
fn rules_for_members_or_staff_apply_only_to_them() {
    let p = custom(
        r#"
[web]
rules = [
  { categories = ["webmail"], action = "block", audience = "staff", clause = "7.1" },
  { categories = ["social"], action = "allow", audience = "members", clause = "7.2" },
  { categories = ["social"], action = "block", clause = "7.3" },
]

[web.exceptions]
approver = "clerk"
clause = "7.9"

[[offices]]
id = "clerk"
name = "the Clerk"
holder = "officer"
clause = "2"
"#,
    );
    let now = at("2027-01-13T11:00:00");
    let decide = |who, category| web_decision(&p, who, &[category], "h.example", &now, &[]);
    assert_eq!(clause(&decide(WebAudience::Staff, "webmail")), Some("7.1"));
    assert!(!decide(WebAudience::Member, "webmail").is_blocked());
    assert!(!decide(WebAudience::Unknown, "webmail").is_blocked());
    assert!(!decide(WebAudience::Member, "social").is_blocked());
    assert_eq!(clause(&decide(WebAudience::Staff, "social")), Some("7.3"));
    assert_eq!(clause(&decide(WebAudience::Unknown, "social")), Some("7.3"));

    let excepted = web_decision(
        &p,
        WebAudience::Staff,
        &["webmail"],
        "h.example",
        &now,
        &[WebException {
            scope: ExceptionScope::Category("webmail".into()),
            until: now.utc + chrono::Duration::minutes(1),
        }],
    );
    assert_eq!(
        excepted,
        WebDecision::Allow {
            exception: Some(Citation::new(&p, &crate::model::Clause("7.9".into())))
        }
    );
}

#[test]
fn own_time_windows_open_working_hours() {
    let p = pack("city-aup");
    assert!(in_working_hours(&p, "2027-06-09T12:30:00".parse().unwrap()));
    assert!(in_own_time(&p, "2027-06-09T12:30:00".parse().unwrap()));
    assert!(!in_own_time(&p, "2027-06-09T14:00:00".parse().unwrap()));
    assert!(in_own_time(&p, "2027-06-09T17:00:00".parse().unwrap()));
    let none = pack("city-members-code");
    assert!(!in_working_hours(
        &none,
        "2027-06-09T12:30:00".parse().unwrap()
    ));
}

#[test]
fn host_within_respects_label_boundaries() {
    assert!(host_within("a.Example.com", "example.COM"));
    assert!(host_within("example.com.", "example.com"));
    assert!(!host_within("badexample.com", "example.com"));
    assert!(!host_within("com", "example.com"));
    assert!(!host_within("example.com", ""));
}
