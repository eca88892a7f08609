//! Every list query is answered in the order of an index: the database never sorts a whole
//! table to cut out one page. Checked on SQLite's query plans (its planner is deterministic
//! for a given schema); PostgreSQL gets the same indexes from the same migrations.

use chrono::NaiveDate;
use chrono::{DateTime, Utc};
use steward_domain::auth::Scope;
use steward_domain::directory::scim::{GroupFilter, ScimTx, UserFilter};
use steward_domain::info::{InfoKind, InfoTx};
use steward_domain::listing::{Direction, ListQuery, Listed, SearchWords, Window};
use steward_domain::mail::ForwardFilter;
use steward_domain::mail::MailTx;
use steward_domain::mail::snapshot::{ForwardKind, ForwardRow, ForwardSource, SnapshotFormat};
use steward_domain::network::NetworkTx;
use steward_domain::ops::acceptance::list::{SignatureFilter, SignatureSort};
use steward_domain::ops::audit_log::{AuditLogFilter, AuditSort, NameKeys};
use steward_domain::ops::case_list::{CaseFilter, CaseSort, CaseStates};
use steward_domain::ops::equipment::list::{EquipmentFilter, EquipmentSort};
use steward_domain::ops::info::list::{InfoFilter, InfoSort};
use steward_domain::ops::loans::list::{LoanFilter, LoanShow, LoanSort};
use steward_domain::ops::mail::forwarding::{self, ForwardSort};
use steward_domain::ops::mail::milter::{self, DecisionFilter, DecisionSort};
use steward_domain::ops::network::identities::IdentitySort;
use steward_domain::ops::outbox::list::{MessageListFilter, MessageSort};
use steward_domain::ops::people::list::{PeopleFilter, PeopleSort};
use steward_domain::ops::requests::list::{Assigned, RequestFilter, RequestSort, StateChoice};
use steward_domain::ops::{acceptance, council, people, posture};
use steward_domain::outbox::{MessageState, OutboxTx};
use steward_domain::posture::PostureTx;
use steward_domain::posture::parse::{Format, Observation, Seen as Observed};
use steward_domain::repo::{NewEquipment, NewLoan, NewPerson};
use steward_domain::workflow::WorkflowTx;
use steward_domain::{Ctx, Pence, RegisterTx};
use steward_policy::mail::{ForwardOutcome, MailAction, Outbound};
use steward_policy::posture::{CheckResult, CheckWord};
use steward_policy::{EquipmentKind, EquipmentState, OfficeId, PersonKind, presets};
use steward_store::testing::{TestDb, statements};
use steward_store::{Backend, Store};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 5, 4).unwrap_or_default()
}

/// What in a plan shows the whole of something being read, or, for a list neither searched
/// nor filtered, sorted: a search or a filter served by an index narrows the rows first, and
/// sorting those is what the page costs.
fn problems(plan: &[String], narrowed: bool) -> Vec<String> {
    plan.iter()
        .filter(|line| {
            (!narrowed && line.contains("USE TEMP B-TREE FOR ORDER BY"))
                // A page handed over as one JSON value scans and orders its own rows (the
                // inner statement's LIMIT), never a table; the count beside it scans its
                // capped rows, and the statement's one row holds the two.
                || (line.starts_with("SCAN ")
                    && !line.contains(" USING ")
                    && ![
                        "SCAN page_rows",
                        "SCAN capped",
                        "SCAN CONSTANT ROW",
                        "SCAN look_up",
                    ]
                    .contains(&line.as_str()))
        })
        .cloned()
        .collect()
}

/// The page queries a list call issued, and whether it was searched or filtered.
#[derive(Default)]
struct Seen(Vec<(String, bool)>);

impl Seen {
    fn record(&mut self, narrowed: bool) {
        for sql in statements::take() {
            if sql.contains("ORDER BY") && sql.contains("LIMIT") {
                self.0.push((sql, narrowed));
            }
        }
    }

