//! What is due, on the backend STEWARD_TEST_BACKEND selects: the report reads the same number
//! of statements whatever the register's size, and a kept report is used until the register
//! changes.

use chrono::NaiveDate;
use steward_domain::RegisterTx;
use steward_domain::auth::{Principal, Role, User};
use steward_domain::listing::{SearchWords, Total};
use steward_domain::ops::acceptance::list::{SignatureFilter, SignatureQuery};
use steward_domain::ops::audit_log::{self, AuditLogFilter, AuditLogQuery};
use steward_domain::ops::due::{self, DueCache, DueItem, DueKind};
use steward_domain::ops::equipment::list::EquipmentQuery;
use steward_domain::ops::kept::KeptCounts;
use steward_domain::ops::loans::list::{LoanFilter, LoanQuery, LoanShow};
use steward_domain::ops::outbox::list::MessageQuery;
use steward_domain::ops::people::list::{PeopleFilter, PeopleQuery};
use steward_domain::ops::{acceptance, council, equipment, loans, outbox, people, policy, start};
use steward_domain::outbox::Letter;
use steward_domain::repo::AuditFilter;
use steward_domain::repo::{NewEquipment, NewPerson};
use steward_domain::{Council, Ctx, Pence};
use steward_policy::decide::{self, AcceptanceStatus, Dated, RefreshCandidate};
use steward_policy::{
    Citation, EquipmentKind, EquipmentState, OfficeId, PersonKind, TermEndReason, long_date,
    presets,
};
use steward_store::testing::TestDb;
use steward_store::{Store, StoreTx};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn ctx(on: &str) -> Ctx {
    let d = day(on);
    Ctx::new(
        "test",
        d.and_hms_opt(9, 0, 0).unwrap_or_default().and_utc(),
        d,
    )
}

fn kit(tag: String, kind: EquipmentKind) -> NewEquipment {
    NewEquipment {
        asset_tag: tag.parse().unwrap_or_else(|e| panic!("{tag}: {e:?}")),
        kind,
        model: "Model".into(),
        serial: None,
        purchased_on: Some(day("2022-09-01")),
        replacement_cost: Pence(60_000),
        pat_tested_on: Some(day("2025-10-01")),
        encrypted: true,
        state: EquipmentState::InStock,
    }
}

