//! The equipment, loans and signatures lists paged in the database, on the backend
//! STEWARD_TEST_BACKEND selects: every page walked forwards and back with nothing twice or
//! missing, in the order each sort promises, both ways, with each filter and the search.

use chrono::{Days, NaiveDate, TimeZone, Utc};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::future::Future;
use steward_domain::listing::{Cursor, Direction, ListQuery, Listed, SearchWords, Total, Window};
use steward_domain::ops::acceptance::list::{
    SignatureFilter, SignatureQuery, SignatureScope, SignatureSort,
};
use steward_domain::ops::equipment::list::{EquipmentFilter, EquipmentSort};
use steward_domain::ops::loans::list::{LoanFilter, LoanShow, LoanSort};
use steward_domain::ops::people::list::{PeopleFilter, PeopleQuery, PeopleSort};
use steward_domain::ops::{acceptance, council, policy};
use steward_domain::repo::{NewAcceptance, NewEquipment, NewLoan, NewPerson};
use steward_domain::*;
use steward_policy::signatures::Outstanding;
use steward_policy::{EquipmentKind, EquipmentState, PersonKind, presets};
use steward_store::testing::TestDb;
use steward_store::{Backend, Store, StoreTx};

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
}

const TODAY: &str = "2027-06-01";

/// A register of 30 people (every seventh out of office, every third an employee), 40 items of
/// three kinds, 30 loans (open, overdue, due this week, recalled, returned, lost, stolen) and
/// signatures old and new.
struct Register {
    _db: TestDb,
    store: Store,
    council: Council,
    people: Vec<Person>,
    items: Vec<Equipment>,
    loans: Vec<Loan>,
    active: policy::ActivePack,
}

fn kind_of_person(i: usize) -> PersonKind {
    match i % 3 {
        0 => PersonKind::Councillor,
        1 => PersonKind::CoOptedMember,
        _ => PersonKind::Employee,
    }
}

fn kind_of_item(i: usize) -> EquipmentKind {
    [
        EquipmentKind::Laptop,
        EquipmentKind::Tablet,
        EquipmentKind::MobilePhone,
    ][i % 3]
}

const NAMES: &[&str] = &["Ada Quill", "ben rowe", "Cy Marsh", "Dot Lane", "eve Hart"];

async fn people(tx: &mut StoreTx, c: &Council) -> Vec<Person> {
    let mut out = Vec::new();
    for i in 0..30 {
        let new = NewPerson {
            reference: format!("P{:02}", (i * 7) % 30).parse().unwrap(),
            name: format!("{} {i}", NAMES[i % NAMES.len()]),
            kind: kind_of_person(i),
            email: None,
            household: None,
        };
        let p = tx.insert_person(c.id, &new).await.unwrap();
        let (starts, ends) = if i % 7 == 3 {
            (day("2020-01-01"), Some(day("2026-12-31")))
        } else {
            (day("2025-05-01"), None)
        };
        tx.insert_term(c.id, p.id, starts, ends).await.unwrap();
        out.push(p);
    }
    out
}

async fn items(tx: &mut StoreTx, c: &Council) -> Vec<Equipment> {
    let mut out = Vec::new();
    for i in 0..40 {
        let new = NewEquipment {
            asset_tag: format!("IT-{:03}", (i * 13) % 40).parse().unwrap(),
            kind: kind_of_item(i),
            model: ["Lenvo T14", "apad air", "Fone 12", "lenvo x1"][i % 4].into(),
            serial: (i % 5 != 0).then(|| format!("SN{i:04}")),
            purchased_on: (i % 6 != 0)
                .then(|| day("2024-01-01") + Days::new((i * 37 % 500) as u64)),
            replacement_cost: Pence(50_000),
            pat_tested_on: None,
            encrypted: true,
            state: [EquipmentState::InStock, EquipmentState::InRepair][i % 2],
        };
        out.push(tx.insert_equipment(c.id, &new).await.unwrap());
    }
    out
}

