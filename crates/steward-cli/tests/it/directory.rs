//! Keeping the register in step with a directory: Debian's OpenLDAP server (`slapd`) run on
//! loopback with a seeded directory, and a local server replaying Microsoft Graph's answers.

use crate::support::Env;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SUFFIX: &str = "dc=test,dc=example";
const ROOT: &str = "cn=admin,dc=test,dc=example";
const ROOT_PW: &str = "a-test-only-password";

struct Slapd {
    child: Child,
    url: String,
}

impl Drop for Slapd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// slapd with an empty database in `dir`, answering on a loopback port.
fn slapd(dir: &Path) -> Slapd {
    let binary = ["/usr/sbin/slapd", "/usr/local/sbin/slapd"]
        .into_iter()
        .find(|p| Path::new(p).is_file())
        .expect("slapd is not installed; this test runs the real server: apt-get install slapd ldap-utils");
    let db = dir.join("ldap-db");
    std::fs::create_dir_all(&db).unwrap();
    let conf = dir.join("slapd.conf");
    std::fs::write(
        &conf,
        format!(
            "include /etc/ldap/schema/core.schema\n\
             include /etc/ldap/schema/cosine.schema\n\
             include /etc/ldap/schema/inetorgperson.schema\n\
             modulepath /usr/lib/ldap\n\
             moduleload back_mdb\n\
             pidfile {pid}\n\
             database mdb\n\
             maxsize 16777216\n\
             suffix \"{SUFFIX}\"\n\
             rootdn \"{ROOT}\"\n\
             rootpw {ROOT_PW}\n\
             directory {db}\n",
            pid = dir.join("slapd.pid").display(),
            db = db.display(),
        ),
    )
    .unwrap();
    let port = free_port();
    let url = format!("ldap://127.0.0.1:{port}");
    let child = Command::new(binary)
        .args([
            "-f",
            conf.to_str().unwrap(),
            "-h",
            &format!("{url}/"),
            "-d",
            "0",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start slapd");
    let mut server = Slapd { child, url };
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = server.child.try_wait() {
            let mut err = String::new();
            if let Some(mut e) = server.child.stderr.take() {
                let _ = e.read_to_string(&mut err);
            }
            panic!("slapd stopped ({status}):\n{err}");
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "slapd did not start"
        );
        std::thread::yield_now();
    }
    server
}

/// Runs an OpenLDAP client tool (ldapadd, ldapmodify, ldapdelete) as the directory's root.
fn ldap_tool(server: &Slapd, tool: &str, extra: &[&str], input: &str) {
    let mut child = Command::new(tool)
        .args(["-x", "-H", &server.url, "-D", ROOT, "-w", ROOT_PW])
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{tool}: {e} (apt-get install ldap-utils)"));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{tool} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn person_ldif(uid: &str, number: &str, name: &str) -> String {
    format!(
        "dn: uid={uid},ou=people,{SUFFIX}\nobjectClass: inetOrgPerson\nuid: {uid}\ncn: {name}\n\
         sn: {uid}\ndisplayName: {name}\nemployeeNumber: {number}\nmail: {uid}@test.example\n\n"
    )
}

fn group_ldif(cn: &str, members: &[&str]) -> String {
    let mut out = format!("dn: cn={cn},ou=groups,{SUFFIX}\nobjectClass: groupOfNames\ncn: {cn}\n");
    for m in members {
        out.push_str(&format!("member: uid={m},ou=people,{SUFFIX}\n"));
    }
    out + "\n"
}

fn group(cn: &str) -> String {
    format!("cn={cn},ou=groups,{SUFFIX}")
}

fn person(env: &Env, reference: &str) -> Value {
    env.ok(&["person", "show", reference])
}

/// Each change of a run by its word and reference, in the order the plan lists them.
fn changes(plan: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for j in plan["joiners"].as_array().unwrap() {
        out.push((
            "new".into(),
            j["entry"]["reference"].as_str().unwrap().to_string(),
        ));
    }
    for m in plan["movers"].as_array().unwrap() {
        out.push((
            "changed".into(),
            m["reference"].as_str().unwrap().to_string(),
        ));
    }
    for l in plan["leavers"].as_array().unwrap() {
        out.push((
            "leaving".into(),
            l["reference"].as_str().unwrap().to_string(),
        ));
    }
    out
}

fn audit_count(env: &Env) -> u64 {
    let run = env.ok(&["audit", "verify"]);
    ["verified_through", "records", "checked"]
        .iter()
        .find_map(|k| run[*k].as_u64())
        .unwrap_or_else(|| panic!("{run}"))
}

#[test]
fn ldap_joiners_movers_leavers_and_a_failing_run() {
    let env = Env::new();
    env.council("town-it-policy", "2026-01-01");
    let server = slapd(env.dir.path());
    let mut seed = format!(
        "dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: test\no: Test\n\n\
         dn: ou=people,{SUFFIX}\nobjectClass: organizationalUnit\nou: people\n\n\
         dn: ou=groups,{SUFFIX}\nobjectClass: organizationalUnit\nou: groups\n\n"
    );
    seed += &person_ldif("ada", "M0001", "Ada Pryce");
    seed += &person_ldif("bo", "S0002", "Bo Hale");
    seed += &person_ldif("cy", "S0003", "Cy Lund");
    seed += &person_ldif("dan", "X0004", "Dan Outside");
    seed += &group_ldif("members", &["ada"]);
    seed += &group_ldif("mayor", &["ada"]);
    seed += &group_ldif("staff", &["bo", "cy"]);
    seed += &group_ldif("clerks", &["bo"]);
    ldap_tool(&server, "ldapadd", &[], &seed);

    let password = env.file("ldap-password", &format!("{ROOT_PW}\n"));
    let members = format!("{}=councillor", group("members"));
    let mayor = format!("{}=office:mayor", group("mayor"));
    let staff = format!("{}=employee", group("staff"));
    let clerks = format!("{}=office:town_clerk", group("clerks"));
    let base = format!("ou=people,{SUFFIX}");
    let mut set = vec![
        "directory",
        "set",
        "ldap",
        "--url",
        server.url.as_str(),
        "--base-dn",
        base.as_str(),
        "--bind-dn",
        ROOT,
        "--password-file",
        password.to_str().unwrap(),
        "--reference-attribute",
        "employeeNumber",
        "--group",
        members.as_str(),
        "--group",
        mayor.as_str(),
        "--group",
        staff.as_str(),
        "--group",
        clerks.as_str(),
    ];
    env.ok(&set);
    let shown = env.run(&["directory", "show"]);
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    assert!(shown.stdout.contains("ldap-password"), "{}", shown.stdout);
    assert!(!shown.stdout.contains(ROOT_PW));

    // A preview changes nothing.
    let preview = env.ok(&["directory", "sync", "--dry-run", "--as-of", "2026-03-02"]);
    assert_eq!(
        changes(&preview),
        [
            ("new".into(), "M0001".into()),
            ("new".into(), "S0002".into()),
            ("new".into(), "S0003".into())
        ]
    );
    assert_eq!(
        env.ok(&["person", "list"]).as_array().map(Vec::len),
        Some(0)
    );
    let table = env.run(&["directory", "sync", "--dry-run", "--as-of", "2026-03-02"]);
    assert!(
        table.stdout.contains("joins as councillor"),
        "{}",
        table.stdout
    );

    // Joiners: people, terms and offices from their groups; Dan is in no mapped group.
    let before = audit_count(&env);
    let applied = env.ok(&["directory", "sync", "--apply", "--as-of", "2026-03-02"]);
    assert_eq!(changes(&applied).len(), 3);
    let ada = person(&env, "M0001");
    assert_eq!(ada["person"]["kind"], "councillor");
    assert_eq!(ada["person"]["name"], "Ada Pryce");
    assert_eq!(ada["offices"][0]["office"], "mayor");
    assert_eq!(ada["terms"][0]["starts"], "2026-03-02");
    assert_eq!(person(&env, "S0002")["offices"][0]["office"], "town_clerk");
    env.fails(&["person", "show", "X0004"], 4);
    // Each person's addition, term and link to the directory, Ada's and Bo's offices, and
    // the run's own record.
    assert_eq!(audit_count(&env), before + 3 * 3 + 2 + 1);
    // A second run finds nothing to do.
    let again = env.ok(&["directory", "sync", "--apply", "--as-of", "2026-03-03"]);
    assert!(changes(&again).is_empty(), "{again}");

    // Movers (Cy becomes the clerk and changes name) and a leaver (Bo leaves the directory).
    ldap_tool(
        &server,
        "ldapmodify",
        &[],
        &format!(
            "dn: uid=cy,ou=people,{SUFFIX}\nchangetype: modify\nreplace: displayName\ndisplayName: Cy Lund-Hart\n\n\
             dn: {}\nchangetype: modify\nreplace: member\nmember: uid=cy,ou=people,{SUFFIX}\n\n",
            group("clerks")
        ),
    );
    ldap_tool(
        &server,
        "ldapdelete",
        &[&format!("uid=bo,ou=people,{SUFFIX}")],
        "",
    );
    let moved = env.ok(&["directory", "sync", "--apply", "--as-of", "2026-04-01"]);
    assert_eq!(
        changes(&moved),
        [
            ("changed".into(), "S0003".into()),
            ("leaving".into(), "S0002".into())
        ]
    );
    let cy = person(&env, "S0003");
    assert_eq!(cy["person"]["name"], "Cy Lund-Hart");
    assert_eq!(cy["offices"][0]["office"], "town_clerk");
    let bo = person(&env, "S0002");
    assert_eq!(
        bo["person"]["name"], "Bo Hale",
        "a leaver stays in the register"
    );
    assert_eq!(bo["terms"][0]["ends"], "2026-04-01");
    assert_eq!(bo["terms"][0]["end_reason"], "term_ended");
    assert_eq!(bo["offices"][0]["ends"], "2026-04-01");

    // A failing run: a joiner is waiting, but a mapped group cannot be read once the people
    // have been, and nothing changes.
    ldap_tool(
        &server,
        "ldapadd",
        &[],
        &person_ldif("eve", "S0005", "Eve Moss"),
    );
    ldap_tool(
        &server,
        "ldapmodify",
        &[],
        &format!(
            "dn: {}\nchangetype: modify\nadd: member\nmember: uid=eve,ou=people,{SUFFIX}\n\n",
            group("staff")
        ),
    );
    let missing = format!("{}=office:mayor", group("no-such-group"));
    set.extend(["--group", missing.as_str()]);
    env.ok(&set);
    let before = audit_count(&env);
    let failed = env.fails(
        &["directory", "sync", "--apply", "--as-of", "2026-04-02"],
        1,
    );
    assert!(failed.says("no-such-group"), "{}", failed.stdout);
    env.fails(&["person", "show", "S0005"], 4);
    assert_eq!(audit_count(&env), before);
}

/// A replaying Graph: each path answers what the test put there, until the test ends.
#[derive(Clone, Default)]
struct Replay(Arc<Mutex<HashMap<String, (u16, String)>>>);

impl Replay {
    fn put(&self, path: &str, status: u16, body: Value) {
        self.0
            .lock()
            .unwrap()
            .insert(path.to_string(), (status, body.to_string()));
    }

    fn serve(&self) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let answers = self.0.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let answers = answers.clone();
                std::thread::spawn(move || answer(stream, &answers));
            }
        });
        base
    }
}

