//! Accounts, sessions, sign-in failures and API tokens: storage round trips and the account
//! commands against a real database. Runs on the backend STEWARD_TEST_BACKEND selects.

use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use sqlx::Row;
use std::net::IpAddr;
use steward_domain::auth::{
    ApiToken, AuthTx, HashedPassword, NewApiToken, NewUser, Password, Role, Session, SessionPolicy,
    User, Username, digest, hash_password,
};
use steward_domain::ops::account_list;
use steward_domain::ops::sessions::{self, SignInError, SignedIn};
use steward_domain::ops::tokens::{self, CreateToken, TokenStatus};
use steward_domain::ops::users::{self, CreateUser, PasswordChange};
use steward_domain::ops::{council as council_ops, people, policy};
use steward_domain::repo::NewPerson;
use steward_domain::*;
use steward_policy::{PersonKind, TermEndReason};
use steward_store::testing::TestDb;
use steward_store::{Backend, Store, StoreError};

type TestResult = Result<(), Box<dyn std::error::Error>>;

async fn setup() -> Result<(TestDb, Store), StoreError> {
    let db = TestDb::new().await;
    let store = db.open().await?;
    Ok((db, store))
}

fn parse<T: std::str::FromStr>(s: &str) -> T
where
    T::Err: std::fmt::Debug,
{
    match s.parse() {
        Ok(v) => v,
        Err(err) => panic!("{s}: {err:?}"),
    }
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_else(|| panic!("no such day {y}-{m}-{d}"))
}

/// 4 May 2027 at the given time (the store keeps microseconds).
fn at(hour: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 5, 4, hour, min, 0)
        .single()
        .unwrap_or_else(|| panic!("no such time {hour}:{min}"))
}

fn ctx(now: DateTime<Utc>) -> Ctx {
    Ctx::new("test", now, now.date_naive())
}

fn address(text: &str) -> IpAddr {
    parse(text)
}

const PASSWORD: &str = "correct horse battery staple";

fn password(username: &Username) -> Password {
    Password::new(PASSWORD, username).unwrap_or_else(|e| panic!("{e}"))
}

fn new_user(name: &str, role: Role, person_id: Option<Id>, hash: &HashedPassword) -> NewUser {
    NewUser {
        username: parse(name),
        role,
        person_id,
        password_hash: hash.clone(),
        must_change_password: false,
        created_at: at(9, 0),
    }
}

