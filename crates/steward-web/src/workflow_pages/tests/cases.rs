//! Concerns and breach cases: raised anonymously with nothing about the raiser kept, named by
//! a member, opened (and audited) by the handler, closed with an outcome the pack provides.

use super::*;
use steward_domain::workflow::{CaseSource, WorkflowTx};

async fn cases(site: &Site) -> Vec<steward_domain::workflow::Case> {
    let c = site.council().await;
    let mut tx = site.state.store.read().await.unwrap();
    tx.cases(c.id).await.unwrap()
}

async fn actors(site: &Site, action: &str) -> Vec<String> {
    let c = site.council().await;
    let mut tx = site.state.store.read().await.unwrap();
    tx.audit_records(c.id, &AuditFilter::default())
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.action == action)
        .map(|r| r.actor)
        .collect()
}

#[tokio::test]
async fn a_concern_raised_without_signing_in_keeps_nothing_about_who_raised_it() {
    let site = site().await;
    let path = format!("{BASE}/concerns/new");
    let (status, cookie, html) = get(&site, &path, "").await;
    assert_eq!(status, StatusCode::OK);
    assert!(cookie.starts_with("steward_form="), "{cookie}");
    assert!(
        html.contains("Nothing that identifies you is recorded"),
        "{html}"
    );
    assert!(
        html.contains(
            "Concerns go to Legal and Democratic Services Manager (clause 10.1, Protocol on the \
             use of ICT by Members)."
        ),
        "{html}"
    );
    let token = csrf(&html);

    // Without the form's cookie, the form has expired.
    let body = format!("csrf_token={token}&summary=Sharing+passwords");
    let (status, _, _) = post(&site, &path, "", &body).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, html) = post(&site, &path, &cookie, &format!("csrf_token={token}")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains(r##"<a href="#summary">"##), "{html}");

    let (status, cleared, html) = post(&site, &path, &cookie, &body).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains("It has gone to Legal and Democratic Services Manager (clause 10.1"),
        "{html}"
    );
    assert_eq!(cleared, "steward_form=", "the form cannot be sent twice");
    let found = cases(&site).await;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].reporter_id, None);
    assert_eq!(found[0].source, CaseSource::Anonymous);
    assert_eq!(actors(&site, "case.raise").await, ["anonymous"]);
}