/// Loan `i` lends item `i` to person `i`, issued `i` days before 1 April 2027, due on a date
/// that puts some overdue, some due this week and some later; some recalled, some ended.
async fn loans(
    tx: &mut StoreTx,
    c: &Council,
    v: i64,
    ps: &[Person],
    es: &mut [Equipment],
) -> Vec<Loan> {
    let today = day(TODAY);
    let mut out = Vec::new();
    for i in 0..30 {
        let due = (i % 4 != 3).then(|| today + Days::new(i as u64 % 9) - Days::new(3));
        let new = NewLoan {
            equipment_id: es[i].id,
            person_id: ps[i].id,
            issued_on: day("2027-04-01") - Days::new(i as u64),
            due_on: due,
            due_clause: due.map(|_| "4.5".into()),
            pack_version_id: v,
        };
        let mut loan = tx.insert_loan(c.id, &new).await.unwrap();
        if i % 5 == 1 {
            loan.recall_by = Some(today + Days::new(2));
            loan.recall_clause = Some("28".into());
        }
        match i % 6 {
            0 => loan.returned_on = Some(day("2027-05-01") + Days::new(i as u64)),
            2 if i % 4 == 2 => {
                loan.returned_on = Some(day("2027-05-20"));
                loan.ended_as = Some(EquipmentState::Lost);
            }
            4 => {
                loan.returned_on = Some(day("2027-05-21"));
                loan.ended_as = Some(EquipmentState::Stolen);
            }
            _ => {
                es[i].state = EquipmentState::Issued;
                tx.update_equipment(&es[i]).await.unwrap();
            }
        }
        tx.update_loan(&loan).await.unwrap();
        out.push(tx.loan(c.id, loan.id).await.unwrap().unwrap());
    }
    out
}

async fn register() -> Register {
    let db = TestDb::new().await;
    let store = db.open().await.unwrap();
    let start = day("2027-01-04");
    let ctx = Ctx::new(
        "test",
        Utc.from_utc_datetime(&start.and_hms_opt(9, 0, 0).unwrap()),
        start,
    );
    let mut tx = store.begin().await.unwrap();
    let c = council::create(&mut tx, &ctx, &"brack".parse().unwrap(), "Brack")
        .await
        .unwrap();
    let pack = presets::load(presets::find("county-members-policy").unwrap()).unwrap();
    let version = policy::adopt(&mut tx, &ctx, &c, &pack, start)
        .await
        .unwrap();
    let ps = people(&mut tx, &c).await;
    let mut es = items(&mut tx, &c).await;
    let ls = loans(&mut tx, &c, version.id, &ps, &mut es).await;
    // Signatures: every fourth person signed this version, every fourth +1 only an older one,
    // every fourth +2 both, one of them only after the day the list is read.
    for (i, p) in ps.iter().enumerate() {
        let signed = |hash: &str, on: &str| NewAcceptance {
            person_id: p.id,
            pack_version_id: version.id,
            pack_hash: hash.into(),
            signed_on: day(on),
            recorded_at: ctx.now,
            method: SignatureMethod::PaperForm,
            typed_name: None,
            recorded_by: Some("S1".into()),
        };
        let mut made = Vec::new();
        match i % 4 {
            0 => made.push(signed(&version.hash, "2027-02-01")),
            1 => made.push(signed("older", "2026-03-01")),
            2 => {
                made.push(signed("older", "2026-03-01"));
                made.push(signed(
                    &version.hash,
                    if i == 2 { "2027-07-01" } else { "2027-01-10" },
                ));
            }
            _ => {}
        }
        for new in made {
            tx.insert_acceptance(c.id, &new).await.unwrap();
        }
    }
    let active = policy::require(&mut tx, &c, day(TODAY)).await.unwrap();
    tx.commit().await.unwrap();
    Register {
        _db: db,
        store,
        council: c,
        people: ps,
        items: es,
        loans: ls,
        active,
    }
}

/// Walks every page of a list forwards from the start, then back from the last page to the
/// first, checking each page's place in the list and the count, and gives the rows in order.
async fn walk<T, F, Fut>(limit: u32, fetch: F) -> Vec<T>
where
    T: Clone + PartialEq + Debug,
    F: Fn(Window) -> Fut,
    Fut: Future<Output = Listed<T>>,
{
    let mut pages: Vec<Listed<T>> = Vec::new();
    let mut from: Option<Cursor> = None;
    loop {
        let page = fetch(Window::at(limit, from.clone())).await;
        let before: usize = pages.iter().map(|p| p.items.len()).sum();
        assert_eq!(page.first_index as usize, before, "where the page starts");
        assert!(page.items.len() <= limit as usize);
        assert_eq!(
            page.previous.is_some(),
            before > 0,
            "a way back after the first page"
        );
        from = page.next.clone();
        pages.push(page);
        if from.is_none() {
            break;
        }
    }
    let rows: Vec<T> = pages.iter().flat_map(|p| p.items.clone()).collect();
    for page in &pages {
        assert_eq!(page.total, Total::Exactly(rows.len() as u64), "the count");
    }
    // Back from the last page: each page before holds what the walk forwards found there.
    let mut back = pages.last().map(|p| p.items.clone()).unwrap_or_default();
    let mut previous = pages.last().and_then(|p| p.previous.clone());
    while let Some(cursor) = previous {
        let page = fetch(Window::at(limit, Some(cursor))).await;
        assert!(!page.items.is_empty());
        assert!(
            page.next.is_some(),
            "a way forward from a page before the last"
        );
        let mut both = page.items.clone();
        both.extend(back);
        back = both;
        assert_eq!(
            page.first_index as usize,
            rows.len() - back.len(),
            "where it starts"
        );
        previous = page.previous;
    }
    assert_eq!(
        back, rows,
        "the walk back gives the same rows as the walk forwards"
    );
    rows
}

