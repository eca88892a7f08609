//! The administrators' and officers' lists paged in the database: accounts, API tokens, phone
//! bills and statements, and web monitoring findings. Each is walked page by page forwards and
//! back again in both directions, with its filters and its search, on the backend
//! STEWARD_TEST_BACKEND selects; what comes back is checked against the rows put in.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use steward_domain::auth::{AuthTx, HashedPassword, NewApiToken, NewUser, Role};
use steward_domain::listing::{Direction, ListQuery, Listed, SearchWords, Total, Window};
use steward_domain::network::{FindingFilter, NetworkTx, NewFinding};
use steward_domain::ops::account_list::{
    AccountFilter, AccountSort, AccountStatus, TokenFilter, TokenSort, TokenStatus,
};
use steward_domain::ops::network::list::FindingSort;
use steward_domain::phones::lists::{BillFilter, BillSort, StatementFilter, StatementSort};
use steward_domain::phones::repo::{
    NewPhoneBill, NewPhoneCall, NewPhonePayment, NewPhoneStatement,
};
use steward_domain::phones::{BillPeriod, PhoneTx};
use steward_domain::repo::{NewEquipment, NewPerson, RegisterTx};
use steward_domain::*;
use steward_policy::{EquipmentKind, EquipmentState, PersonKind};
use steward_store::Store;
use steward_store::testing::TestDb;

fn parse<T: std::str::FromStr>(s: &str) -> T
where
    T::Err: std::fmt::Debug,
{
    s.parse().unwrap_or_else(|e| panic!("{s}: {e:?}"))
}

fn day(text: &str) -> NaiveDate {
    parse(text)
}

fn at(text: &str) -> DateTime<Utc> {
    parse(text)
}

/// Walks a list from its first page to its last with `limit` rows a page, then back from the
/// last to the first by the `previous` cursors, and answers the ids in order. Each page must
/// say where it starts, and walking back must give the same pages.
async fn walk<S: Clone, F: Clone, T>(
    mut q: ListQuery<S, F>,
    limit: u32,
    mut fetch: impl AsyncFnMut(&ListQuery<S, F>) -> Listed<T>,
    id: impl Fn(&T) -> i64,
) -> (Vec<i64>, Total) {
    q.window = Window::first(limit);
    let mut pages: Vec<Vec<i64>> = Vec::new();
    let mut last = loop {
        let page = fetch(&q).await;
        assert!(page.items.len() as u32 <= limit);
        let first_index = pages.iter().map(Vec::len).sum::<usize>() as u64;
        assert_eq!(page.first_index, first_index);
        pages.push(page.items.iter().map(&id).collect());
        match page.next.clone() {
            Some(next) => q.continue_from(next),
            None => break page,
        }
    };
    let total = last.total;
    let mut back = vec![pages.last().cloned().unwrap_or_default()];
    while let Some(previous) = last.previous.clone() {
        q.continue_from(previous);
        last = fetch(&q).await;
        back.push(last.items.iter().map(&id).collect());
    }
    back.reverse();
    assert_eq!(back, pages, "walking back gives the same pages");
    (pages.concat(), total)
}

/// Walks `q` both ways, ascending and descending, and checks each gives `expected` (in
/// ascending order) and counts it.
async fn check_both_ways<S: Clone, F: Clone, T>(
    q: ListQuery<S, F>,
    expected: &[i64],
    mut fetch: impl AsyncFnMut(&ListQuery<S, F>) -> Listed<T>,
    id: impl Fn(&T) -> i64 + Copy,
) {
    for direction in [Direction::Ascending, Direction::Descending] {
        let query = ListQuery {
            direction,
            ..q.clone()
        };
        let (ids, total) = walk(query, 2, &mut fetch, id).await;
        let mut want = expected.to_vec();
        if direction == Direction::Descending {
            want.reverse();
        }
        assert_eq!(ids, want, "{direction:?}");
        assert_eq!(
            total,
            Total::Exactly(expected.len() as u64),
            "{direction:?}"
        );
    }
}

fn query<S: Default, F>(sort: S, filter: F, search: &str) -> ListQuery<S, F> {
    ListQuery {
        search: SearchWords::parse(search),
        sort,
        direction: Direction::Ascending,
        filter,
        window: Window::first(50),
    }
}

