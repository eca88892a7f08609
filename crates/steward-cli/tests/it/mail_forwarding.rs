//! Forwarding snapshots: a forward to a personal address breaks the city's rule (002, Email)
//! and is allowed with its controls by the borough (004, 1.4); a snapshot replaces the
//! forwards of its kind, and a file with a problem imports nothing.

use crate::support::Env;
use serde_json::Value;

const GRAPH: &str = r#"{
  "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users('ada%40council.example.gov.uk')/mailFolders('inbox')/messageRules",
  "value": [
    {"id": "AQAAAJ5dZqA=", "displayName": "Everything home", "sequence": 1, "isEnabled": true,
     "conditions": {}, "actions": {"forwardTo": [{"emailAddress": {"name": "Ada", "address": "ada.quill@gmail.com"}}],
     "stopProcessingRules": true}}
  ]
}"#;

const MAILBOXES: &str = "#TYPE Deserialized.Microsoft.Exchange.Data.Directory.Management.Mailbox\n\
\"DisplayName\",\"PrimarySmtpAddress\",\"ForwardingAddress\",\"ForwardingSmtpAddress\",\"DeliverToMailboxAndForward\"\n\
\"Bo Hale\",\"bo@elsewhere.example.org\",\"\",\"smtp:bo@hotmail.example.com\",\"True\"\n";

fn setup(preset: &str) -> Env {
    let env = Env::new();
    env.council(preset, "2027-01-04");
    env.ok(&[
        "person",
        "add",
        "--ref",
        "M1",
        "--name",
        "Ada Quill",
        "--kind",
        "councillor",
        "--email",
        "Ada@Council.example.gov.uk",
    ]);
    env
}

fn findings(env: &Env, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["mail", "forwarding", "findings"];
    args.extend(extra);
    env.ok(&args).as_array().cloned().unwrap_or_default()
}

/// Imports a snapshot of Microsoft Graph's inbox rules as of `day`, and answers the import.
pub(crate) fn import_graph(env: &Env, name: &str, json: &str, day: &str) -> Value {
    let file = env.file(name, json);
    env.ok(&[
        "mail",
        "forwarding",
        "import",
        file.to_str().unwrap(),
        "--format",
        "graph",
        "--as-of",
        day,
    ])
}

