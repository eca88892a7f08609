//! Accounts and API tokens through the binary. Signing in has no command of its own (the web
//! application does it), so those steps go through the domain against the same database.

use crate::support::{Env, Run};
use chrono::Utc;
use sqlx::Row;
use std::io::Write;
use std::process::Stdio;
use steward_domain::auth::{SessionPolicy, digest};
use steward_domain::ops::council;
use steward_domain::ops::sessions::{self, SignInError, SignedIn};
use steward_domain::ops::tokens;
use steward_store::Store;

const PASSWORD: &str = "correct horse battery staple";

/// Runs `steward` with `input` on standard input.
pub(crate) fn with_stdin(env: &Env, args: &[&str], input: &str) -> Run {
    let mut child = env
        .command()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run steward");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait for steward");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn create_user(env: &Env, args: &[&str], password: &str) -> Run {
    let mut all = vec!["user", "create", "--password-stdin", "--json"];
    all.extend_from_slice(args);
    with_stdin(env, &all, &format!("{password}\n"))
}

/// A town council with one councillor, M1, serving from 2026.
pub(crate) fn setup() -> Env {
    let env = Env::new();
    env.council("town-it-policy", "2026-01-01");
    env.ok(&[
        "person",
        "add",
        "--ref",
        "M1",
        "--name",
        "Ada Quill",
        "--kind",
        "councillor",
        "--term-start",
        "2026-01-01",
        "--as-of",
        "2026-01-01",
    ]);
    env
}

/// The store opened directly, standing in for the web application.
struct Direct {
    rt: tokio::runtime::Runtime,
    store: Store,
}

impl Direct {
    fn open(env: &Env) -> Direct {
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        let store = rt.block_on(Store::open(&env.db.url)).expect("open store");
        Direct { rt, store }
    }

    fn sign_in(&self, username: &str, password: &str) -> Result<SignedIn, SignInError> {
        self.sign_in_at(username, password, Utc::now())
    }

    fn sign_in_at(
        &self,
        username: &str,
        password: &str,
        now: chrono::DateTime<Utc>,
    ) -> Result<SignedIn, SignInError> {
        self.rt.block_on(async {
            let mut tx = self.store.begin().await.expect("begin");
            let c = council::resolve(&mut tx, None).await.expect("council");
            let address = "192.0.2.10".parse().expect("address");
            let outcome = sessions::sign_in(&mut tx, &c, username, password, address, now)
                .await
                .expect("sign in");
            tx.commit().await.expect("commit");
            outcome
        })
    }

    /// The username behind a session id, if the session is good.
    fn session_user(&self, raw: &str) -> Option<String> {
        self.rt.block_on(async {
            let mut tx = self.store.begin().await.expect("begin");
            let found =
                sessions::authenticate_session(&mut tx, raw, Utc::now(), &SessionPolicy::default())
                    .await
                    .expect("authenticate");
            tx.commit().await.expect("commit");
            found.map(|(user, _)| user.username.to_string())
        })
    }

    /// The username and role behind an API token, if it is good.
    fn token_user(&self, raw: &str) -> Option<(String, String)> {
        self.rt.block_on(async {
            let mut tx = self.store.begin().await.expect("begin");
            let found = tokens::authenticate(&mut tx, raw, Utc::now())
                .await
                .expect("authenticate");
            tx.commit().await.expect("commit");
            found.map(|(user, token)| (user.username.to_string(), token.role.to_string()))
        })
    }

    fn text(&self, sql: &str) -> Vec<String> {
        self.rt.block_on(async {
            sqlx::query(sql)
                .fetch_all(self.store.pool())
                .await
                .expect("query")
                .iter()
                .map(|row| row.try_get::<String, _>(0).expect("text"))
                .collect()
        })
    }

    fn close(self) {
        self.rt.block_on(self.store.close());
    }
}

