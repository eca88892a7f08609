//! Email from the outbox through a real SMTP server (aiosmtpd on loopback): both parts name
//! the clause, retries back off while the server is down, a crash between sending and
//! recording never sends twice, and a refusal is recorded without personal data.

use crate::mailsink::Sink;
use crate::support::Env;
use serde_json::Value;

const FROM: &str = "Dunmere IT <it@dunmere.example.org>";

/// A town council where each `(reference, email)` borrows a laptop on 4 January 2027; the
/// loans fall due on 4 April 2027.
fn town(people: &[(&str, Option<&str>)]) -> Env {
    let env = Env::new();
    env.council("town-it-policy", "2027-01-04");
    for (i, (reference, email)) in people.iter().enumerate() {
        let name = format!("Member {reference}");
        let household = format!("H{i}");
        let mut args = vec![
            "person",
            "add",
            "--ref",
            reference,
            "--name",
            &name,
            "--kind",
            "councillor",
            "--household",
            &household,
            "--term-start",
            "2026-05-07",
            "--as-of",
            "2027-01-04",
        ];
        if let Some(email) = email {
            args.extend(["--email", email]);
        }
        env.ok(&args);
        let tag = format!("LAP-{i}");
        env.ok(&[
            "equipment",
            "add",
            "--tag",
            &tag,
            "--kind",
            "laptop",
            "--model",
            "T14",
            "--cost",
            "650.00",
            "--as-of",
            "2027-01-04",
        ]);
        env.ok(&["loan", "issue", reference, &tag, "--as-of", "2027-01-04"]);
    }
    env
}

fn send(env: &Env, sink: &Sink, day: &str) -> Value {
    env.ok(&[
        "outbox",
        "send",
        "--smtp",
        &sink.url(),
        "--mail-from",
        FROM,
        "--as-of",
        day,
    ])
}

fn messages(env: &Env) -> Vec<Value> {
    env.ok(&["outbox", "list"]).as_array().unwrap().clone()
}

fn message_for<'a>(all: &'a [Value], person: &str) -> &'a Value {
    all.iter()
        .find(|m| m["person"] == person)
        .unwrap_or_else(|| panic!("no message for {person} in {all:?}"))
}

#[test]
fn notices_go_out_once_with_both_parts_naming_the_clause() {
    let env = town(&[
        ("M1", Some("ada@example.org")),
        ("M2", Some("refuse-ben@example.org")),
        ("M3", None),
    ]);
    let sink = Sink::start();
    let swept = env.ok(&["sweep", "--as-of", "2027-04-05"]);
    assert_eq!(swept["queued"], 3, "{swept:#}");
    let citation = swept["findings"][0]["decision"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        citation.starts_with("Return due 4 April 2027 \u{2014} clause "),
        "{citation}"
    );

    let report = send(&env, &sink, "2027-04-05");
    assert_eq!(
        (report["sent"].as_u64(), report["failed"].as_u64()),
        (Some(1), Some(1))
    );
    let received = sink.to("ada@example.org");
    assert_eq!(received.len(), 1, "{received:#?}");
    let mail = &received[0];
    assert_eq!(mail["content_type"], "multipart/alternative");
    assert_eq!(mail["subject"], "Overdue: please return LAP-0");
    let text = mail["text"].as_str().unwrap();
    let html = mail["html"].as_str().unwrap();
    assert!(text.contains(&citation), "{text}");
    let (decision, clause) = citation.split_once(" \u{2014} ").unwrap();
    assert!(
        html.contains(&format!("<strong>{decision}</strong> \u{2014} {clause}")),
        "{html}"
    );
    assert!(
        mail["from"]
            .as_str()
            .unwrap()
            .contains("it@dunmere.example.org")
    );

    let all = messages(&env);
    let ada = message_for(&all, "M1");
    assert_eq!(ada["state"], "sent");
    assert_eq!(
        mail["message_id"].as_str().unwrap(),
        format!(
            "<{}@dunmere.example.org>",
            ada["message_id"].as_str().unwrap()
        )
    );
    // A permanent refusal gives up at once, and says why without the address.
    let ben = message_for(&all, "M2");
    assert_eq!(
        (ben["state"].as_str(), ben["attempts"].as_i64()),
        (Some("failed"), Some(1))
    );
    let error = ben["last_error"].as_str().unwrap();
    assert!(error.contains("550") && !error.contains("ben"), "{error}");
    assert_eq!(message_for(&all, "M3")["state"], "no_address");

    // Nothing goes twice: not on another pass, not after another sweep of the same day.
    send(&env, &sink, "2027-04-05");
    let again = env.ok(&["sweep", "--as-of", "2027-04-05"]);
    assert_eq!(again["queued"], 0, "{again:#}");
    send(&env, &sink, "2027-04-06");
    assert_eq!(sink.messages().len(), 1);

    // A week later the overdue reminder's next step is due: one more, to Ada only.
    let week = env.ok(&["sweep", "--as-of", "2027-04-12"]);
    assert_eq!(week["queued"], 3, "{week:#}");
    send(&env, &sink, "2027-04-12");
    assert_eq!(sink.to("ada@example.org").len(), 2);
}