struct Setup {
    _db: TestDb,
    store: Store,
    council: Council,
    /// Account ids by username.
    users: Vec<(String, Id)>,
    tokens: Vec<Id>,
    bills: Vec<Id>,
    statements: Vec<Id>,
    findings: Vec<Id>,
    people: Vec<Id>,
}

fn person(reference: &str, name: &str) -> NewPerson {
    NewPerson {
        reference: parse(reference),
        name: name.into(),
        kind: PersonKind::Councillor,
        email: None,
        household: None,
    }
}

fn phone(tag: &str) -> NewEquipment {
    NewEquipment {
        asset_tag: parse(tag),
        kind: EquipmentKind::MobilePhone,
        model: "Handset".into(),
        serial: None,
        purchased_on: None,
        replacement_cost: Pence(30_000),
        pat_tested_on: None,
        encrypted: true,
        state: EquipmentState::InStock,
    }
}

/// An account: (username, role, person index, must change, disabled, invited, created day).
type Account = (
    &'static str,
    Role,
    Option<usize>,
    bool,
    bool,
    bool,
    &'static str,
);

const ACCOUNTS: &[Account] = &[
    (
        "ada.quill",
        Role::Member,
        Some(0),
        false,
        false,
        false,
        "2027-01-05",
    ),
    (
        "bob",
        Role::Officer,
        Some(1),
        true,
        false,
        false,
        "2027-01-03",
    ),
    (
        "clerk",
        Role::Admin,
        None,
        false,
        false,
        false,
        "2027-01-01",
    ),
    (
        "deb",
        Role::Member,
        Some(2),
        false,
        true,
        false,
        "2027-01-04",
    ),
    (
        "evie",
        Role::Member,
        Some(3),
        true,
        false,
        true,
        "2027-01-02",
    ),
    (
        "fay.quill",
        Role::Auditor,
        None,
        false,
        false,
        false,
        "2027-01-06",
    ),
    (
        "gustav",
        Role::Auditor,
        None,
        false,
        false,
        true,
        "2027-01-07",
    ),
];