fn conflict_name(result: RepoResult<impl std::fmt::Debug>) -> String {
    match result {
        Err(RepoError::Conflict { constraint }) => constraint,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

async fn count(store: &Store, sql: &str) -> Result<i64, sqlx::Error> {
    sqlx::query(sql).fetch_one(store.pool()).await?.try_get(0)
}

/// How many migrations the backend has, one SQL file each, so adding one needs no edit here.
fn migrations(backend: Backend) -> i64 {
    let dir = match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(dir);
    let files = std::fs::read_dir(path).unwrap_or_else(|e| panic!("migrations: {e}"));
    let sql = files
        .filter_map(Result::ok)
        .filter(|f| f.path().extension().is_some_and(|x| x == "sql"))
        .count();
    i64::try_from(sql).unwrap_or(i64::MAX)
}

/// A council under the town preset with two councillors (M1 and M2) serving from 2026.
async fn council(store: &Store, slug: &str) -> Result<Council, Box<dyn std::error::Error>> {
    let ctx = ctx(at(8, 0));
    let mut tx = store.begin().await?;
    let council = council_ops::create(&mut tx, &ctx, &parse(slug), "Dunmere Town Council").await?;
    let preset =
        steward_policy::presets::find("town-it-policy").ok_or("the town preset is missing")?;
    let loaded = steward_policy::presets::load(preset)?;
    policy::adopt(&mut tx, &ctx, &council, &loaded, day(2027, 1, 1)).await?;
    for reference in ["M1", "M2"] {
        let req = people::AddPerson {
            person: NewPerson {
                reference: parse(reference),
                name: format!("Councillor {reference}"),
                kind: PersonKind::Councillor,
                email: None,
                household: None,
            },
            term_start: Some(day(2026, 5, 7)),
            term_end: None,
            offices: Vec::new(),
        };
        people::add(&mut tx, &ctx, &council, req).await?;
    }
    tx.commit().await?;
    Ok(council)
}

async fn create_user(
    store: &Store,
    council: &Council,
    name: &str,
    role: Role,
    person: Option<&str>,
) -> Result<User, Box<dyn std::error::Error>> {
    let username: Username = parse(name);
    let mut tx = store.begin().await?;
    let req = CreateUser {
        password: password(&username),
        username,
        role,
        person: person.map(parse),
        must_change_password: false,
    };
    let user = users::create(&mut tx, &ctx(at(9, 0)), council, req).await?;
    tx.commit().await?;
    Ok(user)
}

async fn sign_in(
    store: &Store,
    council: &Council,
    name: &str,
    password: &str,
    from: &str,
    now: DateTime<Utc>,
) -> Result<Result<SignedIn, SignInError>, Box<dyn std::error::Error>> {
    let mut tx = store.begin().await?;
    let outcome = sessions::sign_in(&mut tx, council, name, password, address(from), now).await?;
    tx.commit().await?;
    Ok(outcome)
}

async fn authenticate(
    store: &Store,
    raw: &str,
    now: DateTime<Utc>,
) -> Result<Option<(User, Session)>, Box<dyn std::error::Error>> {
    let mut tx = store.begin().await?;
    let found =
        sessions::authenticate_session(&mut tx, raw, now, &SessionPolicy::default()).await?;
    tx.commit().await?;
    Ok(found)
}

async fn audit_text(
    store: &Store,
    council: &Council,
) -> Result<String, Box<dyn std::error::Error>> {
    let mut tx = store.read().await?;
    let records = tx
        .audit_records(council.id, &repo::AuditFilter::default())
        .await?;
    tx.commit().await?;
    Ok(records
        .iter()
        .map(|r| {
            format!(
                "{} {} {} {}",
                r.action,
                r.entity_id,
                r.before.as_deref().unwrap_or(""),
                r.after.as_deref().unwrap_or("")
            )
        })
        .collect::<Vec<_>>()
        .join("\n"))
}

#[tokio::test]
async fn users_round_trip_and_usernames_are_unique_per_council() -> TestResult {
    let (_db, store) = setup().await?;
    let c = council(&store, "dunmere").await?;
    let other = council(&store, "fenwold").await?;
    let hash = hash_password(&password(&parse("ada")))?;
    let mut tx = store.begin().await?;
    let m1 = tx.person_by_ref(c.id, &parse("M1")).await?.ok_or("no M1")?;
    let ada = tx
        .insert_user(c.id, &new_user("ada", Role::Member, Some(m1.id), &hash))
        .await?;
    assert_eq!(ada.username.as_str(), "ada");
    assert_eq!(ada.role, Role::Member);
    assert_eq!(ada.person_id, Some(m1.id));
    assert_eq!((ada.disabled, ada.must_change_password), (false, false));
    assert_eq!(
        (ada.created_at, ada.password_changed_at),
        (at(9, 0), at(9, 0))
    );
    assert_eq!(ada.last_sign_in_at, None);
    let clerk = tx
        .insert_user(c.id, &new_user("clerk", Role::Admin, None, &hash))
        .await?;
    // The same username in another council is another account.
    tx.insert_user(other.id, &new_user("ada", Role::Admin, None, &hash))
        .await?;

    assert_eq!(tx.user(c.id, ada.id).await?, Some(ada.clone()));
    // An account is found only in its own council.
    assert_eq!(tx.user(other.id, ada.id).await?, None);
    assert_eq!(
        tx.user_by_username(c.id, &parse("ada")).await?,
        Some(ada.clone())
    );
    assert_eq!(tx.user_by_username(c.id, &parse("nobody")).await?, None);
    assert_eq!(tx.users(c.id).await?, vec![ada.clone(), clerk.clone()]);
    assert_eq!(tx.users_of_person(c.id, m1.id).await?, vec![ada.clone()]);
    assert_eq!(tx.users_of_person(other.id, m1.id).await?, vec![]);
    assert_eq!(
        tx.password_hash(c.id, ada.id)
            .await?
            .map(|h| h.as_phc().to_string()),
        Some(hash.as_phc().to_string())
    );

    let changed = User {
        disabled: true,
        must_change_password: true,
        password_changed_at: at(10, 0),
        last_sign_in_at: Some(at(10, 30)),
        ..ada.clone()
    };
    tx.update_user(&changed).await?;
    let other_hash = hash_password(&password(&parse("ada")))?;
    assert!(
        tx.set_password_hash(other.id, ada.id, &other_hash)
            .await
            .is_err()
    );
    tx.set_password_hash(c.id, ada.id, &other_hash).await?;
    assert_eq!(tx.user(c.id, ada.id).await?, Some(changed));
    assert_eq!(tx.password_hash(c.id, ada.id).await?, Some(other_hash));
    assert_eq!(tx.password_hash(other.id, ada.id).await?, None);
    tx.commit().await?;

    let mut tx = store.begin().await?;
    let dup = tx
        .insert_user(c.id, &new_user("ada", Role::Admin, None, &hash))
        .await;
    assert_eq!(conflict_name(dup), "users_username_unique");
    drop(tx);
    let mut tx = store.begin().await?;
    let err = DomainError::from(
        tx.insert_user(c.id, &new_user("clerk", Role::Admin, None, &hash))
            .await
            .err()
            .ok_or("expected a conflict")?,
    );
    assert_eq!(err.to_string(), "username: that username is taken");
    assert_eq!(err.kind(), ErrorKind::Conflict);
    Ok(())
}

#[tokio::test]
async fn accounts_cannot_point_into_another_council_or_act_as_nobody() -> TestResult {
    let (_db, store) = setup().await?;
    let c = council(&store, "dunmere").await?;
    let other = council(&store, "fenwold").await?;
    let hash = hash_password(&password(&parse("ada")))?;
    let mut tx = store.begin().await?;
    let theirs = tx
        .person_by_ref(other.id, &parse("M1"))
        .await?
        .ok_or("no M1")?;
    let wrong = tx
        .insert_user(c.id, &new_user("ada", Role::Member, Some(theirs.id), &hash))
        .await;
    assert!(matches!(wrong, Err(RepoError::Backend(_))), "{wrong:?}");
    drop(tx);
    let mut tx = store.begin().await?;
    let nobody = tx
        .insert_user(c.id, &new_user("ada", Role::Officer, None, &hash))
        .await;
    assert!(matches!(nobody, Err(RepoError::Backend(_))), "{nobody:?}");
    drop(tx);

    // Through the command: the person is looked up in the council, and required.
    let cross = create_user(&store, &other, "bob", Role::Member, Some("M9")).await;
    assert_eq!(
        cross.err().map(|e| e.to_string()).as_deref(),
        Some("person 'M9' was not found")
    );
    let unlinked = create_user(&store, &c, "bob", Role::Officer, None).await;
    assert!(unlinked.err().is_some_and(|e| {
        e.to_string()
            .starts_with("person: an officer account acts as a person")
    }),);
    assert_eq!(count(&store, "SELECT COUNT(*) FROM users").await?, 0);
    Ok(())
}

#[tokio::test]
async fn sessions_failures_and_tokens_round_trip() -> TestResult {
    let (_db, store) = setup().await?;
    let c = council(&store, "dunmere").await?;
    let other = council(&store, "fenwold").await?;
    let clerk = create_user(&store, &c, "clerk", Role::Admin, None).await?;
    let session = |n: &str, created: DateTime<Utc>| Session {
        id_hash: digest(n),
        user_id: clerk.id,
        council_id: c.id,
        created_at: created,
        last_seen_at: created,
        ended_at: None,
        csrf_token: format!("csrf-{n}"),
    };
    let one = session("1", at(9, 0));
    let two = session("2", at(9, 5));
    let three = session("3", at(9, 6));

    let mut tx = store.begin().await?;
    for s in [&one, &two, &three] {
        tx.insert_session(s).await?;
    }
    assert_eq!(tx.session(&one.id_hash).await?, Some(one.clone()));
    assert_eq!(tx.session(&digest("none")).await?, None);
    tx.commit().await?;

    let mut tx = store.begin().await?;
    assert_eq!(
        conflict_name(tx.insert_session(&one).await),
        "sessions_pkey"
    );
    drop(tx);
    // A session cannot belong to an account of another council.
    let mut tx = store.begin().await?;
    let stray = Session {
        council_id: other.id,
        ..session("4", at(9, 0))
    };
    assert!(tx.insert_session(&stray).await.is_err());
    drop(tx);

    let mut tx = store.begin().await?;
    tx.touch_session(c.id, &one.id_hash, at(9, 20)).await?;
    // Only in the session's own council.
    assert!(
        tx.touch_session(other.id, &one.id_hash, at(9, 25))
            .await
            .is_err()
    );
    tx.end_session(c.id, &two.id_hash, at(9, 30)).await?;
    // Ending twice keeps the first time.
    tx.end_session(c.id, &two.id_hash, at(9, 40)).await?;
    assert_eq!(
        tx.session(&one.id_hash).await?,
        Some(Session {
            last_seen_at: at(9, 20),
            ..one.clone()
        })
    );
    assert_eq!(
        tx.session(&two.id_hash).await?.and_then(|s| s.ended_at),
        Some(at(9, 30))
    );
    let keep = Some(three.id_hash.as_str());
    assert_eq!(
        tx.end_sessions_of_user(other.id, clerk.id, at(10, 0), keep)
            .await?,
        0
    );
    assert_eq!(
        tx.end_sessions_of_user(c.id, clerk.id, at(10, 0), keep)
            .await?,
        1
    );
    assert_eq!(
        tx.session(&three.id_hash).await?.and_then(|s| s.ended_at),
        None
    );
    assert_eq!(
        tx.end_sessions_of_user(c.id, clerk.id, at(10, 1), None)
            .await?,
        1
    );
    assert_eq!(
        tx.end_sessions_of_user(c.id, clerk.id, at(10, 2), None)
            .await?,
        0
    );

    // Failures: by username and by address, each within a council, since a time.
    tx.record_sign_in_failure(c.id, "clerk", "192.0.2.1", at(9, 0))
        .await?;
    tx.record_sign_in_failure(c.id, "clerk", "192.0.2.2", at(9, 10))
        .await?;
    tx.record_sign_in_failure(other.id, "clerk", "192.0.2.1", at(9, 20))
        .await?;
    tx.record_sign_in_failure(c.id, "ghost", "192.0.2.1", at(9, 30))
        .await?;
    assert_eq!(
        tx.sign_in_failures_for_username(c.id, "clerk", at(9, 0))
            .await?,
        vec![at(9, 0), at(9, 10)]
    );
    assert_eq!(
        tx.sign_in_failures_for_username(c.id, "clerk", at(9, 5))
            .await?,
        vec![at(9, 10)]
    );
    assert_eq!(
        tx.sign_in_failures_from_address(c.id, "192.0.2.1", at(9, 0))
            .await?,
        vec![at(9, 0), at(9, 30)]
    );
    assert_eq!(
        tx.sign_in_failures_from_address(other.id, "192.0.2.1", at(9, 0))
            .await?,
        vec![at(9, 20)]
    );

    // Tokens.
    let new_token = |secret: &str, name: &str| NewApiToken {
        token_hash: digest(secret),
        name: name.into(),
        role: Role::Auditor,
        created_by: clerk.id,
        created_at: at(11, 0),
        expires_on: Some(day(2027, 6, 1)),
        scope: steward_domain::auth::TokenScope::Api,
    };
    let first = tx.insert_token(c.id, &new_token("a", "export")).await?;
    let second = tx.insert_token(c.id, &new_token("b", "backup")).await?;
    assert_eq!(first.name, "export");
    assert_eq!((first.role, first.created_by), (Role::Auditor, clerk.id));
    assert_eq!(first.created_at, at(11, 0));
    assert_eq!(first.expires_on, Some(day(2027, 6, 1)));
    assert_eq!((first.last_used_at, first.revoked_at), (None, None));
    assert_eq!(tx.token(c.id, first.id).await?, Some(first.clone()));
    assert_eq!(tx.token(other.id, first.id).await?, None);
    assert_eq!(tx.token_by_hash(&digest("b")).await?, Some(second.clone()));
    assert_eq!(tx.token_by_hash(&digest("z")).await?, None);
    assert_eq!(tx.tokens(c.id).await?, vec![second.clone(), first.clone()]);
    assert_eq!(tx.tokens(other.id).await?, vec![]);
    assert!(
        tx.touch_token(other.id, first.id, at(11, 20))
            .await
            .is_err()
    );
    assert!(
        tx.revoke_token(other.id, first.id, at(11, 25))
            .await
            .is_err()
    );
    tx.touch_token(c.id, first.id, at(11, 30)).await?;
    tx.revoke_token(c.id, first.id, at(12, 0)).await?;
    assert_eq!(
        tx.token(c.id, first.id).await?,
        Some(ApiToken {
            last_used_at: Some(at(11, 30)),
            revoked_at: Some(at(12, 0)),
            ..first.clone()
        })
    );
    tx.commit().await?;

    let mut tx = store.begin().await?;
    assert!(tx.revoke_token(c.id, first.id, at(12, 5)).await.is_err());
    drop(tx);
    let mut tx = store.begin().await?;
    assert_eq!(
        conflict_name(tx.insert_token(c.id, &new_token("a", "again")).await),
        "api_tokens_hash_unique"
    );
    drop(tx);

    // Each session and token is filed in the look-up under its council, the stray and the
    // clashing ones not at all.
    let filed = sqlx::query(
        "SELECT kind, council_id, COUNT(*) AS n FROM credential_lookup
         GROUP BY kind, council_id ORDER BY kind",
    )
    .fetch_all(store.pool())
    .await?
    .iter()
    .map(|row| Ok((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?)))
    .collect::<Result<Vec<(String, i64, i64)>, sqlx::Error>>()?;
    assert_eq!(
        filed,
        [
            ("api_token".to_string(), c.id, 2),
            ("session".to_string(), c.id, 3)
        ]
    );

    // Nothing secret is stored in the clear: only digests of session ids and tokens.
    let stored: String = sqlx::query("SELECT token_hash FROM api_tokens WHERE id = $1")
        .bind(first.id)
        .fetch_one(store.pool())
        .await?
        .try_get(0)?;
    assert_eq!(stored, digest("a"));
    Ok(())
}

#[tokio::test]
async fn a_database_made_before_accounts_gains_them_on_open() -> TestResult {
    let db = TestDb::new().await;
    let first = match db.backend {
        Backend::Sqlite => include_str!("../../migrations/sqlite/0001_initial.sql"),
        Backend::Postgres => include_str!("../../migrations/postgres/0001_initial.sql"),
    };
    {
        sqlx::any::install_default_drivers();
        let url = match db.backend {
            Backend::Sqlite => format!("{}?mode=rwc", db.url),
            Backend::Postgres => db.url.clone(),
        };
        let pool = sqlx::AnyPool::connect(&url).await?;
        sqlx::raw_sql(first).execute(&pool).await?;
        sqlx::raw_sql(
            "CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL);
             INSERT INTO schema_migrations VALUES (1, '2027-01-01T00:00:00.000000Z');",
        )
        .execute(&pool)
        .await?;
        pool.close().await;
    }
    let store = db.open().await?;
    assert_eq!(
        count(&store, "SELECT COUNT(*) FROM schema_migrations").await?,
        migrations(db.backend)
    );
    let c = council(&store, "dunmere").await?;
    create_user(&store, &c, "clerk", Role::Admin, None).await?;
    assert_eq!(count(&store, "SELECT COUNT(*) FROM users").await?, 1);
    Ok(())
}

#[tokio::test]
async fn a_page_reads_its_visitor_with_the_account_and_offices_in_one_go() -> TestResult {
    let (_db, store) = setup().await?;
    let c = council(&store, "dunmere").await?;
    let other = council(&store, "fenwold").await?;
    let member = create_user(&store, &c, "member", Role::Member, Some("M1")).await?;
    create_user(&store, &c, "clerk", Role::Admin, None).await?;
    let person = member.person_id.ok_or("the member has no person")?;
    let mut tx = store.begin().await?;
    let office = |name: &str| steward_policy::OfficeId(name.to_string());
    let chair = tx
        .insert_office(
            c.id,
            person,
            &office("chair"),
            day(2026, 5, 7),
            Some(day(2026, 12, 31)),
        )
        .await?;
    let leader = tx
        .insert_office(c.id, person, &office("group_leader"), day(2027, 1, 1), None)
        .await?;
    tx.commit().await?;
    let raw = |outcome: Result<SignedIn, SignInError>| match outcome {
        Ok(signed) => Ok(signed.secret.expose().to_string()),
        Err(err) => Err(format!("signing in failed: {err}")),
    };
    let member_raw = raw(sign_in(&store, &c, "member", PASSWORD, "192.0.2.1", at(9, 0)).await?)?;
    let clerk_raw = raw(sign_in(&store, &c, "clerk", PASSWORD, "192.0.2.1", at(9, 0)).await?)?;

    let mut tx = store.read().await?;
    let found = tx
        .page_session(c.id, &digest(&member_raw))
        .await?
        .ok_or("the session was not found")?;
    assert_eq!(Some(found.user), tx.user(c.id, member.id).await?);
    assert_eq!(
        Some(found.session.clone()),
        tx.session(&digest(&member_raw)).await?
    );
    let mut offices = found.offices;
    offices.sort_by_key(|h| h.id);
    assert_eq!(offices, vec![chair, leader]);
    // Another council does not find the session; nor does a made-up digest.
    assert!(
        tx.page_session(other.id, &digest(&member_raw))
            .await?
            .is_none()
    );
    assert!(tx.page_session(c.id, &digest("none")).await?.is_none());
    // An account without a person holds no office.
    let clerk = tx
        .page_session(c.id, &digest(&clerk_raw))
        .await?
        .ok_or("the clerk's session was not found")?;
    assert!(clerk.offices.is_empty());

    // The visit keeps the offices held on the day.
    let policy = SessionPolicy::default();
    let (now, today, last_year) = (at(9, 5), day(2027, 5, 4), day(2026, 6, 1));
    let member_cookie = Some(member_raw.as_str());
    let visit =
        sessions::check_page_visit(&mut tx, c.id, member_cookie, (now, today), &policy).await?;
    assert!(matches!(visit.check, sessions::SessionCheck::Good { .. }));
    assert_eq!(visit.offices, vec![office("group_leader")]);
    let visit =
        sessions::check_page_visit(&mut tx, c.id, member_cookie, (now, last_year), &policy).await?;
    assert_eq!(visit.offices, vec![office("chair")]);
    for cookie in [None, Some("not a session"), member_cookie] {
        let visit =
            sessions::check_page_visit(&mut tx, other.id, cookie, (now, today), &policy).await?;
        assert!(matches!(visit.check, sessions::SessionCheck::Unknown));
        assert!(visit.offices.is_empty());
    }
    Ok(())
}

#[tokio::test]
async fn signing_in_starts_a_session_that_times_out() -> TestResult {
    let (_db, store) = setup().await?;
    let c = council(&store, "dunmere").await?;
    let clerk = create_user(&store, &c, "clerk", Role::Admin, None).await?;
    let signed = sign_in(&store, &c, " Clerk ", PASSWORD, "192.0.2.1", at(9, 0)).await??;
    assert_eq!(signed.user.id, clerk.id);
    assert_eq!(signed.user.last_sign_in_at, Some(at(9, 0)));
    let raw = signed.secret.expose().to_string();
    assert_eq!(raw.len(), 43);
    assert_eq!(signed.session.id_hash, digest(&raw));
    assert_eq!(signed.session.csrf_token.len(), 43);
    assert!(
        signed
            .session
            .csrf_matches(&signed.session.csrf_token.clone())
    );

    // Used every 29 minutes, it stays good; the last use moves on each time.
    let (user, session) = authenticate(&store, &raw, at(9, 29))
        .await?
        .ok_or("ended early")?;
    assert_eq!(user.username.as_str(), "clerk");
    assert_eq!(session.last_seen_at, at(9, 29));
    // Within a minute of the last use written, the use is not written again.
    let later = at(9, 29) + chrono::TimeDelta::seconds(59);
    let (_, session) = authenticate(&store, &raw, later)
        .await?
        .ok_or("ended early")?;
    assert_eq!(session.last_seen_at, at(9, 29));
    assert!(authenticate(&store, &raw, at(9, 58)).await?.is_some());
    // Thirty minutes idle ends it, for good.
    assert!(authenticate(&store, &raw, at(10, 28)).await?.is_none());
    assert!(authenticate(&store, &raw, at(10, 29)).await?.is_none());
    assert!(
        audit_text(&store, &c)
            .await?
            .contains("session.expire clerk")
    );

    // However busy, twelve hours after sign-in it ends.
    let signed = sign_in(&store, &c, "clerk", PASSWORD, "192.0.2.1", at(9, 0)).await??;
    let raw = signed.secret.expose().to_string();
    let mut now = at(9, 0);
    while now < at(9, 0) + TimeDelta::hours(12) - TimeDelta::minutes(20) {
        now += TimeDelta::minutes(20);
        assert!(authenticate(&store, &raw, now).await?.is_some(), "{now}");
    }
    assert!(authenticate(&store, &raw, at(21, 0)).await?.is_none());

    // Signing out ends the session; garbage and unknown ids are simply not sessions.
    let signed = sign_in(&store, &c, "clerk", PASSWORD, "192.0.2.1", at(9, 0)).await??;
    let raw = signed.secret.expose().to_string();
    let mut tx = store.begin().await?;
    assert!(sessions::sign_out(&mut tx, &raw, at(9, 5)).await?);
    assert!(!sessions::sign_out(&mut tx, &raw, at(9, 6)).await?);
    assert!(!sessions::sign_out(&mut tx, "nonsense", at(9, 6)).await?);
    tx.commit().await?;
    assert!(authenticate(&store, &raw, at(9, 7)).await?.is_none());
    assert!(authenticate(&store, "", at(9, 7)).await?.is_none());
    assert!(
        authenticate(&store, &"A".repeat(43), at(9, 7))
            .await?
            .is_none()
    );

    // The audit trail records sign-ins without secrets, and still verifies.
    let trail = audit_text(&store, &c).await?;
    assert!(trail.contains("session.start clerk"));
    assert!(trail.contains("session.end clerk"));
    assert!(!trail.contains(&raw) && !trail.contains(&digest(&raw)));
    assert!(!trail.contains("argon2") && !trail.contains(PASSWORD));
    assert!(!trail.contains(&signed.session.csrf_token));
    assert!(store.verify_audit(c.id).await?.is_ok());
    Ok(())
}

#[tokio::test]
async fn refusals_are_recorded_and_say_the_same_for_unknown_users() -> TestResult {
    let (_db, store) = setup().await?;
    let c = council(&store, "dunmere").await?;
    create_user(&store, &c, "clerk", Role::Admin, None).await?;
    let wrong = sign_in(
        &store,
        &c,
        "clerk",
        "not the password",
        "192.0.2.1",
        at(9, 0),
    )
    .await?;
    let ghost = sign_in(&store, &c, "ghost", PASSWORD, "192.0.2.1", at(9, 1)).await?;
    let garbage = sign_in(&store, &c, "Not A Name!", PASSWORD, "192.0.2.1", at(9, 2)).await?;
    for outcome in [&wrong, &ghost, &garbage] {
        assert_eq!(outcome.as_ref().err(), Some(&SignInError::BadCredentials));
    }
    assert_eq!(
        count(&store, "SELECT COUNT(*) FROM sign_in_failures").await?,
        3
    );
    assert_eq!(count(&store, "SELECT COUNT(*) FROM sessions").await?, 0);
    // Only the username tried, the address and the time are kept.
    let rows = sqlx::query("SELECT username, address FROM sign_in_failures ORDER BY at")
        .fetch_all(store.pool())
        .await?;
    let kept: Vec<(String, String)> = rows
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect::<Result<_, sqlx::Error>>()?;
    assert_eq!(
        kept,
        vec![
            ("clerk".into(), "192.0.2.1".into()),
            ("ghost".into(), "192.0.2.1".into()),
            ("not a name!".into(), "192.0.2.1".into()),
        ]
    );
    Ok(())
}

#[tokio::test]
async fn five_failures_lock_the_account_until_fifteen_minutes_after_the_fifth() -> TestResult {
    let (_db, store) = setup().await?;
    let c = council(&store, "dunmere").await?;
    create_user(&store, &c, "clerk", Role::Admin, None).await?;
    // A success, then four failures from different addresses: not locked.
    sign_in(&store, &c, "clerk", PASSWORD, "192.0.2.1", at(8, 0)).await??;
    for (n, from) in ["192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"]
        .iter()
        .enumerate()
    {
        let outcome = sign_in(&store, &c, "clerk", "wrong", from, at(9, n as u32)).await?;
        assert_eq!(outcome.err(), Some(SignInError::BadCredentials));
    }
    sign_in(&store, &c, "clerk", PASSWORD, "192.0.2.9", at(9, 5)).await??;
    // The success reset the count: four more failures still do not lock.
    for n in 0..4 {
        let outcome = sign_in(&store, &c, "clerk", "wrong", "192.0.2.5", at(9, 10 + n)).await?;
        assert_eq!(outcome.err(), Some(SignInError::BadCredentials));
    }
    // The fifth does: even the right password is refused until 15 minutes after it.
    let fifth = sign_in(&store, &c, "clerk", "wrong", "192.0.2.5", at(9, 14)).await?;
    assert_eq!(fifth.err(), Some(SignInError::BadCredentials));
    let locked = sign_in(&store, &c, "clerk", PASSWORD, "192.0.2.6", at(9, 20)).await?;
    assert_eq!(
        locked.err(),
        Some(SignInError::AccountLocked { until: at(9, 29) })
    );
    // Attempts refused by the lock are not checked and do not draw it out.
    let sql = "SELECT COUNT(*) FROM sign_in_failures WHERE username = 'clerk'";
    assert_eq!(count(&store, sql).await?, 9);
    assert!(
        sign_in(&store, &c, "clerk", PASSWORD, "192.0.2.6", at(9, 29))
            .await?
            .is_ok()
    );
    // The same rule holds for names that do not exist, so a lock reveals nothing.
    for n in 0..5 {
        sign_in(&store, &c, "ghost", "wrong", "192.0.2.7", at(10, n))
            .await?
            .err();
    }
    let ghost = sign_in(&store, &c, "ghost", "wrong", "192.0.2.8", at(10, 6)).await?;
    assert_eq!(
        ghost.err(),
        Some(SignInError::AccountLocked { until: at(10, 19) })
    );
    Ok(())
}

#[tokio::test]
async fn twenty_failures_from_one_address_refuse_it_for_fifteen_minutes() -> TestResult {
    let (_db, store) = setup().await?;
    let c = council(&store, "dunmere").await?;
    create_user(&store, &c, "clerk", Role::Admin, None).await?;
    for n in 0..20 {
        // Spread over many names so no account locks.
        let name = format!("user{}", n % 5);
        let outcome = sign_in(&store, &c, &name, "wrong", "2001:db8::1", at(9, n / 2)).await?;
        assert_eq!(
            outcome.err(),
            Some(SignInError::BadCredentials),
            "attempt {n}"
        );
    }
    // The same /64 network is the same client; another address is not refused.
    let refused = sign_in(&store, &c, "clerk", PASSWORD, "2001:db8::2", at(9, 10)).await?;
    assert_eq!(
        refused.err(),
        Some(SignInError::AddressThrottled { until: at(9, 24) })
    );
    assert!(
        sign_in(&store, &c, "clerk", PASSWORD, "192.0.2.1", at(9, 10))
            .await?
            .is_ok()
    );
    assert!(
        sign_in(&store, &c, "clerk", PASSWORD, "2001:db8::2", at(9, 40))
            .await?
            .is_ok()
    );
    Ok(())
}

#[tokio::test]
async fn passwords_change_and_reset_and_disabling_ends_sessions() -> TestResult {
    let (_db, store) = setup().await?;
    let c = council(&store, "dunmere").await?;
    create_user(&store, &c, "clerk", Role::Admin, None).await?;
    let ada = create_user(&store, &c, "ada", Role::Member, Some("M1")).await?;
    let first = sign_in(&store, &c, "ada", PASSWORD, "192.0.2.1", at(9, 0)).await??;
    let second = sign_in(&store, &c, "ada", PASSWORD, "192.0.2.2", at(9, 1)).await??;
    let (raw1, raw2) = (first.secret.expose(), second.secret.expose());
    let name: Username = parse("ada");
    let new_password = "a different long phrase";

    // Changing one's own password needs the current one, and ends the other sessions.
    let mut tx = store.begin().await?;
    let change = PasswordChange::Own {
        current: "not it at all".into(),
        keep: Some(first.session.id_hash.clone()),
    };
    let refused =
        users::set_password(&mut tx, &ctx(at(9, 2)), &c, &name, change, new_password).await;
    assert_eq!(
        refused.err().map(|e| e.to_string()).as_deref(),
        Some("current_password: that is not the current password")
    );
    drop(tx);
    let mut tx = store.begin().await?;
    let change = PasswordChange::Own {
        current: PASSWORD.into(),
        keep: Some(first.session.id_hash.clone()),
    };
    let changed =
        users::set_password(&mut tx, &ctx(at(9, 3)), &c, &name, change, new_password).await?;
    tx.commit().await?;
    assert!(!changed.must_change_password);
    assert_eq!(changed.password_changed_at, at(9, 3));
    assert!(authenticate(&store, raw1, at(9, 4)).await?.is_some());
    assert!(authenticate(&store, raw2, at(9, 4)).await?.is_none());
    let old = sign_in(&store, &c, "ada", PASSWORD, "192.0.2.1", at(9, 5)).await?;
    assert_eq!(old.err(), Some(SignInError::BadCredentials));

    // An administrator's reset: weak passwords are refused, a good one must be changed.
    let mut tx = store.begin().await?;
    let weak = users::set_password(
        &mut tx,
        &ctx(at(9, 6)),
        &c,
        &name,
        PasswordChange::Reset,
        "ada",
    )
    .await;
    assert!(
        weak.err()
            .is_some_and(|e| e.to_string().contains("at least 12 characters"))
    );
    drop(tx);
    let mut tx = store.begin().await?;
    let reset = users::set_password(
        &mut tx,
        &ctx(at(9, 7)),
        &c,
        &name,
        PasswordChange::Reset,
        PASSWORD,
    )
    .await?;
    tx.commit().await?;
    assert!(reset.must_change_password);
    assert!(authenticate(&store, raw1, at(9, 8)).await?.is_none());
    let again = sign_in(&store, &c, "ada", PASSWORD, "192.0.2.1", at(9, 9)).await??;
    assert!(again.user.must_change_password);

    // Disabling ends every session at once and stops sign-in; the right password is needed to
    // learn that the account is disabled.
    let mut tx = store.begin().await?;
    let done = users::disable(&mut tx, &ctx(at(9, 10)), &c, &name).await?;
    tx.commit().await?;
    assert_eq!(done.sessions_ended, 1);
    assert!(done.user.disabled);
    assert!(
        authenticate(&store, again.secret.expose(), at(9, 11))
            .await?
            .is_none()
    );
    let wrong = sign_in(&store, &c, "ada", "wrong", "192.0.2.1", at(9, 12)).await?;
    assert_eq!(wrong.err(), Some(SignInError::BadCredentials));
    let right = sign_in(&store, &c, "ada", PASSWORD, "192.0.2.1", at(9, 13)).await?;
    assert_eq!(right.err(), Some(SignInError::Disabled));
    let mut tx = store.begin().await?;
    let twice = users::disable(&mut tx, &ctx(at(9, 14)), &c, &name).await;
    assert!(twice.err().is_some_and(|e| e.kind() == ErrorKind::Conflict));
    drop(tx);
    let mut tx = store.begin().await?;
    users::enable(&mut tx, &ctx(at(9, 15)), &c, &name).await?;
    tx.commit().await?;
    assert!(
        sign_in(&store, &c, "ada", PASSWORD, "192.0.2.1", at(9, 31))
            .await?
            .is_ok()
    );
    assert_eq!(ada.id, again.user.id);
    assert!(store.verify_audit(c.id).await?.is_ok());
    Ok(())
}

#[tokio::test]
async fn tokens_act_with_their_role_until_revoked_or_expired() -> TestResult {
    let (_db, store) = setup().await?;
    let c = council(&store, "dunmere").await?;
    create_user(&store, &c, "clerk", Role::Admin, None).await?;
    create_user(&store, &c, "audra", Role::Auditor, None).await?;
    create_user(&store, &c, "ada", Role::Member, Some("M1")).await?;
    let make = |user: &str, role: Role, expires_on: Option<NaiveDate>| CreateToken {
        username: parse(user),
        role,
        name: format!("{user} {role}"),
        expires_on,
        scope: steward_domain::auth::TokenScope::Api,
    };
    let today = ctx(at(9, 0));

    let mut tx = store.begin().await?;
    let export = tokens::create(
        &mut tx,
        &today,
        &c,
        make("clerk", Role::Auditor, Some(day(2027, 5, 6))),
    )
    .await?;
    let mine = tokens::create(&mut tx, &today, &c, make("ada", Role::Member, None)).await?;
    tx.commit().await?;
    assert!(export.secret.expose().starts_with("stw_"));

    // A token cannot do more than its account, nor act as a person its account is not.
    for (user, role, expect) in [
        (
            "audra",
            Role::Admin,
            "an auditor account cannot make a token with the admin role",
        ),
        (
            "ada",
            Role::Officer,
            "a member account cannot make a token with the officer role",
        ),
        (
            "clerk",
            Role::Member,
            "a member token acts as a person in the register, and clerk is not linked",
        ),
    ] {
        let mut tx = store.begin().await?;
        let refused = tokens::create(&mut tx, &today, &c, make(user, role, None)).await;
        let message = refused.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains(expect), "{message}");
    }
    let mut tx = store.begin().await?;
    let stale = tokens::create(
        &mut tx,
        &today,
        &c,
        make("clerk", Role::Auditor, Some(day(2027, 5, 4))),
    )
    .await;
    assert!(
        stale
            .err()
            .is_some_and(|e| e.to_string().starts_with("expires:"))
    );
    drop(tx);

    let use_token = |raw: String, now: DateTime<Utc>| {
        let store = store.clone();
        async move {
            let mut tx = store.begin().await?;
            let found = tokens::authenticate(&mut tx, &raw, now).await?;
            tx.commit().await?;
            Ok::<_, Box<dyn std::error::Error>>(found)
        }
    };
    let raw = export.secret.expose().to_string();
    let (user, token) = use_token(raw.clone(), at(10, 0))
        .await?
        .ok_or("token refused")?;
    assert_eq!(
        (user.username.as_str(), token.role),
        ("clerk", Role::Auditor)
    );
    assert_eq!(token.last_used_at, Some(at(10, 0)));
    // The token stops working at the start of its expiry day.
    let late = Utc
        .with_ymd_and_hms(2027, 5, 6, 0, 0, 0)
        .single()
        .ok_or("bad time")?;
    assert!(
        use_token(raw.clone(), late - TimeDelta::seconds(1))
            .await?
            .is_some()
    );
    assert!(use_token(raw.clone(), late).await?.is_none());
    assert!(use_token("stw_nonsense".into(), at(10, 0)).await?.is_none());
    assert!(use_token(raw[4..].to_string(), at(10, 0)).await?.is_none());

    // Listing never shows a secret; revoking stops the token at once.
    let mut tx = store.begin().await?;
    let listed = newest_tokens(&mut tx, &c, at(10, 0)).await?;
    drop(tx);
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().all(|t| t.status == TokenStatus::Active));
    let json = serde_json::to_string(&listed)?;
    assert!(!json.contains(&raw[4..]) && !json.contains(&digest(&raw)));

    let raw_mine = mine.secret.expose().to_string();
    assert!(use_token(raw_mine.clone(), at(10, 0)).await?.is_some());
    let mut tx = store.begin().await?;
    tokens::revoke(&mut tx, &ctx(at(10, 5)), &c, mine.token.id).await?;
    tx.commit().await?;
    assert!(use_token(raw_mine.clone(), at(10, 6)).await?.is_none());
    let mut tx = store.begin().await?;
    let listed = newest_tokens(&mut tx, &c, late).await?;
    drop(tx);
    let statuses: Vec<TokenStatus> = listed.iter().map(|t| t.status).collect();
    assert_eq!(statuses, vec![TokenStatus::Revoked, TokenStatus::Expired]);

    // A disabled account's tokens stop working too.
    let mut tx = store.begin().await?;
    let fresh = tokens::create(&mut tx, &today, &c, make("clerk", Role::Admin, None)).await?;
    users::disable(&mut tx, &ctx(at(10, 10)), &c, &parse("clerk")).await?;
    tx.commit().await?;
    assert!(
        use_token(fresh.secret.expose().to_string(), at(10, 11))
            .await?
            .is_none()
    );
    assert!(!audit_text(&store, &c).await?.contains(&raw[4..]));
    Ok(())
}