#[test]
fn a_mail_server_that_is_down_is_retried_later_and_sends_once() {
    let env = town(&[("M1", Some("ada@example.org"))]);
    let mut sink = Sink::start();
    env.ok(&["sweep", "--as-of", "2027-04-05"]);
    sink.stop();

    let report = send(&env, &sink, "2027-04-05");
    assert_eq!(report["retrying"], 1, "{report:#}");
    let m = messages(&env).remove(0);
    assert_eq!(
        (m["state"].as_str(), m["attempts"].as_i64()),
        (Some("queued"), Some(1))
    );
    assert!(m["next_attempt_at"].is_string(), "{m:#}");
    assert_eq!(m["last_error"], "the mail server could not be reached");

    // Backing off: not due again a moment later, so not tried.
    send(&env, &sink, "2027-04-05");
    assert_eq!(messages(&env)[0]["attempts"], 1);

    sink.restart();
    let report = send(&env, &sink, "2027-04-06");
    assert_eq!(report["sent"], 1, "{report:#}");
    send(&env, &sink, "2027-04-07");
    assert_eq!(sink.to("ada@example.org").len(), 1);
    let m = messages(&env).remove(0);
    assert_eq!(
        (m["state"].as_str(), m["attempts"].as_i64()),
        (Some("sent"), Some(2))
    );
}

#[test]
fn a_crash_between_sending_and_recording_never_sends_twice_by_itself() {
    let env = town(&[
        ("M1", Some("ada@example.org")),
        ("M2", Some("ben@example.org")),
    ]);
    let sink = Sink::start();
    env.ok(&["sweep", "--as-of", "2027-04-05"]);

    // The process dies the moment the server has accepted the first message.
    let crashed = env
        .command()
        .env(steward_mail::CRASH_AFTER_SMTP, "1")
        .args(["outbox", "send", "--smtp", &sink.url(), "--mail-from", FROM])
        .args(["--as-of", "2027-04-05"])
        .output()
        .unwrap();
    assert_eq!(crashed.status.code(), Some(86), "{crashed:?}");
    assert_eq!(sink.messages().len(), 1);
    let all = messages(&env);
    let held = all
        .iter()
        .find(|m| m["state"] == "sending")
        .unwrap()
        .clone();
    let other = all.iter().find(|m| m["id"] != held["id"]).unwrap().clone();
    assert_eq!(other["state"], "queued");
    let (held_to, other_to) = if held["person"] == "M1" {
        ("ada@example.org", "ben@example.org")
    } else {
        ("ben@example.org", "ada@example.org")
    };
    assert_eq!(sink.to(held_to).len(), 1);
    let state = |env: &Env| {
        let all = messages(env);
        all.iter().find(|m| m["id"] == held["id"]).unwrap()["state"].clone()
    };

    // Restarted at once: the claim may still be live, so the message is left alone; the
    // other one goes.
    send(&env, &sink, "2027-04-05");
    assert_eq!(state(&env), "sending");
    assert_eq!(sink.to(other_to).len(), 1);
    // Once the claim has lapsed it is uncertain, and still not sent again.
    let report = send(&env, &sink, "2027-04-06");
    assert_eq!(report["uncertain"], 1, "{report:#}");
    assert_eq!(state(&env), "uncertain");
    send(&env, &sink, "2027-04-07");
    assert_eq!(sink.to(held_to).len(), 1);
    assert_eq!(sink.messages().len(), 2);
    assert_eq!(state(&env), "uncertain");

    // An officer says it did not arrive: it goes again, with the same Message-ID.
    let id = held["id"].to_string();
    env.ok(&[
        "outbox",
        "resolve",
        &id,
        "--resend",
        "--as-of",
        "2027-04-07",
    ]);
    send(&env, &sink, "2027-04-07");
    let copies = sink.to(held_to);
    assert_eq!(copies.len(), 2);
    assert_eq!(copies[0]["message_id"], copies[1]["message_id"]);
    assert_eq!(state(&env), "sent");
    // Settling is only for uncertain messages.
    env.fails(&["outbox", "resolve", &id, "--sent"], 3);

    let log = env.ok(&["audit", "log", "--entity", "message", "--id", &id]);
    let actions: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["message.uncertain", "message.resend", "message.sent"]
    );
}

