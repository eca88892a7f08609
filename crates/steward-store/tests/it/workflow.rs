//! Requests, approvals and breach cases through the domain commands, on the backend
//! STEWARD_TEST_BACKEND selects.

use chrono::{NaiveDate, TimeZone, Utc};
use steward_domain::auth::{Password, Principal, Role};
use steward_domain::ops::requests::{self, Raise};
use steward_domain::ops::{acceptance, cases, council, equipment, loans, people, policy, users};
use steward_domain::repo::{NewEquipment, NewPerson};
use steward_domain::workflow::*;
use steward_domain::*;
use steward_policy::model::{Outcome, ReportKind};
use steward_policy::{EquipmentKind, EquipmentState, OfficeId, PersonKind, presets};
use steward_store::testing::TestDb;
use steward_store::{Store, StoreTx};

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn ctx(on: &str) -> Ctx {
    let d = day(on);
    Ctx::new(
        "test",
        Utc.from_utc_datetime(&d.and_hms_opt(10, 0, 0).unwrap_or_default()),
        d,
    )
}

struct Town {
    _db: TestDb,
    store: Store,
    council: Council,
}

/// A council under `preset` with the people given as (reference, name, kind, offices), an
/// account for each, and laptops LAP-1..LAP-3 and a tablet TAB-1.
async fn town(preset: &str, people_list: &[(&str, &str, PersonKind, &[&str])]) -> Town {
    let db = TestDb::new().await;
    let store = db.open().await.unwrap();
    let c = ctx("2027-01-04");
    let mut tx = store.begin().await.unwrap();
    let found = council::create(&mut tx, &c, &"dunmere".parse().unwrap(), "Dunmere")
        .await
        .unwrap();
    let pack = presets::load(presets::find(preset).unwrap()).unwrap();
    policy::adopt(&mut tx, &c, &found, &pack, c.today)
        .await
        .unwrap();
    for (reference, name, kind, offices) in people_list {
        let req = people::AddPerson {
            person: NewPerson {
                reference: reference.parse().unwrap(),
                name: name.to_string(),
                kind: *kind,
                email: None,
                household: Some(format!("H-{reference}")),
            },
            term_start: Some(day("2026-05-07")),
            term_end: None,
            offices: offices.iter().map(|o| OfficeId(o.to_string())).collect(),
        };
        people::add(&mut tx, &c, &found, req).await.unwrap();
        let role = if offices.is_empty() && kind.is_member() {
            Role::Member
        } else {
            Role::Officer
        };
        let username = format!("user-{}", reference.to_lowercase())
            .parse()
            .unwrap();
        users::create(
            &mut tx,
            &c,
            &found,
            users::CreateUser {
                password: Password::new("a long enough password 1", &username).unwrap(),
                username,
                role,
                person: Some(reference.parse().unwrap()),
                must_change_password: false,
            },
        )
        .await
        .unwrap();
    }
    for (tag, kind) in [
        ("LAP-1", EquipmentKind::Laptop),
        ("LAP-2", EquipmentKind::Laptop),
        ("LAP-3", EquipmentKind::Laptop),
        ("TAB-1", EquipmentKind::Tablet),
    ] {
        let new = NewEquipment {
            asset_tag: tag.parse().unwrap(),
            kind,
            model: "Model".into(),
            serial: None,
            purchased_on: Some(day("2026-01-01")),
            replacement_cost: Pence(65_000),
            pat_tested_on: Some(day("2027-01-04")),
            encrypted: true,
            state: EquipmentState::InStock,
        };
        equipment::add(&mut tx, &c, &found, new).await.unwrap();
    }
    tx.commit().await.unwrap();
    Town {
        _db: db,
        store,
        council: found,
    }
}

impl Town {
    async fn tx(&self) -> StoreTx {
        self.store.begin().await.unwrap()
    }

