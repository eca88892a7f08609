//! The SCIM endpoint with the payloads Entra ID's provisioning service sends, through the
//! whole router, on whichever database the tests run on.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::{AppState, Now, Today, app};
use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::NaiveDate;
use serde_json::{Value, json};
use std::sync::Arc;
use steward_domain::auth::{Password, Role, TokenScope};
use steward_domain::directory::apply;
use steward_domain::directory::scim::ScimTx;
use steward_domain::directory::settings::{Attributes, DirectorySettings, SourceSettings};
use steward_domain::directory::{ExternalId, Registered};
use steward_domain::ops::{council, people, policy, tokens, users};
use steward_domain::{Council, Ctx};
use steward_policy::{PersonKind, presets};
use steward_store::testing::TestDb;
use tower::ServiceExt;

const ADA: &str = "4b1c2d3e-0000-4000-8000-00000000ada1";
const BO: &str = "4b1c2d3e-0000-4000-8000-000000000b0f";
const STAFF: &str = "9d0e0000-0000-4000-8000-0000000057af";
const DESK: &str = "9d0e0000-0000-4000-8000-00000000de5c";
const MANAGERS: &str = "9d0e0000-0000-4000-8000-0000000000f1";

struct Site {
    app: Router,
    state: AppState,
    council: Council,
    /// A SCIM token, an administrator's API token, and another council's SCIM token.
    scim: String,
    api: String,
    elsewhere: String,
    _db: TestDb,
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

async fn token(
    tx: &mut steward_store::StoreTx,
    ctx: &Ctx,
    c: &Council,
    scope: TokenScope,
) -> String {
    let req = tokens::CreateToken {
        username: "clerk".parse().unwrap(),
        role: Role::Admin,
        name: "provisioning".into(),
        expires_on: None,
        scope,
    };
    let made = tokens::create(tx, ctx, c, req).await.unwrap();
    made.secret.expose().to_string()
}

/// A council that provisions by SCIM, with Entra ID's default attributes and three groups
/// mapped: staff by display name, and two offices by object id.
async fn council_with_scim(
    tx: &mut steward_store::StoreTx,
    ctx: &Ctx,
    slug: &str,
) -> (Council, String, String) {
    let c = council::create(tx, ctx, &slug.parse().unwrap(), "Wexcombe City Council")
        .await
        .unwrap();
    let preset = presets::find("city-aup").unwrap();
    policy::adopt(tx, ctx, &c, &presets::load(preset).unwrap(), ctx.today)
        .await
        .unwrap();
    let username: steward_domain::auth::Username = "clerk".parse().unwrap();
    let req = users::CreateUser {
        password: Password::new("copper lantern autumn 58", &username).unwrap(),
        username,
        role: Role::Admin,
        person: None,
        must_change_password: false,
    };
    users::create(tx, ctx, &c, req).await.unwrap();
    let settings = DirectorySettings {
        source: SourceSettings::Scim,
        attributes: Attributes::scim_defaults(),
        default_kind: None,
        groups: vec![
            "Staff=employee".parse().unwrap(),
            format!("{DESK}=office:service_desk").parse().unwrap(),
            format!("{MANAGERS}=office:line_manager").parse().unwrap(),
        ],
        scheduled: false,
    };
    apply::save_settings(tx, ctx, &c, &settings).await.unwrap();
    let scim = token(tx, ctx, &c, TokenScope::Scim).await;
    let api = token(tx, ctx, &c, TokenScope::Api).await;
    (c, scim, api)
}

async fn site() -> Site {
    let db = TestDb::new().await;
    let store = db.open().await.unwrap();
    let start = day("2027-01-04");
    let ctx = Ctx::new(
        "setup",
        start.and_hms_opt(9, 0, 0).unwrap().and_utc(),
        start,
    );
    let mut tx = store.begin().await.unwrap();
    let (c, scim, api) = council_with_scim(&mut tx, &ctx, "wexcombe-city").await;
    let (_, elsewhere, _) = council_with_scim(&mut tx, &ctx, "dunmere-town").await;
    tx.commit().await.unwrap();
    let found = crate::assets::Assets::open(std::path::Path::new("/nonexistent"));
    let today: Today = Arc::new(|| day("2027-05-20"));
    let now: Now = Arc::new(|| day("2027-05-20").and_hms_opt(10, 0, 0).unwrap().and_utc());
    let state = AppState::for_tests(store, today, now, found, false);
    Site {
        app: app(state.clone()),
        state,
        council: c,
        scim,
        api,
        elsewhere,
        _db: db,
    }
}

struct Reply {
    status: StatusCode,
    media: String,
    body: Value,
}

async fn send(site: &Site, method: Method, path: &str, token: &str, body: Option<Value>) -> Reply {
    let mut req = Request::builder().method(method).uri(path);
    if !token.is_empty() {
        req = req.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let req = match body {
        Some(b) => req
            .header(header::CONTENT_TYPE, "application/scim+json; charset=utf-8")
            .body(Body::from(b.to_string())),
        None => req.body(Body::empty()),
    }
    .unwrap();
    let res = site.app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let media = res
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Reply {
        status,
        media,
        body,
    }
}

/// A user as Entra ID's provisioning service creates one, with its default mappings and the
/// object id as `externalId`.
fn entra_user() -> Value {
    json!({
        "schemas": [
            "urn:ietf:params:scim:schemas:core:2.0:User",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
        ],
        "externalId": ADA,
        "userName": "ada.pryce@wexcombe.example",
        "active": true,
        "displayName": "Ada Pryce",
        "emails": [{ "primary": true, "type": "work", "value": "ada.pryce@wexcombe.example" }],
        "meta": { "resourceType": "User" },
        "name": { "formatted": "Ada Pryce", "familyName": "Pryce", "givenName": "Ada" },
        "phoneNumbers": [{ "type": "mobile", "value": "07700 900123" }],
        "title": "Service desk analyst",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
            "employeeNumber": "S100",
            "department": "ICT"
        }
    })
}

fn patch(ops: Value) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": ops,
    })
}