#[test]
fn an_officer_can_record_an_uncertain_message_as_sent() {
    let env = town(&[("M1", Some("ada@example.org"))]);
    let sink = Sink::start();
    env.ok(&["sweep", "--as-of", "2027-04-05"]);
    let crashed = env
        .command()
        .env(steward_mail::CRASH_AFTER_SMTP, "1")
        .args(["outbox", "send", "--smtp", &sink.url(), "--mail-from", FROM])
        .args(["--as-of", "2027-04-05"])
        .output()
        .unwrap();
    assert_eq!(crashed.status.code(), Some(86));
    send(&env, &sink, "2027-04-06");
    let id = messages(&env)[0]["id"].to_string();
    let listed = env.ok(&["outbox", "list", "--state", "uncertain"]);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let settled = env.ok(&["outbox", "resolve", &id, "--sent", "--as-of", "2027-04-06"]);
    assert_eq!(settled["state"], "sent");
    send(&env, &sink, "2027-04-07");
    assert_eq!(sink.messages().len(), 1);
}

#[test]
fn through_the_api_members_see_only_their_own_notices() {
    use crate::api::{Server, token, user};
    let env = town(&[
        ("M1", Some("ada@example.org")),
        ("M2", Some("ben@example.org")),
    ]);
    env.ok(&["sweep", "--as-of", "2027-04-05"]);
    user(
        &env,
        &["--username", "ada", "--role", "member", "--person", "M1"],
    );
    user(&env, &["--username", "clerk", "--admin"]);
    let ada = token(&env, "ada", "member");
    let clerk = token(&env, "clerk", "admin");
    // The server's own sweep at start-up finds the same facts and queues nothing more.
    let api = Server::start(&env, "2027-04-05");

    let all = api.get(&clerk, "/notifications");
    assert_eq!(all.status, 200, "{}", all.body);
    let items = all.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{}", all.body);
    let ben = items.iter().find(|m| m["person"] == "M2").unwrap()["id"].clone();

    let mine = api.get(&ada, "/notifications");
    assert_eq!(mine.status, 200, "{}", mine.body);
    let items = mine.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", mine.body);
    assert_eq!(items[0]["person"], "M1");
    assert!(!mine.body.to_string().contains("ben@example.org"));
    let theirs = api.get(&ada, &format!("/notifications/{ben}"));
    assert_eq!(theirs.status, 404, "{}", theirs.body);
    let own = api.get(&ada, &format!("/notifications/{}", items[0]["id"]));
    assert_eq!(own.status, 200, "{}", own.body);
    assert!(
        own.body["notice"]["body_text"]
            .as_str()
            .unwrap()
            .contains("clause")
    );
    assert_eq!(
        api.post(
            &ada,
            &format!("/notifications/{ben}/retry"),
            serde_json::json!({})
        )
        .status,
        403
    );

    let queued = api.get(&clerk, "/notifications?state=queued");
    assert_eq!(queued.body["items"].as_array().unwrap().len(), 2);
    assert_eq!(api.get(&clerk, "/notifications?state=lost").status, 400);
    // Only an uncertain message can be settled; this one is waiting to be sent.
    let refused = api.post(
        &clerk,
        &format!("/notifications/{ben}/resolve"),
        serde_json::json!({"outcome": "sent"}),
    );
    assert_eq!(refused.status, 422, "{}", refused.body);
}