    async fn principal(&self, reference: &str, on: &str) -> Principal {
        let mut tx = self.tx().await;
        let user = users::find(
            &mut tx,
            &self.council,
            &format!("user-{}", reference.to_lowercase())
                .parse()
                .unwrap(),
        )
        .await
        .unwrap();
        let offices = match user.person_id {
            Some(p) => people::offices_on(&mut tx, p, day(on)).await.unwrap(),
            None => Vec::new(),
        };
        let role = user.role;
        Principal::new(user, role, offices)
    }

    async fn lend(&self, reference: &str, tag: &str, on: &str) -> Loan {
        let c = ctx(on);
        let mut tx = self.tx().await;
        let r: PersonRef = reference.parse().unwrap();
        let name = people::find(&mut tx, &self.council, &r).await.unwrap().name;
        // Presets that ask no signature refuse one; that is fine here.
        let _ = acceptance::sign(
            &mut tx,
            &c,
            &self.council,
            &r,
            acceptance::Signature::Typed { name },
        )
        .await;
        let issued = loans::issue(&mut tx, &c, &self.council, &r, &tag.parse().unwrap(), None)
            .await
            .unwrap_or_else(|e| panic!("lend {tag} to {reference}: {e}"));
        tx.commit().await.unwrap();
        issued.loan
    }
}

const TOWN_PEOPLE: &[(&str, &str, PersonKind, &[&str])] = &[
    ("M1", "Ada Quill", PersonKind::Councillor, &[]),
    ("M2", "Mo Mayor", PersonKind::Councillor, &["mayor"]),
    ("S1", "Dot Clerk", PersonKind::Employee, &["town_clerk"]),
    ("M3", "Cy Rowe", PersonKind::Councillor, &[]),
];

