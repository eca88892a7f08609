//! Borough members' protocol, clause 7.4: phones for Cabinet Members, who repay personal calls.
//! Everything after the set-up goes through the JSON API with each role's token.

use super::{person, phone};
use crate::api::{Reply, Server, is_problem, token, user};
use crate::support::Env;
use serde_json::{Value, json};

const BILL: &str = "\
line,date,time,called,description,duration,cost
07700 900321,2027-04-02,10:00,01632 960101,Call,4:00,0.00
07700 900321,2027-04-03,19:30,07700 900901,Call,9:00,0.90
07700 900321,2027-04-04,21:00,,Text,,0.12
";

fn post_csv(api: &Server, token: &str, path: &str, body: &str) -> Reply {
    Server::reply(
        api.agent
            .post(format!("{}{path}", api.base))
            .header("Authorization", format!("Bearer {token}"))
            .header("Content-Type", "text/csv")
            .send(body),
    )
}

struct Borough {
    env: Env,
    officer: String,
    auditor: String,
    gil: String,
    flo: String,
}

/// Gil (M2), a Cabinet Member, holds PHN-1 from 1 February; Flo (M1) holds no phone.
fn borough() -> Borough {
    let env = Env::new();
    env.council("borough-members-protocol", "2026-06-01");
    let day = "2027-02-01";
    person(
        &env,
        "S1",
        "Olive Desk",
        "employee",
        &["--office", "legal_and_democratic_services_manager"],
        day,
    );
    person(
        &env,
        "M1",
        "Flo Hart",
        "councillor",
        &["--term-start", "2023-05-04"],
        day,
    );
    person(
        &env,
        "M2",
        "Gil Penn",
        "councillor",
        &["--term-start", "2023-05-04", "--office", "cabinet_member"],
        day,
    );
    phone(&env, "PHN-1", day);
    env.ok(&[
        "acceptance",
        "sign",
        "M2",
        "--typed-name",
        "Gil Penn",
        "--as-of",
        day,
    ]);
    env.ok(&["loan", "issue", "M2", "PHN-1", "--as-of", day]);
    user(
        &env,
        &["--username", "olive", "--role", "officer", "--person", "S1"],
    );
    user(&env, &["--username", "audrey", "--role", "auditor"]);
    user(
        &env,
        &["--username", "gil", "--role", "member", "--person", "M2"],
    );
    user(
        &env,
        &["--username", "flo", "--role", "member", "--person", "M1"],
    );
    Borough {
        officer: token(&env, "olive", "officer"),
        auditor: token(&env, "audrey", "auditor"),
        gil: token(&env, "gil", "member"),
        flo: token(&env, "flo", "member"),
        env,
    }
}