async fn setup() -> Setup {
    let db = TestDb::new().await;
    let store = db.open().await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let council = tx
        .insert_council(&parse("ashbury"), "Ashbury")
        .await
        .unwrap();
    // Another council's rows never show.
    let other = tx
        .insert_council(&parse("brackley"), "Brackley")
        .await
        .unwrap();
    let names = [
        ("M1", "Ada Quill"),
        ("M2", "Bo Marsh"),
        ("M3", "Dee Rowe"),
        ("M4", "Eve Hart"),
    ];
    let mut people = Vec::new();
    for (reference, name) in names {
        let p = tx
            .insert_person(council.id, &person(reference, name))
            .await
            .unwrap();
        people.push(p.id);
    }
    let hash = HashedPassword::from_phc("not a real hash".into());
    let mut users = Vec::new();
    for (name, role, who, must, disabled, invited, created) in ACCOUNTS {
        let new = NewUser {
            username: parse(name),
            role: *role,
            person_id: who.map(|i| people[i]),
            password_hash: hash.clone(),
            must_change_password: *must,
            created_at: day(created).and_hms_opt(9, 0, 0).unwrap().and_utc(),
        };
        let mut user = tx.insert_user(council.id, &new).await.unwrap();
        if *disabled {
            user.disabled = true;
            tx.update_user(&user).await.unwrap();
        }
        if *invited {
            tx.insert_invitation(council.id, user.id, new.created_at, "clerk")
                .await
                .unwrap();
        }
        users.push((name.to_string(), user.id));
    }
    let theirs = NewUser {
        username: parse("ada.quill"),
        role: Role::Admin,
        person_id: None,
        password_hash: hash.clone(),
        must_change_password: false,
        created_at: at("2027-01-01T09:00:00Z"),
    };
    let outsider = tx.insert_user(other.id, &theirs).await.unwrap();

    // Tokens: (name, owner, created day, expires, revoked).
    let token_rows: &[(&str, usize, &str, Option<&str>, bool)] = &[
        ("Nightly export", 2, "2027-02-01", None, false),
        ("Audit reader", 5, "2027-02-03", Some("2027-03-01"), false),
        ("old export", 2, "2027-02-02", None, true),
        ("Payroll feed", 2, "2027-02-05", Some("2027-12-31"), false),
        ("Spare", 5, "2027-02-04", None, false),
    ];
    let mut tokens = Vec::new();
    for (i, (name, owner, created, expires, revoked)) in token_rows.iter().enumerate() {
        let new = NewApiToken {
            token_hash: format!("hash-{i}"),
            name: name.to_string(),
            role: Role::Auditor,
            created_by: users[*owner].1,
            created_at: day(created).and_hms_opt(8, 0, 0).unwrap().and_utc(),
            expires_on: expires.map(day),
            scope: steward_domain::auth::TokenScope::Api,
        };
        let t = tx.insert_token(council.id, &new).await.unwrap();
        if *revoked {
            tx.revoke_token(council.id, t.id, at("2027-02-10T08:00:00Z"))
                .await
                .unwrap();
        }
        tokens.push(t.id);
    }
    tx.insert_token(
        other.id,
        &NewApiToken {
            token_hash: "theirs".into(),
            name: "Nightly export".into(),
            role: Role::Auditor,
            created_by: outsider.id,
            created_at: at("2027-02-01T08:00:00Z"),
            expires_on: None,
            scope: steward_domain::auth::TokenScope::Api,
        },
    )
    .await
    .unwrap();

    // Two lines, bills over three months; Ada and Bo have calls, statements for some.
    let kit1 = tx
        .insert_equipment(council.id, &phone("PHN-1"))
        .await
        .unwrap();
    let kit2 = tx
        .insert_equipment(council.id, &phone("PHN-2"))
        .await
        .unwrap();
    let line1 = tx
        .insert_phone_line(
            council.id,
            kit1.id,
            &parse("07700 900123"),
            day("2027-01-04"),
        )
        .await
        .unwrap();
    let line2 = tx
        .insert_phone_line(
            council.id,
            kit2.id,
            &parse("07700 900456"),
            day("2027-01-04"),
        )
        .await
        .unwrap();
    // (line, month, imported, caller)
    let bill_rows = [
        (line1.id, "2027-02", "2027-03-02", Some(people[0])),
        (line2.id, "2027-02", "2027-03-01", Some(people[1])),
        (line1.id, "2027-01", "2027-02-03", Some(people[0])),
        (line2.id, "2027-03", "2027-04-02", None),
        (line1.id, "2027-03", "2027-04-01", Some(people[0])),
    ];
    let mut bills = Vec::new();
    for (line, month, imported, caller) in bill_rows {
        let bill = tx
            .insert_phone_bill(
                council.id,
                &NewPhoneBill {
                    line_id: line,
                    period: parse::<BillPeriod>(month),
                    imported_on: day(imported),
                    imported_by: "clerk".into(),
                    source: format!("{month}.csv"),
                },
            )
            .await
            .unwrap();
        tx.insert_phone_call(
            bill.council_id,
            bill.id,
            &NewPhoneCall {
                called_on: day(&format!("{month}-10")),
                called_at: Some(parse::<NaiveTime>("10:00:00")),
                called: Some("01632 960001".into()),
                description: None,
                duration_seconds: Some(60),
                cost: Pence(120),
                person_id: caller,
                loan_id: None,
            },
        )
        .await
        .unwrap();
        bills.push(bill.id);
    }
    // Statements: (bill, person, amount, issued, paid).
    let statement_rows = [
        (0, 0, 300, "2027-03-05", 300),
        (1, 1, 150, "2027-03-04", 0),
        (2, 0, 90, "2027-02-06", 40),
        (4, 0, 500, "2027-04-05", 0),
    ];
    let mut statements = Vec::new();
    for (bill, who, amount, issued, paid) in statement_rows {
        let s = tx
            .insert_phone_statement(
                council.id,
                &NewPhoneStatement {
                    bill_id: bills[bill],
                    person_id: people[who],
                    amount: Pence(amount),
                    issued_on: day(issued),
                    issued_by: "clerk".into(),
                    clause: "24".into(),
                    document: "Members' ICT Policy".into(),
                },
            )
            .await
            .unwrap();
        if paid > 0 {
            tx.insert_phone_payment(
                council.id,
                &NewPhonePayment {
                    statement_id: s.id,
                    amount: Pence(paid),
                    paid_on: day(issued) + Duration::days(3),
                    reference: None,
                    recorded_by: "clerk".into(),
                },
            )
            .await
            .unwrap();
        }
        statements.push(s.id);
    }

    // Findings: two logs saw some of the same cells; each cell is listed once.
    let scan = tx
        .insert_web_scan(council.id, at("2027-03-10T06:00:00Z"), "clerk", 2, 100)
        .await
        .unwrap();
    // (log, identity, person, category, day)
    let finding_rows: &[(&str, &str, Option<usize>, &str, &str)] = &[
        ("a.log", "ada", Some(0), "gambling", "2027-03-01"),
        ("b.log", "ada", Some(0), "gambling", "2027-03-01"),
        ("a.log", "ada", Some(0), "adult", "2027-03-02"),
        ("a.log", "bob", Some(1), "gambling", "2027-03-02"),
        ("b.log", "10.0.0.9", None, "adult", "2027-03-03"),
        ("a.log", "bob", Some(1), "weapons", "2027-03-04"),
        ("b.log", "ada", None, "weapons", "2027-03-04"),
        ("a.log", "ada", Some(0), "weapons", "2027-03-04"),
    ];
    let mut findings = Vec::new();
    for (source, identity, who, category, on) in finding_rows {
        let seen = day(on).and_hms_opt(12, 0, 0).unwrap().and_utc();
        let f = tx
            .put_web_finding(
                council.id,
                scan.id,
                who.map(|i| people[i]),
                &NewFinding {
                    source: source.to_string(),
                    identity: identity.to_string(),
                    category: category.to_string(),
                    day: day(on),
                    visits: 2,
                    first_seen: seen,
                    last_seen: seen + Duration::minutes(5),
                    samples: vec![format!("{category}.example")],
                },
            )
            .await
            .unwrap();
        findings.push(f.id);
    }
    tx.commit().await.unwrap();
    Setup {
        _db: db,
        store,
        council,
        users,
        tokens,
        bills,
        statements,
        findings,
        people,
    }
}

