//! The request queue, members' own requests and breach cases, paged in the database: walking
//! pages both ways, searching, filtering, every sort, who sees what, assigning and the
//! working-hours deadline, on the backend STEWARD_TEST_BACKEND selects.

use chrono::{DateTime, NaiveDate, Utc};
use steward_domain::auth::{Password, Principal, Role};
use steward_domain::info::InfoKind;
use steward_domain::listing::{Direction, ListQuery, Listed, SearchWords, Total, Window};
use steward_domain::ops::case_list::{self, CaseFilter, CaseQuery, CaseSort, CaseStates};
use steward_domain::ops::cases::{self, Concern, Raiser};
use steward_domain::ops::info::list::{InfoFilter, InfoQuery, InfoSort};
use steward_domain::ops::outbox::list::{MessageListFilter, MessageQuery, MessageSort};
use steward_domain::ops::requests::list::{Assigned, RequestFilter, RequestSort, StateChoice};
use steward_domain::ops::requests::{self, Raise, RequestView};
use steward_domain::ops::{council, equipment, people, policy, users};
use steward_domain::ops::{info as ops_info, outbox as outbox_ops};
use steward_domain::outbox::{Letter, MessageState, Recipient};
use steward_domain::repo::{NewEquipment, NewPerson, RegisterTx};
use steward_domain::workflow::*;
use steward_domain::*;
use steward_policy::model::ReportKind;
use steward_policy::{EquipmentKind, EquipmentState, OfficeId, PersonKind, presets};
use steward_store::testing::TestDb;
use steward_store::{Store, StoreTx};

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn ctx_at(now: DateTime<Utc>) -> Ctx {
    Ctx::new("test", now, now.date_naive())
}

const PEOPLE: &[(&str, &str, PersonKind, &[&str])] = &[
    ("S1", "Dot Desk", PersonKind::Employee, &["service_desk"]),
    ("S2", "Eve Desk", PersonKind::Employee, &["service_desk"]),
    ("S3", "Hal Head", PersonKind::Employee, &["head_of_ict"]),
    (
        "S4",
        "Mo Officer",
        PersonKind::Employee,
        &["monitoring_officer"],
    ),
    ("M1", "Ada Quill", PersonKind::Councillor, &[]),
    ("M3", "Cy Rowe", PersonKind::Councillor, &[]),
];

struct County {
    _db: TestDb,
    store: Store,
    council: Council,
}