#[test]
fn the_first_administrator_is_created_from_standard_input() {
    let env = setup();
    // No password, no account: there is never a default password.
    let run = env.fails(&["user", "create", "--admin", "--username", "clerk"], 2);
    assert!(run.says("--password-stdin"), "{}", run.stderr);
    let run = with_stdin(
        &env,
        &[
            "user",
            "create",
            "--admin",
            "--username",
            "clerk",
            "--password-stdin",
        ],
        "",
    );
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.says("no password was given"), "{}", run.stderr);
    assert_eq!(env.ok(&["user", "list"]), serde_json::json!([]));

    let run = create_user(&env, &["--admin", "--username", "clerk"], PASSWORD);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let user = run.data();
    assert_eq!(user["username"], "clerk");
    assert_eq!(user["role"], "admin");
    assert_eq!(user["person_id"], serde_json::Value::Null);
    assert_eq!(user["must_change_password"], false);
    assert!(!run.stdout.contains("argon2") && !run.stdout.contains(PASSWORD));

    let human = env.run(&["user", "list"]);
    assert!(human.stdout.contains("clerk"), "{}", human.stdout);
    assert!(human.stdout.contains("admin"), "{}", human.stdout);

    let direct = Direct::open(&env);
    let stored = direct.text("SELECT password_hash FROM users");
    assert_eq!(stored.len(), 1);
    assert!(
        stored[0].starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{}",
        stored[0]
    );
    let signed = direct.sign_in("clerk", PASSWORD).expect("signed in");
    assert_eq!(
        direct.session_user(signed.secret.expose()).as_deref(),
        Some("clerk")
    );
    assert_eq!(
        direct.sign_in("clerk", "not the password").err(),
        Some(SignInError::BadCredentials)
    );
    direct.close();

    // The audit trail records the account without its password.
    let log = env.ok(&["audit", "log", "--entity", "user"]);
    let text = log.to_string();
    assert!(text.contains("user.create"), "{text}");
    assert!(
        !text.contains("argon2") && !text.contains(PASSWORD),
        "{text}"
    );
    env.ok(&["audit", "verify"]);
}

#[test]
fn weak_passwords_are_refused_with_the_reason_and_nothing_is_written() {
    let env = setup();
    for (password, reason) in [
        ("short", "at least 12 characters; this one has 5"),
        ("password1234", "most common passwords"),
        ("zzzzzzzzzzzzzzzz", "one character repeated"),
        ("clerk@dunmere.example", "the same as the username"),
    ] {
        let run = create_user(
            &env,
            &["--role", "admin", "--username", "clerk@dunmere.example"],
            password,
        );
        assert_eq!(run.code, 3, "{password}: {}", run.stderr);
        assert!(run.says(reason), "{password}: {}", run.stderr);
        let error = &run.json()["error"];
        assert_eq!(error["kind"], "invalid");
        assert!(error["message"].as_str().unwrap().starts_with("password: "));
    }
    let run = create_user(&env, &["--admin", "--username", "Clerk"], PASSWORD);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.says("lower-case"), "{}", run.stderr);
    let run = create_user(&env, &["--role", "root", "--username", "clerk"], PASSWORD);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(
        run.says("member, officer, auditor, admin"),
        "{}",
        run.stderr
    );
    assert_eq!(env.ok(&["user", "list"]), serde_json::json!([]));
    let log = env.ok(&["audit", "log", "--entity", "user"]);
    assert_eq!(log.as_array().map(Vec::len), Some(0), "{log}");
}

#[test]
fn a_taken_username_is_a_conflict() {
    let env = setup();
    assert_eq!(
        create_user(&env, &["--admin", "--username", "clerk"], PASSWORD).code,
        0
    );
    let run = create_user(
        &env,
        &["--role", "auditor", "--username", "clerk"],
        PASSWORD,
    );
    assert_eq!(run.code, 6, "{}", run.stderr);
    assert!(
        run.says("username: that username is taken"),
        "{}",
        run.stderr
    );
    assert_eq!(run.json()["error"]["kind"], "conflict");
    let users = env.ok(&["user", "list"]);
    assert_eq!(users.as_array().map(Vec::len), Some(1));
    assert_eq!(users[0]["role"], "admin");

    // Members and officers act as a person of this council.
    let run = create_user(&env, &["--role", "member", "--username", "ada"], PASSWORD);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.says("acts as a person"), "{}", run.stderr);
    let run = create_user(
        &env,
        &["--role", "member", "--username", "ada", "--person", "M9"],
        PASSWORD,
    );
    assert_eq!(run.code, 4, "{}", run.stderr);
}

