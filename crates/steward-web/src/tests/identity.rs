//! The administrator's pages for the identity provider: linking an account to an identity and
//! unlinking it, and the sign-in settings, each checked in words before it is saved.

use super::*;
use steward_domain::auth::Username;
use steward_domain::ops::oidc;

const AUDREY: &str = "/councils/dunmere-town/admin/accounts/audrey/identity";

async fn linked(site: &Site, username: &str) -> Option<String> {
    let mut tx = site.state.store.read().await.unwrap();
    let council = council::find(&mut tx, &"dunmere-town".parse().unwrap())
        .await
        .unwrap();
    let name: Username = username.parse().unwrap();
    let (_, how) = oidc::account(&mut tx, &council, &name).await.unwrap();
    how.external.map(|e| e.as_str().to_string())
}

#[tokio::test]
async fn an_administrator_links_and_unlinks_an_identity_after_checking_it() {
    let site = site().await;
    let session = sign_in(&site, "clerk").await;
    let (status, _, page) = get_as(&site, AUDREY, &session).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Not linked"), "{page}");
    let token = csrf_field(&page);

    // Each field's problem, linked from the summary.
    let (status, _, page) = post_as(
        &site,
        AUDREY,
        &session,
        &format!("csrf_token={token}&kind=tenant_object&tenant=&object=two+words"),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{page}");
    assert!(page.contains(r##"href="#tenant""##) && page.contains(r##"href="#object""##));
    let (status, _, page) = post_as(&site, AUDREY, &session, &format!("csrf_token={token}")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains(r##"href="#kind""##), "{page}");

    // Checked in words, then linked.
    let answers = format!("csrf_token={token}&kind=subject&subject=audrey-sub");
    let (status, _, page) = post_as(&site, AUDREY, &session, &answers).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Check the identity to link") && page.contains("audrey-sub"));
    assert_eq!(linked(&site, "audrey").await, None, "nothing is saved yet");
    let (status, _, page) =
        post_as(&site, AUDREY, &session, &format!("{answers}&change=yes")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains(r#"value="audrey-sub""#),
        "Change keeps what was typed"
    );
    let (status, headers, _) =
        post_as(&site, AUDREY, &session, &format!("{answers}&confirm=yes")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        headers[header::LOCATION],
        "/councils/dunmere-town/admin/accounts/audrey?done=linked"
    );
    assert_eq!(
        linked(&site, "audrey").await.as_deref(),
        Some("subject:audrey-sub")
    );
    let (_, _, page) = get_as(
        &site,
        "/councils/dunmere-town/admin/accounts/audrey?done=linked",
        &session,
    )
    .await;
    assert!(page.contains("The identity is linked") && page.contains("Subject audrey-sub"));

    // One identity, one account: said at the check, before anything is confirmed.
    let (status, _, page) = post_as(
        &site,
        "/councils/dunmere-town/admin/accounts/newbie/identity",
        &session,
        &answers,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("already linked to audrey"), "{page}");
    assert!(page.contains(r##"href="#subject""##));

    // Unlinking is checked too.
    let unlink = format!("{AUDREY}/unlink");
    let (status, _, page) = post_as(&site, &unlink, &session, &format!("csrf_token={token}")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Check before unlinking") && page.contains("subject audrey-sub"));
    assert!(linked(&site, "audrey").await.is_some());
    let (status, headers, _) = post_as(
        &site,
        &unlink,
        &session,
        &format!("csrf_token={token}&confirm=yes"),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        headers[header::LOCATION]
            .to_str()
            .unwrap()
            .ends_with("done=unlinked")
    );
    assert_eq!(linked(&site, "audrey").await, None);
    let (status, _, page) = post_as(&site, &unlink, &session, &format!("csrf_token={token}")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        page.contains("audrey is not linked to an identity"),
        "{page}"
    );

    // Both changes are in the audit trail, in words.
    let (_, _, log) = get_as(&site, "/councils/dunmere-town/audit", &session).await;
    assert!(
        log.contains("linked the account audrey to a person&#x27;s identity")
            || log.contains("linked the account audrey to a person's identity"),
        "{log}"
    );
    assert!(
        log.contains("removed the link of the account audrey"),
        "{log}"
    );
}

#[tokio::test]
async fn the_sign_in_settings_are_checked_before_they_are_saved() {
    let site = site().await;
    let session = sign_in(&site, "clerk").await;
    let path = "/councils/dunmere-town/admin/sign-in";
    let (_, _, page) = get_as(&site, path, &session).await;
    let token = csrf_field(&page);
    let answers = format!(
        "csrf_token={token}&provider_name=Council+Login&issuer=https%3A%2F%2Flogin.example%2Fv2.0\
         &client_id=steward&secret_source=env&secret_name=STEWARD_OIDC_SECRET&role_claim=roles\
         &account_key=subject&role_map=Steward.Admin%3Dadmin&passwords_off=yes"
    );
    let saved = || async {
        let mut tx = site.state.store.read().await.unwrap();
        let council = council::find(&mut tx, &"dunmere-town".parse().unwrap())
            .await
            .unwrap();
        oidc::settings(&mut tx, &council).await.unwrap()
    };
    let (status, _, page) = post_as(&site, path, &session, &answers).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Check the sign-in settings"), "{page}");
    assert!(page.contains("Steward.Admin gives Administrator"), "{page}");
    assert!(page.contains("Passwords stop working"), "{page}");
    assert!(saved().await.is_none());
    let (status, _, page) = post_as(&site, path, &session, &format!("{answers}&change=yes")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"value="Council Login""#), "{page}");
    assert!(saved().await.is_none());
    let (status, _, page) = post_as(
        &site,
        path,
        &session,
        &format!("csrf_token={token}&issuer=http%3A%2F%2Fexample.org&confirm=yes"),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "a bad form is not saved even confirmed"
    );
    assert!(page.contains(r##"href="#issuer""##), "{page}");
    let (status, headers, _) =
        post_as(&site, path, &session, &format!("{answers}&confirm=yes")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        headers[header::LOCATION]
            .to_str()
            .unwrap()
            .ends_with("done=saved")
    );
    let settings = saved().await.unwrap();
    assert!(settings.passwords_off);
    assert_eq!(settings.provider_name, "Council Login");
}
