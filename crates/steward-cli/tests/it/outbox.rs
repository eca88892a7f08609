//! The outbox's state machine through the domain commands, on the suite's database: a claim
//! is taken once, a lapsed claim is uncertain, the sender that held it still records the truth,
//! and an officer's decision wins over a sender that comes back too late.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use steward_domain::ops::outbox::{self, Audience, Resolution, SendFailure};
use steward_domain::ops::{council, people, policy};
use steward_domain::outbox::{Letter, MessageState};
use steward_domain::repo::NewPerson;
use steward_domain::{Council, Ctx};
use steward_policy::{Citation, PersonKind, presets};
use steward_store::Store;
use steward_store::testing::TestDb;

fn at(minutes: i64) -> Ctx {
    let start: DateTime<Utc> = NaiveDate::from_ymd_opt(2027, 5, 17)
        .unwrap()
        .and_hms_opt(6, 0, 0)
        .unwrap()
        .and_utc();
    let now = start + Duration::minutes(minutes);
    Ctx::new("test", now, now.date_naive())
}

async fn setup(store: &Store) -> Council {
    let ctx = at(0);
    let mut tx = store.begin().await.unwrap();
    let c = council::create(&mut tx, &ctx, &"dunmere".parse().unwrap(), "Dunmere")
        .await
        .unwrap();
    let preset = presets::find("town-it-policy").unwrap();
    policy::adopt(
        &mut tx,
        &ctx,
        &c,
        &presets::load(preset).unwrap(),
        ctx.today,
    )
    .await
    .unwrap();
    let person = people::add(
        &mut tx,
        &ctx,
        &c,
        people::AddPerson {
            person: NewPerson {
                reference: "M1".parse().unwrap(),
                name: "Ada Quill".into(),
                kind: PersonKind::Councillor,
                email: Some("ada@example.org".into()),
                household: None,
            },
            term_start: Some(ctx.today),
            term_end: None,
            offices: Vec::new(),
        },
    )
    .await
    .unwrap();
    let active = policy::require(&mut tx, &c, ctx.today).await.unwrap();
    let to = outbox::recipients(
        &mut tx,
        &c,
        &active.pack,
        &Audience::Person(person.id),
        ctx.today,
    )
    .await
    .unwrap();
    let letter = Letter {
        subject: "Overdue".into(),
        decision: "Return due 16 May 2027".into(),
        citation: Citation {
            clause: "4.5".into(),
            document: "Town IT Policy".into(),
        },
        paragraphs: vec!["Please return it.".into()],
        council: "Dunmere".into(),
    };
    let key = "overdue-return:loan-1:2027-05-17";
    let first = outbox::queue(&mut tx, &ctx, &c, key, "overdue", &letter, &to)
        .await
        .unwrap();
    assert!(first.is_some());
    // The same key again files nothing.
    let again = outbox::queue(&mut tx, &ctx, &c, key, "overdue", &letter, &to)
        .await
        .unwrap();
    assert!(again.is_none());
    tx.commit().await.unwrap();
    c
}

#[tokio::test]
async fn a_message_is_claimed_once_and_the_claim_holder_or_an_officer_settles_it() {
    let db = TestDb::new().await;
    let store = db.open().await.unwrap();
    let c = setup(&store).await;

    let mut tx = store.begin().await.unwrap();
    let claimed = outbox::claim_next(&mut tx, &at(1), &c)
        .await
        .unwrap()
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(claimed.message.state, MessageState::Sending);
    assert_eq!(claimed.message.attempts, 1);
    // Nothing else is due while it is held.
    let mut tx = store.begin().await.unwrap();
    assert!(
        outbox::claim_next(&mut tx, &at(2), &c)
            .await
            .unwrap()
            .is_none()
    );
    // Within the lease, the claim is left alone.
    assert!(
        outbox::expire_claims(&mut tx, &at(10), &c)
            .await
            .unwrap()
            .is_empty()
    );
    // Past it, the message is uncertain...
    let stale = outbox::expire_claims(&mut tx, &at(20), &c).await.unwrap();
    assert_eq!(stale.len(), 1);
    assert_eq!(stale[0].state, MessageState::Uncertain);
    assert!(
        outbox::claim_next(&mut tx, &at(21), &c)
            .await
            .unwrap()
            .is_none()
    );
    // ...but the sender that held the claim still records what really happened.
    assert!(
        outbox::record_sent(&mut tx, &at(22), &claimed)
            .await
            .unwrap()
    );
    let m = outbox::find(&mut tx, &c, claimed.message.id).await.unwrap();
    assert_eq!(m.state, MessageState::Sent);
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn an_officers_resend_wins_over_a_sender_that_comes_back_late() {
    let db = TestDb::new().await;
    let store = db.open().await.unwrap();
    let c = setup(&store).await;

    let mut tx = store.begin().await.unwrap();
    let claimed = outbox::claim_next(&mut tx, &at(1), &c)
        .await
        .unwrap()
        .unwrap();
    outbox::expire_claims(&mut tx, &at(20), &c).await.unwrap();
    let id = claimed.message.id;
    let resent = outbox::resolve(&mut tx, &at(21), &c, id, Resolution::Resend)
        .await
        .unwrap();
    assert_eq!(resent.state, MessageState::Queued);
    assert_eq!(resent.attempts, 0);
    // The old claim no longer counts, for success or failure.
    assert!(
        !outbox::record_sent(&mut tx, &at(22), &claimed)
            .await
            .unwrap()
    );
    let failure = SendFailure {
        permanent: false,
        reason: "the mail server could not be reached".into(),
    };
    assert!(
        outbox::record_failure(&mut tx, &at(22), &claimed, &failure)
            .await
            .unwrap()
            .is_none()
    );
    // A fresh claim, failing, backs off and keeps the reason.
    let again = outbox::claim_next(&mut tx, &at(23), &c)
        .await
        .unwrap()
        .unwrap();
    let after = outbox::record_failure(&mut tx, &at(23), &again, &failure)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.state, MessageState::Queued);
    assert_eq!(after.next_attempt_at, Some(at(24).now));
    assert_eq!(after.last_error.as_deref(), Some(failure.reason.as_str()));
    assert!(
        outbox::claim_next(&mut tx, &at(23), &c)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        outbox::claim_next(&mut tx, &at(24), &c)
            .await
            .unwrap()
            .is_some()
    );
    // Settling is only for uncertain messages.
    assert!(
        outbox::resolve(&mut tx, &at(25), &c, id, Resolution::Sent)
            .await
            .is_err()
    );
    tx.commit().await.unwrap();
}