/// A borough under its members' protocol with `n` councillors: each signs and borrows a
/// laptop, every third is a cabinet member with a phone too, every fifth has left office with
/// the laptop still out, and as many again are in office without having signed. Between them
/// the report holds overdue returns, returns and PAT tests due, the replacement queue, phone
/// evaluations and missing signatures.
async fn borough(store: &Store, n: usize) -> Result<Council, Box<dyn std::error::Error>> {
    let start = ctx("2025-10-01");
    let mut tx = store.begin().await?;
    let c = council::create(&mut tx, &start, &"fenwold".parse()?, "Fenwold").await?;
    let preset = presets::find("borough-members-protocol").ok_or("no preset")?;
    policy::adopt(
        &mut tx,
        &start,
        &c,
        &presets::load(preset)?,
        day("2025-10-01"),
    )
    .await?;
    for i in 0..n {
        let reference = format!("M{i:03}");
        let offices = if i % 3 == 0 {
            vec![OfficeId("cabinet_member".into())]
        } else {
            Vec::new()
        };
        for (r, signs) in [(reference.clone(), true), (format!("U{i:03}"), false)] {
            let req = people::AddPerson {
                person: NewPerson {
                    reference: r.parse()?,
                    name: format!("Member {r}"),
                    kind: PersonKind::Councillor,
                    email: None,
                    household: None,
                },
                term_start: Some(day("2025-05-01")),
                term_end: None,
                offices: if signs { offices.clone() } else { Vec::new() },
            };
            people::add(&mut tx, &start, &c, req).await?;
            if signs {
                let name = format!("Member {r}");
                let typed = acceptance::Signature::Typed { name };
                acceptance::sign(&mut tx, &start, &c, &r.parse()?, typed).await?;
            }
        }
        let mut items = vec![(format!("LAP-{i:03}"), EquipmentKind::Laptop)];
        if i % 3 == 0 {
            items.push((format!("PHN-{i:03}"), EquipmentKind::MobilePhone));
        }
        for (tag, kind) in items {
            equipment::add(&mut tx, &start, &c, kit(tag.clone(), kind)).await?;
            loans::issue(
                &mut tx,
                &start,
                &c,
                &reference.parse()?,
                &tag.parse()?,
                None,
            )
            .await?;
        }
        if i % 5 == 0 {
            let why = TermEndReason::StoodDown;
            people::leave(
                &mut tx,
                &ctx("2026-08-20"),
                &c,
                &reference.parse()?,
                day("2026-08-20"),
                why,
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(c)
}

fn noon(on: NaiveDate) -> chrono::DateTime<chrono::Utc> {
    on.and_hms_opt(12, 0, 0).unwrap_or_default().and_utc()
}

/// An auditor's principal, who may read every count.
fn auditor(council_id: i64) -> Principal {
    let user = User {
        id: 1,
        council_id,
        username: "audrey".parse().unwrap_or_else(|e| panic!("{e:?}")),
        role: Role::Auditor,
        person_id: None,
        must_change_password: false,
        disabled: false,
        created_at: noon(day("2026-01-01")),
        password_changed_at: noon(day("2026-01-01")),
        last_sign_in_at: None,
    };
    Principal::new(user, Role::Auditor, Vec::new())
}

/// Statements `tx` sends while `work` runs.
async fn statements<T>(tx: &mut StoreTx, work: impl AsyncFnOnce(&mut StoreTx) -> T) -> (u64, T) {
    let before = tx.statements_sent();
    let out = work(tx).await;
    (tx.statements_sent() - before, out)
}

#[tokio::test]
async fn the_report_reads_as_many_statements_for_a_hundred_people_as_for_ten() -> TestResult {
    let today = day("2026-09-20");
    let mut cost = Vec::new();
    for n in [10, 100] {
        let db = TestDb::new().await;
        let store = db.open().await?;
        let c = borough(&store, n).await?;
        let mut tx = store.read().await?;
        let (sent, set) = statements(&mut tx, async |tx| due::compute(tx, &c, today).await).await;
        let set = set?;
        let counts = set.counts();
        for kind in [
            DueKind::OverdueReturn,
            DueKind::AcceptanceMissing,
            DueKind::PhoneEvaluation,
            DueKind::Refresh,
            DueKind::PatRetest,
        ] {
            assert!(counts.of(kind) > 0, "{n} people: no {kind:?} in {counts:?}");
        }
        assert_eq!(counts.of(DueKind::AcceptanceMissing), n as u64);
        // Leavers' laptops, and the phones of those of them in the cabinet.
        let overdue: u64 = (0..n)
            .filter(|i| i % 5 == 0)
            .map(|i| 1 + u64::from(i % 3 == 0))
            .sum();
        assert_eq!(counts.of(DueKind::OverdueReturn), overdue);
        // The start page, once the report is kept: the key, and one statement of counts.
        let cache = DueCache::default();
        let auditor = auditor(c.id);
        due::current(&mut tx, &cache, &c, today).await?;
        let (start_cost, figures) = statements(&mut tx, async |tx| {
            start::counts(tx, &cache, &c, &auditor, today, noon(today)).await
        })
        .await;
        assert_eq!(figures?.overdue_returns, overdue);
        assert_eq!(start_cost, 2, "{n} people");
        cost.push((n, sent, counts.total));
    }
    let [(_, small, small_total), (_, large, large_total)] = cost[..] else {
        panic!("two sizes measured: {cost:?}");
    };
    assert!(large_total > 5 * small_total, "{cost:?}");
    assert_eq!(small, large, "statements for 10 and 100 people: {cost:?}");
    assert!(small <= 10, "{cost:?}");
    Ok(())
}

#[tokio::test]
async fn a_kept_report_costs_one_read_until_the_register_changes() -> TestResult {
    let db = TestDb::new().await;
    let store = db.open().await?;
    let c = borough(&store, 6).await?;
    let today = day("2026-09-20");
    let cache = DueCache::default();

    let mut tx = store.read().await?;
    let (first, set) = statements(&mut tx, async |tx| {
        due::current(tx, &cache, &c, today).await
    })
    .await;
    let set = set?;
    assert!(first > 1, "computed: {first}");
    let (again, kept) = statements(&mut tx, async |tx| {
        due::current(tx, &cache, &c, today).await
    })
    .await;
    assert_eq!(again, 1, "one read of the audit head");
    assert!(std::sync::Arc::ptr_eq(&set, &kept?));
    drop(tx);

    // Another day is another report.
    let mut tx = store.read().await?;
    let (other_day, _) = statements(&mut tx, async |tx| {
        due::current(tx, &cache, &c, day("2026-09-21")).await
    })
    .await;
    assert!(other_day > 1);
    drop(tx);

    // A change appends an audit record, so the next read computes the report afresh.
    let missing = set.counts().of(DueKind::AcceptanceMissing);
    let mut tx = store.begin().await?;
    let req = people::AddPerson {
        person: NewPerson {
            reference: "N001".parse()?,
            name: "New Member".into(),
            kind: PersonKind::Councillor,
            email: None,
            household: None,
        },
        term_start: Some(day("2026-09-01")),
        term_end: None,
        offices: Vec::new(),
    };
    people::add(&mut tx, &ctx("2026-09-20"), &c, req).await?;
    tx.commit().await?;
    let mut tx = store.read().await?;
    let (after, fresh) = statements(&mut tx, async |tx| {
        due::current(tx, &cache, &c, today).await
    })
    .await;
    let fresh = fresh?;
    assert!(after > 1, "computed again: {after}");
    assert_eq!(fresh.counts().of(DueKind::AcceptanceMissing), missing + 1);
    // The report at the older head was dropped; the two days' reports are kept.
    assert_eq!(cache.len(), 2);
    Ok(())
}

/// The report as it was made before it was set-based: record by record, through the
/// per-record reads, with the same decisions. Only what the borough fixture holds (no phone
/// bills).
async fn one_by_one(tx: &mut StoreTx, c: &Council, today: NaiveDate) -> Vec<DueItem> {
    let active = policy::in_force(tx, c, today).await.unwrap().unwrap();
    let pack = &active.pack;
    let mut items = Vec::new();
    let within = |d: NaiveDate, days| d <= today + chrono::Duration::days(days);
    let item = |kind, due_on, view: &loans::LoanView, detail: String, citation| DueItem {
        kind,
        due_on,
        person: Some(view.person.to_string()),
        person_name: Some(view.person_name.clone()),
        asset_tag: Some(view.asset_tag.to_string()),
        loan_id: Some(view.loan.id),
        detail,
        citation: Some(citation),
    };
    let views = loans::list(tx, c, true, today).await.unwrap();
    let mut candidates = Vec::new();
    for view in &views {
        let kit = tx
            .equipment_by_id(c.id, view.loan.equipment_id)
            .await
            .unwrap()
            .unwrap();
        let tag = &view.asset_tag;
        if let Some(Dated { date, citation }) = view.return_by.clone() {
            let days = (today - date).num_days();
            if date < today {
                let s = if days == 1 { "" } else { "s" };
                let detail = format!("{tag} was due back {days} day{s} ago");
                items.push(item(
                    DueKind::OverdueReturn,
                    Some(date),
                    view,
                    detail,
                    citation,
                ));
            } else if within(date, 14) {
                let detail = format!("{tag} is due back on {}", long_date(date));
                items.push(item(
                    DueKind::ReturnSoon,
                    Some(date),
                    view,
                    detail,
                    citation,
                ));
            }
        }
        let cost = kit.replacement_cost.0;
        if let Some(ch) = decide::leaving_charge(pack, view.loan.leaving_by, false, cost, today)
            && view.charges.is_empty()
        {
            let detail = format!(
                "a charge of {} may be raised for {tag}",
                Pence(ch.amount_pence)
            );
            items.push(item(
                DueKind::ChargeAllowed,
                Some(ch.from),
                view,
                detail,
                ch.citation,
            ));
        }
        if let Some(next) = decide::next_evaluation(pack, kit.kind, view.loan.issued_on, today)
            && within(next.date, 30)
        {
            let detail = format!("{tag} and its holder's needs are due for evaluation");
            let kind = DueKind::PhoneEvaluation;
            items.push(item(kind, Some(next.date), view, detail, next.citation));
        }
        if let Some(bought) = kit.purchased_on {
            let held = people::offices_on(tx, c.id, view.loan.person_id, today)
                .await
                .unwrap();
            candidates.push((view, kit.kind, bought, held));
        }
    }
    for kit in tx.equipment_list(c.id).await.unwrap() {
        let gone = [
            EquipmentState::Disposed,
            EquipmentState::Lost,
            EquipmentState::Stolen,
        ];
        let Some((due, citation)) = decide::pat_retest_due(pack, kit.kind, kit.pat_tested_on)
        else {
            continue;
        };
        let tag = &kit.asset_tag;
        let (show, detail) = match due {
            None => (true, format!("{tag} has never been PAT tested")),
            Some(d) if d < today => (
                true,
                format!("{tag}'s PAT test ran out on {}", long_date(d)),
            ),
            Some(d) => (
                within(d, 30),
                format!("{tag}'s PAT test runs out on {}", long_date(d)),
            ),
        };
        if show && !gone.contains(&kit.state) {
            items.push(DueItem {
                kind: DueKind::PatRetest,
                due_on: due,
                person: None,
                person_name: None,
                asset_tag: Some(tag.to_string()),
                loan_id: None,
                detail,
                citation: Some(citation),
            });
        }
    }
    for entry in acceptance::register(tx, c, today).await.unwrap() {
        let (kind, detail, citation) = match entry.status {
            AcceptanceStatus::Missing { citation } => {
                let v = entry.policy_version;
                let detail = format!("has not signed version {v} of the policy");
                (DueKind::AcceptanceMissing, detail, citation)
            }
            AcceptanceStatus::Lapsed { reason, citation } => {
                (DueKind::AcceptanceLapsed, reason, citation)
            }
            _ => continue,
        };
        items.push(DueItem {
            kind,
            due_on: None,
            person: Some(entry.person.reference.to_string()),
            person_name: Some(entry.person.name.clone()),
            asset_tag: None,
            loan_id: None,
            detail,
            citation: Some(citation),
        });
    }
    let refresh: Vec<RefreshCandidate<'_>> = candidates
        .iter()
        .map(|(view, kind, bought, held)| RefreshCandidate {
            asset_tag: view.asset_tag.as_str(),
            kind: *kind,
            purchased_on: *bought,
            holder_offices: held,
        })
        .collect();
    let horizon = today + chrono::Duration::days(30);
    for (rank, e) in decide::refresh_queue(pack, &refresh, horizon)
        .into_iter()
        .enumerate()
    {
        let view = views
            .iter()
            .find(|v| v.asset_tag.as_str() == e.asset_tag)
            .unwrap();
        let priority = if e.priority {
            " (priority office holder)"
        } else {
            ""
        };
        let detail = format!("place {} in the replacement queue{priority}", rank + 1);
        items.push(item(
            DueKind::Refresh,
            Some(e.replace_from),
            view,
            detail,
            e.citation,
        ));
    }
    if let Some(review) = decide::review_due(pack, active.version.effective_from)
        && within(review.date, 30)
    {
        items.push(DueItem {
            kind: DueKind::PolicyReview,
            due_on: Some(review.date),
            person: None,
            person_name: None,
            asset_tag: None,
            loan_id: None,
            detail: format!("{} is due for review", pack.pack.title),
            citation: Some(review.citation),
        });
    }
    items
}

fn sorted(items: Vec<DueItem>) -> Vec<String> {
    let mut out: Vec<String> = items
        .iter()
        .map(|i| serde_json::to_string(i).unwrap())
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn the_report_holds_what_reading_record_by_record_finds() -> TestResult {
    let db = TestDb::new().await;
    let store = db.open().await?;
    let c = borough(&store, 16).await?;
    // A charge already raised, a recall and a returned loan change what is due.
    let mut tx = store.begin().await?;
    let at = ctx("2026-09-01");
    let open = tx.loans(c.id, true).await?;
    loans::return_loan(&mut tx, &at, &c, open[0].id).await?;
    let officer = people::AddPerson {
        person: NewPerson {
            reference: "S001".parse()?,
            name: "Legal Officer".into(),
            kind: PersonKind::Employee,
            email: None,
            household: None,
        },
        term_start: Some(day("2025-05-01")),
        term_end: None,
        offices: vec![OfficeId("legal_and_democratic_services_manager".into())],
    };
    people::add(&mut tx, &at, &c, officer).await?;
    loans::recall(&mut tx, &at, &c, open[1].id, &"S001".parse()?, None).await?;
    tx.commit().await?;
    for on in ["2026-09-20", "2026-10-15", "2027-06-01", "2030-01-01"] {
        let today = day(on);
        let mut tx = store.read().await?;
        let set = due::compute(&mut tx, &c, today).await?;
        let before = one_by_one(&mut tx, &c, today).await;
        assert!(!before.is_empty(), "{on}");
        assert_eq!(sorted(set.report().items), sorted(before), "{on}");
    }
    Ok(())
}

/// The figures of the lists whose counts are kept, read through the kept counts and afresh:
/// each must match, the rows too. Returns them (everyone covered, those who still need to
/// sign, open, overdue, due this week and every loan, the audit records).
async fn kept_figures(
    store: &Store,
    kept: &KeptCounts,
    c: &Council,
    today: NaiveDate,
) -> Result<Vec<u64>, Box<dyn std::error::Error>> {
    let mut tx = store.read().await?;
    let active = policy::require(&mut tx, c, today).await?;
    let mut figures = Vec::new();
    let waiting_now = acceptance::list::outstanding_count(&mut tx, c, &active, today).await?;
    for outstanding in [false, true] {
        for words in ["", "member"] {
            let query = SignatureQuery {
                search: SearchWords::parse(words),
                filter: SignatureFilter { outstanding },
                ..Default::default()
            };
            let (page, waiting) =
                acceptance::list::page_kept(&mut tx, kept, c, &active, &query, today).await?;
            let fresh = acceptance::list::page(&mut tx, c, &active, &query, today).await?;
            assert_eq!(
                page.total, fresh.total,
                "outstanding {outstanding} {words:?}"
            );
            assert_eq!(page.items, fresh.items);
            assert_eq!(waiting, waiting_now);
            if words.is_empty() {
                figures.push(page.total.value());
            }
        }
    }
    for show in LoanShow::ALL {
        let query = LoanQuery {
            filter: LoanFilter {
                show,
                ..Default::default()
            },
            ..Default::default()
        };
        let page = loans::list::list_kept(&mut tx, kept, c, &query, today).await?;
        let fresh = loans::list::list(&mut tx, c, &query, today).await?;
        assert_eq!(page.total, fresh.total, "{show:?}");
        assert_eq!(page.items, fresh.items);
        figures.push(page.total.value());
    }
    // The audit log's whole count is the head's sequence number: the records there are.
    let records = tx.audit_records(c.id, &AuditFilter::default()).await?.len() as u64;
    let page = audit_log::list(&mut tx, c, &AuditLogQuery::default()).await?;
    assert_eq!(page.total, Total::Exactly(records));
    // A filtered page is counted, up to its cap.
    let query = AuditLogQuery {
        filter: AuditLogFilter {
            entity: Some("loan".into()),
            ..Default::default()
        },
        ..Default::default()
    };
    let loan_records = tx
        .audit_records(
            c.id,
            &AuditFilter {
                entity: Some("loan".into()),
                ..Default::default()
            },
        )
        .await?
        .len() as u64;
    assert!(loan_records > 0);
    let page = audit_log::list(&mut tx, c, &query).await?;
    assert_eq!(page.total, Total::Exactly(loan_records));
    figures.push(records);
    for in_office in [None, Some(true)] {
        for words in ["", "member"] {
            let query = PeopleQuery {
                search: SearchWords::parse(words),
                filter: PeopleFilter {
                    in_office,
                    ..Default::default()
                },
                ..Default::default()
            };
            let page = people::list::list_kept(&mut tx, kept, c, &query, today).await?;
            let fresh = people::list::list(&mut tx, c, &query, today).await?;
            assert_eq!(page.total, fresh.total, "{in_office:?} {words:?}");
            assert_eq!(page.items, fresh.items);
            if words.is_empty() {
                figures.push(page.total.value());
            }
        }
    }
    let query = EquipmentQuery::default();
    let page = equipment::list::list_kept(&mut tx, kept, c, &query, today).await?;
    let fresh = equipment::list::list(&mut tx, c, &query).await?;
    assert_eq!(page.total, fresh.total);
    assert_eq!(page.items, fresh.items);
    figures.push(page.total.value());
    let reader = auditor(c.id);
    let query = MessageQuery::default();
    let page = outbox::list::list_kept(&mut tx, kept, c, &reader, &query, today).await?;
    let fresh = outbox::list::list(&mut tx, c, &reader, &query).await?;
    assert_eq!(page.total, fresh.total);
    assert_eq!(page.items, fresh.items);
    figures.push(page.total.value());
    let waiting = outbox::list::attention_kept(&mut tx, kept, c, today).await?;
    assert_eq!(waiting, outbox::list::attention(&mut tx, c).await?);
    figures.push(waiting.no_address);
    Ok(figures)
}

#[tokio::test]
async fn kept_list_counts_match_fresh_counts_and_move_with_the_register() -> TestResult {
    let db = TestDb::new().await;
    let store = db.open().await?;
    let c = borough(&store, 6).await?;
    let today = day("2026-09-20");
    let kept = KeptCounts::default();
    let before = kept_figures(&store, &kept, &c, today).await?;
    // Six signed and six not; M000 and M005 have left office.
    assert_eq!(before[0], 10, "{before:?}");
    assert_eq!(before[1], 6, "{before:?}");
    assert!(!kept.is_empty());

    // Kept, a page of the signatures list reads the key and the page, nothing more.
    let mut tx = store.read().await?;
    let active = policy::require(&mut tx, &c, today).await?;
    let (cost, _) = statements(&mut tx, async |tx| {
        acceptance::list::page_kept(tx, &kept, &c, &active, &SignatureQuery::default(), today).await
    })
    .await;
    assert_eq!(cost, 2);
    let query = LoanQuery::default();
    let (cost, _) = statements(&mut tx, async |tx| {
        loans::list::list_kept(tx, &kept, &c, &query, today).await
    })
    .await;
    // The policy's title for the clauses, and the page with the register's key.
    assert!(cost <= 3, "{cost}");
    let (cost, _) = statements(&mut tx, async |tx| {
        people::list::list_kept(tx, &kept, &c, &PeopleQuery::default(), today).await
    })
    .await;
    // The page, which reads the register's key in its own statement.
    assert_eq!(cost, 1);
    let (cost, _) = statements(&mut tx, async |tx| {
        equipment::list::list_kept(tx, &kept, &c, &EquipmentQuery::default(), today).await
    })
    .await;
    assert_eq!(cost, 1);
    // So does the outbox's.
    let reader = auditor(c.id);
    let (cost, _) = statements(&mut tx, async |tx| {
        outbox::list::list_kept(tx, &kept, &c, &reader, &MessageQuery::default(), today).await
    })
    .await;
    assert_eq!(cost, 1);
    drop(tx);
    let again = kept_figures(&store, &kept, &c, today).await?;
    assert_eq!(before, again);

    // One signs, one joins, a loan comes back: the kept figures follow.
    let mut tx = store.begin().await?;
    let on = ctx("2026-09-20");
    let typed = acceptance::Signature::Typed {
        name: "Member U001".into(),
    };
    acceptance::sign(&mut tx, &on, &c, &"U001".parse()?, typed).await?;
    let req = people::AddPerson {
        person: NewPerson {
            reference: "N001".parse()?,
            name: "New Member".into(),
            kind: PersonKind::Councillor,
            email: None,
            household: None,
        },
        term_start: Some(day("2026-09-01")),
        term_end: None,
        offices: Vec::new(),
    };
    let joined = people::add(&mut tx, &on, &c, req).await?;
    // A notice for the new member, who has no address: one more message, waiting.
    let active = policy::require(&mut tx, &c, today).await?;
    let to = outbox::recipients(
        &mut tx,
        &c,
        &active.pack,
        &outbox::Audience::Person(joined.id),
        today,
    )
    .await?;
    let letter = Letter {
        subject: "Welcome".into(),
        decision: "Sign the policy".into(),
        citation: Citation {
            clause: "1.1".into(),
            document: "Policy".into(),
        },
        paragraphs: vec!["Please sign.".into()],
        council: c.name.clone(),
    };
    outbox::queue(&mut tx, &on, &c, "welcome:N001", "welcome", &letter, &to).await?;
    let open = tx.loans(c.id, true).await?;
    let first = open.first().ok_or("no open loan")?;
    loans::return_loan(&mut tx, &on, &c, first.id).await?;
    tx.commit().await?;
    let after = kept_figures(&store, &kept, &c, today).await?;
    assert_eq!(after[0], before[0] + 1, "{before:?} {after:?}");
    assert_eq!(after[1], before[1], "one signed, one joined: {after:?}");
    assert_eq!(after[2], before[2] - 1, "{before:?} {after:?}");
    assert_eq!(after[5], before[5], "{before:?} {after:?}");
    assert!(after[6] > before[6], "{before:?} {after:?}");
    // Everyone and those in office each gain the new member; the items stay.
    assert_eq!(after[7], before[7] + 1, "{before:?} {after:?}");
    assert_eq!(after[8], before[8] + 1, "{before:?} {after:?}");
    assert_eq!(after[9], before[9], "{before:?} {after:?}");
    // The outbox's count and the messages waiting without an address each gain one.
    assert_eq!(after[10], before[10] + 1, "{before:?} {after:?}");
    assert_eq!(after[11], before[11] + 1, "{before:?} {after:?}");
    Ok(())
}