#[tokio::test]
async fn a_longer_loan_in_the_town_needs_the_mayor_and_the_clerk() {
    let t = town("town-it-policy", TOWN_PEOPLE).await;
    let loan = t.lend("M1", "LAP-1", "2027-01-05").await;
    let ada = t.principal("M1", "2027-03-01").await;
    let c = ctx("2027-03-01");
    let mut tx = t.tx().await;
    let member = ada.member().unwrap();
    let raised = requests::raise_for_self(
        &mut tx,
        &c,
        &t.council,
        &member,
        Raise {
            kind: ReportKind::LoanExtension,
            equipment: Some("LAP-1".parse().unwrap()),
            summary: "Recovering from an operation; need it for the budget meetings".into(),
            details: RequestDetails::Extension {
                until: day("2027-05-01"),
            },
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let r = raised.request;
    assert_eq!(r.state, RequestState::AwaitingApproval);
    assert_eq!(r.handler.as_str(), "town_clerk");
    assert_eq!(r.loan_id, Some(loan.id));
    assert_eq!(raised.route.approval.unwrap().citation.clause, "4.5");

    // Another member neither sees it nor can act on it.
    let cy = t.principal("M3", "2027-03-01").await;
    let mut tx = t.tx().await;
    assert!(
        requests::detail(&mut tx, &t.council, &cy, r.id, c.now)
            .await
            .is_err()
    );
    let refused = requests::decide(&mut tx, &c, &t.council, &cy, r.id, Decision::Approve, "ok")
        .await
        .unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::Forbidden);
    drop(tx);

    // The clerk alone is not enough.
    let clerk = t.principal("S1", "2027-03-01").await;
    let mut tx = t.tx().await;
    let first = requests::decide(
        &mut tx,
        &c,
        &t.council,
        &clerk,
        r.id,
        Decision::Approve,
        "Exceptional: medical",
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert!(first.outcome.is_none());
    assert_eq!(first.request.state, RequestState::AwaitingApproval);
    let mut tx = t.tx().await;
    let twice = requests::decide(
        &mut tx,
        &c,
        &t.council,
        &clerk,
        r.id,
        Decision::Approve,
        "again",
    )
    .await
    .unwrap_err();
    assert_eq!(twice.kind(), ErrorKind::Conflict);
    drop(tx);

    // With the mayor's approval the loan is extended at once.
    let mayor = t.principal("M2", "2027-03-01").await;
    let mut tx = t.tx().await;
    let done = requests::decide(
        &mut tx,
        &c,
        &t.council,
        &mayor,
        r.id,
        Decision::Approve,
        "Agreed as exceptional",
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(done.request.state, RequestState::Approved);
    assert!(done.outcome.unwrap().contains("1 May 2027"));
    let mut tx = t.tx().await;
    let after = loans::find(&mut tx, &t.council, loan.id).await.unwrap();
    assert_eq!(after.due_on, Some(day("2027-05-01")));
    // Ada sees her request and its history, without internal notes.
    let mine = requests::detail(&mut tx, &t.council, &ada, r.id, c.now)
        .await
        .unwrap();
    assert!(mine.events.len() >= 3, "{:?}", mine.events);
    assert!(!mine.may.approve);
}

#[tokio::test]
async fn a_refusal_ends_the_request_with_its_reason() {
    let t = town("town-it-policy", TOWN_PEOPLE).await;
    t.lend("M1", "LAP-1", "2027-01-05").await;
    let c = ctx("2027-02-01");
    let clerk = t.principal("S1", "2027-02-01").await;
    let mut tx = t.tx().await;
    let raised = requests::raise_as_officer(
        &mut tx,
        &c,
        &t.council,
        &clerk.officer().unwrap(),
        Some(&"M1".parse().unwrap()),
        Raise {
            kind: ReportKind::SoftwareInstall,
            equipment: Some("LAP-1".parse().unwrap()),
            summary: "Needs a PDF editor".into(),
            details: RequestDetails::Software {
                name: "PDF Editor Pro".into(),
                licence: None,
            },
        },
    )
    .await
    .unwrap();
    let id = raised.request.id;
    let out = requests::decide(
        &mut tx,
        &c,
        &t.council,
        &clerk,
        id,
        Decision::Refuse,
        "The council holds no licence for it",
    )
    .await
    .unwrap();
    assert_eq!(out.request.state, RequestState::Refused);
    let item = equipment::find(&mut tx, &t.council, &"LAP-1".parse().unwrap())
        .await
        .unwrap();
    assert!(tx.authorised_software(item.id).await.unwrap().is_empty());
    // Approved instead, the software is recorded as authorised on the item.
    let raised = requests::raise_as_officer(
        &mut tx,
        &c,
        &t.council,
        &clerk.officer().unwrap(),
        Some(&"M1".parse().unwrap()),
        Raise {
            kind: ReportKind::SoftwareInstall,
            equipment: Some("LAP-1".parse().unwrap()),
            summary: "Needs the planning viewer".into(),
            details: RequestDetails::Software {
                name: "Planning Viewer".into(),
                licence: Some("council site licence".into()),
            },
        },
    )
    .await
    .unwrap();
    requests::decide(
        &mut tx,
        &c,
        &t.council,
        &clerk,
        raised.request.id,
        Decision::Approve,
        "Licensed",
    )
    .await
    .unwrap();
    let authorised = tx.authorised_software(item.id).await.unwrap();
    assert_eq!(authorised.len(), 1);
    assert_eq!(authorised[0].clause, "3.3");
    tx.commit().await.unwrap();
}

const CITY_PEOPLE: &[(&str, &str, PersonKind, &[&str])] = &[
    ("M1", "Ada Quill", PersonKind::Councillor, &[]),
    ("M2", "Bo Fenn", PersonKind::Councillor, &[]),
    ("S1", "Sam Desk", PersonKind::Employee, &["service_desk"]),
    (
        "S2",
        "Mo Officer",
        PersonKind::Employee,
        &["monitoring_officer"],
    ),
    (
        "S3",
        "Bea Systems",
        PersonKind::Employee,
        &["business_systems"],
    ),
];

#[tokio::test]
async fn a_lost_laptop_is_marked_lost_its_loan_ends_and_follow_ups_open() {
    let t = town("city-members-code", CITY_PEOPLE).await;
    let loan = t.lend("M1", "LAP-1", "2027-01-05").await;
    let ada = t.principal("M1", "2027-02-10").await;
    let c = ctx("2027-02-10");
    let mut tx = t.tx().await;
    let raised = requests::raise_for_self(
        &mut tx,
        &c,
        &t.council,
        &ada.member().unwrap(),
        Raise {
            kind: ReportKind::LostOrStolen,
            equipment: Some("LAP-1".parse().unwrap()),
            summary: "Left on the train".into(),
            details: RequestDetails::Loss {
                stolen: false,
                noticed_on: day("2027-02-09"),
                place: "Train to the county hall".into(),
                police_reference: None,
            },
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(raised.request.handler.as_str(), "service_desk");
    assert_eq!(raised.route.citation.clause, "28.2");
    assert_eq!(
        raised.request.due_at,
        Some(c.now + chrono::Duration::hours(4))
    );
    let mut tx = t.tx().await;
    let item = equipment::find(&mut tx, &t.council, &"LAP-1".parse().unwrap())
        .await
        .unwrap();
    assert_eq!(item.state, EquipmentState::Lost);
    let ended = loans::find(&mut tx, &t.council, loan.id).await.unwrap();
    assert_eq!(ended.returned_on, Some(c.today));
    assert_eq!(ended.ended_as, Some(EquipmentState::Lost));
    let tasks = tx.request_tasks(raised.request.id).await.unwrap();
    assert_eq!(tasks.len(), 2, "{tasks:?}");
    drop(tx);

    // The service desk cannot resolve it before the follow-ups are done; the monitoring
    // officer cannot act on it at all.
    let desk = t.principal("S1", "2027-02-10").await;
    let mo = t.principal("S2", "2027-02-10").await;
    let mut tx = t.tx().await;
    assert!(!mo.may_see_request(&raised.request));
    let early = requests::resolve(
        &mut tx,
        &c,
        &t.council,
        &desk,
        raised.request.id,
        "Done",
        None,
    )
    .await
    .unwrap_err();
    assert_eq!(early.kind(), ErrorKind::Conflict);
    for task in tasks {
        requests::complete_task(
            &mut tx,
            &c,
            &t.council,
            &desk,
            raised.request.id,
            task.id,
            "",
        )
        .await
        .unwrap();
    }
    let done = requests::resolve(
        &mut tx,
        &c,
        &t.council,
        &desk,
        raised.request.id,
        "Passwords reset; wipe confirmed by the management console",
        None,
    )
    .await
    .unwrap();
    assert_eq!(done.state, RequestState::Resolved);
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn a_web_exception_is_granted_until_its_day_and_forbidden_installs_are_refused() {
    let t = town("city-members-code", CITY_PEOPLE).await;
    let ada = t.principal("M1", "2027-02-10").await;
    let c = ctx("2027-02-10");
    let mut tx = t.tx().await;
    let refused = requests::raise_for_self(
        &mut tx,
        &c,
        &t.council,
        &ada.member().unwrap(),
        Raise {
            kind: ReportKind::SoftwareInstall,
            equipment: None,
            summary: "A game".into(),
            details: RequestDetails::Software {
                name: "Chess".into(),
                licence: None,
            },
        },
    )
    .await
    .unwrap_err();
    match refused {
        DomainError::Refused { refusals, .. } => {
            assert_eq!(refusals[0].citation.as_ref().unwrap().clause, "28.6")
        }
        other => panic!("{other}"),
    }
    let raised = requests::raise_for_self(
        &mut tx,
        &c,
        &t.council,
        &ada.member().unwrap(),
        Raise {
            kind: ReportKind::WebException,
            equipment: None,
            summary: "Licensing committee evidence is on this site".into(),
            details: RequestDetails::Website {
                host: "evidence.example.org".into(),
                until: day("2027-02-28"),
            },
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let bea = t.principal("S3", "2027-02-10").await;
    let mut tx = t.tx().await;
    requests::decide(
        &mut tx,
        &c,
        &t.council,
        &bea,
        raised.request.id,
        Decision::Approve,
        "Needed for the hearing",
    )
    .await
    .unwrap();
    let granted = tx.web_exceptions(t.council.id).await.unwrap();
    assert_eq!(granted.len(), 1);
    assert_eq!(granted[0].host, "evidence.example.org");
    assert_eq!(granted[0].clause, "28.8");
    assert_eq!(granted[0].ends_at.date_naive(), day("2027-03-01"));
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn a_serious_case_goes_to_the_standards_committee_and_access_can_be_withdrawn() {
    let t = town("city-members-code", CITY_PEOPLE).await;
    t.lend("M2", "LAP-2", "2027-01-05").await;
    let c = ctx("2027-02-10");
    let mut tx = t.tx().await;
    let case = cases::raise(
        &mut tx,
        &c,
        &t.council,
        cases::Raiser::Anonymous,
        cases::Concern {
            subject: Some("M2".parse().unwrap()),
            summary: "Council laptop used for a private business".into(),
            details: "Seen at the market stall".into(),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(case.reporter_id, None);
    assert_eq!(case.handlers, [OfficeId("monitoring_officer".into())]);

    // Only the monitoring officer (and auditors) see it; each look is audited.
    let desk = t.principal("S1", "2027-02-10").await;
    let mo = t.principal("S2", "2027-02-10").await;
    let mut tx = t.tx().await;
    assert!(
        cases::open(&mut tx, &c, &t.council, &desk, case.id)
            .await
            .is_err()
    );
    let seen = cases::open(&mut tx, &c, &t.council, &mo, case.id)
        .await
        .unwrap();
    assert!(seen.may_handle);
    assert_eq!(
        seen.escalation.as_ref().unwrap().to.as_str(),
        "standards_committee"
    );
    let views = tx
        .audit_records(
            t.council.id,
            &steward_domain::repo::AuditFilter {
                entity: Some("case".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        views.iter().filter(|r| r.action == "case.view").count(),
        1,
        "only the look that succeeded is recorded"
    );
    let escalated = cases::escalate(&mut tx, &c, &t.council, &mo, case.id, "Repeated")
        .await
        .unwrap();
    assert_eq!(escalated.state, CaseState::Escalated);
    // Police referral is not an outcome this code provides for.
    let refused = cases::close(
        &mut tx,
        &c,
        &t.council,
        &mo,
        case.id,
        Outcome::Police,
        cases::OutcomeDetails {
            note: "x".into(),
            equipment: None,
        },
    )
    .await
    .unwrap_err();
    assert_eq!(refused.kind(), ErrorKind::Refused);
    let closed = cases::close(
        &mut tx,
        &c,
        &t.council,
        &mo,
        case.id,
        Outcome::WithdrawAccess,
        cases::OutcomeDetails {
            note: "Upheld by the committee".into(),
            equipment: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(closed.case.outcome_clause.as_deref(), Some("28.8"));
    tx.commit().await.unwrap();

    // Nothing more can be lent to Bo while access is withdrawn.
    let mut tx = t.tx().await;
    let check = loans::check_issue(
        &mut tx,
        &ctx("2027-02-11"),
        &t.council,
        &"M2".parse().unwrap(),
        &"LAP-3".parse().unwrap(),
        None,
    )
    .await
    .unwrap();
    let gate = check
        .decision
        .refusals
        .iter()
        .find(|r| r.gate == steward_policy::decide::Gate::AccessWithdrawn)
        .unwrap();
    assert_eq!(gate.citation.as_ref().unwrap().clause, "28.8");
    let bo_user = users::find(&mut tx, &t.council, &"user-m2".parse().unwrap())
        .await
        .unwrap();
    assert!(bo_user.disabled);
}