fn ids(reply: &Value) -> Vec<i64> {
    reply["items"][0]["calls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect()
}

#[test]
fn a_cabinet_member_marks_personal_calls_and_pays_under_clause_7_4() {
    let b = borough();
    let api = Server::start(&b.env, "2027-05-20");

    let line = json!({"asset_tag": "PHN-1", "number": "07700 900321"});
    is_problem(&api.post(&b.gil, "/phone-lines", line.clone()), 403);
    let added = api.post(&b.officer, "/phone-lines", line);
    assert_eq!(added.status, 201, "{}", added.body);
    assert_eq!(added.body["number"], "+447700900321");
    let lines = api.get(&b.auditor, "/phone-lines");
    assert_eq!(lines.body["items"][0]["holder"], "M2", "{}", lines.body);

    // A bad bill is refused row by row, with nothing kept.
    let bad = BILL.replace("0.12", "twelve pence");
    let refused = post_csv(&api, &b.officer, "/phone-bills/import/2027-04", &bad);
    is_problem(&refused, 422);
    assert_eq!(refused.body["errors"][0]["field"], "cost");
    assert!(
        refused.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("line 4: ")
    );
    assert_eq!(api.get(&b.auditor, "/phone-bills").body["items"], json!([]));
    is_problem(
        &post_csv(&api, &b.officer, "/phone-bills/import/April", BILL),
        400,
    );
    is_problem(
        &post_csv(&api, &b.gil, "/phone-bills/import/2027-04", BILL),
        403,
    );

    let done = post_csv(&api, &b.officer, "/phone-bills/import/2027-04", BILL);
    assert_eq!(done.status, 201, "{}", done.body);
    assert_eq!(done.body["bills"][0]["items"], 3);
    assert_eq!(done.body["bills"][0]["attributed"], 3);
    let twice = post_csv(&api, &b.officer, "/phone-bills/import/2027-04", BILL);
    is_problem(&twice, 409);
    assert!(twice.body["type"].as_str().unwrap().ends_with("/conflict"));

    // Gil sees his own items and marks two; Flo has none, and cannot mark his.
    let mine = api.get(&b.gil, "/me/phone-bills");
    assert_eq!(mine.status, 200, "{}", mine.body);
    let calls = ids(&mine.body);
    assert_eq!(calls.len(), 3);
    assert_eq!(api.get(&b.flo, "/me/phone-bills").body["items"], json!([]));
    let bill = mine.body["items"][0]["bill_id"].as_i64().unwrap();
    let marks = format!("/me/phone-bills/{bill}/personal");
    is_problem(
        &api.post(&b.flo, &marks, json!({"personal": [calls[1]]})),
        404,
    );
    is_problem(
        &api.post(
            &b.officer,
            &format!("/phone-bills/{bill}/statements"),
            json!({}),
        ),
        422,
    );
    let marked = api.post(&b.gil, &marks, json!({"personal": [calls[1], calls[2]]}));
    assert_eq!(marked.status, 200, "{}", marked.body);
    assert_eq!(marked.body["personal_cost"], 102);
    assert_eq!(marked.body["citation"]["clause"], "7.4");

    // Officers and auditors read the bill; members do not.
    let shown = api.get(&b.auditor, &format!("/phone-bills/{bill}"));
    assert_eq!(
        shown.body["holders"][0]["personal_cost"], 102,
        "{}",
        shown.body
    );
    is_problem(&api.get(&b.gil, &format!("/phone-bills/{bill}")), 403);

    let issued = api.post(
        &b.officer,
        &format!("/phone-bills/{bill}/statements"),
        json!({"person": "M2"}),
    );
    assert_eq!(issued.status, 201, "{}", issued.body);
    assert_eq!(issued.body["statement"]["amount"], 102);
    assert_eq!(issued.body["citation"]["clause"], "7.4");
    assert_eq!(
        issued.body["citation"]["document"],
        "Protocol on the use of ICT by Members"
    );
    let statement = issued.body["statement"]["id"].as_i64().unwrap();
    is_problem(&api.post(&b.gil, &marks, json!({"personal": []})), 409);

    // The holder sees his statement; another member cannot tell it exists.
    let path = format!("/phone-statements/{statement}");
    assert_eq!(api.get(&b.gil, &path).status, 200);
    is_problem(&api.get(&b.flo, &path), 404);
    is_problem(&api.get(&b.flo, "/phone-statements/999"), 404);

    let pay = format!("/phone-statements/{statement}/payments");
    let part = api.post(
        &b.officer,
        &pay,
        json!({"amount": "0.50", "reference": "BACS 17"}),
    );
    assert_eq!(part.status, 201, "{}", part.body);
    assert_eq!(part.body["outstanding"], 52);
    let over = api.post(&b.officer, &pay, json!({"amount": "0.53"}));
    is_problem(&over, 422);
    assert_eq!(over.body["errors"][0]["field"], "amount");
    is_problem(&api.post(&b.auditor, &pay, json!({"amount": "0.10"})), 403);
    let owing = api.get(&b.auditor, "/phone-statements?outstanding=true");
    assert_eq!(owing.body["items"][0]["outstanding"], 52, "{}", owing.body);
    let due = api.get(&b.auditor, "/due");
    let item = due.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "phone_costs_owed")
        .cloned()
        .unwrap_or_else(|| panic!("no phone costs owed in {}", due.body));
    assert_eq!(item["person"], "M2");
    assert_eq!(item["citation"]["clause"], "7.4");
    let paid = api.post(
        &b.officer,
        &pay,
        json!({"amount": "0.52", "paid_on": "2027-05-20"}),
    );
    assert_eq!(paid.body["outstanding"], 0, "{}", paid.body);
    assert_eq!(
        api.get(&b.auditor, "/phone-statements?outstanding=true")
            .body["items"],
        json!([])
    );
}

#[test]
fn the_api_document_lists_the_phone_endpoints() {
    let b = borough();
    let api = Server::start(&b.env, "2027-05-20");
    let doc = api.get("", "/openapi.json");
    for path in [
        "/phone-lines",
        "/phone-bills/import/{period}",
        "/phone-bills/{id}/statements",
        "/phone-statements/{id}/payments",
        "/me/phone-bills/{id}/personal",
    ] {
        assert!(
            doc.body["paths"][path].is_object(),
            "{path} is not documented"
        );
    }
    let csv = &doc.body["paths"]["/phone-bills/import/{period}"]["post"]["requestBody"];
    assert!(csv["content"]["text/csv"].is_object(), "{csv}");
}
