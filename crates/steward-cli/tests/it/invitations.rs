//! Invitations to choose a password, from the command line through a real SMTP server: the
//! link is written only into the email, each sending makes a new one that ends the last, an
//! invitation with nowhere to go is refused naming the field, and the accounts list shows who
//! is still invited, paged with cursors.

use crate::mailsink::Sink;
use crate::support::Env;
use serde_json::Value;

const FROM: &str = "Dunmere IT <it@dunmere.example.org>";
const SITE: &str = "https://steward.dunmere.example.org";

fn setup() -> Env {
    let env = Env::new();
    env.council("town-it-policy", "2026-01-01");
    for (reference, name, email) in [
        ("M1", "Ada Quill", Some("ada@example.org")),
        ("M2", "Ben Marsh", None),
    ] {
        let mut args = vec![
            "person",
            "add",
            "--ref",
            reference,
            "--name",
            name,
            "--kind",
            "councillor",
            "--term-start",
            "2026-01-01",
            "--as-of",
            "2026-01-01",
        ];
        if let Some(email) = email {
            args.extend(["--email", email]);
        }
        env.ok(&args);
    }
    env
}

fn send(env: &Env, sink: &Sink, public_url: Option<&str>) -> Value {
    send_as_of(env, sink, public_url, None)
}

/// Sends what is due, on `day` when given (a message tried once is due again later).
fn send_as_of(env: &Env, sink: &Sink, public_url: Option<&str>, day: Option<&str>) -> Value {
    let url = sink.url();
    let mut args = vec!["outbox", "send", "--smtp", &url, "--mail-from", FROM];
    if let Some(url) = public_url {
        args.extend(["--public-url", url]);
    }
    if let Some(day) = day {
        args.extend(["--as-of", day]);
    }
    env.ok(&args)
}

/// The link's secret in an email's text.
fn secret_in(text: &str) -> String {
    let start = text
        .find(&format!("{SITE}/councils/test-council/invitation/"))
        .unwrap_or_else(|| panic!("no link in {text}"));
    let rest = &text[start..];
    let link = rest.split_whitespace().next().unwrap();
    link.rsplit('/').next().unwrap().to_string()
}

#[test]
fn an_invitation_link_is_made_as_it_is_sent_and_kept_nowhere() {
    let env = setup();
    let sink = Sink::start();
    let made = env.ok(&[
        "user",
        "create",
        "--username",
        "ada",
        "--role",
        "member",
        "--person",
        "M1",
        "--invite",
    ]);
    assert_eq!(made["user"]["username"], "ada", "{made:#}");
    assert_eq!(made["invitation"]["address"], "ada@example.org");
    let invited = env.ok(&["user", "list", "--status", "invited"]);
    assert_eq!(invited.as_array().map(Vec::len), Some(1), "{invited:#}");
    assert_eq!(invited[0]["status"], "invited");

    // Without the site's address the link cannot be written: the message waits.
    let report = send(&env, &sink, None);
    assert_eq!(report["retrying"], 1, "{report:#}");
    assert!(sink.messages().is_empty());
    let waiting = env.ok(&["outbox", "list"]);
    assert!(
        waiting[0]["last_error"]
            .as_str()
            .unwrap()
            .contains("--public-url"),
        "{waiting:#}"
    );
    let tomorrow = (chrono::Utc::now().date_naive() + chrono::Days::new(1)).to_string();
    let report = send_as_of(&env, &sink, Some(SITE), Some(&tomorrow));
    assert_eq!(report["sent"], 1, "{report:#}");
    let mail = &sink.to("ada@example.org")[0];
    assert_eq!(mail["subject"], "Choose your password for Test Council");
    let text = mail["text"].as_str().unwrap();
    let secret = secret_in(text);
    assert_eq!(secret.len(), 43, "{text}");
    assert!(text.contains("Your username is ada"), "{text}");
    let html = mail["html"].as_str().unwrap();
    assert!(
        html.contains(&format!(
            "<a href=\"{SITE}/councils/test-council/invitation/{secret}\">"
        )),
        "{html}"
    );

    // The secret is nowhere but in the email: not the outbox, not the audit trail.
    let id = waiting[0]["id"].to_string();
    let shown = env.run(&["outbox", "show", &id, "--json"]);
    assert!(!shown.stdout.contains(&secret), "{}", shown.stdout);
    assert!(shown.stdout.contains("[the link"), "{}", shown.stdout);
    let log = env.ok(&["audit", "log", "--entity", "user"]).to_string();
    assert!(!log.contains(&secret), "{log}");
    for action in ["user.create", "user.invite", "invitation.send"] {
        assert!(log.contains(action), "{action}: {log}");
    }

    // Inviting again withdraws the first; its new message carries a new link.
    let again = env.ok(&["user", "invite", "ada"]);
    assert_eq!(again["address"], "ada@example.org", "{again:#}");
    send(&env, &sink, Some(SITE));
    let both = sink.to("ada@example.org");
    assert_eq!(both.len(), 2);
    let second = secret_in(both[1]["text"].as_str().unwrap());
    assert_ne!(second, secret);
    let log = env.ok(&["audit", "log", "--entity", "user"]).to_string();
    assert!(log.contains("invitation.withdraw"), "{log}");
    env.ok(&["audit", "verify"]);

    // A temporary password replaces the waiting invitation, so its message is never sent.
    env.ok(&["user", "invite", "ada"]);
    let reset = crate::accounts::with_stdin(
        &env,
        &["user", "password", "ada", "--password-stdin", "--json"],
        "a temporary phrase 42\n",
    );
    assert_eq!(reset.code, 0, "{}", reset.stderr);
    let report = send(&env, &sink, Some(SITE));
    assert_eq!(
        (report["sent"].as_u64(), report["failed"].as_u64()),
        (Some(0), Some(1))
    );
    assert_eq!(sink.to("ada@example.org").len(), 2);
    let listed = env.ok(&["user", "list", "--status", "must_change_password"]);
    assert_eq!(listed[0]["username"], "ada", "{listed:#}");
}