impl Setup {
    fn user(&self, name: &str) -> Id {
        self.users.iter().find(|(n, _)| n == name).unwrap().1
    }

    fn users_named(&self, names: &[&str]) -> Vec<Id> {
        names.iter().map(|n| self.user(n)).collect()
    }
}

#[tokio::test]
async fn accounts_page_both_ways_by_each_sort_filter_and_search() {
    let t = setup().await;
    let (store, cid) = (&t.store, t.council.id);
    let fetch = async |q: &ListQuery<AccountSort, AccountFilter>| {
        let mut tx = store.read().await.unwrap();
        tx.list_users(cid, q).await.unwrap()
    };
    let id = |v: &steward_domain::ops::account_list::UserView| v.user.id;
    let all = [
        "ada.quill",
        "bob",
        "clerk",
        "deb",
        "evie",
        "fay.quill",
        "gustav",
    ];
    let q = query(AccountSort::Username, AccountFilter::default(), "");
    check_both_ways(q, &t.users_named(&all), fetch, id).await;
    let by_created = [
        "clerk",
        "evie",
        "bob",
        "deb",
        "ada.quill",
        "fay.quill",
        "gustav",
    ];
    let q = query(AccountSort::Created, AccountFilter::default(), "");
    check_both_ways(q, &t.users_named(&by_created), fetch, id).await;
    // Roles sort by name; ties by id.
    let by_role = [
        "clerk",
        "fay.quill",
        "gustav",
        "ada.quill",
        "deb",
        "evie",
        "bob",
    ];
    let q = query(AccountSort::Role, AccountFilter::default(), "");
    check_both_ways(q, &t.users_named(&by_role), fetch, id).await;
    let members = AccountFilter {
        role: Some(Role::Member),
        status: None,
    };
    let q = query(AccountSort::Username, members, "");
    check_both_ways(q, &t.users_named(&["ada.quill", "deb", "evie"]), fetch, id).await;
    for (status, names) in [
        (AccountStatus::Invited, &["evie", "gustav"][..]),
        (AccountStatus::Disabled, &["deb"][..]),
        (AccountStatus::MustChangePassword, &["bob"][..]),
        (
            AccountStatus::Active,
            &["ada.quill", "clerk", "fay.quill"][..],
        ),
    ] {
        let filter = AccountFilter {
            role: None,
            status: Some(status),
        };
        let q = query(AccountSort::Username, filter, "");
        check_both_ways(q, &t.users_named(names), fetch, id).await;
    }
    // A username's part, or the name or reference of the person the account acts as.
    let q = query(AccountSort::Username, AccountFilter::default(), "quill");
    check_both_ways(q, &t.users_named(&["ada.quill", "fay.quill"]), fetch, id).await;
    let q = query(AccountSort::Username, AccountFilter::default(), "hart");
    check_both_ways(q, &t.users_named(&["evie"]), fetch, id).await;
    let q = query(AccountSort::Username, AccountFilter::default(), "m2");
    check_both_ways(q, &t.users_named(&["bob"]), fetch, id).await;
    let page = fetch(&query(AccountSort::Username, AccountFilter::default(), "")).await;
    let eve = page
        .items
        .iter()
        .find(|v| v.user.username.as_str() == "evie")
        .unwrap();
    assert_eq!(eve.status, AccountStatus::Invited);
    assert_eq!(eve.person_name.as_deref(), Some("Eve Hart"));
}