#[tokio::test]
async fn a_member_raises_a_concern_named_or_anonymously() {
    let site = site().await;
    let (flo, token) = sign_in(&site, "flo").await;
    let path = format!("{BASE}/me/concerns/new");
    let (status, _, html) = get(&site, &path, &flo).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Raise it anonymously"), "{html}");

    let (status, _, html) = post(
        &site,
        &path,
        &flo,
        &format!("csrf_token={token}&summary=Left+logged+in&subject=M9"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        html.contains(r##"<a href="#subject">No one in the register has the reference M9.</a>"##),
        "{html}"
    );

    let (status, _, html) = post(
        &site,
        &path,
        &flo,
        &format!("csrf_token={token}&summary=Left+logged+in&subject=M2&anonymous=yes"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("It was raised anonymously"), "{html}");
    let (status, _, _) = post(
        &site,
        &path,
        &flo,
        &format!("csrf_token={token}&summary=Shared+a+password&subject=M2"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let found = cases(&site).await;
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].reporter_id, None, "anonymous");
    assert_eq!(found[0].source, CaseSource::Anonymous);
    assert!(found[1].reporter_id.is_some(), "named");
    assert_eq!(actors(&site, "case.raise").await, ["anonymous", "flo"]);
    // Members never see cases, their own concerns included.
    let (status, _, _) = get(&site, &format!("{BASE}/cases"), &flo).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_handler_opens_notes_and_closes_a_case_and_every_look_is_audited() {
    let site = site().await;
    let (flo, flo_token) = sign_in(&site, "flo").await;
    let (status, _, _) = post(
        &site,
        &format!("{BASE}/me/concerns/new"),
        &flo,
        &format!("csrf_token={flo_token}&summary=Installed+a+game&subject=M2&details=On+TAB-2"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let id = cases(&site).await[0].id;
    let page = format!("{BASE}/cases/{id}");

    let (olive, token) = sign_in(&site, "olive").await;
    let (status, _, html) = get(&site, &format!("{BASE}/cases"), &olive).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Installed a game") && html.contains("Bo Fenn (M2)"),
        "{html}"
    );
    assert_eq!(site.audited("case.view").await, 0, "listing is not looking");
    let (status, _, html) = get(&site, &page, &olive).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Flo Hart (M1)"), "named raiser: {html}");
    assert!(
        html.contains("The policy names nowhere for serious cases"),
        "{html}"
    );
    // Only the outcomes the borough's protocol provides for, each with its clause.
    assert!(
        html.contains("Removal or disabling of software or equipment"),
        "{html}"
    );
    assert!(!html.contains("Withdrawal of access"), "{html}");
    assert_eq!(site.audited("case.view").await, 1);
    get(&site, &page, &olive).await;
    assert_eq!(site.audited("case.view").await, 2);

    let (status, to, _) = post(
        &site,
        &format!("{page}/note"),
        &olive,
        &format!("csrf_token={token}&note=Spoke+to+Bo"),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(to.ends_with("?done=noted"), "{to}");

    // A restriction names its item; an outcome the pack does not provide is refused.
    let restrict = format!(
        "csrf_token={token}&outcome=restrict_software&outcome_note=Game+removed&equipment="
    );
    let (status, _, html) = post(&site, &format!("{page}/close"), &olive, &restrict).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        html.contains(r##"<a href="#equipment">Say which item the restriction is on.</a>"##),
        "{html}"
    );
    let withdraw = format!("csrf_token={token}&outcome=withdraw_access&outcome_note=Serious");
    let (status, _, html) = post(&site, &format!("{page}/close"), &olive, &withdraw).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        html.contains("The policy does not provide for withdrawal of access"),
        "{html}"
    );
    let (status, to, _) = post(
        &site,
        &format!("{page}/close"),
        &olive,
        &format!("{restrict}TAB-2"),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, html) = get(&site, &to, &olive).await;
    assert!(
        html.contains("The case is closed with removal or disabling of software or equipment."),
        "{html}"
    );
    assert!(
        html.contains("(clause 10.1, Protocol on the use of ICT by Members)"),
        "{html}"
    );

    // The auditor reads every case, is audited like anyone, and changes nothing.
    let (audrey, audrey_token) = sign_in(&site, "audrey").await;
    let before = site.audited("case.view").await;
    let (status, _, html) = get(&site, &page, &audrey).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("Add the note"), "{html}");
    assert_eq!(site.audited("case.view").await, before + 1);
    let (status, _, _) = post(
        &site,
        &format!("{page}/note"),
        &audrey,
        &format!("csrf_token={audrey_token}&note=x"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Officers of other offices do not see the case at all.
    let (hal, _) = sign_in(&site, "hal").await;
    let (status, _, _) = get(&site, &page, &hal).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// A second council in the same register, under the city's members' code: breaches go to the
/// Monitoring Officer, serious ones on to the Standards Committee, and access may be withdrawn.
/// Monica (S9) is the Monitoring Officer; Cy (M9) holds LAP-9. Returns the case about Cy.
async fn city(site: &Site) -> i64 {
    let on = day("2027-03-19");
    let ctx = Ctx::new("test", on.and_hms_opt(9, 0, 0).unwrap().and_utc(), on);
    let mut tx = site.state.store.begin().await.unwrap();
    let c = council::create(&mut tx, &ctx, &"ashbury".parse().unwrap(), "Ashbury")
        .await
        .unwrap();
    let preset = presets::find("city-members-code").unwrap();
    policy::adopt(&mut tx, &ctx, &c, &presets::load(preset).unwrap(), on)
        .await
        .unwrap();
    for (reference, name, kind, office) in [
        (
            "S9",
            "Monica Law",
            PersonKind::Employee,
            Some("monitoring_officer"),
        ),
        ("M9", "Cy Rowe", PersonKind::Councillor, None),
    ] {
        let req = people::AddPerson {
            person: NewPerson {
                reference: reference.parse().unwrap(),
                name: name.into(),
                kind,
                email: None,
                household: None,
            },
            term_start: Some(on),
            term_end: None,
            offices: office.map(|o| OfficeId(o.into())).into_iter().collect(),
        };
        people::add(&mut tx, &ctx, &c, req).await.unwrap();
    }
    add_user(
        &mut tx,
        &ctx,
        &c,
        "monica",
        Role::Officer,
        Some("S9"),
        false,
    )
    .await;
    add_user(&mut tx, &ctx, &c, "cyrowe", Role::Member, Some("M9"), false).await;
    let case = steward_domain::ops::cases::raise(
        &mut tx,
        &Ctx::new("anonymous", ctx.now, ctx.today),
        &c,
        steward_domain::ops::cases::Raiser::Anonymous,
        steward_domain::ops::cases::Concern {
            subject: Some("M9".parse().unwrap()),
            summary: "Abusive messages from a council account".into(),
            details: String::new(),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    case.id
}

#[tokio::test]
async fn a_serious_case_is_referred_on_and_access_withdrawn_then_restored() {
    let site = site().await;
    let id = city(&site).await;
    let base = "/councils/ashbury";
    let page = format!("{base}/cases/{id}");
    let (monica, token) = sign_in_at(&site, base, "monica").await;
    let (status, _, html) = get(&site, &page, &monica).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(
            "The policy sends a case on to Standards Committee when the complaint is serious \
             (clause 28.10"
        ),
        "{html}"
    );
    assert!(html.contains("Withdrawal of access"), "{html}");

    let (status, to, _) = post(
        &site,
        &format!("{page}/escalate"),
        &monica,
        &format!("csrf_token={token}&reason=Repeated+after+a+warning"),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, html) = get(&site, &to, &monica).await;
    assert!(
        html.contains("The case has been referred to Standards Committee."),
        "{html}"
    );

    let (status, to, _) = post(
        &site,
        &format!("{page}/close"),
        &monica,
        &format!("csrf_token={token}&outcome=withdraw_access&outcome_note=Upheld+by+the+committee"),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, html) = get(&site, &to, &monica).await;
    assert!(
        html.contains("Withdrawn as the outcome of this case"),
        "{html}"
    );
    assert!(html.contains("Restore access"), "{html}");

    let (status, to, _) = post(
        &site,
        &format!("{page}/restore"),
        &monica,
        &format!("csrf_token={token}"),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, html) = get(&site, &to, &monica).await;
    assert!(html.contains("Access has been restored."), "{html}");
    assert!(!html.contains("Withdrawn as the outcome"), "{html}");
    // Nothing more to restore.
    let (status, _, html) = post(
        &site,
        &format!("{page}/restore"),
        &monica,
        &format!("csrf_token={token}"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        html.contains("No withdrawal of access from this case is in force"),
        "{html}"
    );
}
