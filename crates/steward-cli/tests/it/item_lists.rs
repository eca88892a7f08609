//! The equipment, loans and signatures lists on the command line and through the API: their
//! filters, sorts, searches and pages. (A loan ended by a loss is in `workflow.rs`, where the
//! loss is reported.)

use crate::api::{Server, is_problem, token, user};
use crate::support::Env;
use serde_json::Value;
use std::collections::HashSet;

const TODAY: &str = "2027-06-01";

/// A town council (three-month loans) with twelve councillors in households of their own,
/// twelve laptops and four tablets; laptops 1 to 9 lent on three days, so that on 1 June
/// three are overdue, three due back this week and three later; laptop 10 lent and returned.
fn town() -> Env {
    let env = Env::new();
    env.council("town-it-policy", "2027-01-04");
    let mut people = String::from("reference,name,kind,household,term_start\n");
    let names = ["Ada Quill", "Ben Rowe", "Cy Marsh", "Dot Lane"];
    for i in 1..=12 {
        let name = format!("{} {i}", names[i % names.len()]);
        people.push_str(&format!("P{i:02},{name},councillor,H{i},2026-05-07\n"));
    }
    let file = env.file("people.csv", &people);
    env.ok(&[
        "person",
        "import",
        file.to_str().unwrap(),
        "--as-of",
        "2027-01-04",
    ]);
    let mut items = String::from("asset_tag,kind,model,replacement_cost,serial,purchased_on\n");
    for i in 1..=12 {
        let model = if i % 2 == 0 { "Lenvo T14" } else { "Dall XPS" };
        items.push_str(&format!(
            "LAP-{i:02},laptop,{model},650.00,SN{i:03},2026-0{}-01\n",
            i % 9 + 1
        ));
    }
    for i in 1..=4 {
        items.push_str(&format!("TAB-{i:02},tablet,Apad Air,400.00,,\n"));
    }
    let file = env.file("items.csv", &items);
    env.ok(&[
        "equipment",
        "import",
        file.to_str().unwrap(),
        "--as-of",
        "2027-01-04",
    ]);
    for i in 1..=10 {
        let lent = match i {
            1..=3 => "2027-02-20",
            4..=6 => "2027-03-03",
            _ => "2027-04-01",
        };
        let (p, tag) = (format!("P{i:02}"), format!("LAP-{i:02}"));
        env.ok(&["loan", "issue", &p, &tag, "--as-of", lent]);
    }
    env.ok(&["loan", "return", "10", "--as-of", "2027-05-02"]);
    env
}

fn items(v: &Value) -> Vec<Value> {
    v.as_array().cloned().unwrap_or_default()
}

fn field(v: &Value, key: &str) -> Vec<String> {
    items(v)
        .iter()
        .map(|i| {
            i[key]
                .as_str()
                .map_or_else(|| i[key].to_string(), str::to_string)
        })
        .collect()
}

fn loan_ids(v: &Value) -> Vec<i64> {
    items(v)
        .iter()
        .map(|l| l["loan"]["id"].as_i64().unwrap())
        .collect()
}

#[test]
fn equipment_filters_sorts_searches_and_pages_on_the_command_line() {
    let env = town();
    let list = |args: &[&str]| {
        let mut all = vec!["equipment", "list", "--as-of", TODAY];
        all.extend_from_slice(args);
        env.ok(&all)
    };
    let tags = field(&list(&[]), "asset_tag");
    assert_eq!(tags.len(), 16);
    assert!(tags.windows(2).all(|w| w[0] < w[1]), "by tag: {tags:?}");
    assert_eq!(
        field(&list(&["--kind", "tablet"]), "asset_tag"),
        ["TAB-01", "TAB-02", "TAB-03", "TAB-04"]
    );
    let issued = list(&["--state", "issued"]);
    assert_eq!(items(&issued).len(), 9);
    assert!(
        items(&issued)
            .iter()
            .all(|e| e["holder"]["reference"].is_string())
    );
    assert_eq!(issued[0]["holder"]["reference"], "P01");
    // By the start of a model's word, or a serial.
    assert_eq!(field(&list(&["--search", "dall"]), "asset_tag").len(), 6);
    assert_eq!(
        field(&list(&["--search", "SN007"]), "asset_tag"),
        ["LAP-07"]
    );
    // Models from Z to A, purchases newest first (items never bought sort first going up).
    let models = field(&list(&["--sort", "model", "--desc"]), "model");
    assert!(
        models
            .windows(2)
            .all(|w| w[0].to_lowercase() >= w[1].to_lowercase()),
        "{models:?}"
    );
    let bought = field(&list(&["--sort", "purchased"]), "purchased_on");
    assert_eq!(bought[..4], ["null", "null", "null", "null"]);
    // A page at a time: every item once, in order.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut args = vec!["--limit", "5"];
        if let Some(c) = &cursor {
            args.extend(["--cursor", c.as_str()]);
        }
        let page = list(&args);
        assert_eq!(page["total"]["count"], 16);
        seen.extend(field(&page["items"], "asset_tag"));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(seen, tags);
    let wrong = env.fails(&["equipment", "list", "--sort", "colour"], 3);
    assert!(
        wrong.says("--sort") || wrong.stdout.contains("--sort"),
        "{}",
        wrong.stdout
    );
}