#[tokio::test]
async fn tokens_page_both_ways_by_each_sort_status_and_search() {
    let t = setup().await;
    let (store, cid) = (&t.store, t.council.id);
    let now = at("2027-03-01T10:00:00Z");
    let fetch = async |q: &ListQuery<TokenSort, TokenFilter>| {
        let mut tx = store.read().await.unwrap();
        tx.list_tokens(cid, q, now).await.unwrap()
    };
    let id = |v: &steward_domain::ops::account_list::TokenView| v.token.id;
    let tk = |ns: &[usize]| ns.iter().map(|n| t.tokens[*n]).collect::<Vec<_>>();
    let q = query(TokenSort::Created, TokenFilter::default(), "");
    check_both_ways(q, &tk(&[0, 2, 1, 4, 3]), fetch, id).await;
    let q = query(TokenSort::Name, TokenFilter::default(), "");
    check_both_ways(q, &tk(&[1, 0, 2, 3, 4]), fetch, id).await;
    // No expiry sorts last.
    let q = query(TokenSort::Expires, TokenFilter::default(), "");
    check_both_ways(q, &tk(&[1, 3, 0, 2, 4]), fetch, id).await;
    // The audit reader's token ran out at the start of 1 March.
    for (status, want) in [
        (TokenStatus::Active, tk(&[0, 4, 3])),
        (TokenStatus::Expired, tk(&[1])),
        (TokenStatus::Revoked, tk(&[2])),
    ] {
        let q = query(
            TokenSort::Created,
            TokenFilter {
                status: Some(status),
            },
            "",
        );
        check_both_ways(q, &want, fetch, id).await;
    }
    let q = query(TokenSort::Created, TokenFilter::default(), "export");
    check_both_ways(q, &tk(&[0, 2]), fetch, id).await;
    // By the owning account's username.
    let q = query(TokenSort::Created, TokenFilter::default(), "fay");
    check_both_ways(q, &tk(&[1, 4]), fetch, id).await;
    let page = fetch(&query(TokenSort::Created, TokenFilter::default(), "")).await;
    assert!(page.items.iter().all(|v| v.username.is_some()));
}

