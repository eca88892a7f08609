//! Requests: a member reports a lost tablet; who else may see it and act on it; an officer
//! works it through; an officer raises one for someone else.

use super::*;

/// Flo reports TAB-1 lost; returns the request's number.
async fn report_lost(site: &Site, flo: &str, token: &str) -> i64 {
    let body = format!(
        "csrf_token={token}&kind=lost_or_stolen&equipment=TAB-1&stolen=lost&noticed_on={}\
         &place={}&police_reference=&summary={}",
        enc("19/03/2027"),
        enc("On the train"),
        enc("Left it on the 17:10 from the Town Hall")
    );
    let (status, to, html) = post(site, &format!("{BASE}/me/requests/new"), flo, &body).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
    let id = to
        .strip_prefix(&format!("{BASE}/me/requests/"))
        .and_then(|rest| rest.strip_suffix("/sent"))
        .unwrap();
    id.parse().unwrap()
}

#[tokio::test]
async fn a_member_reports_a_lost_tablet_and_sees_where_it_went_and_what_was_done() {
    let site = site().await;
    let (flo, token) = sign_in(&site, "flo").await;
    let new = format!("{BASE}/me/requests/new");
    let (status, _, html) = get(&site, &new, &flo).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(
            "Goes to ICT Customer Services Help Desk for LAP-1 (clause 2.3, Protocol on the use \
             of ICT by Members), who respond within 4 hours; to Member Services for TAB-1"
        ),
        "{html}"
    );
    // The protocol provides for no longer loans, so none is offered, nor an evaluation of a
    // phone Flo does not have...
    assert!(!html.contains("Longer loan"), "{html}");
    assert!(!html.contains("Phone evaluation"), "{html}");
    // ...and asking anyway is refused with the clause the refusal rests on.
    let (status, _, html) = get(&site, &format!("{new}?kind=loan_extension"), &flo).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        title(&html).starts_with("Error: Report a problem or ask for something - "),
        "{}",
        title(&html)
    );
    assert!(
        html.contains(r##"<a href="#kind">The policy provides for no extension of a loan"##),
        "{html}"
    );

    let (status, _, html) = get(&site, &format!("{new}?kind=lost_or_stolen"), &flo).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(r#"<option value="TAB-1">TAB-1 (tablet)</option>"#),
        "{html}"
    );
    assert!(!html.contains("TAB-2"), "another member's item: {html}");

    // Every missing field is named, each linked to its field.
    let (status, _, html) = post(
        &site,
        &new,
        &flo,
        &format!("csrf_token={token}&kind=lost_or_stolen"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    for field in ["equipment", "stolen", "noticed_on", "place", "summary"] {
        assert!(
            html.contains(&format!(r##"<a href="#{field}">"##)),
            "{field}: {html}"
        );
    }
    let future = format!(
        "csrf_token={token}&kind=lost_or_stolen&equipment=TAB-1&stolen=lost&noticed_on={}\
         &place=Train&summary=Gone",
        enc("21/03/2027")
    );
    let (status, _, html) = post(&site, &new, &flo, &future).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        html.contains(
            r##"<a href="#noticed_on">The day the loss was noticed cannot be in the future.</a>"##
        ),
        "{html}"
    );

    let id = report_lost(&site, &flo, &token).await;
    let (status, _, html) = get(&site, &format!("{BASE}/me/requests/{id}/sent"), &flo).await;
    assert_eq!(status, StatusCode::OK);
    for text in [
        "It has gone to Member Services (clause 2.3, Protocol on the use of ICT by Members).",
        // Raised at 10:00 on Saturday: four working hours from 09:00 on Monday.
        "They should respond by 13:00 on 22 March 2027.",
        "TAB-1 is recorded as lost.",
        "Follow-up opened: Reset the passwords and end the sessions of Flo Hart.",
        "Follow-up opened: Record the remote wipe of TAB-1.",
    ] {
        assert!(html.contains(text), "{text}: {html}");
    }
    assert!(html.contains("has ended."), "the loan ended: {html}");

    let (_, _, html) = get(&site, &format!("{BASE}/me"), &flo).await;
    assert!(
        html.contains("TAB-1 (tablet): recorded as lost on 20 March 2027"),
        "{html}"
    );
    let (_, _, html) = get(&site, &format!("{BASE}/me/requests"), &flo).await;
    assert!(html.contains(&format!("Request {id}")), "{html}");
    let (status, _, html) = get(&site, &format!("{BASE}/me/requests/{id}"), &flo).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(
            "Sent to Member Services (clause 2.3, Protocol on the use of ICT by Members)."
        ),
        "{html}"
    );
    // A member may withdraw what they raised.
    assert!(html.contains("Withdraw the request"), "{html}");
}

#[tokio::test]
async fn others_cannot_see_it_and_other_offices_cannot_act_on_it() {
    let site = site().await;
    let (flo, token) = sign_in(&site, "flo").await;
    let id = report_lost(&site, &flo, &token).await;
    let mine = format!("{BASE}/me/requests/{id}");

    // Another member: not found, not forbidden, so its existence does not show.
    let (bo, bo_token) = sign_in(&site, "bofenn").await;
    for path in [mine.clone(), format!("{mine}/sent")] {
        let (status, _, html) = get(&site, &path, &bo).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            !html.contains("Flo Hart") && !html.contains("TAB-1"),
            "{html}"
        );
    }
    let (status, _, _) = post(
        &site,
        &format!("{mine}/comment"),
        &bo,
        &format!("csrf_token={bo_token}&comment=mine+now"),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, _, html) = get(&site, &format!("{BASE}/me/requests"), &bo).await;
    assert!(!html.contains(&format!("Request {id}<")), "{html}");

    // The help desk does not browse Member Services' queue, and may not act on it.
    let (hal, hal_token) = sign_in(&site, "hal").await;
    // It learns where the request went, and nothing else.
    let officers = format!("{BASE}/requests/{id}");
    let (status, _, html) = get(&site, &officers, &hal).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        html.contains("This request went to Member Services"),
        "{html}"
    );
    assert!(
        !html.contains("Left it on") && !html.contains("Flo Hart"),
        "{html}"
    );
    let (status, _, html) = post(
        &site,
        &format!("{officers}/assign"),
        &hal,
        &format!("csrf_token={hal_token}"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{html}");
    assert!(
        html.contains("Only the office that handles this request can act on it."),
        "{html}"
    );

    // The auditor reads it all and changes nothing.
    let (audrey, audrey_token) = sign_in(&site, "audrey").await;
    let (status, _, html) = get(&site, &officers, &audrey).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Flo Hart (M1)"), "{html}");
    assert!(!html.contains("Take it up") && !html.contains("Resolve the request"));
    for action in ["assign", "resolve", "comment", "withdraw"] {
        let (status, _, _) = post(
            &site,
            &format!("{officers}/{action}"),
            &audrey,
            &format!("csrf_token={audrey_token}&outcome=x&comment=x&withdraw_reason=x"),
        )
        .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{action}");
    }
    let (status, _, csv) = get(&site, &format!("{BASE}/requests?format=csv"), &audrey).await;
    assert_eq!(status, StatusCode::OK);
    assert!(csv.starts_with("Request,Raised,What,For"), "{csv}");
    assert!(csv.contains("Flo Hart (M1)"), "{csv}");
    // Members do not reach the officers' pages at all.
    let (status, _, _) = get(&site, &format!("{BASE}/requests"), &flo).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// The value of the hidden `task` fields, in page order.
fn task_ids(html: &str) -> Vec<String> {
    html.split(r#"name="task" value=""#)
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn an_officer_takes_it_up_does_the_follow_ups_and_resolves_it() {
    let site = site().await;
    let (flo, flo_token) = sign_in(&site, "flo").await;
    let id = report_lost(&site, &flo, &flo_token).await;
    let (olive, _) = sign_in(&site, "olive").await;
    let page = format!("{BASE}/requests/{id}");

    let (status, _, html) = get(&site, &format!("{BASE}/requests"), &olive).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&format!("Request {id}")), "{html}");
    assert!(html.contains("13:00 on 22 March 2027"), "{html}");
    assert!(!html.contains("UTC"), "{html}");
    assert!(!html.contains(">Late</strong>"), "{html}");
    // Five hours on it is still the weekend, so not late; on Tuesday morning it is past its
    // four working hours (and both have signed in again).
    site.later(300);
    let (olive, _) = sign_in(&site, "olive").await;
    let (_, _, html) = get(&site, &format!("{BASE}/requests?late=yes"), &olive).await;
    assert!(html.contains("No requests."), "{html}");
    site.later(3 * 24 * 60 - 300);
    let (olive, token) = sign_in(&site, "olive").await;
    let (flo, flo_token) = sign_in(&site, "flo").await;
    let (_, _, html) = get(&site, &format!("{BASE}/requests?late=yes"), &olive).await;
    assert!(
        html.contains(r#"<strong class="govuk-tag govuk-tag--red">Late</strong>"#),
        "{html}"
    );
    let (_, _, html) = get(&site, &format!("{BASE}/requests?state=resolved"), &olive).await;
    assert!(html.contains("No requests."), "{html}");

    let (status, to, _) = post(
        &site,
        &format!("{page}/assign"),
        &olive,
        &format!("csrf_token={token}"),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, html) = get(&site, &to, &olive).await;
    assert!(
        html.contains(&format!("Request {id} is assigned to Olive Desk.")),
        "{html}"
    );
    assert!(html.contains("Taken up by Olive Desk."), "{html}");

    // A note for officers only stays out of Flo's view; her own comment reaches Olive.
    let (status, _, _) = post(
        &site,
        &format!("{page}/comment"),
        &olive,
        &format!("csrf_token={token}&comment=Asked+the+rail+company&internal=yes"),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _, _) = post(
        &site,
        &format!("{BASE}/me/requests/{id}/comment"),
        &flo,
        &format!("csrf_token={flo_token}&comment=It+has+a+blue+case"),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, html) = get(&site, &format!("{BASE}/me/requests/{id}"), &flo).await;
    assert!(
        html.contains("It has a blue case") && !html.contains("rail company"),
        "{html}"
    );
    let (_, _, html) = get(&site, &page, &olive).await;
    assert!(html.contains("It has a blue case") && html.contains("rail company"));
    assert!(html.contains("Note for officers only</strong>"), "{html}");

    // Not before the follow-ups are done.
    let resolve = format!("csrf_token={token}&outcome=Passwords+reset+and+the+tablet+wiped");
    let (status, _, html) = post(&site, &format!("{page}/resolve"), &olive, &resolve).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("These follow-ups are not done yet"), "{html}");
    let tasks = task_ids(&html);
    assert_eq!(tasks.len(), 2, "{html}");
    for task in tasks {
        let (status, to, _) = post(
            &site,
            &format!("{page}/tasks"),
            &olive,
            &format!("csrf_token={token}&task={task}&note=Done+from+the+console"),
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(to.ends_with("?done=task"), "{to}");
    }
    let (status, to, _) = post(&site, &format!("{page}/resolve"), &olive, &resolve).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, html) = get(&site, &to, &olive).await;
    assert!(
        html.contains(&format!("Request {id} is resolved.")),
        "{html}"
    );
    let (_, _, html) = get(&site, &format!("{BASE}/me/requests/{id}"), &flo).await;
    assert!(
        html.contains("Resolved. Passwords reset and the tablet wiped"),
        "{html}"
    );
    assert!(!html.contains("Withdraw the request"), "{html}");
}

#[tokio::test]
async fn an_officer_raises_a_request_for_someone_and_sees_where_it_went() {
    let site = site().await;
    let (olive, token) = sign_in(&site, "olive").await;
    let new = format!("{BASE}/requests/new");
    let (status, _, html) = get(&site, &new, &olive).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Goes to ICT Customer Services Help Desk for a laptop or a mobile phone"),
        "{html}"
    );
    let (status, _, html) = get(&site, &format!("{new}?kind=fault"), &olive).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"id="person""#), "{html}");

    let unknown = format!("csrf_token={token}&kind=fault&person=M9&equipment=LAP-1&summary=Broken");
    let (status, _, html) = post(&site, &new, &olive, &unknown).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        html.contains(r##"<a href="#person">No one in the register matches &#x27;M9&#x27;; type part of their name or their reference.</a>"##),
        "{html}"
    );

    let body =
        format!("csrf_token={token}&kind=fault&person=M1&equipment=LAP-1&summary=Screen+cracked");
    let (status, _, html) = post(&site, &new, &olive, &body).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains("It has gone to ICT Customer Services Help Desk (clause 2.5, Protocol on the use of ICT by Members)."),
        "{html}"
    );
    assert!(html.contains("within 2 days"), "{html}");
    // Olive does not hold the help desk, so there is no link to a page she could not open.
    assert!(!html.contains("Follow request"), "{html}");
    let (hal, _) = sign_in(&site, "hal").await;
    let (_, _, html) = get(&site, &format!("{BASE}/requests"), &hal).await;
    assert!(
        html.contains("Screen cracked") || html.contains("Flo Hart (M1)"),
        "{html}"
    );

    // The auditor sees the form's page but may not send it.
    let (audrey, audrey_token) = sign_in(&site, "audrey").await;
    let (status, _, html) = get(&site, &new, &audrey).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("can read the register but not change it"),
        "{html}"
    );
    let (status, _, _) = post(&site, &new, &audrey, &body.replace(&token, &audrey_token)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_request_is_assigned_to_a_named_officer_of_its_office_only() {
    let site = site().await;
    let (flo, flo_token) = sign_in(&site, "flo").await;
    let id = report_lost(&site, &flo, &flo_token).await;
    let (olive, token) = sign_in(&site, "olive").await;
    let page = format!("{BASE}/requests/{id}");
    let (_, _, html) = get(&site, &page, &olive).await;
    assert!(html.contains("Assign it to a colleague"), "{html}");
    assert!(
        html.contains(r#"<option value="olive">Olive Desk (S1)</option>"#),
        "{html}"
    );
    assert!(!html.contains(r#"<option value="hal">"#), "{html}");

    // Nobody chosen, or someone outside Member Services: the page says so against the field.
    let (status, _, html) = post(
        &site,
        &format!("{page}/assign"),
        &olive,
        &format!("csrf_token={token}&to="),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        html.contains(r##"<a href="#to">Choose the officer to give the request to</a>"##),
        "{html}"
    );
    let (status, _, html) = post(
        &site,
        &format!("{page}/assign"),
        &olive,
        &format!("csrf_token={token}&to=hal"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        html.contains("Hal Help is not an officer of the office that handles this request"),
        "{html}"
    );

    let (status, to, _) = post(
        &site,
        &format!("{page}/assign"),
        &olive,
        &format!("csrf_token={token}&to=olive"),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, _, html) = get(&site, &to, &olive).await;
    assert!(
        html.contains(&format!("Request {id} is assigned to Olive Desk.")),
        "{html}"
    );
    // The queue shows who has it, and finds it among hers and not among the unassigned.
    let (_, _, html) = get(&site, &format!("{BASE}/requests?assigned=me"), &olive).await;
    assert!(
        html.contains(&format!("Request {id}<")) && html.contains("Olive Desk"),
        "{html}"
    );
    let (_, _, html) = get(&site, &format!("{BASE}/requests?assigned=nobody"), &olive).await;
    assert!(!html.contains(&format!("Request {id}<")), "{html}");
}

/// Bo, made a Cabinet Member, is lent PHN-1: the protocol routes no faults with phones.
async fn lend_bo_a_phone(site: &Site) {
    let c = site.council().await;
    let today = day("2027-03-20");
    let ctx = Ctx::new("test", today.and_hms_opt(9, 0, 0).unwrap().and_utc(), today);
    let mut tx = site.state.store.begin().await.unwrap();
    let bo = "M2".parse().unwrap();
    let cabinet = OfficeId("cabinet_member".into());
    people::assign_office(&mut tx, &ctx, &c, &bo, &cabinet, today)
        .await
        .unwrap();
    let phone = NewEquipment {
        asset_tag: "PHN-1".parse().unwrap(),
        kind: EquipmentKind::MobilePhone,
        model: "Model".into(),
        serial: None,
        purchased_on: Some(today),
        replacement_cost: Pence(30_000),
        pat_tested_on: None,
        encrypted: true,
        state: EquipmentState::InStock,
    };
    equipment::add(&mut tx, &ctx, &c, phone).await.unwrap();
    loans::issue(&mut tx, &ctx, &c, &bo, &"PHN-1".parse().unwrap(), None)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn a_phone_fault_the_policy_routes_nowhere_goes_to_the_administrators_and_says_so() {
    let site = site().await;
    lend_bo_a_phone(&site).await;
    let (bo, token) = sign_in(&site, "bofenn").await;
    let new = format!("{BASE}/me/requests/new");
    let (status, _, html) = get(&site, &new, &bo).await;
    assert_eq!(status, StatusCode::OK);
    let unnamed = "The policy names no one to receive a fault about PHN-1, and names no one to \
                   receive reports nothing else covers, so it goes instead to the council&#x27;s \
                   administrators.";
    assert!(html.contains(unnamed), "{html}");

    let body = format!(
        "csrf_token={token}&kind=fault&equipment=PHN-1&summary={}",
        enc("The screen has cracked")
    );
    let (status, to, html) = post(&site, &new, &bo, &body).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
    let (_, _, sent) = get(&site, &to, &bo).await;
    assert!(
        sent.contains("It has gone to Council administrators."),
        "{sent}"
    );
    assert!(sent.contains(unnamed), "{sent}");
    let id = to
        .strip_prefix(&format!("{BASE}/me/requests/"))
        .and_then(|rest| rest.strip_suffix("/sent"))
        .unwrap();
    let (_, _, mine) = get(&site, &format!("{BASE}/me/requests/{id}"), &bo).await;
    assert!(mine.contains(unnamed), "{mine}");

    // No officer's office receives it: neither Member Services nor the help desk may open it.
    let (olive, _) = sign_in(&site, "olive").await;
    let (status, _, _) = get(&site, &format!("{BASE}/requests/{id}"), &olive).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // An administrator finds it in the queue under the administrators and may act on it.
    let c = site.council().await;
    {
        let today = day("2027-01-04");
        let ctx = Ctx::new("test", today.and_hms_opt(9, 0, 0).unwrap().and_utc(), today);
        let mut tx = site.state.store.begin().await.unwrap();
        add_user(&mut tx, &ctx, &c, "ada", Role::Admin, None, false).await;
        tx.commit().await.unwrap();
    }
    let (ada, ada_token) = sign_in(&site, "ada").await;
    let (status, _, queue) = get(
        &site,
        &format!("{BASE}/requests?office=council-administrators"),
        &ada,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{queue}");
    assert!(queue.contains(&format!("Request {id}")), "{queue}");
    assert!(
        queue.contains(r#"value="council-administrators""#),
        "{queue}"
    );
    let (status, _, page) = get(&site, &format!("{BASE}/requests/{id}"), &ada).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(unnamed), "{page}");
    let comment = format!("{BASE}/requests/{id}/comment");
    let body = format!(
        "csrf_token={ada_token}&comment={}",
        enc("A replacement is on its way")
    );
    let (status, _, html) = post(&site, &comment, &ada, &body).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{html}");
}

#[tokio::test]
async fn continuing_with_no_kind_chosen_is_an_error_linked_to_the_choices() {
    let site = site().await;
    let (flo, _) = sign_in(&site, "flo").await;
    let new = format!("{BASE}/me/requests/new");
    let (status, _, html) = get(&site, &new, &flo).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(r#"<input type="hidden" name="step" value="kind">"#),
        "{html}"
    );
    assert!(!html.contains("govuk-error-summary"), "{html}");
    let (status, _, html) = get(&site, &format!("{new}?step=kind"), &flo).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(title(&html).starts_with("Error: "), "{}", title(&html));
    assert!(
        html.contains(r##"<a href="#kind">Choose what you want to report or ask for</a>"##),
        "{html}"
    );
    assert!(html.contains(r#"id="kind-error""#), "{html}");
}
