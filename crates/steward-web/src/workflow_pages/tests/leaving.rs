//! Leaving office: many at once from a pasted or uploaded file or typed rows, where any bad
//! row writes nothing; and one person from their own page.

use super::*;

/// Posts `fields` and at most one file as multipart/form-data, as a browser does.
async fn post_multipart(
    site: &Site,
    uri: &str,
    cookie: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &str)>,
) -> (StatusCode, String, String) {
    let boundary = "----stewardtestboundary";
    let mut body = String::new();
    for (name, value) in fields {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    if let Some((file_name, content)) = file {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n{content}\r\n"
        ));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    let req = Request::post(uri)
        .header(header::COOKIE, cookie)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    send(site, req).await
}

async fn in_office(site: &Site, reference: &str) -> bool {
    let c = site.council().await;
    let mut tx = site.state.store.read().await.unwrap();
    let person = people::find(&mut tx, &c, &reference.parse().unwrap())
        .await
        .unwrap();
    people::in_office(&mut tx, c.id, person.id, day("2027-03-20"))
        .await
        .unwrap()
}

#[tokio::test]
async fn a_pasted_file_with_bad_rows_records_nothing_and_a_good_one_records_everyone() {
    let site = site().await;
    let (olive, token) = sign_in(&site, "olive").await;
    // Bo is signed in, so leaving ends a session of his.
    sign_in(&site, "bofenn").await;
    let path = format!("{BASE}/people/leaving");
    let (status, _, html) = get(&site, &path, &olive).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"enctype="multipart/form-data""#), "{html}");

    let bad = "reference,left_on,reason\nM2,31/02/2027,not_re_elected\nM1,2027-03-19,retired\n";
    let (status, _, html) = post_multipart(
        &site,
        &path,
        &olive,
        &[("csrf_token", &token), ("from", "file"), ("csv", bad)],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{html}");
    assert!(
        html.contains(r##"<a href="#csv">line 2: left_on: "##),
        "{html}"
    );
    assert!(
        html.contains(r##"<a href="#csv">line 3: reason: "##),
        "{html}"
    );
    // The text comes back to be corrected.
    assert!(html.contains("M1,2027-03-19,retired"), "{html}");
    let unknown = "reference,left_on,reason\nM9,2027-03-19,stood_down\n";
    let (status, _, html) = post_multipart(
        &site,
        &path,
        &olive,
        &[("csrf_token", &token), ("from", "file"), ("csv", "")],
        Some(("leavers.csv", unknown)),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{html}");
    assert!(
        html.contains(
            r##"<a href="#file">line 2: reference: no one in the register has the reference M9</a>"##
        ),
        "{html}"
    );
    assert!(in_office(&site, "M1").await && in_office(&site, "M2").await);

    let good = "reference,left_on,reason\nM2,19/03/2027,not_re_elected\n";
    let (status, _, html) = post_multipart(
        &site,
        &path,
        &olive,
        &[("csrf_token", &token), ("from", "file"), ("csv", "")],
        Some(("leavers.csv", good)),
    )
    .await;
    // First what will happen, in words with the clause; nothing is written yet.
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains("Check before recording people leaving office"),
        "{html}"
    );
    assert!(
        html.contains(
            "TAB-2 held by Bo Fenn: Return by 19 March 2027 (clause 8.3, Protocol on the use of \
             ICT by Members)."
        ),
        "{html}"
    );
    assert!(
        html.contains(
            "Access withdrawn from Bo Fenn&#x27;s account bofenn (member): 1 session ended, \
             account disabled."
        ),
        "{html}"
    );
    assert!(in_office(&site, "M2").await);
    // Change brings the file back as text to be edited.
    let (status, _, html) = post(&site, &path, &olive, &answers_body(&html, "change")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains("M2,19&#x2f;03&#x2f;2027,not_re_elected"),
        "{html}"
    );
    assert!(in_office(&site, "M2").await);
    // The answers kept on the check page record the leavers, under the file's own name.
    let (_, _, check) = post_multipart(
        &site,
        &path,
        &olive,
        &[("csrf_token", &token), ("from", "file"), ("csv", "")],
        Some(("leavers.csv", good)),
    )
    .await;
    let (status, _, html) = post(&site, &path, &olive, &answers_body(&check, "confirm")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Bo Fenn (M2)"), "{html}");
    assert!(
        html.contains(
            "TAB-2</a>: Return by 19 March 2027 (clause 8.3, Protocol on the use of ICT by Members)"
        ),
        "{html}"
    );
    assert!(
        html.contains("bofenn (member): 1 session ended, account disabled"),
        "{html}"
    );
    assert!(!in_office(&site, "M2").await);
}

#[tokio::test]
async fn typed_rows_are_checked_each_against_its_own_field() {
    let site = site().await;
    let (olive, token) = sign_in(&site, "olive").await;
    let path = format!("{BASE}/people/leaving");
    let (status, _, html) = post(&site, &path, &olive, &format!("csrf_token={token}")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains(r##"<a href="#reference-1">"##), "{html}");

    let body = format!(
        "csrf_token={token}&from=rows&reference-1=M1&left_on-1={}&reason-1=stood_down\
         &reference-2=M1&left_on-2={}&reason-2=",
        enc("19/03/2027"),
        enc("19/03/2027")
    );
    let (status, _, html) = post(&site, &path, &olive, &body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        html.contains(r##"<a href="#reason-2">Row 2: choose why they left</a>"##),
        "{html}"
    );
    assert!(
        html.contains(r##"<a href="#reference-2">Row 2: M1 is already in row 1</a>"##),
        "{html}"
    );
    assert!(in_office(&site, "M1").await);

    let body = format!(
        "csrf_token={token}&from=rows&reference-1=M1&left_on-1={}&reason-1=stood_down",
        enc("19/03/2027")
    );
    let (status, _, html) = post(&site, &path, &olive, &body).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Flo Hart (M1)"), "{html}");
    assert!(in_office(&site, "M1").await);
    let (status, _, html) = post(&site, &path, &olive, &answers_body(&html, "confirm")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains("Flo Hart (M1)") && html.contains("stood down"),
        "{html}"
    );
    assert!(
        html.contains("LAP-1</a>: Return by 19 March 2027"),
        "{html}"
    );
    assert!(!in_office(&site, "M1").await);

    // The auditor sees the page, not the forms, and may not post.
    let (audrey, audrey_token) = sign_in(&site, "audrey").await;
    let (status, _, html) = get(&site, &path, &audrey).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("Check these leavers"), "{html}");
    let (status, _, _) = post(&site, &path, &audrey, &format!("csrf_token={audrey_token}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn one_person_leaves_from_their_own_page() {
    let site = site().await;
    let (olive, token) = sign_in(&site, "olive").await;
    let (_, _, html) = get(&site, &format!("{BASE}/people/M2"), &olive).await;
    assert!(
        html.contains("Record that Bo Fenn has left office"),
        "{html}"
    );
    let path = format!("{BASE}/people/M2/leave");
    let (status, _, html) = get(&site, &path, &olive).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("the 1 item they hold"), "{html}");
    let (status, _, html) = post(&site, &path, &olive, &format!("csrf_token={token}")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains(r##"<a href="#left_on">"##) && html.contains(r##"<a href="#reason">"##));
    let early = format!(
        "csrf_token={token}&left_on={}&reason=stood_down",
        enc("01/01/2026")
    );
    let (status, _, html) = post(&site, &path, &olive, &early).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains(r##"<a href="#left_on">"##), "{html}");
    let body = format!(
        "csrf_token={token}&left_on={}&reason=stood_down",
        enc("20/03/2027")
    );
    let (status, _, html) = post(&site, &path, &olive, &body).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains("Check before recording that someone has left"),
        "{html}"
    );
    assert!(
        html.contains("TAB-2 held by Bo Fenn: Return by 20 March 2027 (clause 8.3"),
        "{html}"
    );
    assert!(in_office(&site, "M2").await);
    // Change returns to the form with the date and reason as typed.
    let (status, _, form) = post(&site, &path, &olive, &answers_body(&html, "change")).await;
    assert_eq!(status, StatusCode::OK, "{form}");
    assert!(form.contains("20&#x2f;03&#x2f;2027"), "{form}");
    // Without the session's token the confirmation does nothing.
    let forged = answers_body(&html, "confirm").replace(&token, "forged");
    let (status, _, _) = post(&site, &path, &olive, &forged).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(in_office(&site, "M2").await);
    let (status, _, html) = post(&site, &path, &olive, &answers_body(&html, "confirm")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Leaving recorded"), "{html}");
    assert!(
        html.contains("TAB-2</a>: Return by 20 March 2027 (clause 8.3"),
        "{html}"
    );
    let (status, _, _) = get(&site, &format!("{BASE}/people/M99/leave"), &olive).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