#[tokio::test]
async fn bills_and_statements_page_both_ways_with_their_filters_and_search() {
    let t = setup().await;
    let (store, cid) = (&t.store, t.council.id);
    let bills = async |q: &ListQuery<BillSort, BillFilter>| {
        let mut tx = store.read().await.unwrap();
        tx.list_phone_bills(cid, q).await.unwrap()
    };
    let bill_id = |v: &steward_domain::phones::views::BillView| v.bill.id;
    let b = |ns: &[usize]| ns.iter().map(|n| t.bills[*n]).collect::<Vec<_>>();
    let q = query(BillSort::Month, BillFilter::default(), "");
    check_both_ways(q, &b(&[2, 0, 1, 3, 4]), bills, bill_id).await;
    let q = query(BillSort::Imported, BillFilter::default(), "");
    check_both_ways(q, &b(&[2, 1, 0, 4, 3]), bills, bill_id).await;
    let march = BillFilter {
        period: Some(parse("2027-03")),
    };
    check_both_ways(
        query(BillSort::Month, march, ""),
        &b(&[3, 4]),
        bills,
        bill_id,
    )
    .await;
    // By the line's number however it is begun, or by someone with calls on the bill.
    let q = query(BillSort::Month, BillFilter::default(), "07700900456");
    check_both_ways(q, &b(&[1, 3]), bills, bill_id).await;
    let q = query(BillSort::Month, BillFilter::default(), "quill");
    check_both_ways(q, &b(&[2, 0, 4]), bills, bill_id).await;
    let page = bills(&query(BillSort::Month, BillFilter::default(), "")).await;
    let shared = page.items.iter().find(|v| v.bill.id == t.bills[3]).unwrap();
    assert_eq!((shared.items, shared.council_items), (1, 1));
    let ada = page.items.iter().find(|v| v.bill.id == t.bills[0]).unwrap();
    assert_eq!(ada.holders.len(), 1);
    assert_eq!(ada.holders[0].statement_id, Some(t.statements[0]));
    assert_eq!(ada.total, Pence(120));

    let statements = async |q: &ListQuery<StatementSort, StatementFilter>| {
        let mut tx = store.read().await.unwrap();
        tx.list_phone_statements(cid, q).await.unwrap()
    };
    let st_id = |v: &steward_domain::phones::views::StatementView| v.statement.id;
    let s = |ns: &[usize]| ns.iter().map(|n| t.statements[*n]).collect::<Vec<_>>();
    let q = query(StatementSort::Issued, StatementFilter::default(), "");
    check_both_ways(q, &s(&[2, 1, 0, 3]), statements, st_id).await;
    let q = query(StatementSort::Owed, StatementFilter::default(), "");
    check_both_ways(q, &s(&[2, 1, 0, 3]), statements, st_id).await;
    let owed = StatementFilter { outstanding: true };
    let q = query(StatementSort::Issued, owed.clone(), "");
    check_both_ways(q, &s(&[2, 1, 3]), statements, st_id).await;
    let q = query(StatementSort::Issued, owed, "m1");
    check_both_ways(q, &s(&[2, 3]), statements, st_id).await;
    let q = query(StatementSort::Issued, StatementFilter::default(), "900456");
    check_both_ways(q, &s(&[1]), statements, st_id).await;
    let page = statements(&query(
        StatementSort::Issued,
        StatementFilter::default(),
        "",
    ))
    .await;
    let part = page
        .items
        .iter()
        .find(|v| v.statement.id == t.statements[2])
        .unwrap();
    assert_eq!((part.paid, part.outstanding), (Pence(40), Pence(50)));
    assert_eq!(part.payments.len(), 1);
    let mut tx = store.read().await.unwrap();
    assert_eq!(tx.phone_owed(cid).await.unwrap(), Pence(50 + 150 + 500));
}

#[tokio::test]
async fn findings_page_both_ways_one_row_per_cell_with_filters_and_search() {
    let t = setup().await;
    let (store, cid) = (&t.store, t.council.id);
    let fetch = async |q: &ListQuery<FindingSort, FindingFilter>| {
        let mut tx = store.read().await.unwrap();
        tx.list_web_findings(cid, q).await.unwrap()
    };
    let id = |c: &steward_domain::network::FindingCell| c.id;
    let f = |ns: &[usize]| ns.iter().map(|n| t.findings[*n]).collect::<Vec<_>>();
    // The second log's sighting of Ada's gambling on 1 March is summed into the first's row.
    let q = query(FindingSort::Day, FindingFilter::default(), "");
    check_both_ways(q, &f(&[0, 2, 3, 4, 5, 6]), fetch, id).await;
    let q = query(FindingSort::Category, FindingFilter::default(), "");
    check_both_ways(q, &f(&[2, 4, 0, 3, 5, 6]), fetch, id).await;
    let bo = FindingFilter {
        person_id: Some(t.people[1]),
        ..FindingFilter::default()
    };
    check_both_ways(query(FindingSort::Day, bo, ""), &f(&[3, 5]), fetch, id).await;
    let window = FindingFilter {
        category: Some("gambling".into()),
        from: Some(day("2027-03-02")),
        to: Some(day("2027-03-04")),
        ..FindingFilter::default()
    };
    check_both_ways(query(FindingSort::Day, window, ""), &f(&[3]), fetch, id).await;
    let q = query(FindingSort::Day, FindingFilter::default(), "ada quill");
    check_both_ways(q, &f(&[0, 2, 6]), fetch, id).await;
    let page = fetch(&query(FindingSort::Day, FindingFilter::default(), "")).await;
    let summed = page.items.iter().find(|c| c.id == t.findings[0]).unwrap();
    assert_eq!(summed.visits, 4);
    assert_eq!(summed.person_name.as_deref(), Some("Ada Quill"));
    // A log that did not know the person on a day takes them from one that did.
    let weapons = page.items.iter().find(|c| c.id == t.findings[6]).unwrap();
    assert_eq!(weapons.person_id, Some(t.people[0]));
}