/// The register's view of Ada's person, if she has one.
async fn registered(site: &Site) -> Option<Registered> {
    registered_as(site, ADA).await
}

async fn registered_as(site: &Site, id: &str) -> Option<Registered> {
    let mut tx = site.state.store.read().await.unwrap();
    let id = ExternalId::parse(id).unwrap();
    tx.directory_register_of(site.council.id, day("2027-05-20"), &[id], &[])
        .await
        .unwrap()
        .pop()
}

fn offices(r: &Registered) -> Vec<&str> {
    r.offices.iter().map(|o| o.as_str()).collect()
}

#[tokio::test]
async fn entra_provisions_a_joiner_a_mover_and_a_leaver() {
    let site = site().await;
    let t = site.scim.clone();

    // Entra looks the user up by their matching attribute, then creates them.
    let filter = "/scim/v2/Users?filter=userName+eq+%22ada.pryce%40wexcombe.example%22";
    let r = send(&site, Method::GET, filter, &t, None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["totalResults"], 0);
    let r = send(
        &site,
        Method::POST,
        "/scim/v2/Users",
        &t,
        Some(entra_user()),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert!(r.media.starts_with("application/scim+json"), "{}", r.media);
    assert_eq!(r.body["id"], ADA);
    assert_eq!(r.body["userName"], "ada.pryce@wexcombe.example");
    assert_eq!(
        r.body["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]["employeeNumber"],
        "S100"
    );
    // Only what Steward reads is kept.
    assert!(r.body.get("phoneNumbers").is_none());
    // In no mapped group yet: known to SCIM, not in the register.
    assert!(registered(&site).await.is_none());

    // The same user again, or another with the same user name, is refused.
    let again = send(
        &site,
        Method::POST,
        "/scim/v2/Users",
        &t,
        Some(entra_user()),
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.body["scimType"], "uniqueness");
    assert_eq!(
        again.body["schemas"][0],
        "urn:ietf:params:scim:api:messages:2.0:Error"
    );
    assert_eq!(again.body["status"], "409");
    let mut twin = entra_user();
    twin["externalId"] = json!("4b1c2d3e-0000-4000-8000-0000000000b2");
    twin["userName"] = json!("ADA.PRYCE@wexcombe.example");
    let r = send(&site, Method::POST, "/scim/v2/Users", &t, Some(twin)).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);

    // Groups: staff makes Ada an employee with a term from today; the service desk an office.
    let staff = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "externalId": STAFF, "displayName": "Staff", "members": [{ "value": ADA }],
    });
    let r = send(&site, Method::POST, "/scim/v2/Groups", &t, Some(staff)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let ada = registered(&site).await.expect("joined");
    assert!(ada.serving);
    assert_eq!(ada.person.reference.as_str(), "S100");
    assert_eq!(ada.person.name, "Ada Pryce");
    assert_eq!(ada.person.kind, PersonKind::Employee);
    assert_eq!(
        ada.person.email.as_deref(),
        Some("ada.pryce@wexcombe.example")
    );
    for (id, name) in [(DESK, "Service Desk"), (MANAGERS, "Line managers")] {
        let g = json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
            "externalId": id, "displayName": name, "members": [],
        });
        let r = send(&site, Method::POST, "/scim/v2/Groups", &t, Some(g)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let add = patch(json!([{ "op": "Add", "path": "members", "value": [{ "value": ADA }] }]));
    let r = send(
        &site,
        Method::PATCH,
        &format!("/scim/v2/Groups/{DESK}"),
        &t,
        Some(add),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert_eq!(offices(&registered(&site).await.unwrap()), ["service_desk"]);

    // A mover: off the service desk and on to the line managers.
    let remove = patch(json!([{ "op": "Remove", "path": format!("members[value eq \"{ADA}\"]") }]));
    let r = send(
        &site,
        Method::PATCH,
        &format!("/scim/v2/Groups/{DESK}"),
        &t,
        Some(remove),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let add = patch(json!([{ "op": "Add", "path": "members", "value": [{ "value": ADA }] }]));
    let r = send(
        &site,
        Method::PATCH,
        &format!("/scim/v2/Groups/{MANAGERS}"),
        &t,
        Some(add),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert_eq!(offices(&registered(&site).await.unwrap()), ["line_manager"]);
    let r = send(
        &site,
        Method::GET,
        &format!("/scim/v2/Groups/{MANAGERS}"),
        &t,
        None,
    )
    .await;
    assert_eq!(r.body["members"][0]["value"], ADA);
    let r = send(
        &site,
        Method::GET,
        "/scim/v2/Groups?filter=displayName+eq+%22line+MANAGERS%22&excludedAttributes=members",
        &t,
        None,
    )
    .await;
    assert_eq!(r.body["totalResults"], 1, "{}", r.body);
    assert!(r.body["Resources"][0].get("members").is_none());

    // A new name and address, as Entra patches them.
    let rename = patch(json!([
        { "op": "Replace", "path": "displayName", "value": "Ada Pryce-Jones" },
        { "op": "Replace", "path": "emails[type eq \"work\"].value", "value": "ada.jones@wexcombe.example" },
    ]));
    let r = send(
        &site,
        Method::PATCH,
        &format!("/scim/v2/Users/{ADA}"),
        &t,
        Some(rename),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let ada = registered(&site).await.unwrap();
    assert_eq!(ada.person.name, "Ada Pryce-Jones");
    assert_eq!(
        ada.person.email.as_deref(),
        Some("ada.jones@wexcombe.example")
    );

    // A leaver: Entra's string boolean ends the term; the user is still listed, inactive.
    let off = patch(json!([{ "op": "Replace", "path": "active", "value": "False" }]));
    let r = send(
        &site,
        Method::PATCH,
        &format!("/scim/v2/Users/{ADA}"),
        &t,
        Some(off),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.body["active"], false);
    let ada = registered(&site).await.expect("never deleted");
    assert!(!ada.serving);
    assert!(ada.offices.is_empty());
    let r = send(
        &site,
        Method::GET,
        "/scim/v2/Users?filter=externalId+eq+%224b1c2d3e-0000-4000-8000-00000000ada1%22",
        &t,
        None,
    )
    .await;
    assert_eq!(r.body["totalResults"], 1);
    assert_eq!(r.body["Resources"][0]["active"], false);

    // Another joiner, deleted by the directory: a leaver, and the person stays.
    let mut bo = entra_user();
    bo["externalId"] = json!(BO);
    bo["userName"] = json!("bo.fenn@wexcombe.example");
    bo["displayName"] = json!("Bo Fenn");
    bo["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]["employeeNumber"] =
        json!("S101");
    let r = send(&site, Method::POST, "/scim/v2/Users", &t, Some(bo)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let add = patch(json!([{ "op": "add", "path": "members", "value": [{ "value": BO }] }]));
    let r = send(
        &site,
        Method::PATCH,
        &format!("/scim/v2/Groups/{STAFF}"),
        &t,
        Some(add),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert!(registered_as(&site, BO).await.unwrap().serving);
    let r = send(
        &site,
        Method::DELETE,
        &format!("/scim/v2/Users/{BO}"),
        &t,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let r = send(
        &site,
        Method::GET,
        &format!("/scim/v2/Users/{BO}"),
        &t,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let gone = registered_as(&site, BO).await.expect("never deleted");
    assert!(!gone.serving);
    assert_eq!(gone.person.name, "Bo Fenn");
    // Ada, inactive, deleted too: her person stays.
    let r = send(
        &site,
        Method::DELETE,
        &format!("/scim/v2/Users/{ADA}"),
        &t,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = send(
        &site,
        Method::GET,
        &format!("/scim/v2/Users/{ADA}"),
        &t,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let ada = registered(&site).await.expect("never deleted");
    assert!(!ada.serving);
    let mut tx = site.state.store.read().await.unwrap();
    assert!(
        people::find(&mut tx, &site.council, &"S100".parse().unwrap())
            .await
            .is_ok()
    );
    assert_eq!(
        steward_domain::ops::audit_log::action_label("scim.user_create"),
        "Provisioned from the directory"
    );
}

#[tokio::test]
async fn users_page_in_sql_and_bad_requests_are_scim_errors() {
    let site = site().await;
    let t = site.scim.clone();
    for n in 0..5 {
        let mut u = entra_user();
        u["externalId"] = json!(format!("00000000-0000-4000-8000-00000000000{n}"));
        u["userName"] = json!(format!("user{n}@wexcombe.example"));
        u["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"]["employeeNumber"] =
            json!(format!("S{n}"));
        let r = send(&site, Method::POST, "/scim/v2/Users", &t, Some(u)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let r = send(
        &site,
        Method::GET,
        "/scim/v2/Users?startIndex=2&count=2",
        &t,
        None,
    )
    .await;
    assert_eq!(r.body["totalResults"], 5);
    assert_eq!(r.body["startIndex"], 2);
    assert_eq!(r.body["itemsPerPage"], 2);
    assert_eq!(r.body["Resources"][0]["userName"], "user1@wexcombe.example");

    let r = send(
        &site,
        Method::GET,
        "/scim/v2/Users?filter=title+co+%22x%22",
        &t,
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.body["scimType"], "invalidFilter");
    let mut nameless = entra_user();
    nameless["externalId"] = json!("no-user-name");
    nameless.as_object_mut().unwrap().remove("userName");
    let r = send(&site, Method::POST, "/scim/v2/Users", &t, Some(nameless)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.body["scimType"], "invalidValue");
    let mut unkeyed = entra_user();
    unkeyed.as_object_mut().unwrap().remove("externalId");
    let r = send(&site, Method::POST, "/scim/v2/Users", &t, Some(unkeyed)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.body["detail"].as_str().unwrap().contains("externalId"),
        "{}",
        r.body
    );
    let bad = patch(json!([{ "op": "Replace", "path": "active", "value": "perhaps" }]));
    let r = send(
        &site,
        Method::PATCH,
        "/scim/v2/Users/00000000-0000-4000-8000-000000000001",
        &t,
        Some(bad),
    )
    .await;
    assert_eq!(r.body["scimType"], "invalidValue");
    let r = send(&site, Method::GET, "/scim/v2/Users/nobody", &t, None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.body["status"], "404");
    let group =
        json!({ "displayName": "Staff", "externalId": STAFF, "members": [{ "value": "nobody" }] });
    let r = send(&site, Method::POST, "/scim/v2/Groups", &t, Some(group)).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let big = json!({ "userName": "x".repeat(crate::limits::BODY) });
    let r = send(&site, Method::POST, "/scim/v2/Users", &t, Some(big)).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.body["status"], "413");
    let req = Request::post("/scim/v2/Users")
        .header(header::AUTHORIZATION, format!("Bearer {t}"))
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from("userName=x"))
        .unwrap();
    let res = site.app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

/// Every SCIM route, for each kind of caller: nobody, an API token, another council's SCIM
/// token and the council's own.
#[tokio::test]
async fn only_the_councils_own_scim_token_opens_scim_and_it_opens_nothing_else() {
    let site = site().await;
    let r = send(
        &site,
        Method::POST,
        "/scim/v2/Users",
        &site.scim,
        Some(entra_user()),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let user = format!("/scim/v2/Users/{ADA}");
    let group = format!("/scim/v2/Groups/{STAFF}");
    let routes: Vec<(Method, &str, Option<Value>)> = vec![
        (Method::GET, "/scim/v2/Users", None),
        (Method::POST, "/scim/v2/Users", Some(entra_user())),
        (Method::GET, &user, None),
        (Method::PUT, &user, Some(entra_user())),
        (
            Method::PATCH,
            &user,
            Some(patch(
                json!([{ "op": "Replace", "path": "title", "value": "Analyst" }]),
            )),
        ),
        (Method::GET, "/scim/v2/Groups", None),
        (
            Method::POST,
            "/scim/v2/Groups",
            Some(json!({ "displayName": "Staff", "externalId": STAFF })),
        ),
        (Method::GET, &group, None),
        (Method::PUT, &group, Some(json!({ "displayName": "Staff" }))),
        (
            Method::PATCH,
            &group,
            Some(patch(
                json!([{ "op": "Replace", "path": "displayName", "value": "Staff" }]),
            )),
        ),
        (Method::GET, "/scim/v2/ServiceProviderConfig", None),
        (Method::GET, "/scim/v2/ResourceTypes", None),
        (Method::GET, "/scim/v2/Schemas", None),
        (Method::DELETE, &group, None),
        (Method::DELETE, &user, None),
    ];
    for (method, path, body) in &routes {
        let none = send(&site, method.clone(), path, "", body.clone()).await;
        assert_eq!(none.status, StatusCode::UNAUTHORIZED, "{method} {path}");
        let api = send(&site, method.clone(), path, &site.api, body.clone()).await;
        assert_eq!(
            api.status,
            StatusCode::FORBIDDEN,
            "{method} {path}: an API token"
        );
        let own = send(&site, method.clone(), path, &site.scim, body.clone()).await;
        assert!(
            own.status.is_success() || own.status == StatusCode::CONFLICT,
            "{method} {path}: {} {}",
            own.status,
            own.body
        );
    }
    // Another council's token finds none of this council's users or groups.
    let r = send(
        &site,
        Method::POST,
        "/scim/v2/Users",
        &site.scim,
        Some(entra_user()),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let g = json!({ "displayName": "Staff", "externalId": STAFF, "members": [{ "value": ADA }] });
    let r = send(&site, Method::POST, "/scim/v2/Groups", &site.scim, Some(g)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let others: Vec<(Method, &str, Option<Value>)> = vec![
        (Method::GET, &user, None),
        (Method::PUT, &user, Some(entra_user())),
        (
            Method::PATCH,
            &user,
            Some(patch(
                json!([{ "op": "Replace", "path": "active", "value": "False" }]),
            )),
        ),
        (Method::DELETE, &user, None),
        (Method::GET, &group, None),
        (Method::PUT, &group, Some(json!({ "displayName": "Staff" }))),
        (
            Method::PATCH,
            &group,
            Some(patch(json!([{ "op": "Remove", "path": "members" }]))),
        ),
        (Method::DELETE, &group, None),
    ];
    for (method, path, body) in others {
        let r = send(&site, method.clone(), path, &site.elsewhere, body).await;
        assert_eq!(
            r.status,
            StatusCode::NOT_FOUND,
            "{method} {path}: {}",
            r.body
        );
    }
    assert!(registered(&site).await.unwrap().serving);
    let filter = "/scim/v2/Users?filter=userName+eq+%22ada.pryce%40wexcombe.example%22";
    let r = send(&site, Method::GET, filter, &site.elsewhere, None).await;
    assert_eq!(r.body["totalResults"], 0, "{}", r.body);
    // A SCIM token opens nothing of the API.
    let r = send(&site, Method::GET, "/api/v1/people", &site.scim, None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = send(&site, Method::GET, "/api/v1/people", &site.api, None).await;
    assert_eq!(r.status, StatusCode::OK);
    // SCIM is described by its RFC schemas at /scim/v2/Schemas, not by the API's document.
    let doc = send(&site, Method::GET, "/api/v1/openapi.json", "", None).await;
    let paths = doc.body["paths"].as_object().unwrap();
    assert!(!paths.is_empty() && paths.keys().all(|p| !p.to_lowercase().contains("scim")));
    let schemas = send(&site, Method::GET, "/scim/v2/Schemas", &site.scim, None).await;
    assert_eq!(schemas.body["totalResults"], 3, "{}", schemas.body);
}