fn answer(stream: TcpStream, answers: &Mutex<HashMap<String, (u16, String)>>) {
    let mut reader = BufReader::new(stream);
    loop {
        let mut first = String::new();
        if reader.read_line(&mut first).unwrap_or(0) == 0 {
            return;
        }
        let target = first.split_whitespace().nth(1).unwrap_or("/").to_string();
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0u8; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        // Paths are matched without their query, except a next page's skip token.
        let key = match target.split_once("$skiptoken=") {
            Some((before, token)) => {
                format!("{}?{token}", before.split('?').next().unwrap_or("/"))
            }
            None => target.split('?').next().unwrap_or("/").to_string(),
        };
        let (status, text) = answers.lock().unwrap().get(&key).cloned().unwrap_or((
            404,
            json!({"error": {"message": format!("no {key}")}}).to_string(),
        ));
        let reply = format!(
            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{text}",
            text.len()
        );
        if reader.get_mut().write_all(reply.as_bytes()).is_err() {
            return;
        }
    }
}

fn graph_user(id: &str, employee: &str, name: &str, enabled: bool) -> Value {
    json!({
        "id": id,
        "displayName": name,
        "mail": format!("{}@test.example", employee.to_lowercase()),
        "employeeId": employee,
        "accountEnabled": enabled,
    })
}