async fn county() -> County {
    let db = TestDb::new().await;
    let store = db.open().await.unwrap();
    let c = ctx_at(at("2027-01-04T10:00:00Z"));
    let mut tx = store.begin().await.unwrap();
    let found = council::create(&mut tx, &c, &"brack".parse().unwrap(), "Brack")
        .await
        .unwrap();
    let pack = presets::load(presets::find("county-members-policy").unwrap()).unwrap();
    policy::adopt(&mut tx, &c, &found, &pack, c.today)
        .await
        .unwrap();
    for (reference, name, kind, offices) in PEOPLE {
        let req = people::AddPerson {
            person: NewPerson {
                reference: reference.parse().unwrap(),
                name: name.to_string(),
                kind: *kind,
                email: None,
                household: None,
            },
            term_start: Some(day("2026-05-07")),
            term_end: None,
            offices: offices.iter().map(|o| OfficeId(o.to_string())).collect(),
        };
        people::add(&mut tx, &c, &found, req).await.unwrap();
        let username = format!("user-{}", reference.to_lowercase())
            .parse()
            .unwrap();
        let role = if offices.is_empty() {
            Role::Member
        } else {
            Role::Officer
        };
        let create = users::CreateUser {
            password: Password::new("a long enough password 1", &username).unwrap(),
            username,
            role,
            person: Some(reference.parse().unwrap()),
            must_change_password: false,
        };
        users::create(&mut tx, &c, &found, create).await.unwrap();
    }
    for n in 1..=4 {
        let new = NewEquipment {
            asset_tag: format!("LAP-{n}").parse().unwrap(),
            kind: EquipmentKind::Laptop,
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
    County {
        _db: db,
        store,
        council: found,
    }
}

impl County {
    async fn tx(&self) -> StoreTx {
        self.store.begin().await.unwrap()
    }

    async fn principal(&self, reference: &str) -> Principal {
        let mut tx = self.tx().await;
        let name = format!("user-{}", reference.to_lowercase())
            .parse()
            .unwrap();
        let user = users::find(&mut tx, &self.council, &name).await.unwrap();
        let offices = people::offices_on(&mut tx, user.person_id.unwrap(), day("2027-02-01"))
            .await
            .unwrap();
        let role = user.role;
        Principal::new(user, role, offices)
    }

    /// A virus report for `person` about `tag`, raised by the service desk at `now`.
    async fn report(&self, person: &str, tag: &str, now: DateTime<Utc>) -> Request {
        let desk = self.principal("S1").await;
        let mut tx = self.tx().await;
        let raised = requests::raise_as_officer(
            &mut tx,
            &ctx_at(now),
            &self.council,
            &desk.officer().unwrap(),
            Some(&person.parse().unwrap()),
            Raise {
                kind: ReportKind::Virus,
                equipment: Some(tag.parse().unwrap()),
                summary: format!("Pop-ups on {tag}"),
                details: RequestDetails::None,
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        raised.request
    }

    async fn list(
        &self,
        p: &Principal,
        q: &ListQuery<RequestSort, RequestFilter>,
    ) -> Listed<RequestView> {
        let mut tx = self.store.read().await.unwrap();
        requests::list::list(&mut tx, &self.council, p, q, at("2027-03-01T12:00:00Z"))
            .await
            .unwrap()
    }
}

fn query(sort: RequestSort, dir: Direction, limit: u32) -> ListQuery<RequestSort, RequestFilter> {
    ListQuery {
        search: SearchWords::default(),
        sort,
        direction: dir,
        filter: RequestFilter {
            state: StateChoice::All,
            ..RequestFilter::default()
        },
        window: Window::first(limit),
    }
}

/// Every id of the list, walking pages of `limit` forwards and then backwards from the last
/// page; both walks must give the same pages.
async fn walk(t: &County, p: &Principal, mut q: ListQuery<RequestSort, RequestFilter>) -> Vec<i64> {
    let mut pages: Vec<Vec<i64>> = Vec::new();
    let last = loop {
        let page = t.list(p, &q).await;
        assert!(page.items.len() as u32 <= q.window.limit());
        let first_index = pages.iter().map(Vec::len).sum::<usize>() as u64;
        assert_eq!(page.first_index, first_index);
        pages.push(page.items.iter().map(|v| v.request.id).collect());
        match page.next.clone() {
            Some(next) => q.continue_from(next),
            None => break page,
        }
    };
    let mut back = vec![pages.last().unwrap().clone()];
    let mut page = last;
    while let Some(previous) = page.previous.clone() {
        q.continue_from(previous);
        page = t.list(p, &q).await;
        back.push(page.items.iter().map(|v| v.request.id).collect());
    }
    back.reverse();
    assert_eq!(back, pages, "walking back gives the same pages");
    pages.concat()
}

/// The key a sort orders by, as Rust reads it from a row.
fn key(v: &RequestView, sort: RequestSort) -> (String, i64) {
    let r = &v.request;
    let text = match sort {
        RequestSort::Due => r.due_at.map_or("~".into(), |d| d.to_rfc3339()),
        RequestSort::Raised => r.created_at.to_rfc3339(),
        RequestSort::Reference => format!("{:012}", r.id),
        RequestSort::State => r.state.as_str().into(),
        RequestSort::Office => r.handler.to_string(),
    };
    (text, r.id)
}

#[tokio::test]
async fn the_queue_pages_both_ways_in_every_order_without_repeats_or_gaps() {
    let t = county().await;
    let mut raised = Vec::new();
    for n in 0..23 {
        let (who, tag) = [("M1", "LAP-1"), ("M3", "LAP-2"), ("M1", "LAP-3")][n % 3];
        // Some at the same moment, so ties break by id.
        let now = at("2027-02-01T09:30:00Z") + chrono::Duration::minutes(37 * (n as i64 / 2));
        raised.push(t.report(who, tag, now).await.id);
    }
    let desk = t.principal("S1").await;
    // Take some up, and close one, so state and due differ.
    let mut tx = t.tx().await;
    let c = ctx_at(at("2027-02-10T10:00:00Z"));
    for id in raised.iter().step_by(4) {
        requests::assign(&mut tx, &c, &t.council, &desk, *id, None)
            .await
            .unwrap();
    }
    requests::resolve(&mut tx, &c, &t.council, &desk, raised[1], "Cleaned", None)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let all = t
        .list(
            &desk,
            &query(RequestSort::Reference, Direction::Ascending, 200),
        )
        .await;
    assert_eq!(all.total, Total::Exactly(23));
    for sort in RequestSort::ALL {
        for dir in [Direction::Ascending, Direction::Descending] {
            let ids = walk(&t, &desk, query(sort, dir, 5)).await;
            let mut expected = all.items.clone();
            expected.sort_by_key(|v| key(v, sort));
            if dir == Direction::Descending {
                expected.reverse();
            }
            let expected: Vec<i64> = expected.iter().map(|v| v.request.id).collect();
            assert_eq!(ids, expected, "{sort:?} {dir:?}");
        }
    }
}

#[tokio::test]
async fn the_queue_is_searched_and_filtered_in_the_database() {
    let t = county().await;
    let a = t.report("M1", "LAP-1", at("2027-02-01T10:00:00Z")).await;
    let b = t.report("M3", "LAP-2", at("2027-02-01T11:00:00Z")).await;
    let c = t.report("M3", "LAP-3", at("2027-02-26T11:00:00Z")).await;
    let desk = t.principal("S1").await;
    let eve = t.principal("S2").await;
    let ids = |l: Listed<RequestView>| l.items.iter().map(|v| v.request.id).collect::<Vec<_>>();
    let search = |text: &str| {
        let mut q = query(RequestSort::Reference, Direction::Ascending, 50);
        q.search = SearchWords::parse(text);
        q
    };
    assert_eq!(ids(t.list(&desk, &search("ada")).await), [a.id]);
    assert_eq!(ids(t.list(&desk, &search("m3")).await), [b.id, c.id]);
    assert_eq!(ids(t.list(&desk, &search("lap-2")).await), [b.id]);
    assert_eq!(ids(t.list(&desk, &search(&c.id.to_string())).await), [c.id]);
    assert!(t.list(&desk, &search("nobody")).await.items.is_empty());

    // Give one to a colleague; the filters find it and its absence.
    let mut tx = t.tx().await;
    let now = ctx_at(at("2027-02-02T10:00:00Z"));
    requests::assign(&mut tx, &now, &t.council, &desk, a.id, Some("user-s2"))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut q = query(RequestSort::Reference, Direction::Ascending, 50);
    q.filter.assigned = Some(Assigned::To(eve.user.person_id.unwrap()));
    let mine = t.list(&eve, &q).await;
    assert_eq!(ids(mine.clone()), [a.id]);
    assert_eq!(mine.items[0].assignee.as_ref().unwrap().name, "Eve Desk");
    q.filter.assigned = Some(Assigned::Nobody);
    assert_eq!(ids(t.list(&desk, &q).await), [b.id, c.id]);

    // Late at noon on 1 March: four working hours from 1 and 2 February are long gone; the
    // one raised on Friday 26 February at 11:00 was due at 15:00 that day, so late too.
    let mut q = query(RequestSort::Reference, Direction::Ascending, 50);
    q.filter.late_at = Some(at("2027-02-26T14:00:00Z"));
    assert_eq!(ids(t.list(&desk, &q).await), [a.id, b.id]);

    // Open only once one is resolved.
    let mut tx = t.tx().await;
    requests::resolve(&mut tx, &now, &t.council, &desk, b.id, "Cleaned", None)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut q = query(RequestSort::Reference, Direction::Ascending, 50);
    q.filter.state = StateChoice::Open;
    assert_eq!(ids(t.list(&desk, &q).await), [a.id, c.id]);
    q.filter.state = StateChoice::Is(RequestState::Resolved);
    assert_eq!(ids(t.list(&desk, &q).await), [b.id]);
}

#[tokio::test]
async fn another_office_sees_none_of_the_queue_and_members_only_their_own() {
    let t = county().await;
    let a = t.report("M1", "LAP-1", at("2027-02-01T10:00:00Z")).await;
    t.report("M3", "LAP-2", at("2027-02-01T11:00:00Z")).await;
    let head = t.principal("S3").await;
    let q = query(RequestSort::Due, Direction::Ascending, 50);
    let seen = t.list(&head, &q).await;
    assert!(seen.items.is_empty());
    assert_eq!(seen.total, Total::Exactly(0));
    let mut q_search = q.clone();
    q_search.search = SearchWords::parse(&a.id.to_string());
    assert_eq!(t.list(&head, &q_search).await.total, Total::Exactly(0));

    // The head of ICT may know it exists, and where it went; a member may not.
    let mut tx = t.store.read().await.unwrap();
    let went = requests::routed_to(&mut tx, &t.council, &head, a.id)
        .await
        .unwrap();
    assert_eq!(went.as_deref(), Some(a.handler_name.as_str()));
    let cy = t.principal("M3").await;
    assert_eq!(
        requests::routed_to(&mut tx, &t.council, &cy, a.id)
            .await
            .unwrap(),
        None
    );
    drop(tx);

    let ada = t.principal("M1").await;
    let mut tx = t.store.read().await.unwrap();
    let own = requests::list::mine(
        &mut tx,
        &t.council,
        &ada.member().unwrap(),
        &q,
        a.created_at,
    )
    .await
    .unwrap();
    assert_eq!(
        own.items.iter().map(|v| v.request.id).collect::<Vec<_>>(),
        [a.id]
    );
    assert_eq!(own.total, Total::Exactly(1));
    // A member's principal on the queue gets the same: their own only.
    let queue = requests::list::list(&mut tx, &t.council, &ada, &q, a.created_at)
        .await
        .unwrap();
    assert_eq!(queue.total, Total::Exactly(1));
}

#[tokio::test]
async fn assigning_names_an_officer_of_the_office_and_is_audited() {
    let t = county().await;
    let a = t.report("M1", "LAP-1", at("2027-02-01T10:00:00Z")).await;
    let desk = t.principal("S1").await;
    let now = ctx_at(at("2027-02-02T10:00:00Z"));
    let mut tx = t.tx().await;
    let before = tx.audit_head(t.council.id).await.unwrap().unwrap();
    let given = requests::assign(&mut tx, &now, &t.council, &desk, a.id, Some("S2"))
        .await
        .unwrap();
    assert_eq!(given.state, RequestState::InProgress);
    let head = tx.audit_head(t.council.id).await.unwrap().unwrap();
    assert_eq!(head, before + 1);
    let record = tx.audit_record(t.council.id, head).await.unwrap().unwrap();
    assert_eq!(record.action, "request.assign");
    // Someone outside the office, or no one at all, cannot be given it.
    for who in ["S3", "user-m1", "no-such-person"] {
        let e = requests::assign(&mut tx, &now, &t.council, &desk, a.id, Some(who))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Invalid, "{who}");
    }
    let events = tx.request_events(a.id).await.unwrap();
    assert!(events.iter().any(|e| e.text == "Assigned to Eve Desk."));
    tx.commit().await.unwrap();
    // The head of ICT may not assign the service desk's requests.
    let head_of_ict = t.principal("S3").await;
    let mut tx = t.tx().await;
    let e = requests::assign(&mut tx, &now, &t.council, &head_of_ict, a.id, Some("S1"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Forbidden);
}

#[tokio::test]
async fn a_saturday_night_report_is_due_on_monday_in_working_hours() {
    let t = county().await;
    // Saturday 6 February 2027, 23:30: four working hours from 09:00 Monday.
    let r = t.report("M1", "LAP-1", at("2027-02-06T23:30:00Z")).await;
    assert_eq!(r.due_at, Some(at("2027-02-08T13:00:00Z")));
    // In summer time the desk opens at 08:00 UTC.
    let r = t.report("M1", "LAP-1", at("2027-06-05T20:00:00Z")).await;
    assert_eq!(r.due_at, Some(at("2027-06-07T12:00:00Z")));
}

#[tokio::test]
async fn cases_page_within_their_handlers() {
    let t = county().await;
    let mo = t.principal("S4").await;
    let mut made = Vec::new();
    for n in 0..7 {
        let mut tx = t.tx().await;
        let c = ctx_at(at("2027-02-01T10:00:00Z") + chrono::Duration::hours(n));
        let subject = if n % 2 == 0 { "M1" } else { "M3" };
        let concern = Concern {
            subject: Some(subject.parse().unwrap()),
            summary: format!("Concern {n}"),
            details: String::new(),
        };
        let case = cases::raise(&mut tx, &c, &t.council, Raiser::Anonymous, concern)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        made.push(case.id);
    }
    let list = |p: Principal, q: CaseQuery| {
        let store = t.store.clone();
        let council = t.council.clone();
        async move {
            let mut tx = store.read().await.unwrap();
            case_list::list(&mut tx, &council, &p, &q, day("2027-03-01"))
                .await
                .unwrap()
        }
    };
    for sort in CaseSort::ALL {
        let mut q = CaseQuery {
            search: SearchWords::default(),
            sort,
            direction: Direction::Descending,
            filter: CaseFilter {
                state: CaseStates::All,
            },
            window: Window::first(3),
        };
        let mut seen = Vec::new();
        loop {
            let page = list(mo.clone(), q.clone()).await;
            assert_eq!(page.total, Total::Exactly(7));
            seen.extend(page.items.iter().map(|v| v.case.id));
            match page.next {
                Some(next) => q.continue_from(next),
                None => break,
            }
        }
        let mut sorted = seen.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, made, "{sort:?}");
    }
    let q = CaseQuery {
        search: SearchWords::parse("ada"),
        ..CaseQuery::default()
    };
    let found = list(mo.clone(), q).await;
    assert_eq!(found.total, Total::Exactly(4));
    assert!(
        found
            .items
            .iter()
            .all(|v| v.subject.as_ref().unwrap().name == "Ada Quill")
    );
    assert!(!found.items[0].handler_names.is_empty());
    // The service desk handles no cases: it sees none, and counts none.
    let desk = t.principal("S1").await;
    let none = list(desk, CaseQuery::default()).await;
    assert!(none.items.is_empty());
    assert_eq!(none.total, Total::Exactly(0));
}

#[tokio::test]
async fn information_requests_page_within_their_handlers() {
    let t = county().await;
    let mo = t.principal("S4").await;
    let now = ctx_at(at("2027-03-01T10:00:00Z"));
    let mut tx = t.tx().await;
    for n in 0..9u32 {
        let sar = n % 3 == 0;
        let what = ops_info::Receive {
            kind: if sar { InfoKind::Sar } else { InfoKind::Foi },
            requester: format!("Requester {n}"),
            subject: sar.then(|| "M1".parse().unwrap()),
            received_on: day("2027-02-01") + chrono::Days::new(u64::from(n)),
            summary: format!("Question {n}"),
            nation: None,
        };
        ops_info::receive(&mut tx, &now, &t.council, &mo, what)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let list = |p: Principal, q: InfoQuery| {
        let (store, council) = (t.store.clone(), t.council.clone());
        async move {
            let mut tx = store.read().await.unwrap();
            ops_info::list::list(&mut tx, &council, &p, &q, day("2027-03-01"))
                .await
                .unwrap()
        }
    };
    for sort in InfoSort::ALL {
        for direction in [Direction::Ascending, Direction::Descending] {
            let mut q = InfoQuery {
                sort,
                direction,
                window: Window::first(4),
                ..InfoQuery::default()
            };
            let mut seen = Vec::new();
            let mut pages = Vec::new();
            let last = loop {
                let page = list(mo.clone(), q.clone()).await;
                assert_eq!(page.total, Total::Exactly(9));
                pages.push(page.items.iter().map(|v| v.request.id).collect::<Vec<_>>());
                seen.extend(page.items.iter().map(|v| v.request.id));
                match page.next.clone() {
                    Some(next) => q.continue_from(next),
                    None => break page,
                }
            };
            let mut unique = seen.clone();
            unique.sort_unstable();
            unique.dedup();
            assert_eq!(unique.len(), 9, "{sort:?} {direction:?}: {seen:?}");
            // And back again to the first page.
            let mut page = last;
            let mut back = vec![pages.pop().unwrap()];
            while let Some(previous) = page.previous.clone() {
                q.continue_from(previous);
                page = list(mo.clone(), q.clone()).await;
                back.push(page.items.iter().map(|v| v.request.id).collect());
            }
            back.reverse();
            pages.push(back.last().unwrap().clone());
            assert_eq!(back, pages, "{sort:?} {direction:?}");
        }
    }
    // Searched by reference, by requester and by whom a subject access request is about.
    let search = |text: &str| InfoQuery {
        search: SearchWords::parse(text),
        ..InfoQuery::default()
    };
    let by_ref = list(mo.clone(), search("FOI-2027-0002")).await;
    assert_eq!(by_ref.items.len(), 1, "{:?}", by_ref.items);
    assert_eq!(list(mo.clone(), search("requester 4")).await.items.len(), 1);
    let about_ada = list(mo.clone(), search("ada")).await;
    assert_eq!(about_ada.total, Total::Exactly(3));
    assert!(
        about_ada
            .items
            .iter()
            .all(|v| v.request.kind == InfoKind::Sar)
    );
    let sars = InfoQuery {
        filter: InfoFilter {
            kinds: vec![InfoKind::Sar],
            open: Some(true),
        },
        ..InfoQuery::default()
    };
    assert_eq!(list(mo.clone(), sars).await.total, Total::Exactly(3));
    // The service desk handles none: none shown, none counted.
    let desk = t.principal("S1").await;
    let none = list(desk, InfoQuery::default()).await;
    assert!(none.items.is_empty());
    assert_eq!(none.total, Total::Exactly(0));
}

#[tokio::test]
async fn the_outbox_pages_by_state_and_members_see_their_own() {
    let t = county().await;
    let now = ctx_at(at("2027-03-01T10:00:00Z"));
    let mut tx = t.tx().await;
    let ada = people::find(&mut tx, &t.council, &"M1".parse().unwrap())
        .await
        .unwrap();
    let cy = people::find(&mut tx, &t.council, &"M3".parse().unwrap())
        .await
        .unwrap();
    for n in 0..11 {
        let to = if n % 2 == 0 { &ada } else { &cy };
        let letter = Letter {
            subject: format!("Notice {n}"),
            decision: "Return due".into(),
            citation: steward_policy::Citation {
                clause: "1".into(),
                document: "Policy".into(),
            },
            paragraphs: vec!["Please".into()],
            council: "Brack".into(),
        };
        let recipient = Recipient::Person {
            person_id: to.id,
            reference: to.reference.clone(),
            name: to.name.clone(),
            office: None,
            // Ada has an address; Cy does not, so his wait for an officer.
            address: (n % 2 == 0).then(|| "ada@example.org".to_string()),
        };
        outbox_ops::queue(
            &mut tx,
            &now,
            &t.council,
            &format!("k-{n}"),
            "test",
            &letter,
            &[recipient],
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    let list = |p: Principal, q: MessageQuery| {
        let (store, council) = (t.store.clone(), t.council.clone());
        async move {
            let mut tx = store.read().await.unwrap();
            outbox_ops::list::list(&mut tx, &council, &p, &q)
                .await
                .unwrap()
        }
    };
    let desk = t.principal("S1").await;
    for sort in MessageSort::ALL {
        let mut q = MessageQuery {
            sort,
            direction: Direction::Descending,
            window: Window::first(3),
            ..MessageQuery::default()
        };
        let mut seen = Vec::new();
        loop {
            let page = list(desk.clone(), q.clone()).await;
            assert_eq!(page.total, Total::Exactly(11));
            seen.extend(page.items.iter().map(|m| m.id));
            match page.next {
                Some(next) => q.continue_from(next),
                None => break,
            }
        }
        let mut unique = seen.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), 11, "{sort:?}");
    }
    let no_address = MessageQuery {
        filter: MessageListFilter {
            state: Some(MessageState::NoAddress),
            person_id: None,
        },
        ..MessageQuery::default()
    };
    assert_eq!(
        list(desk.clone(), no_address).await.total,
        Total::Exactly(5)
    );
    let mut tx = t.store.read().await.unwrap();
    let attention = outbox_ops::list::attention(&mut tx, &t.council)
        .await
        .unwrap();
    assert_eq!(attention.no_address, 5);
    drop(tx);
    let search = MessageQuery {
        search: SearchWords::parse("cy"),
        ..MessageQuery::default()
    };
    assert_eq!(list(desk, search).await.total, Total::Exactly(5));
    // A member sees only their own, whatever they ask for.
    let member = t.principal("M1").await;
    let own = list(member, MessageQuery::default()).await;
    assert_eq!(own.total, Total::Exactly(6));
    assert!(own.items.iter().all(|m| m.person_id == Some(ada.id)));
}