#[test]
fn loans_by_what_is_due_and_how_each_stands() {
    let env = town();
    let list = |args: &[&str]| {
        let mut all = vec!["loan", "list", "--as-of", TODAY];
        all.extend_from_slice(args);
        env.ok(&all)
    };
    assert_eq!(
        loan_ids(&list(&[])),
        (1..=9).collect::<Vec<_>>(),
        "open, by number"
    );
    let overdue = list(&["--show", "overdue"]);
    assert_eq!(loan_ids(&overdue), [1, 2, 3]);
    assert!(items(&overdue).iter().all(|l| l["status"] == "overdue"));
    assert_eq!(loan_ids(&list(&["--show", "due-this-week"])), [4, 5, 6]);
    assert_eq!(
        loan_ids(&list(&["--all", "--desc"])),
        (1..=10).rev().collect::<Vec<_>>()
    );
    assert_eq!(
        loan_ids(&list(&["--show", "all", "--search", "lap-10"])),
        [10]
    );
    assert_eq!(loan_ids(&list(&["--search", "p02"])), [2]);
    let by_date = list(&["--sort", "return_by", "--desc", "--limit", "2"]);
    assert_eq!(loan_ids(&by_date["items"]), [9, 8]);
    assert_eq!(by_date["total"]["count"], 9);
    let bad = env.fails(&["loan", "list", "--show", "late"], 3);
    assert!(bad.says("due-this-week") || bad.stdout.contains("due-this-week"));

    // The table says how each loan stands, with the day an ended one ended.
    let table = env.run(&["loan", "list", "--all", "--as-of", TODAY]);
    assert!(
        table.stdout.contains("returned 2027-05-02"),
        "{}",
        table.stdout
    );
    assert!(table.stdout.contains("overdue"), "{}", table.stdout);
    let shown = env.run(&["loan", "show", "1", "--as-of", TODAY]);
    assert!(shown.stdout.contains("Status: overdue"), "{}", shown.stdout);
}

#[test]
fn the_api_lists_equipment_loans_and_signatures_in_pages() {
    let env = town();
    user(&env, &["--admin", "--username", "clerk"]);
    let admin = token(&env, "clerk", "admin");
    let api = Server::start(&env, TODAY);
    let issued = api.get(&admin, "/equipment?state=issued&sort=model&limit=50");
    assert_eq!(issued.status, 200, "{}", issued.body);
    assert_eq!(issued.body["total"]["count"], 9);
    assert!(issued.body["items"][0]["holder"]["name"].is_string());
    is_problem(&api.get(&admin, "/equipment?state=melted"), 400);
    is_problem(&api.get(&admin, "/equipment?sort=colour"), 400);

    let overdue = api.get(&admin, "/loans?show=overdue");
    assert_eq!(loan_ids(&overdue.body["items"]), [1, 2, 3]);
    assert_eq!(overdue.body["items"][0]["status"], "overdue");
    assert_eq!(
        overdue.body["items"][0]["return_by"]["citation"]["clause"],
        "4.5"
    );
    // Without `show`, every loan unless `open=true`, as before.
    assert_eq!(api.get(&admin, "/loans").body["total"]["count"], 10);
    assert_eq!(
        api.get(&admin, "/loans?open=true").body["total"]["count"],
        9
    );
    is_problem(&api.get(&admin, "/loans?show=late"), 400);
    // Walked backwards from the last page, the same loans come in the same order.
    let mut forwards = Vec::new();
    let mut path = "/loans?limit=3&sort=return_by".to_string();
    let last = loop {
        let page = api.get(&admin, &path);
        forwards.extend(loan_ids(&page.body["items"]));
        match page.body["next_cursor"].as_str() {
            Some(c) => path = format!("/loans?limit=3&sort=return_by&cursor={c}"),
            None => break page.body,
        }
    };
    let mut backwards = loan_ids(&last["items"]);
    let mut previous = last["previous_cursor"].as_str().map(str::to_string);
    while let Some(c) = previous {
        let page = api.get(&admin, &format!("/loans?limit=3&sort=return_by&cursor={c}"));
        let mut ids = loan_ids(&page.body["items"]);
        ids.extend(backwards);
        backwards = ids;
        previous = page.body["previous_cursor"].as_str().map(str::to_string);
    }
    assert_eq!(forwards.len(), 10);
    assert_eq!(forwards.iter().collect::<HashSet<_>>().len(), 10);
    assert_eq!(backwards, forwards);

    // This policy asks no signature of anyone: all covered, none outstanding.
    let signatures = api.get(&admin, "/acceptances?q=ada&limit=50");
    assert_eq!(signatures.status, 200, "{}", signatures.body);
    assert_eq!(signatures.body["total"]["count"], 3);
    assert_eq!(
        signatures.body["items"][0]["status"]["status"],
        "not_required"
    );
    assert_eq!(
        api.get(&admin, "/acceptances?outstanding=true").body["total"]["count"],
        0
    );
}