/// The council's tokens, newest first, as they stand at `now`.
async fn newest_tokens(
    tx: &mut steward_store::StoreTx,
    c: &Council,
    now: DateTime<Utc>,
) -> Result<Vec<tokens::TokenView>, Box<dyn std::error::Error>> {
    let query = account_list::TokenQuery {
        direction: steward_domain::listing::Direction::Descending,
        ..Default::default()
    };
    Ok(account_list::tokens(tx, c, &query, now).await?.items)
}

#[tokio::test]
async fn leaving_office_ends_sessions_and_disables_member_accounts() -> TestResult {
    let (_db, store) = setup().await?;
    let c = council(&store, "dunmere").await?;
    create_user(&store, &c, "ada", Role::Member, Some("M1")).await?;
    create_user(&store, &c, "ada.officer", Role::Officer, Some("M1")).await?;
    create_user(&store, &c, "ben", Role::Member, Some("M2")).await?;
    let ada = sign_in(&store, &c, "ada", PASSWORD, "192.0.2.1", at(9, 0)).await??;
    let officer = sign_in(&store, &c, "ada.officer", PASSWORD, "192.0.2.1", at(9, 0)).await??;
    let ben = sign_in(&store, &c, "ben", PASSWORD, "192.0.2.2", at(9, 0)).await??;

    let mut tx = store.begin().await?;
    let leaving = people::leave(
        &mut tx,
        &ctx(at(9, 10)),
        &c,
        &parse("M1"),
        day(2027, 5, 4),
        TermEndReason::NotReElected,
    )
    .await?;
    tx.commit().await?;
    let summary: Vec<(&str, u64, bool)> = leaving
        .access_withdrawn
        .iter()
        .map(|a| (a.username.as_str(), a.sessions_ended, a.disabled))
        .collect();
    assert_eq!(summary, vec![("ada", 1, true), ("ada.officer", 1, false)]);

    assert!(
        authenticate(&store, ada.secret.expose(), at(9, 11))
            .await?
            .is_none()
    );
    assert!(
        authenticate(&store, officer.secret.expose(), at(9, 11))
            .await?
            .is_none()
    );
    assert!(
        authenticate(&store, ben.secret.expose(), at(9, 11))
            .await?
            .is_some()
    );
    let refused = sign_in(&store, &c, "ada", PASSWORD, "192.0.2.1", at(9, 12)).await?;
    assert_eq!(refused.err(), Some(SignInError::Disabled));
    let trail = audit_text(&store, &c).await?;
    assert!(trail.contains("user.disable ada"));
    assert!(trail.contains("session.end_all ada"));
    assert!(store.verify_audit(c.id).await?.is_ok());
    Ok(())
}