#[test]
fn an_invitation_needs_an_address_and_the_account_list_pages_both_ways() {
    let env = setup();
    // Ben has no address in the register, and the account acting as no one has none at all.
    let run = env.fails(
        &[
            "user",
            "create",
            "--username",
            "ben",
            "--role",
            "member",
            "--person",
            "M2",
            "--invite",
        ],
        3,
    );
    assert!(
        run.stdout.contains("email") || run.says("email"),
        "{}{}",
        run.stdout,
        run.stderr
    );
    assert!(
        run.says("Ben Marsh (M2) has no email address")
            || run.stdout.contains("Ben Marsh (M2) has no email address"),
        "{}{}",
        run.stdout,
        run.stderr
    );
    env.ok(&[
        "user",
        "create",
        "--username",
        "ben",
        "--role",
        "member",
        "--person",
        "M2",
        "--invite",
        "--email",
        "ben@example.org",
    ]);
    env.ok(&[
        "user",
        "create",
        "--username",
        "auditor.one",
        "--role",
        "auditor",
        "--invite",
        "--email",
        "audit@example.org",
    ]);
    env.ok(&[
        "user",
        "create",
        "--username",
        "ada",
        "--role",
        "member",
        "--person",
        "M1",
        "--invite",
    ]);

    // One row a page, forwards then back, by username descending.
    let mut names = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut args = vec![
            "user", "list", "--sort", "username", "--desc", "--limit", "1",
        ];
        if let Some(c) = &cursor {
            args.extend(["--cursor", c]);
        }
        let page = env.ok(&args);
        assert_eq!(page["total"]["count"], 3, "{page:#}");
        names.push(page["items"][0]["username"].as_str().unwrap().to_string());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => {
                let back = page["previous_cursor"].as_str().unwrap().to_string();
                let before = env.ok(&[
                    "user", "list", "--sort", "username", "--desc", "--limit", "1", "--cursor",
                    &back,
                ]);
                assert_eq!(before["items"][0]["username"], "auditor.one", "{before:#}");
                break;
            }
        }
    }
    assert_eq!(names, ["ben", "auditor.one", "ada"]);
    let found = env.ok(&["user", "list", "--search", "marsh"]);
    assert_eq!(found[0]["username"], "ben", "{found:#}");
    let auditors = env.ok(&["user", "list", "--role", "auditor"]);
    assert_eq!(auditors.as_array().map(Vec::len), Some(1));
    let table = env.run(&["user", "list", "--limit", "2"]);
    assert!(table.stdout.contains("2 of 3 shown"), "{}", table.stdout);
    assert!(table.stdout.contains("invited"), "{}", table.stdout);
    let bad = env.fails(&["user", "list", "--status", "lost"], 3);
    assert!(bad.says("--status"), "{}", bad.stderr);
}