    /// A page's look-ups read together (`packed::Lookups`): each by the ids it names.
    /// Other tests' statements may be heard too, so only the look-ups are kept.
    fn record_look_ups(&mut self) {
        let look_ups: Vec<String> = statements::take()
            .into_iter()
            .filter(|sql| sql.contains(") look_up) AS part_"))
            .collect();
        assert!(!look_ups.is_empty(), "no look-ups were read");
        self.0.extend(look_ups.into_iter().map(|sql| (sql, true)));
    }
}

async fn plan_of(store: &Store, sql: &str) -> Result<Vec<String>, sqlx::Error> {
    use sqlx::Row;
    let rows = sqlx::query(&format!("EXPLAIN QUERY PLAN {sql}"))
        .fetch_all(store.pool())
        .await?;
    rows.iter()
        .map(|r| r.try_get::<String, _>("detail"))
        .collect()
}

async fn seed(store: &Store) -> Result<steward_domain::Council, Box<dyn std::error::Error>> {
    let ctx = Ctx::new(
        "test",
        day().and_hms_opt(9, 0, 0).unwrap_or_default().and_utc(),
        day(),
    );
    let mut tx = store.begin().await?;
    let c = council::create(&mut tx, &ctx, &"dunmere".parse()?, "Dunmere").await?;
    let loaded = presets::load(presets::find("town-it-policy").ok_or("no preset")?)?;
    steward_domain::ops::policy::adopt(&mut tx, &ctx, &c, &loaded, day()).await?;
    for i in 0..30 {
        let req = people::AddPerson {
            person: NewPerson {
                reference: format!("M{i:03}").parse()?,
                name: format!("Ada Quill {i}"),
                kind: PersonKind::Councillor,
                email: None,
                household: None,
            },
            term_start: Some(day()),
            term_end: None,
            offices: Vec::new(),
        };
        people::add(&mut tx, &ctx, &c, req).await?;
    }
    // Items, half of them out on loan, so that those lists have a second page to plan.
    let version = tx
        .pack_version_in_force(c.id, day())
        .await?
        .ok_or("no version in force")?;
    for i in 0..30 {
        let item = tx
            .insert_equipment(
                c.id,
                &NewEquipment {
                    asset_tag: format!("LAP-{i:04}").parse()?,
                    kind: EquipmentKind::Laptop,
                    model: "Latitude".into(),
                    serial: Some(format!("SN{i:05}")),
                    purchased_on: None,
                    replacement_cost: Pence(90_000),
                    pat_tested_on: None,
                    encrypted: true,
                    state: EquipmentState::InStock,
                },
            )
            .await?;
        if i % 2 == 0 {
            let person = tx
                .person_by_ref(c.id, &format!("M{i:03}").parse()?)
                .await?
                .ok_or("no person")?;
            tx.insert_loan(
                c.id,
                &NewLoan {
                    equipment_id: item.id,
                    person_id: person.id,
                    issued_on: day(),
                    due_on: Some(day() + chrono::Days::new(i)),
                    due_clause: Some("4.2".into()),
                    pack_version_id: version.id,
                },
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(c)
}

/// Device checks on every item, a snapshot's forwards and the relay's decisions, enough of
/// each for a second page.
async fn seed_devices_and_mail(
    store: &Store,
    c: &steward_domain::Council,
) -> Result<(), Box<dyn std::error::Error>> {
    let ctx = Ctx::new("test", now(), day());
    let mut tx = store.begin().await?;
    let rows = (0..30)
        .map(|i| Observation {
            line: i + 2,
            device: format!("SN{i:05}"),
            seen: Observed::Check {
                check: CheckWord::ScreenLock,
                result: CheckResult::Pass,
            },
            observed_at: now(),
            source: "intune".into(),
            detail: String::new(),
        })
        .collect();
    posture::import(
        &mut tx,
        &ctx,
        c,
        "checks.csv",
        Format::Steward,
        rows,
        |_| {},
    )
    .await?;
    let forwards = (0..15)
        .map(|i| ForwardRow {
            line: i + 2,
            mailbox: format!("member{i}@dunmere.example"),
            source: ForwardSource::InboxRule,
            rule: Some("Home".into()),
            kind: ForwardKind::Forward,
            target: Some(format!("m{i}@home.example")),
            keeps_copy: None,
        })
        .collect();
    forwarding::import(
        &mut tx,
        &ctx,
        c,
        SnapshotFormat::Exchange,
        "rules.csv",
        forwards,
    )
    .await?;
    for i in 0..15 {
        let sent = Outbound {
            sender: format!("member{i}@dunmere.example"),
            recipients: vec!["someone@other.example".into()],
            labels: Vec::new(),
            subject: None,
        };
        milter::record(&mut tx, &ctx, c, None, &sent).await?;
    }
    tx.commit().await?;
    Ok(())
}

fn now() -> DateTime<Utc> {
    day().and_hms_opt(12, 0, 0).unwrap_or_default().and_utc()
}

/// Every order in both directions, with no words and with some, under each filter: the first
/// page and, where there is one, the page after it.
macro_rules! walk {
    ($seen:ident, $sorts:expr, $filters:expr, $searches:expr, |$q:ident| $call:expr) => {{
        for sort in $sorts {
            for direction in [Direction::Ascending, Direction::Descending] {
                for filter in $filters.clone() {
                    for search in $searches {
                        let mut $q = ListQuery {
                            search: SearchWords::parse(search),
                            sort,
                            direction,
                            filter: filter.clone(),
                            window: Window::first(10),
                        };
                        let narrowed = !search.is_empty() || filter != Default::default();
                        let first: Listed<_> = $call;
                        $seen.record(narrowed);
                        if let Some(next) = first.next {
                            $q.continue_from(next);
                            let _: Listed<_> = $call;
                            $seen.record(narrowed);
                        }
                    }
                }
            }
        }
    }};
}

#[tokio::test]
async fn lists_read_in_index_order() -> TestResult {
    let db = TestDb::new().await;
    if db.backend != Backend::Sqlite {
        return Ok(());
    }
    statements::listen();
    let store = db.open().await?;
    let c = seed(&store).await?;
    seed_devices_and_mail(&store, &c).await?;
    statements::take();

    let words = ["", "ada qu"];
    let no_words = [""];
    let mut seen = Seen::default();
    let mut tx = store.read().await?;
    walk!(
        seen,
        PeopleSort::ALL,
        [
            PeopleFilter::default(),
            PeopleFilter {
                kind: Some(PersonKind::Councillor),
                in_office: Some(true),
            },
        ],
        words,
        |q| tx.list_people(c.id, &q, day(), None).await?
    );
    walk!(
        seen,
        EquipmentSort::ALL,
        [
            EquipmentFilter::default(),
            EquipmentFilter {
                kind: Some(EquipmentKind::Laptop),
                state: Some(EquipmentState::InStock),
            },
        ],
        words,
        |q| tx.list_equipment(c.id, &q, None).await?
    );
    let loan_filters: Vec<LoanFilter> = LoanShow::ALL
        .iter()
        .map(|&show| LoanFilter {
            show,
            ..LoanFilter::default()
        })
        .collect();
    walk!(seen, LoanSort::ALL, loan_filters, words, |q| tx
        .list_loans(c.id, &q, day(), None)
        .await?);
    walk!(seen, IdentitySort::ALL, [()], words, |q| tx
        .list_web_identities(c.id, &q, day())
        .await?);
    walk!(
        seen,
        SignatureSort::ALL,
        [
            SignatureFilter::default(),
            SignatureFilter { outstanding: true },
        ],
        words,
        |q| acceptance::list::list(&mut tx, &c, &q, day()).await?
    );
    let office = OfficeId("ict".into());
    let scopes = [
        Scope::Everything,
        Scope::Offices {
            offices: vec![office.clone()],
            person_id: None,
        },
    ];
    for scope in &scopes {
        walk!(
            seen,
            RequestSort::ALL,
            [
                RequestFilter::default(),
                RequestFilter {
                    state: StateChoice::All,
                    office: Some(office.clone()),
                    late_at: Some(now()),
                    assigned: Some(Assigned::Nobody),
                },
            ],
            words,
            |q| tx.list_requests(c.id, scope, &q, now()).await?
        );
        walk!(
            seen,
            CaseSort::ALL,
            [
                CaseFilter::default(),
                CaseFilter {
                    state: CaseStates::All,
                },
            ],
            words,
            |q| tx.list_cases(c.id, scope, &q).await?
        );
        walk!(
            seen,
            InfoSort::ALL,
            [
                InfoFilter::default(),
                InfoFilter {
                    kinds: vec![InfoKind::Foi],
                    open: Some(true),
                },
            ],
            words,
            |q| tx.list_info_requests(c.id, scope, &q).await?
        );
    }
    walk!(
        seen,
        MessageSort::ALL,
        [
            MessageListFilter::default(),
            MessageListFilter {
                state: Some(MessageState::Failed),
                person_id: None,
            },
        ],
        words,
        |q| tx.list_messages(c.id, &q, None).await?
    );
    walk!(
        seen,
        [AuditSort::Seq],
        [
            AuditLogFilter::default(),
            AuditLogFilter {
                entity: Some("person".into()),
                ..AuditLogFilter::default()
            },
            AuditLogFilter {
                action: Some("person.add".into()),
                ..AuditLogFilter::default()
            },
            AuditLogFilter {
                actor: Some("test".into()),
                ..AuditLogFilter::default()
            },
            AuditLogFilter {
                from: Some(now()),
                ..AuditLogFilter::default()
            },
        ],
        no_words,
        |q| tx.list_audit(c.id, &q).await?
    );
    // SCIM's lists of the users and groups the directory pushed, filtered as Entra ID asks.
    for filter in [
        UserFilter::All,
        UserFilter::UserName("ada@example.org".into()),
        UserFilter::ExternalId("4b1c".into()),
    ] {
        tx.scim_users(c.id, &filter, 10, 10).await?;
        seen.record(filter != UserFilter::All);
    }
    for filter in [
        GroupFilter::All,
        GroupFilter::DisplayName("staff".into()),
        GroupFilter::ExternalId("9d0e".into()),
    ] {
        tx.scim_groups(c.id, &filter, 10, 10).await?;
        seen.record(filter != GroupFilter::All);
    }
    let forward_filters = [
        ForwardFilter::default(),
        ForwardFilter {
            outcome: Some(ForwardOutcome::NoRule),
            person_id: None,
        },
    ];
    walk!(seen, ForwardSort::ALL, forward_filters, words, |q| tx
        .list_forwards(c.id, &q)
        .await?);
    let decision_filters = [
        DecisionFilter::default(),
        DecisionFilter {
            action: Some(MailAction::Accept),
            flagged: None,
        },
        DecisionFilter {
            action: None,
            flagged: Some(false),
        },
    ];
    walk!(seen, DecisionSort::ALL, decision_filters, no_words, |q| tx
        .list_mail_decisions(c.id, &q)
        .await?);
    // The compliance page: reported items by asset tag, the first page and the next, and
    // what judging a page needs, read together.
    for after in [None, Some("LAP-0009")] {
        let ids = tx.reported_items(c.id, after, 11).await?;
        assert!(!ids.is_empty());
        seen.record(false);
        let facts = tx.posture_facts(c.id, &ids, day()).await?;
        assert_eq!(facts.items.len(), ids.len());
        assert!(!facts.latest.is_empty());
        seen.record_look_ups();
    }
    // The names an audit page mentions, every kind at once.
    let keys = NameKeys {
        person_ids: (1..30).collect(),
        person_refs: ["M001".to_string(), "S002".into()].into(),
        equipment_ids: (1..30).collect(),
        user_ids: (1..5).collect(),
        usernames: ["clerk".to_string()].into(),
        pack_version_ids: [1].into(),
    };
    let names = tx.audit_names(c.id, &keys).await?;
    assert!(!names.people.is_empty() && !names.equipment.is_empty());
    seen.record_look_ups();
    drop(tx);

    assert!(seen.0.len() >= 200, "{} page queries seen", seen.0.len());
    let mut found = Vec::new();
    for (sql, narrowed) in &seen.0 {
        let plan = plan_of(&store, sql).await?;
        let bad = problems(&plan, *narrowed);
        if !bad.is_empty() {
            found.push(format!("{sql}\n  {}", plan.join("\n  ")));
        }
    }
    found.sort();
    found.dedup();
    assert!(
        found.is_empty(),
        "{} plans that read or sort everything:\n{}",
        found.len(),
        found.join("\n\n")
    );
    Ok(())
}