#[test]
fn graph_joiners_movers_leavers_and_a_failing_run() {
    let env = Env::new();
    env.council("town-it-policy", "2026-01-01");
    let graph = Replay::default();
    let base = graph.serve();
    graph.put(
        "/tenant/token",
        200,
        json!({"token_type": "Bearer", "expires_in": 3599, "access_token": "eyJ0.test"}),
    );
    let users = |page1: Vec<Value>, page2: Vec<Value>| {
        graph.put(
            "/v1.0/users",
            200,
            json!({
                "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users(id,displayName,mail,employeeId,accountEnabled)",
                "@odata.nextLink": format!("{base}/v1.0/users?$select=id&$top=999&$skiptoken=RFNwdAIAAQAAAB"),
                "value": page1,
            }),
        );
        graph.put(
            "/v1.0/users?RFNwdAIAAQAAAB",
            200,
            json!({"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users", "value": page2}),
        );
    };
    let members = |group: &str, ids: &[&str]| {
        let value: Vec<Value> = ids
            .iter()
            .map(|id| json!({"@odata.type": "#microsoft.graph.user", "id": id}))
            .collect();
        graph.put(
            &format!("/v1.0/groups/{group}/members"),
            200,
            json!({"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#directoryObjects(id)", "value": value}),
        );
    };
    const MEMBERS: &str = "0b7d3f6e-0001-4c1e-9a55-000000000001";
    const MAYOR: &str = "0b7d3f6e-0002-4c1e-9a55-000000000002";
    const STAFF: &str = "0b7d3f6e-0003-4c1e-9a55-000000000003";
    const CLERKS: &str = "0b7d3f6e-0004-4c1e-9a55-000000000004";
    const ADA: &str = "6a1e0c52-aaaa-4d7e-8f00-00000000000a";
    const BO: &str = "6a1e0c52-bbbb-4d7e-8f00-00000000000b";
    const CY: &str = "6a1e0c52-cccc-4d7e-8f00-00000000000c";
    users(
        vec![
            graph_user(ADA, "M0001", "Ada Pryce", true),
            graph_user(BO, "S0002", "Bo Hale", true),
        ],
        vec![graph_user(CY, "S0003", "Cy Lund", true)],
    );
    members(MEMBERS, &[ADA]);
    members(MAYOR, &[ADA]);
    members(STAFF, &[BO, CY]);
    members(CLERKS, &[BO]);

    let secret = env.file("client-secret", "not-a-real-secret\n");
    let token_url = format!("{base}/tenant/token");
    let base_url = format!("{base}/v1.0");
    let groups = [
        format!("{MEMBERS}=councillor"),
        format!("{MAYOR}=office:mayor"),
        format!("{STAFF}=employee"),
        format!("{CLERKS}=office:town_clerk"),
    ];
    let mut set = vec![
        "directory",
        "set",
        "graph",
        "--token-url",
        token_url.as_str(),
        "--base-url",
        base_url.as_str(),
        "--client-id",
        "11111111-2222-3333-4444-555555555555",
        "--client-secret-file",
        secret.to_str().unwrap(),
    ];
    for g in &groups {
        set.extend(["--group", g.as_str()]);
    }
    env.ok(&set);
    let shown = env.run(&["directory", "show"]);
    assert!(!shown.stdout.contains("not-a-real-secret"));

    let applied = env.ok(&["directory", "sync", "--apply", "--as-of", "2026-03-02"]);
    assert_eq!(changes(&applied).len(), 3, "{applied}");
    assert_eq!(person(&env, "M0001")["offices"][0]["office"], "mayor");
    assert_eq!(person(&env, "S0003")["person"]["kind"], "employee");

    // Cy becomes the clerk; Bo's account is disabled, so Bo leaves.
    users(
        vec![
            graph_user(ADA, "M0001", "Ada Pryce", true),
            graph_user(BO, "S0002", "Bo Hale", false),
        ],
        vec![graph_user(CY, "S0003", "Cy Lund", true)],
    );
    members(CLERKS, &[CY]);
    let moved = env.ok(&["directory", "sync", "--apply", "--as-of", "2026-04-01"]);
    assert_eq!(
        changes(&moved),
        [
            ("changed".into(), "S0003".into()),
            ("leaving".into(), "S0002".into())
        ]
    );
    assert_eq!(person(&env, "S0003")["offices"][0]["office"], "town_clerk");
    let bo = person(&env, "S0002");
    assert_eq!(bo["terms"][0]["end_reason"], "term_ended");

    // The second page fails midway: Eve would join and Ada would leave, yet nothing changes.
    graph.put(
        "/v1.0/users",
        200,
        json!({
            "@odata.nextLink": format!("{base}/v1.0/users?$skiptoken=RFNwdAIAAQAAAB"),
            "value": [graph_user("6a1e0c52-eeee-4d7e-8f00-00000000000e", "S0005", "Eve Moss", true)],
        }),
    );
    graph.put(
        "/v1.0/users?RFNwdAIAAQAAAB",
        503,
        json!({"error": {"code": "serviceNotAvailable", "message": "Service unavailable"}}),
    );
    let before = audit_count(&env);
    let failed = env.fails(
        &["directory", "sync", "--apply", "--as-of", "2026-04-02"],
        1,
    );
    assert!(failed.says("503"), "{}", failed.stdout);
    env.fails(&["person", "show", "S0005"], 4);
    assert!(person(&env, "M0001")["terms"][0]["ends"].is_null());
    assert_eq!(audit_count(&env), before);

    // A next page pointing anywhere but Graph's base is refused.
    graph.put(
        "/v1.0/users",
        200,
        json!({"@odata.nextLink": "http://169.254.169.254/latest/meta-data", "value": []}),
    );
    let refused = env.fails(&["directory", "sync", "--dry-run"], 1);
    assert!(refused.says("outside"), "{}", refused.stdout);
}
