//! Seed data for the information request pages: request 1, a freedom of information request
//! Olive (Legal and Democratic Services Manager, a handler under clause 9.3) received, on which
//! Ada was asked to help (request for help 1).

use chrono::NaiveDate;
use steward_domain::auth::{AuthTx, Principal};
use steward_domain::info::InfoKind;
use steward_domain::ops::info::{self, Receive};
use steward_domain::ops::people;
use steward_domain::{Council, Ctx};
use steward_store::StoreTx;

pub async fn seed(tx: &mut StoreTx, c: &Council) {
    let d = NaiveDate::parse_from_str("2027-05-10", "%Y-%m-%d").unwrap();
    let ctx = Ctx::new("olive", d.and_hms_opt(9, 0, 0).unwrap().and_utc(), d);
    let user = tx
        .user_by_username(c.id, &"olive".parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    let offices = people::offices_on(tx, c.id, user.person_id.unwrap(), d)
        .await
        .unwrap();
    let role = user.role;
    let olive = Principal::new(user, role, offices);
    let received = Receive {
        kind: InfoKind::Foi,
        requester: "A journalist".into(),
        subject: None,
        received_on: d,
        summary: "Spending on councillors' laptops".into(),
        nation: None,
    };
    let v = info::receive(tx, &ctx, c, &olive, received).await.unwrap();
    info::ask(
        tx,
        &ctx,
        c,
        &olive,
        &v.request.reference,
        &"M1".parse().unwrap(),
        d,
    )
    .await
    .unwrap();
}

#[cfg(test)]
mod pages {
    use super::super::{SLUG, Server};

    #[test]
    fn a_handler_prints_the_subject_access_document_and_a_checked_form() {
        let server = Server::start();
        let (olive, token) = server.sign_in("olive");
        let page = server.get(
            &format!("/councils/{SLUG}/people/M1/subject-access"),
            &olive,
        );
        assert_eq!(page.status, 200);
        assert!(
            page.body.contains("Information held about Ada Quill"),
            "{}",
            page.body
        );
        assert!(page.body.contains("LAP-1"));
        assert!(!page.body.contains("Bo Fenn") && !page.body.contains("Olive Desk"));
        assert!(page.body.contains("[redacted: another person]"));
        let pdf = server.get(
            &format!("/councils/{SLUG}/people/M1/subject-access.pdf"),
            &olive,
        );
        assert_eq!(pdf.header("content-type"), Some("application/pdf"));
        assert!(pdf.body.starts_with("%PDF-1.4"));

        let list = server.get(&format!("/councils/{SLUG}/information-requests"), &olive);
        assert!(list.body.contains("FOI-2027-0001"), "{}", list.body);
        let mine = server.get(&format!("/councils/{SLUG}/information-requests/1"), &olive);
        assert!(
            mine.body
                .contains("Ada Quill (M1), asked on 10 May 2027: not answered")
        );
        assert!(
            mine.body
                .contains(r#"<option value="1">Ada Quill (M1)</option>"#),
            "{}",
            mine.body
        );
        assert!(mine.body.contains("England and Wales"));

        // Ada's form, returned as if it were Bo's: the error is against the reference field.
        let form = server.get(
            &format!("/councils/{SLUG}/people/M1/acceptance-form.pdf"),
            &olive,
        );
        assert_eq!(form.status, 200);
        let prefix = "FENWOLD-BOROUGH/M1/V1/";
        let at = form.body.find(prefix).unwrap();
        let reference = form.body[at..at + prefix.len() + 8].to_string();
        let wrong = server.post(
            &format!("/councils/{SLUG}/signatures/paper"),
            &olive,
            &format!(
                "csrf_token={token}&person=M2&signed_on=19%2F05%2F2027&form_reference={}",
                reference.replace('/', "%2F")
            ),
        );
        assert_eq!(wrong.status, 400, "{}", wrong.body);
        assert!(
            wrong.body.contains(r##"<a href="#form_reference">This form was printed for Ada Quill (M1), not for Bo Fenn (M2)"##),
            "{}",
            wrong.body
        );
        let right = server.post(
            &format!("/councils/{SLUG}/signatures/paper"),
            &olive,
            &format!(
                "csrf_token={token}&person=M1&signed_on=19%2F05%2F2027&form_reference={}",
                reference.replace('/', "%2F")
            ),
        );
        assert_eq!(right.status, 303, "{}", right.body);

        // Ada sees what she was asked on her own page, and answers it there.
        let (ada, ada_token) = server.sign_in("ada");
        let me = server.get(&format!("/councils/{SLUG}/me"), &ada);
        assert!(
            me.body
                .contains("The council has asked you about 1 information request it must"),
            "{}",
            me.body
        );
        let path = format!("/councils/{SLUG}/me/information-requests/1/answer");
        let empty = server.post(&path, &ada, &format!("csrf_token={ada_token}&answer=+"));
        assert_eq!(empty.status, 400);
        assert!(
            empty.body.contains(r##"<a href="#answer">"##),
            "{}",
            empty.body
        );
        let done = server.post(
            &path,
            &ada,
            &format!("csrf_token={ada_token}&answer=Two+emails"),
        );
        assert_eq!(done.status, 303, "{}", done.body);
        let me = server.get(&format!("/councils/{SLUG}/me"), &ada);
        assert!(!me.body.contains("information request it must"));
        let shown = server.get(&format!("/councils/{SLUG}/information-requests/1"), &olive);
        assert!(
            shown.body.contains("answered on 20 May 2027: Two emails"),
            "{}",
            shown.body
        );

        // Auditors read the register but do not produce the document.
        let (audrey, _) = server.sign_in("audrey");
        let refused = server.get(
            &format!("/councils/{SLUG}/people/M1/subject-access"),
            &audrey,
        );
        assert_eq!(refused.status, 403);
        let read = server.get(&format!("/councils/{SLUG}/information-requests/1"), &audrey);
        assert_eq!(read.status, 200);
        assert!(!read.body.contains("Close the request"));
    }
}