fn query<S: Default, F>(sort: S, direction: Direction, filter: F, search: &str) -> ListQuery<S, F> {
    ListQuery {
        search: SearchWords::parse(search),
        sort,
        direction,
        filter,
        window: Window::first(1),
    }
}

/// `rows` sorted by `key` then id, reversed for descending: the order every list promises.
fn ordered<T, K: Ord>(mut rows: Vec<T>, d: Direction, key: impl Fn(&T) -> (K, i64)) -> Vec<i64> {
    rows.sort_by_key(&key);
    let mut ids: Vec<i64> = rows.iter().map(|r| key(r).1).collect();
    if d.is_descending() {
        ids.reverse();
    }
    ids
}

const BOTH: [Direction; 2] = [Direction::Ascending, Direction::Descending];

fn iso(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

impl Register {
    async fn equipment(&self, q: &ListQuery<EquipmentSort, EquipmentFilter>) -> Vec<i64> {
        let rows = walk(7, |w| {
            let q = ListQuery {
                window: w,
                ..q.clone()
            };
            async move {
                let mut tx = self.store.read().await.unwrap();
                tx.list_equipment(self.council.id, &q, None).await.unwrap()
            }
        })
        .await;
        for r in &rows {
            let holder = self
                .loans
                .iter()
                .find(|l| l.is_open() && l.equipment_id == r.equipment.id);
            assert_eq!(r.holder.as_ref().map(|h| h.loan_id), holder.map(|l| l.id));
        }
        rows.iter().map(|r| r.equipment.id).collect()
    }

    async fn loans(&self, q: &ListQuery<LoanSort, LoanFilter>) -> Vec<i64> {
        let rows = walk(4, |w| {
            let q = ListQuery {
                window: w,
                ..q.clone()
            };
            async move {
                let mut tx = self.store.read().await.unwrap();
                tx.list_loans(self.council.id, &q, day(TODAY), None)
                    .await
                    .unwrap()
            }
        })
        .await;
        for r in &rows {
            let item = self
                .items
                .iter()
                .find(|e| e.id == r.loan.equipment_id)
                .unwrap();
            let person = self
                .people
                .iter()
                .find(|p| p.id == r.loan.person_id)
                .unwrap();
            assert_eq!(
                (&r.asset_tag, &r.person),
                (&item.asset_tag, &person.reference)
            );
        }
        rows.iter().map(|r| r.loan.id).collect()
    }

    async fn signatures(&self, q: SignatureQuery) -> Vec<acceptance::PersonAcceptance> {
        walk(5, |w| {
            let q = ListQuery {
                window: w,
                ..q.clone()
            };
            async move {
                let mut tx = self.store.read().await.unwrap();
                acceptance::list::list(&mut tx, &self.council, &q, day(TODAY))
                    .await
                    .unwrap()
            }
        })
        .await
    }
}

/// On PostgreSQL a read transaction's joined lists run by plans made once per connection
/// (planning a joined page cost more than running it), a one-table list is planned each call
/// (the setting would cost more than it saves), and a transaction that writes plans each call.
#[tokio::test]
async fn reading_joined_lists_keeps_their_plans_and_writing_plans_each_call() {
    let r = register().await;
    let q = query(
        EquipmentSort::Tag,
        Direction::Ascending,
        EquipmentFilter::default(),
        "",
    );
    let people: PeopleQuery = query(
        PeopleSort::Name,
        Direction::Ascending,
        PeopleFilter::default(),
        "",
    );
    let mut tx = r.store.read().await.unwrap();
    tx.list_people(r.council.id, &people, day(TODAY), None)
        .await
        .unwrap();
    let before = tx.postgres_setting("plan_cache_mode").await.unwrap();
    tx.list_equipment(r.council.id, &q, None).await.unwrap();
    let after = tx.postgres_setting("plan_cache_mode").await.unwrap();
    tx.commit().await.unwrap();
    let mut tx = r.store.begin().await.unwrap();
    tx.list_equipment(r.council.id, &q, None).await.unwrap();
    let writing = tx.postgres_setting("plan_cache_mode").await.unwrap();
    tx.rollback().await.unwrap();
    let mut tx = r.store.read().await.unwrap();
    let next = tx.postgres_setting("plan_cache_mode").await.unwrap();
    match r.store.backend() {
        Backend::Postgres => {
            let auto = Some("auto".to_string());
            assert_eq!(before, auto, "after a one-table list");
            assert_eq!(after.as_deref(), Some("force_generic_plan"));
            assert_eq!(writing, auto, "a transaction that writes");
            assert_eq!(next, auto, "the setting ends with its transaction");
        }
        Backend::Sqlite => assert_eq!((before, after, writing, next), (None, None, None, None)),
    }
}

#[tokio::test]
async fn equipment_pages_in_every_order_filter_and_search() {
    let r = register().await;
    for sort in EquipmentSort::ALL {
        for d in BOTH {
            let got = r
                .equipment(&query(sort, d, EquipmentFilter::default(), ""))
                .await;
            let want = ordered(r.items.clone(), d, |e| {
                let key = match sort {
                    EquipmentSort::Tag => e.asset_tag.to_string(),
                    EquipmentSort::Kind => e.kind.as_str().to_string(),
                    EquipmentSort::Model => e.model.to_lowercase(),
                    EquipmentSort::State => e.state.as_str().to_string(),
                    EquipmentSort::Purchased => iso(e.purchased_on),
                };
                (key, e.id)
            });
            assert_eq!(got, want, "{sort:?} {d:?}");
        }
    }
    let by_tag = |rows: Vec<&Equipment>| {
        ordered(rows, Direction::Ascending, |e| {
            (e.asset_tag.to_string(), e.id)
        })
    };
    let tablets = EquipmentFilter {
        kind: Some(EquipmentKind::Tablet),
        state: None,
    };
    let got = r
        .equipment(&query(
            EquipmentSort::Tag,
            Direction::Ascending,
            tablets,
            "",
        ))
        .await;
    assert_eq!(
        got,
        by_tag(
            r.items
                .iter()
                .filter(|e| e.kind == EquipmentKind::Tablet)
                .collect()
        )
    );
    let issued = EquipmentFilter {
        kind: None,
        state: Some(EquipmentState::Issued),
    };
    let got = r
        .equipment(&query(EquipmentSort::Tag, Direction::Ascending, issued, ""))
        .await;
    let want = by_tag(
        r.items
            .iter()
            .filter(|e| e.state == EquipmentState::Issued)
            .collect(),
    );
    assert!(!want.is_empty());
    assert_eq!(got, want);
    // By the start of a model's words, and of a serial number.
    let got = r
        .equipment(&query(
            EquipmentSort::Tag,
            Direction::Ascending,
            EquipmentFilter::default(),
            "LENV x",
        ))
        .await;
    assert_eq!(
        got,
        by_tag(r.items.iter().filter(|e| e.model == "lenvo x1").collect())
    );
    let got = r
        .equipment(&query(
            EquipmentSort::Tag,
            Direction::Ascending,
            EquipmentFilter::default(),
            "sn0007",
        ))
        .await;
    assert_eq!(
        got,
        by_tag(
            r.items
                .iter()
                .filter(|e| e.serial.as_deref() == Some("SN0007"))
                .collect()
        )
    );
    let got = r
        .equipment(&query(
            EquipmentSort::Tag,
            Direction::Ascending,
            EquipmentFilter::default(),
            "nothing",
        ))
        .await;
    assert!(got.is_empty());
}

#[tokio::test]
async fn loans_page_in_every_order_and_by_what_is_due() {
    let r = register().await;
    let today = day(TODAY);
    let all = LoanFilter {
        show: LoanShow::All,
        ..Default::default()
    };
    for sort in LoanSort::ALL {
        for d in BOTH {
            let got = r.loans(&query(sort, d, all.clone(), "")).await;
            let want = ordered(r.loans.clone(), d, |l| {
                let key = match sort {
                    LoanSort::Number => String::new(),
                    LoanSort::LentOn => l.issued_on.to_string(),
                    LoanSort::ReturnBy => l
                        .return_by()
                        .map_or("9999-12-31".into(), |(d, _)| d.to_string()),
                    LoanSort::ReturnedOn => iso(l.returned_on),
                };
                (key, l.id)
            });
            assert_eq!(got, want, "{sort:?} {d:?}");
        }
    }
    let week_end = today + Days::new(6);
    let keeps = |show: LoanShow, l: &Loan| {
        let by = l.return_by().map(|(d, _)| d);
        match show {
            LoanShow::Open => l.is_open(),
            LoanShow::Overdue => l.is_open() && by.is_some_and(|b| b < today),
            LoanShow::DueThisWeek => l.is_open() && by.is_some_and(|b| b >= today && b <= week_end),
            LoanShow::All => true,
        }
    };
    for show in LoanShow::ALL {
        let filter = LoanFilter {
            show,
            ..Default::default()
        };
        let got = r
            .loans(&query(LoanSort::Number, Direction::Descending, filter, ""))
            .await;
        let want = ordered(
            r.loans.iter().filter(|l| keeps(show, l)).collect(),
            Direction::Descending,
            |l| ((), l.id),
        );
        assert!(!want.is_empty(), "{show:?}");
        assert_eq!(got, want, "{show:?}");
    }
    // Overdue loans are open and past their date; a recall brought some dates forward.
    assert!(
        r.loans
            .iter()
            .any(|l| l.recall_by.is_some() && keeps(LoanShow::DueThisWeek, l))
    );
    // One person's and one item's loans.
    let one = LoanFilter {
        show: LoanShow::All,
        person: Some(r.people[4].id),
        equipment: None,
    };
    assert_eq!(
        r.loans(&query(LoanSort::Number, Direction::Ascending, one, ""))
            .await,
        vec![r.loans[4].id]
    );
    let item = LoanFilter {
        show: LoanShow::All,
        person: None,
        equipment: Some(r.items[5].id),
    };
    assert_eq!(
        r.loans(&query(LoanSort::Number, Direction::Ascending, item, ""))
            .await,
        vec![r.loans[5].id]
    );
    // By the borrower's name or reference, or the item's tag.
    let by_name = r
        .loans(&query(
            LoanSort::Number,
            Direction::Ascending,
            all.clone(),
            "cy mar",
        ))
        .await;
    let want: Vec<i64> = r
        .loans
        .iter()
        .filter(|l| {
            r.people
                .iter()
                .any(|p| p.id == l.person_id && p.name.starts_with("Cy Marsh"))
        })
        .map(|l| l.id)
        .collect();
    assert!(!want.is_empty());
    assert_eq!(by_name, want);
    let tag = r.items[9].asset_tag.to_string();
    assert_eq!(
        r.loans(&query(
            LoanSort::Number,
            Direction::Ascending,
            all.clone(),
            &tag
        ))
        .await,
        vec![r.loans[9].id]
    );
    let reference = r.people[11].reference.to_string();
    assert_eq!(
        r.loans(&query(
            LoanSort::Number,
            Direction::Ascending,
            all,
            &reference
        ))
        .await,
        vec![r.loans[11].id]
    );
}

#[tokio::test]
async fn signatures_decide_each_person_as_their_whole_history_does() {
    let r = register().await;
    let today = day(TODAY);
    let covered: Vec<&Person> = {
        let mut tx = r.store.read().await.unwrap();
        let mut out = Vec::new();
        for p in &r.people {
            let serving = tx
                .terms(r.council.id, p.id)
                .await
                .unwrap()
                .iter()
                .any(|t| t.covers(today));
            if serving && r.active.pack.scope.kinds.contains(&p.kind) {
                out.push(p);
            }
        }
        out
    };
    let list = |q: SignatureQuery| r.signatures(q);
    for sort in SignatureSort::ALL {
        for d in BOTH {
            let rows = list(query(sort, d, SignatureFilter::default(), "")).await;
            let got: Vec<i64> = rows.iter().map(|a| a.person.id).collect();
            let want = ordered(covered.clone(), d, |p| {
                let key = match sort {
                    SignatureSort::Name => p.name.to_lowercase(),
                    SignatureSort::Reference => p.reference.to_string(),
                    SignatureSort::Kind => p.kind.as_str().to_string(),
                };
                (key, p.id)
            });
            assert_eq!(got, want, "{sort:?} {d:?}");
        }
    }
    // Each row's standing is what the person's whole history of signatures gives.
    let rows = list(query(
        SignatureSort::Name,
        Direction::Ascending,
        SignatureFilter::default(),
        "",
    ))
    .await;
    let mut tx = r.store.read().await.unwrap();
    let mut kinds = BTreeSet::new();
    for row in &rows {
        let one = acceptance::status_of(&mut tx, r.council.id, &r.active, row.person.id, today)
            .await
            .unwrap();
        assert_eq!(row.status, one, "{}", row.person.reference);
        kinds.insert(format!("{:?}", std::mem::discriminant(&one)));
    }
    drop(tx);
    assert_eq!(kinds.len(), 3, "signed, lapsed and missing are all tested");
    let outstanding = list(query(
        SignatureSort::Name,
        Direction::Ascending,
        SignatureFilter { outstanding: true },
        "",
    ))
    .await;
    let want: Vec<i64> = rows
        .iter()
        .filter(|a| a.status.is_outstanding())
        .map(|a| a.person.id)
        .collect();
    assert!(!want.is_empty());
    assert_eq!(
        outstanding.iter().map(|a| a.person.id).collect::<Vec<_>>(),
        want
    );
    let found = list(query(
        SignatureSort::Name,
        Direction::Ascending,
        SignatureFilter::default(),
        "ben",
    ))
    .await;
    assert!(!found.is_empty());
    assert!(found.iter().all(|a| a.person.name.starts_with("ben rowe")));
}

/// The store's test of who is outstanding, for each of the policy's ways of saying it:
/// signatures of the version only or of any, and a renewal period or none.
#[tokio::test]
async fn outstanding_signatures_by_version_and_by_age() {
    let r = register().await;
    let today = day(TODAY);
    let mut tx = r.store.read().await.unwrap();
    let mut signatures: BTreeMap<i64, Vec<Acceptance>> = BTreeMap::new();
    for p in &r.people {
        signatures.insert(p.id, tx.acceptances(r.council.id, p.id).await.unwrap());
    }
    for of_version_only in [true, false] {
        for good_from in [None, Some(day("2027-01-31"))] {
            let scope = SignatureScope {
                kinds: PersonKind::ALL.to_vec(),
                hash: r.active.version.hash.clone(),
                on: today,
                outstanding: Some(Outstanding {
                    of_version_only,
                    good_from,
                }),
            };
            let q = SignatureQuery {
                filter: SignatureFilter { outstanding: true },
                sort: SignatureSort::Reference,
                window: Window::first(200),
                ..Default::default()
            };
            let got: BTreeSet<i64> = tx
                .list_signatures(r.council.id, &q, &scope, None)
                .await
                .unwrap()
                .items
                .iter()
                .map(|s| s.person.id)
                .collect();
            let serving: BTreeSet<i64> = {
                let mut out = BTreeSet::new();
                for p in &r.people {
                    if tx
                        .terms(r.council.id, p.id)
                        .await
                        .unwrap()
                        .iter()
                        .any(|t| t.covers(today))
                    {
                        out.insert(p.id);
                    }
                }
                out
            };
            let want: BTreeSet<i64> = serving
                .into_iter()
                .filter(|id| {
                    let counting = signatures[id]
                        .iter()
                        .filter(|a| a.signed_on <= today)
                        .filter(|a| !of_version_only || a.pack_hash == r.active.version.hash)
                        .map(|a| a.signed_on)
                        .max();
                    counting.is_none_or(|c| good_from.is_some_and(|g| c < g))
                })
                .collect();
            assert_eq!(
                got, want,
                "of version only {of_version_only}, good from {good_from:?}"
            );
            let counted = tx.count_signatures(r.council.id, &q, &scope).await.unwrap();
            assert_eq!(counted, Total::Exactly(want.len() as u64));
        }
    }
    // A policy that asks for no signature leaves nobody outstanding.
    let scope = SignatureScope {
        kinds: PersonKind::ALL.to_vec(),
        hash: r.active.version.hash.clone(),
        on: today,
        outstanding: None,
    };
    let q = SignatureQuery {
        filter: SignatureFilter { outstanding: true },
        ..Default::default()
    };
    let none = tx
        .list_signatures(r.council.id, &q, &scope, None)
        .await
        .unwrap();
    assert_eq!(none.total, Total::Exactly(0));
}