#[test]
fn a_forward_to_a_personal_address_breaks_the_city_rule() {
    let env = setup("city-aup");
    let done = import_graph(&env, "rules.json", GRAPH, "2027-02-01");
    assert_eq!(done["import"]["breaches"], 1, "{done}");
    assert_eq!(done["matched"], 1);
    let rows = findings(&env, &[]);
    assert_eq!(rows.len(), 1, "{rows:?}");
    let f = &rows[0];
    assert_eq!(f["outcome"], "breach");
    assert_eq!(f["person"], "M1");
    assert_eq!(f["target"], "ada.quill@gmail.com");
    assert_eq!(f["citation"]["clause"], "Email");
    // The person's findings, and the breaches, are found by their filters.
    assert_eq!(
        findings(&env, &["--person", "M1", "--outcome", "breach"]).len(),
        1
    );
    assert_eq!(findings(&env, &["--outcome", "allowed"]).len(), 0);
    // People read the table in words.
    let run = env.run(&["mail", "forwarding", "findings"]);
    assert!(run.stdout.contains("Breaks the rule"), "{}", run.stdout);
    assert!(
        run.stdout.contains("\u{201c}Email\u{201d}"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_borough_allows_it_with_its_controls() {
    let env = setup("borough-members-protocol");
    import_graph(&env, "rules.json", GRAPH, "2027-02-01");
    let rows = findings(&env, &[]);
    assert_eq!(rows[0]["outcome"], "allowed_with_controls", "{rows:?}");
    assert_eq!(rows[0]["citation"]["clause"], "1.4");
}

#[test]
fn a_snapshot_replaces_its_kind_and_a_bad_one_imports_nothing() {
    let env = setup("city-aup");
    import_graph(&env, "rules.json", GRAPH, "2027-02-01");
    let mailboxes = env.file("mailboxes.csv", MAILBOXES);
    let done = env.ok(&[
        "mail",
        "forwarding",
        "import",
        mailboxes.to_str().unwrap(),
        "--format",
        "exchange",
        "--as-of",
        "2027-02-01",
    ]);
    assert_eq!(done["unmatched"], 1, "{done}");
    assert_eq!(findings(&env, &[]).len(), 2, "both kinds are kept");
    let audit_before = env.ok(&["audit", "verify"]);

    // Line 3 holds an address that is not one: nothing is written, and the line is named.
    let bad = env.file(
        "bad.csv",
        "PrimarySmtpAddress,ForwardingSmtpAddress\nbo@x.example.org,smtp:a@b.example.com\nc@x.example.org,smtp:nowhere\n",
    );
    let run = env.fails(
        &[
            "mail",
            "forwarding",
            "import",
            bad.to_str().unwrap(),
            "--format",
            "exchange",
            "--as-of",
            "2027-02-01",
        ],
        3,
    );
    assert!(
        run.stdout.contains("bad.csv") && run.stdout.contains("nowhere"),
        "{}",
        run.stdout
    );
    assert_eq!(findings(&env, &[]).len(), 2);
    assert_eq!(
        env.ok(&["audit", "verify"]),
        audit_before,
        "no audit record for a refusal"
    );

    // A new rule snapshot with no forwards clears the old rules, not the mailboxes' forwarding.
    let empty = env.file(
        "empty.json",
        r#"{"mailbox": "ada@council.example.gov.uk", "value": []}"#,
    );
    env.ok(&[
        "mail",
        "forwarding",
        "import",
        empty.to_str().unwrap(),
        "--format",
        "graph",
        "--as-of",
        "2027-02-01",
    ]);
    let rows = findings(&env, &[]);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["source"], "mailbox");
    assert_eq!(rows[0]["keeps_copy"], true);
}

#[test]
fn an_unknown_format_is_a_usage_error() {
    let env = setup("city-aup");
    let file = env.file("rules.json", GRAPH);
    env.fails(
        &[
            "mail",
            "forwarding",
            "import",
            file.to_str().unwrap(),
            "--format",
            "pst",
            "--as-of",
            "2027-02-01",
        ],
        2,
    );
}

#[test]
fn the_api_imports_a_snapshot_and_lists_it_for_the_offices_the_policy_names() {
    use crate::api::{Server, token, user};
    let env = crate::filter_db::city();
    env.ok(&[
        "person",
        "edit",
        "M1",
        "--email",
        "ada@council.example.gov.uk",
    ]);
    user(
        &env,
        &["--username", "lin", "--role", "officer", "--person", "S1"],
    );
    user(
        &env,
        &["--username", "pat", "--role", "officer", "--person", "S2"],
    );
    let lin = token(&env, "lin", "officer");
    let pat = token(&env, "pat", "officer");
    let server = Server::start(&env, "2027-02-01");
    let done = server.post(
        &lin,
        "/mail/forwards/import",
        serde_json::json!({"format": "graph", "file_name": "rules.json", "content": GRAPH}),
    );
    assert_eq!(done.status, 200, "{}", done.body);
    assert_eq!(done.body["import"]["breaches"], 1);
    let listed = server.get(&lin, "/mail/forwards?outcome=breach");
    assert_eq!(listed.status, 200, "{}", listed.body);
    assert_eq!(listed.body["items"][0]["person"], "M1", "{}", listed.body);
    // Pat holds no office the policy lets see monitoring.
    assert_eq!(server.get(&pat, "/mail/forwards").status, 403);
    let bad = server.post(
        &lin,
        "/mail/forwards/import",
        serde_json::json!({"format": "exchange", "file_name": "x.csv", "content": "Name\nx\n"}),
    );
    assert!(bad.status >= 400 && bad.status < 500, "{}", bad.body);
}