#[test]
fn a_token_is_shown_once_listed_without_its_secret_and_revoked() {
    let env = setup();
    create_user(&env, &["--admin", "--username", "clerk"], PASSWORD);
    let created = env.ok(&[
        "token",
        "create",
        "--username",
        "clerk",
        "--role",
        "auditor",
        "--name",
        "nightly export",
        "--expires",
        "2099-01-01",
    ]);
    let secret = created["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("stw_") && secret.len() == 47, "{secret}");
    assert_eq!(created["token"]["role"], "auditor");
    assert_eq!(created["token"]["expires_on"], "2099-01-01");
    let id = created["token"]["id"].as_i64().unwrap().to_string();

    // The human form prints the token once too.
    let human = env.run(&[
        "token",
        "create",
        "--username",
        "clerk",
        "--role",
        "admin",
        "--name",
        "backup",
    ]);
    assert_eq!(human.code, 0, "{}", human.stderr);
    assert!(
        human.stdout.contains("cannot be shown again"),
        "{}",
        human.stdout
    );
    assert!(human.stdout.contains("stw_"), "{}", human.stdout);

    let list = env.run(&["token", "list", "--json"]);
    assert_eq!(list.code, 0);
    assert!(!list.stdout.contains(&secret[4..]), "{}", list.stdout);
    assert!(!list.stdout.contains(&digest(&secret)), "{}", list.stdout);
    let listed = list.data();
    assert_eq!(listed.as_array().map(Vec::len), Some(2));
    // Oldest first unless --desc.
    assert_eq!(listed[0]["name"], "nightly export");
    assert_eq!(listed[0]["username"], "clerk");
    assert_eq!(listed[0]["status"], "active");
    let table = env.run(&["token", "list"]);
    assert!(!table.stdout.contains(&secret[4..]), "{}", table.stdout);
    assert!(table.stdout.contains("nightly export"), "{}", table.stdout);

    let direct = Direct::open(&env);
    assert_eq!(
        direct.token_user(&secret),
        Some(("clerk".into(), "auditor".into()))
    );

    // A token can do no more than its account.
    create_user(
        &env,
        &["--role", "member", "--username", "ada", "--person", "M1"],
        PASSWORD,
    );
    let run = env.fails(
        &[
            "token",
            "create",
            "--username",
            "ada",
            "--role",
            "admin",
            "--name",
            "x",
        ],
        3,
    );
    assert!(run.says("no more than"), "{}", run.stderr);

    let revoked = env.ok(&["token", "revoke", &id]);
    assert!(revoked["revoked_at"].is_string());
    assert_eq!(direct.token_user(&secret), None);
    let listed = env.ok(&["token", "list", "--status", "revoked"]);
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed:#}");
    assert_eq!(listed[0]["name"], "nightly export");
    let newest = env.ok(&["token", "list", "--desc", "--limit", "1"]);
    assert_eq!(newest["items"][0]["name"], "backup", "{newest:#}");
    assert_eq!(newest["total"]["count"], 2);
    env.fails(&["token", "revoke", &id], 6);
    env.fails(&["token", "revoke", "999"], 4);
    direct.close();

    let log = env
        .ok(&["audit", "log", "--entity", "api_token"])
        .to_string();
    assert!(
        log.contains("token.create") && log.contains("token.revoke"),
        "{log}"
    );
    assert!(!log.contains(&secret[4..]) && !log.contains(&digest(&secret)));
}

#[test]
fn disabling_an_account_ends_its_sessions_at_once() {
    let env = setup();
    create_user(
        &env,
        &["--role", "member", "--username", "ada", "--person", "M1"],
        PASSWORD,
    );
    let direct = Direct::open(&env);
    let first = direct.sign_in("ada", PASSWORD).expect("first sign-in");
    let second = direct.sign_in("ada", PASSWORD).expect("second sign-in");
    assert_eq!(
        direct.session_user(first.secret.expose()).as_deref(),
        Some("ada")
    );

    let done = env.ok(&["user", "disable", "ada"]);
    assert_eq!(done["sessions_ended"], 2);
    assert_eq!(done["user"]["disabled"], true);
    assert_eq!(direct.session_user(first.secret.expose()), None);
    assert_eq!(direct.session_user(second.secret.expose()), None);
    assert_eq!(
        direct.sign_in("ada", PASSWORD).err(),
        Some(SignInError::Disabled)
    );
    env.fails(&["user", "disable", "ada"], 6);
    env.fails(&["user", "disable", "nobody"], 4);

    // Enabled again, and then an administrator's reset: the user must choose a new password.
    env.ok(&["user", "enable", "ada"]);
    let signed = direct.sign_in("ada", PASSWORD).expect("signed in again");
    let run = with_stdin(
        &env,
        &["user", "password", "ada", "--password-stdin", "--json"],
        "another long passphrase\r\n",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.data()["must_change_password"], true);
    assert_eq!(direct.session_user(signed.secret.expose()), None);
    let again = direct
        .sign_in("ada", "another long passphrase")
        .expect("new password");
    assert!(again.user.must_change_password);
    let table = env.run(&["user", "list"]);
    assert!(
        table.stdout.contains("must choose a password"),
        "{}",
        table.stdout
    );
    direct.close();
    env.ok(&["audit", "verify"]);
}

#[test]
fn leaving_office_ends_the_members_sessions_and_disables_the_account() {
    let env = setup();
    create_user(
        &env,
        &["--role", "member", "--username", "ada", "--person", "M1"],
        PASSWORD,
    );
    create_user(&env, &["--admin", "--username", "clerk"], PASSWORD);
    let direct = Direct::open(&env);
    let ada = direct.sign_in("ada", PASSWORD).expect("ada signs in");
    let clerk = direct.sign_in("clerk", PASSWORD).expect("clerk signs in");

    let left = env.ok(&[
        "person",
        "leave",
        "M1",
        "--on",
        "2026-06-01",
        "--reason",
        "not_re_elected",
    ]);
    let withdrawn = &left["access_withdrawn"];
    assert_eq!(withdrawn.as_array().map(Vec::len), Some(1), "{left}");
    assert_eq!(withdrawn[0]["username"], "ada");
    assert_eq!(withdrawn[0]["sessions_ended"], 1);
    assert_eq!(withdrawn[0]["disabled"], true);

    assert_eq!(direct.session_user(ada.secret.expose()), None);
    assert_eq!(
        direct.session_user(clerk.secret.expose()).as_deref(),
        Some("clerk")
    );
    assert_eq!(
        direct.sign_in("ada", PASSWORD).err(),
        Some(SignInError::Disabled)
    );
    direct.close();
    let users = env.ok(&["user", "list"]);
    let ada = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "ada")
        .unwrap();
    assert_eq!(ada["disabled"], true);
    assert_eq!(ada["person"], "M1");
    let log = env.ok(&["audit", "log", "--entity", "user", "--id", "ada"]);
    let actions: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["action"].as_str())
        .collect();
    assert!(actions.contains(&"session.end_all"), "{actions:?}");
    assert!(actions.contains(&"user.disable"), "{actions:?}");
    env.ok(&["audit", "verify"]);
}

#[test]
fn a_password_older_than_the_policy_allows_must_be_changed_at_sign_in() {
    let env = Env::new();
    env.council("borough-members-protocol", "2026-01-01");
    let made = create_user(
        &env,
        &["--username", "clerk", "--admin", "--as-of", "2027-01-01"],
        PASSWORD,
    );
    assert_eq!(made.code, 0, "{}", made.stderr);
    let direct = Direct::open(&env);
    let at = |day: &str| {
        chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")
            .unwrap()
            .and_hms_opt(23, 59, 0)
            .unwrap()
            .and_utc()
    };
    // The borough preset asks for a new password every 90 days (clause 2.6).
    let fresh = direct
        .sign_in_at("clerk", PASSWORD, at("2027-03-31"))
        .expect("signed in");
    assert!(!fresh.user.must_change_password);
    let stale = direct
        .sign_in_at("clerk", PASSWORD, at("2027-04-01"))
        .expect("signed in");
    assert!(
        stale.user.must_change_password,
        "90 days after 1 January 2027"
    );
    let log = env.ok(&["audit", "log", "--entity", "user", "--limit", "500"]);
    let expired = log
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["action"] == "user.password_expired")
        .expect("the prompt is audited");
    assert!(expired["after"].as_str().unwrap().contains("2.6"));
    direct.close();
}
