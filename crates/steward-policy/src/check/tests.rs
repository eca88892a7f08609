//! Tests for reading and checking packs.

use super::schema::{self, Refers, Shape, Table, choices};
use super::*;
use crate::model::*;
use crate::vocab::{Audience, EquipmentKind, PersonKind};
use chrono::{NaiveDate, NaiveTime, Weekday};

const MINIMAL: &str = r#"[pack]
id = "test-pack"
title = "Test protocol"
version = "1.0"
adopted = 2024-05-01

[scope]
kinds = ["councillor"]
clause = "1.1"
"#;

/// Every key the schema knows, each with a value that passes every check except one: it
/// gives both `text` and `text_file`, which the schema tests need and the checks refuse.
const FULL: &str = r#"
[pack]
id = "borough-members-protocol"
title = "Members' ICT Protocol"
version = "3.2"
adopted = 2019-11-04
summary = "How members borrow and use council equipment."

[review]
every = "2 years"
owners = ["monitoring_officer"]
clause = "1.4"

[scope]
kinds = ["councillor", "co_opted_member"]
clause = "1.1"

[[offices]]
id = "monitoring_officer"
name = "Monitoring Officer"
holder = "officer"
clause = "2.1"

[[offices]]
id = "mayor"
name = "Mayor"
holder = "member"
clause = "2.2"

[[offices]]
id = "standards_committee"
name = "Standards Committee"
holder = "body"
clause = "2.3"

[acceptance]
form = "Member acceptance form"
required_before_issue = true
lapses_on_new_version = true
renew_every = "1 year"
return_to = "monitoring_officer"
text = "I have read the protocol and agree to it."
text_file = "acceptance.md"
clause = "3.1"

[[equipment]]
kinds = ["laptop", "tablet"]
audience = "members"
offices = ["mayor"]
clause = "4.1"

[equipment.evaluation]
every = "1 year"
by = "monitoring_officer"
clause = "4.2"

[[equipment]]
kinds = ["mobile_phone"]
clause = "4.3"

[loans.max_period]
length = "4 years"
clause = "5.1"

[loans.extension]
approvers = ["monitoring_officer", "mayor"]
agreement = "all"
exceptional_only = true
max_length = "3 months"
clause = "5.2"

[loans.household_limit]
max = 2
kinds = ["laptop"]
clause = "5.3"

[loans.authorisation]
by = ["monitoring_officer"]
clause = "5.4"

[loans.pat_test]
kinds = ["laptop"]
retest_every = "1 year"
clause = "5.5"

[loans.recall]
by = ["monitoring_officer"]
notice = "10 days"
clause = "5.6"

[loans.leaving_office]
return_within = "10 days"
stop_use = true
clause = "5.7"

[loans.leaving_office.charge]
basis = "fixed"
pence = 25000
clause = "5.8"

[loans.erasure_before_reuse]
kinds = ["laptop", "mobile_phone"]
clause = "5.9"

[refresh]
every = "4 years"
kinds = ["laptop"]
priority_offices = ["mayor"]
order = "oldest_first"
urgent_when_unfit = true
clause = "6.1"

[phones]
personal_calls = "reimburse"
clause = "7.1"

[family_use]
allowed = true
network_access = false
clause = "8.1"

[passwords]
max_age = "90 days"
clause = "7.3"

[personal_use]
allowance = "own_time"
clause = "9.1"

[personal_use.working_hours]
days = ["mon", "Tuesday", "wed", "thu", "fri"]
start = "09:00"
end = 17:30:00
label = "Office hours"

[[personal_use.own_time]]
days = ["mon"]
start = "12:00"
end = "13:00"
label = "Lunch"

[[web.rules]]
categories = ["gambling", "adult"]
action = "block"
audience = "everyone"
clause = "10.1"

[web.exceptions]
approver = "monitoring_officer"
max_length = "1 month"
clause = "10.2"

[web.accidental_access]
report_to = "monitoring_officer"
clause = "10.3"

[mail.official_address]
domains = ["borough.gov.uk"]
clause = "11.1"

[mail.auto_forwarding]
rule = "forbidden"
clause = "11.2"

[mail.confidential]
marking = "OFFICIAL-SENSITIVE"
route = "secure_route"
secure_domain = "borough.gcsx.gov.uk"
secure_domains = ["county.gcsx.gov.uk"]
action = "hold"
clause = "11.3"

[mail.disclaimer]
marking = "OFFICIAL"
text = "Meant only for those it is addressed to."
clause = "11.4"

[mail.markings]
levels = ["OFFICIAL", "OFFICIAL-SENSITIVE"]
labels = [{ label = "Official", level = "OFFICIAL" }]
subjects = [{ text = "OFFICIAL-SENSITIVE", level = "OFFICIAL-SENSITIVE" }]
clause = "11.4"

[software]
purchase_via = "monitoring_officer"

[software.install]
allowed = true
approver = "monitoring_officer"
clause = "12.1"

[software.licensed_only]
clause = "12.2"

[software.copies]
approver = "monitoring_officer"
in_writing = true
clause = "12.3"

[[posture]]
check = "antivirus"
kinds = ["laptop"]
clause = "13.1"
exception = { approver = "monitoring_officer", clause = "13.1" }

[check_in]
max_age = "14 days"
clause = "13.2"

[[reporting]]
kind = "lost_or_stolen"
report_to = "monitoring_officer"
equipment = ["laptop"]
audience = "members"
urgency = "immediately"
respond_within = "4 hours"
approval = { by = ["monitoring_officer"], agreement = "any", clause = "14.2" }
clause = "14.1"

[response_times]
immediately = "4 hours"
promptly = "2 days"
routine = "2 weeks"
working_hours = { days = ["Mon", "Tue", "Wed", "Thu", "Fri"], start = "08:30", end = "17:30" }
nation = "england_wales"

[monitoring]
web = true
mail = true
phone = false
device_history = true
visible_to = ["monitoring_officer"]
clause = "15.1"
threshold = { visits = 10, categories = ["adult"], clause = "15.2" }

[[breaches.routes]]
audience = "members"
handlers = ["monitoring_officer"]
clause = "16.1"

[breaches.escalation]
to = "standards_committee"
when = "serious, and also a breach of the code of conduct"
clause = "16.2"

[[breaches.outcomes]]
outcome = "withdraw_access"
audience = "everyone"
clause = "16.3"

[[duties]]
topic = "passwords"
summary = "Keep passwords to yourself."
office = "monitoring_officer"
clause = "17.1"

[retention.closed_requests]
keep = "2 years"
clause = "18"

[retention.closed_cases]
keep = "6 years"
clause = "18"

[retention.leavers]
keep = "1 year"
clause = "18"

[retention.notices]
keep = "1 year"
clause = "18"

[retention.sessions]
keep = "90 days"
clause = "18"

[retention.monitoring_findings]
keep = "1 year"
clause = "18"

[retention.device_checks]
keep = "1 year"
clause = "18"

[retention.mail_forwards]
keep = "1 year"
clause = "18"

[retention.mail_decisions]
keep = "1 year"
clause = "18"

[information_requests]
handlers = ["monitoring_officer"]
nation = "scotland"
clause = "9.3"

[reporting_default]
report_to = "monitoring_officer"
urgency = "promptly"
respond_within = "1 day"
clause = "14.3"
"#;

fn no_files(name: &str) -> Result<String, String> {
    Err(format!("no file called {name}"))
}

fn load(source: &str) -> LoadedPack {
    check_pack("pack.toml", source, &no_files).unwrap_or_else(|e| panic!("{e}"))
}

/// Each problem as "line:column path: message", in order.
fn problems(source: &str) -> Vec<String> {
    problems_with(source, &no_files)
}

fn problems_with(source: &str, read_text: &dyn Fn(&str) -> Result<String, String>) -> Vec<String> {
    match check_pack("pack.toml", source, read_text) {
        Ok(_) => Vec::new(),
        Err(e) => e
            .problems
            .iter()
            .map(|p| format!("{}:{} {}: {}", p.line, p.column, p.path, p.message))
            .collect(),
    }
}

fn with_minimal(extra: &str) -> String {
    format!("{MINIMAL}\n{extra}")
}

/// Line numbers of `extra` once appended by `with_minimal`.
const EXTRA_FROM: usize = 11;

/// The full pack without its `text_file`, which would clash with its `text`.
fn full_without_text_file() -> String {
    FULL.replace("text_file = \"acceptance.md\"\n", "")
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn time(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[test]
fn minimal_pack_loads() {
    let loaded = load(MINIMAL);
    assert_eq!(loaded.pack.pack.id, "test-pack");
    assert_eq!(loaded.pack.pack.adopted, date(2024, 5, 1));
    assert_eq!(loaded.pack.scope.kinds, vec![PersonKind::Councillor]);
    assert_eq!(loaded.source, MINIMAL);
    assert_eq!(loaded.acceptance_text, "");
}

#[test]
fn hash_covers_source_and_signed_text() {
    let first = load(MINIMAL);
    assert_eq!(first.hash, load(MINIMAL).hash);
    assert_eq!(first.hash, sha256_hex(format!("{MINIMAL}\0").as_bytes()));
    assert_eq!(first.hash.len(), 64);

    let commented = format!("# reviewed\n{MINIMAL}");
    assert_ne!(load(&commented).hash, first.hash);

    let pack =
        with_minimal("[acceptance]\nform = \"Form A\"\ntext_file = \"sign.md\"\nclause = \"3\"\n");
    let hash_of = |text: &'static str| {
        check_pack("pack.toml", &pack, &move |_: &str| Ok(text.to_string()))
            .unwrap()
            .hash
    };
    assert_ne!(hash_of("I agree."), hash_of("I agree, mostly."));
    assert_eq!(
        hash_of("I agree."),
        sha256_hex(format!("{pack}\0I agree.").as_bytes())
    );
}

#[test]
fn full_pack_loads() {
    let loaded = load(&full_without_text_file());
    let pack = &loaded.pack;
    assert_eq!(
        loaded.acceptance_text,
        "I have read the protocol and agree to it."
    );
    assert_eq!(pack.offices.len(), 3);
    assert_eq!(
        pack.equipment[0].kinds,
        vec![EquipmentKind::Laptop, EquipmentKind::Tablet]
    );
    let hours = pack
        .personal_use
        .as_ref()
        .unwrap()
        .working_hours
        .as_ref()
        .unwrap();
    assert_eq!(hours.days[..2], [Weekday::Mon, Weekday::Tue]);
    assert_eq!((hours.start, hours.end), (time(9, 0), time(17, 30)));
    let charge = pack
        .loans
        .leaving_office
        .as_ref()
        .unwrap()
        .charge
        .as_ref()
        .unwrap();
    assert_eq!(
        charge,
        &Charge::Fixed {
            pence: 25_000,
            clause: Clause("5.8".into())
        }
    );
}

#[test]
fn text_file_is_read_through_the_callback() {
    let source = FULL.replace("text = \"I have read the protocol and agree to it.\"\n", "");
    let read = |name: &str| {
        assert_eq!(name, "acceptance.md");
        Ok("# Acceptance\n\nI agree.\n".to_string())
    };
    let loaded = check_pack("pack.toml", &source, &read).unwrap();
    assert_eq!(loaded.acceptance_text, "# Acceptance\n\nI agree.\n");
}

#[test]
fn dates_may_be_literals_or_quoted() {
    let quoted = MINIMAL.replace("adopted = 2024-05-01", "adopted = \"2024-05-01\"");
    assert_eq!(load(&quoted).pack.pack.adopted, date(2024, 5, 1));
    assert_eq!(load(MINIMAL).pack.pack.adopted, date(2024, 5, 1));

    let worded = MINIMAL.replace("adopted = 2024-05-01", "adopted = \"1 May 2024\"");
    assert_eq!(
        problems(&worded),
        ["5:11 pack.adopted: expected a date like 2024-05-01; found \"1 May 2024\""]
    );
    let stamped = MINIMAL.replace("adopted = 2024-05-01", "adopted = 2024-05-01T10:00:00");
    assert_eq!(
        problems(&stamped),
        [
            "5:11 pack.adopted: expected a date like 2024-05-01; found the date and time 2024-05-01T10:00:00"
        ]
    );
}

#[test]
fn times_and_days_read_as_written() {
    let pack = with_minimal(
        "[personal_use]\nallowance = \"own_time\"\nclause = \"9\"\n\
         [personal_use.working_hours]\ndays = [\"mon\", \"Monday\", \"TUE\"]\n\
         start = 08:30\nend = \"17:00\"\n",
    );
    let hours = load(&pack)
        .pack
        .personal_use
        .unwrap()
        .working_hours
        .unwrap();
    assert_eq!(hours.days, [Weekday::Mon, Weekday::Mon, Weekday::Tue]);
    assert_eq!((hours.start, hours.end), (time(8, 30), time(17, 0)));

    let bad = pack
        .replace("end = \"17:00\"", "end = \"5pm\"")
        .replace("\"TUE\"", "\"tues\"");
    assert_eq!(
        problems(&bad),
        [
            format!(
                "{}:26 personal_use.working_hours.days[2]: expected a day of the week, like \
                 \"mon\" or \"monday\"; found \"tues\"",
                EXTRA_FROM + 4
            ),
            format!(
                "{}:7 personal_use.working_hours.end: expected a time of day like \"09:00\"; \
                 found \"5pm\"",
                EXTRA_FROM + 6
            ),
        ]
    );
}

#[test]
fn every_syntax_error_is_reported_with_its_position() {
    let source = "[pack]\n\
                  id = \"x\"\n\
                  title = = \"t\"\n\
                  version = \"1\"\n\
                  [scope]\n\
                  kinds = [\"councillor\" \"employee\"]\n\
                  clause = \"1\"\n\
                  [scope]\n";
    assert_eq!(
        problems(source),
        [
            "3:9 : extra `=`, expected nothing",
            "3:11 : unexpected key or value, expected newline, `#`",
            "6:23 : missing comma between array elements, expected `,`",
            "8:2 : duplicate key `scope`; a key or table may be defined only once",
        ]
    );
}

#[test]
fn problems_in_different_sections_are_all_reported() {
    let source = r#"[pack]
id = "Test Pack"
title = "Test protocol"
version = "1.0"
adopted = 2024-05-01
colour = "blue"

[scope]
kinds = ["councillor", "councillor"]
clause = "1.1"

[[offices]]
id = "mayor"
name = "Mayor"
holder = "mayoral"
clause = "2.1"

[[offices]]
id = "standards"
name = "Standards Committee"
holder = "body"
clause = ""

[[equipment]]
kinds = ["laptop"]
clause = "4.1"

[[equipment]]
kinds = ["tablet", "laptop"]
clause = "4.2"

[loans.max_period]
length = "4 years"

[loans.extension]
approvers = ["mayor", "mayr", "standards"]
agreement = "any"
clause = "5.2"

[loans.household_limit]
max = "two"
clause = "5.3"

[web]
rules = [{ categories = ["Gambling"], action = "block", clause = "10.1" }]

[mail.official_address]
domains = ["@borough.gov.uk"]
clause = "11.1"
"#;
    assert_eq!(
        problems(source),
        [
            "2:6 pack.id: pack id \"Test Pack\" must be lower case letters, digits and hyphens, \
             like \"borough-members-protocol\"",
            "6:1 pack.colour: unknown key `colour` in [pack]; expected one of: id, title, \
             version, adopted, summary",
            "9:24 scope.kinds[1]: `councillor` is listed twice",
            "15:10 offices[0].holder: expected one of: member, officer, body; found \"mayoral\"",
            "22:10 offices[1].clause: expected the clause number or heading the rule comes \
             from, like \"28.9\"; found empty text",
            "29:20 equipment[1].kinds[1]: `laptop` already has a rule in [[equipment]] at line \
             24; each kind of equipment belongs to one rule only",
            "32:1 loans.max_period.clause: missing key `clause` in [loans.max_period]",
            "36:23 loans.extension.approvers[1]: no office `mayr` in [[offices]]; offices are: \
             mayor, standards",
            "36:31 loans.extension.approvers[2]: `standards` is a body (holder = \"body\"), and \
             a body cannot approve or sign; name an office held by a member or an officer",
            "41:7 loans.household_limit.max: expected a whole number, like 2; found \"two\"",
            "45:26 web.rules[0].categories[0]: category \"Gambling\" must be lower case letters, \
             digits, `_` and `-`, as the filter lists spell it, like \"gambling\"",
            "48:12 mail.official_address.domains[0]: \"@borough.gov.uk\" does not look like a \
             mail domain; write it like \"council.gov.uk\"",
        ]
    );
}

#[test]
fn every_unknown_key_is_reported_with_the_keys_expected() {
    let source = with_minimal(
        "[loans.max_period]\nlenght = \"3 months\"\nlength = \"3 months\"\nclause = \"5\"\nnote = \"x\"\n",
    );
    let expected_keys = "expected one of: length, clause";
    assert_eq!(
        problems(&source),
        [
            format!(
                "{}:1 loans.max_period.lenght: unknown key `lenght` in [loans.max_period] (did \
                 you mean `length`?); {expected_keys}",
                EXTRA_FROM + 1
            ),
            format!(
                "{}:1 loans.max_period.note: unknown key `note` in [loans.max_period]; {expected_keys}",
                EXTRA_FROM + 4
            ),
        ]
    );

    let top = with_minimal("[loan]\nx = 1\n");
    let message = &problems(&top)[0];
    assert!(
        message.starts_with(&format!(
            "{EXTRA_FROM}:2 loan: unknown key `loan` at the top level (did you mean `loans`?); \
             expected one of: pack, review, scope, offices,"
        )),
        "{message}"
    );
}

#[test]
fn wrong_types_say_what_was_expected() {
    let source = with_minimal(
        "[loans.extension]\napprovers = \"mayor\"\nagreement = 1\nexceptional_only = \"yes\"\nclause = 5.2\n\
         [refresh]\nevery = 4\norder = \"oldest_first\"\nclause = \"6\"\n",
    );
    assert_eq!(
        problems(&source),
        [
            format!(
                "{}:13 loans.extension.approvers: expected a list of office ids, like [\"mayor\"]; \
                 found \"mayor\"",
                EXTRA_FROM + 1
            ),
            format!(
                "{}:13 loans.extension.approvers: no office `mayor` in [[offices]]; the pack \
                 defines no offices",
                EXTRA_FROM + 1
            ),
            format!(
                "{}:13 loans.extension.agreement: expected one of: all, any; found the number 1",
                EXTRA_FROM + 2
            ),
            format!(
                "{}:20 loans.extension.exceptional_only: expected true or false; found \"yes\"",
                EXTRA_FROM + 3
            ),
            format!(
                "{}:10 loans.extension.clause: expected the clause number or heading the rule \
                 comes from, like \"28.9\"; found the number 5.2",
                EXTRA_FROM + 4
            ),
            format!(
                "{}:9 refresh.every: expected a length of time like \"10 days\", \"3 months\" or \
                 \"immediately\"; found the number 4",
                EXTRA_FROM + 6
            ),
        ]
    );
}

#[test]
fn missing_keys_and_tables_are_reported_at_their_table() {
    let source =
        "[pack]\nid = \"p\"\ntitle = \"T\"\nversion = \"1\"\n\n[[offices]]\nid = \"mayor\"\n";
    assert_eq!(
        problems(source),
        [
            "1:1 pack.adopted: missing key `adopted` in [pack]",
            "1:1 scope: missing table [scope]",
            "6:1 offices[0].clause: missing key `clause` in [[offices]]",
            "6:1 offices[0].holder: missing key `holder` in [[offices]]",
            "6:1 offices[0].name: missing key `name` in [[offices]]",
        ]
    );
}

#[test]
fn missing_office_is_reported_where_it_is_named() {
    let source = with_minimal(
        "[[offices]]\nid = \"mayor\"\nname = \"Mayor\"\nholder = \"member\"\nclause = \"2\"\n\n\
         [monitoring]\nvisible_to = [\"mayor\", \"monitoring_oficer\"]\nclause = \"15\"\n\n\
         [[duties]]\ntopic = \"passwords\"\nsummary = \"Keep them secret.\"\noffice = \"it\"\nclause = \"17\"\n",
    );
    assert_eq!(
        problems(&source),
        [
            format!(
                "{}:24 monitoring.visible_to[1]: no office `monitoring_oficer` in [[offices]]; \
                 offices are: mayor",
                EXTRA_FROM + 7
            ),
            format!(
                "{}:10 duties[0].office: no office `it` in [[offices]]; offices are: mayor",
                EXTRA_FROM + 13
            ),
        ]
    );
}

#[test]
fn office_ids_must_be_well_formed_and_unique() {
    let office = |id: &str| {
        format!("[[offices]]\nid = \"{id}\"\nname = \"N\"\nholder = \"officer\"\nclause = \"2\"\n")
    };
    let source = with_minimal(&[office("it"), office("Desk"), office("it")].concat());
    assert_eq!(
        problems(&source),
        [
            format!(
                "{}:6 offices[1].id: office id \"Desk\" must start with a lower case letter and \
                 use only lower case letters, digits and underscores (64 at most), like \
                 \"monitoring_officer\"",
                EXTRA_FROM + 6
            ),
            format!(
                "{}:6 offices[2].id: office `it` is already defined at line {}; each office \
                 needs its own id",
                EXTRA_FROM + 11,
                EXTRA_FROM + 1
            ),
        ]
    );
}

#[test]
fn acceptance_text_problems() {
    let acceptance = |body: &str| {
        with_minimal(&format!(
            "[acceptance]\nform = \"Form A\"\n{body}clause = \"3\"\n"
        ))
    };
    let at = |line: usize| EXTRA_FROM + line;

    assert_eq!(
        problems(&acceptance("text_file = \"sign.md\"\n")),
        [format!(
            "{}:13 acceptance.text_file: cannot read `sign.md`: no file called sign.md",
            at(2)
        )]
    );
    let empty_file = |_: &str| Ok("\n".to_string());
    assert_eq!(
        problems_with(&acceptance("text_file = \"sign.md\"\n"), &empty_file),
        [format!(
            "{}:13 acceptance.text_file: `sign.md` is empty; it must hold the text people sign",
            at(2)
        )]
    );
    assert_eq!(
        problems(&acceptance("text = \"I agree\"\ntext_file = \"sign.md\"\n")),
        [format!(
            "{}:13 acceptance.text_file: give either `text` or `text_file` in [acceptance], not both",
            at(3)
        )]
    );
    assert_eq!(
        problems(&acceptance("")),
        [format!(
            "{}:1 acceptance: [acceptance] needs the text people sign: add `text` or `text_file`",
            at(0)
        )]
    );
    assert_eq!(
        problems(&acceptance("text = \"  \"\n")),
        [format!(
            "{}:8 acceptance.text: `text` is empty; it must hold the text people sign",
            at(2)
        )]
    );
}

#[test]
fn loan_rules_must_hang_together() {
    let source = with_minimal(
        "[loans.extension]\napprovers = []\nagreement = \"any\"\nclause = \"5.2\"\n\n\
         [loans.household_limit]\nmax = 0\nclause = \"5.3\"\n",
    );
    assert_eq!(
        problems(&source),
        [
            format!(
                "{EXTRA_FROM}:1 loans.extension: [loans.extension] needs [loans.max_period]: an \
                 extension lengthens the longest loan, so the pack must say what that is"
            ),
            format!(
                "{}:13 loans.extension.approvers: `approvers` must name at least one office",
                EXTRA_FROM + 1
            ),
            format!(
                "{}:7 loans.household_limit.max: `max` must be 1 or more; a household limit of \
                 0 would forbid every loan",
                EXTRA_FROM + 6
            ),
        ]
    );
}

#[test]
fn windows_scope_and_breaches_are_checked() {
    let source = MINIMAL.replace("kinds = [\"councillor\"]", "kinds = []")
        + "\n[[personal_use.own_time]]\ndays = []\nstart = \"13:00\"\nend = \"12:00\"\n\
           [personal_use]\nallowance = \"own_time\"\nclause = \"9\"\n\n\
           [breaches]\nroutes = []\n";
    assert_eq!(
        problems(&source),
        [
            "8:9 scope.kinds: `kinds` must name at least one kind of person".to_string(),
            format!(
                "{}:8 personal_use.own_time[0].days: `days` must name at least one day",
                EXTRA_FROM + 1
            ),
            format!(
                "{}:7 personal_use.own_time[0].end: `end` (12:00) must be later than `start` (13:00)",
                EXTRA_FROM + 3
            ),
            format!(
                "{}:10 breaches.routes: [breaches] needs at least one [[breaches.routes]] entry \
                 saying who handles a breach",
                EXTRA_FROM + 9
            ),
        ]
    );
}

#[test]
fn charges_are_checked_by_their_basis() {
    let leaving = |charge: &str| {
        with_minimal(&format!(
            "[loans.leaving_office]\nreturn_within = \"10 days\"\nclause = \"5.7\"\n\
             [loans.leaving_office.charge]\n{charge}clause = \"5.8\"\n"
        ))
    };
    let replacement = load(&leaving("basis = \"replacement_cost\"\n"));
    let charge = replacement
        .pack
        .loans
        .leaving_office
        .unwrap()
        .charge
        .unwrap();
    assert_eq!(
        charge,
        Charge::ReplacementCost {
            clause: Clause("5.8".into())
        }
    );

    assert_eq!(
        problems(&leaving("basis = \"weekly\"\n")),
        [format!(
            "{}:9 loans.leaving_office.charge.basis: expected one of: replacement_cost, fixed; \
             found \"weekly\"",
            EXTRA_FROM + 4
        )]
    );
    assert_eq!(
        problems(&leaving("basis = \"fixed\"\n")),
        [format!(
            "{}:1 loans.leaving_office.charge.pence: missing key `pence` in \
             [loans.leaving_office.charge]",
            EXTRA_FROM + 3
        )]
    );
    assert_eq!(
        problems(&leaving("basis = \"replacement_cost\"\npence = 100\n")),
        [format!(
            "{}:1 loans.leaving_office.charge.pence: key `pence` is not allowed here in \
             [loans.leaving_office.charge]; expected one of: clause",
            EXTRA_FROM + 5
        )]
    );
}

#[test]
fn check_error_lists_problems_by_position() {
    let error = CheckError {
        file: "council.toml".into(),
        problems: vec![
            Problem {
                line: 9,
                column: 2,
                path: "b".into(),
                message: "second".into(),
            },
            Problem {
                line: 3,
                column: 7,
                path: "a".into(),
                message: "first".into(),
            },
        ],
    };
    assert_eq!(
        error.to_string(),
        "council.toml:3:7: first\ncouncil.toml:9:2: second"
    );

    let broken = with_minimal("[phones]\npersonal_calls = \"never\"\n");
    let error = check_pack("council.toml", &broken, &no_files).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "council.toml:{EXTRA_FROM}:1: missing key `clause` in [phones]\n\
             council.toml:{}:18: expected one of: reimburse, own_time_only; found \"never\"",
            EXTRA_FROM + 1
        )
    );
}

// The schema against the model's serde derives.

/// The field names serde's derive declares for `T`, caught as it asks for them.
fn serde_fields<T: serde::de::DeserializeOwned>() -> Vec<&'static str> {
    struct Names<'a>(&'a mut Vec<&'static str>);

    impl<'de> serde::Deserializer<'de> for Names<'_> {
        type Error = serde::de::value::Error;

        fn deserialize_any<V: serde::de::Visitor<'de>>(
            self,
            _: V,
        ) -> Result<V::Value, Self::Error> {
            Err(serde::de::Error::custom("not a struct"))
        }

        fn deserialize_struct<V: serde::de::Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            self.0.extend_from_slice(fields);
            Err(serde::de::Error::custom("names taken"))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }

    let mut names = Vec::new();
    let _ = T::deserialize(Names(&mut names));
    names
}

/// Every table shape in the schema with its path, depth first, each once.
fn schema_tables() -> Vec<(String, &'static Table)> {
    fn visit(path: String, table: &'static Table, out: &mut Vec<(String, &'static Table)>) {
        if out.iter().any(|(_, seen)| std::ptr::eq(*seen, table)) {
            return;
        }
        out.push((path.clone(), table));
        for field in table.fields {
            let child = format!(
                "{path}{}{}",
                if path.is_empty() { "" } else { "." },
                field.key
            );
            match field.shape {
                Shape::Table(t) | Shape::Tables(t) => visit(child, t, out),
                Shape::Value(_) => {}
            }
        }
    }
    let mut out = Vec::new();
    visit(String::new(), &schema::PACK, &mut out);
    out
}

#[test]
fn schema_keys_match_the_model() {
    let model: Vec<(&'static Table, Vec<&'static str>)> = vec![
        (&schema::PACK, serde_fields::<Pack>()),
        (&schema::PACK_META, serde_fields::<PackMeta>()),
        (&schema::REVIEW, serde_fields::<Review>()),
        (&schema::SCOPE, serde_fields::<Scope>()),
        (&schema::OFFICE_ENTRY, serde_fields::<Office>()),
        (&schema::ACCEPTANCE, serde_fields::<Acceptance>()),
        (&schema::EQUIPMENT_RULE, serde_fields::<EquipmentRule>()),
        (&schema::EVALUATION, serde_fields::<Evaluation>()),
        (&schema::LOANS, serde_fields::<Loans>()),
        (&schema::MAX_PERIOD, serde_fields::<MaxPeriod>()),
        (&schema::EXTENSION, serde_fields::<Extension>()),
        (&schema::HOUSEHOLD_LIMIT, serde_fields::<HouseholdLimit>()),
        (&schema::AUTHORISATION, serde_fields::<Authorisation>()),
        (&schema::PAT_TEST, serde_fields::<PatTest>()),
        (&schema::RECALL, serde_fields::<Recall>()),
        (&schema::LEAVING_OFFICE, serde_fields::<LeavingOffice>()),
        // Charge is tagged by `basis`, so serde never lists its keys in one place.
        (&schema::CHARGE, vec!["basis", "pence", "clause"]),
        (&schema::ERASURE, serde_fields::<Erasure>()),
        (&schema::REFRESH, serde_fields::<Refresh>()),
        (&schema::PHONES, serde_fields::<Phones>()),
        (&schema::FAMILY_USE, serde_fields::<FamilyUse>()),
        (&schema::PERSONAL_USE, serde_fields::<PersonalUse>()),
        (&schema::WINDOW, serde_fields::<Window>()),
        (&schema::WEB, serde_fields::<Web>()),
        (&schema::WEB_RULE, serde_fields::<WebRule>()),
        (&schema::WEB_EXCEPTIONS, serde_fields::<WebExceptions>()),
        (
            &schema::ACCIDENTAL_ACCESS,
            serde_fields::<AccidentalAccess>(),
        ),
        (&schema::MAIL, serde_fields::<Mail>()),
        (&schema::OFFICIAL_ADDRESS, serde_fields::<OfficialAddress>()),
        (&schema::AUTO_FORWARDING, serde_fields::<AutoForwarding>()),
        (&schema::CONFIDENTIAL, serde_fields::<ConfidentialMail>()),
        (&schema::DISCLAIMER, serde_fields::<Disclaimer>()),
        (&schema::MARKINGS, serde_fields::<crate::model::Markings>()),
        (
            &schema::LABEL_MARKING,
            serde_fields::<crate::model::LabelMarking>(),
        ),
        (
            &schema::SUBJECT_MARKING,
            serde_fields::<crate::model::SubjectMarking>(),
        ),
        (&schema::SOFTWARE, serde_fields::<Software>()),
        (&schema::SOFTWARE_INSTALL, serde_fields::<SoftwareInstall>()),
        (&schema::RULE_REF, serde_fields::<RuleRef>()),
        (&schema::SOFTWARE_COPIES, serde_fields::<SoftwareCopies>()),
        (&schema::POSTURE_DUTY, serde_fields::<PostureDuty>()),
        (
            &schema::POSTURE_EXCEPTION,
            serde_fields::<crate::model::PostureException>(),
        ),
        (&schema::CHECK_IN, serde_fields::<CheckIn>()),
        (&schema::REPORTING_DUTY, serde_fields::<ReportingDuty>()),
        (
            &schema::REPORTING_DEFAULT,
            serde_fields::<ReportingDefault>(),
        ),
        (&schema::APPROVAL, serde_fields::<Approval>()),
        (&schema::RESPONSE_TIMES, serde_fields::<ResponseTimes>()),
        (&schema::MONITORING, serde_fields::<Monitoring>()),
        (&schema::WEB_THRESHOLD, serde_fields::<WebThreshold>()),
        (&schema::BREACHES, serde_fields::<Breaches>()),
        (&schema::BREACH_ROUTE, serde_fields::<BreachRoute>()),
        (&schema::ESCALATION, serde_fields::<Escalation>()),
        (&schema::OUTCOME_RULE, serde_fields::<OutcomeRule>()),
        (&schema::DUTY, serde_fields::<Duty>()),
        (&schema::PASSWORDS, serde_fields::<Passwords>()),
        (&schema::RETENTION, serde_fields::<Retention>()),
        (&schema::KEEP, serde_fields::<Keep>()),
        (
            &schema::INFORMATION_REQUESTS,
            serde_fields::<crate::model::InformationRequests>(),
        ),
    ];
    let tables = schema_tables();
    assert_eq!(
        tables.len(),
        model.len(),
        "a schema table is missing from this test"
    );
    for (path, table) in tables {
        let (_, fields) = model
            .iter()
            .find(|(t, _)| std::ptr::eq(*t, table))
            .unwrap_or_else(|| panic!("schema table [{path}] is missing from this test"));
        assert!(!fields.is_empty(), "[{path}]: serde listed no fields");
        assert_eq!(&table.keys(), fields, "keys of [{path}]");
    }
}

/// Removes the key at a dotted path from the first element of every array on the way.
fn remove_key(table: &mut toml::Table, path: &str) -> bool {
    let mut current = table;
    let mut keys = path.split('.').peekable();
    while let Some(key) = keys.next() {
        if keys.peek().is_none() {
            return current.remove(key).is_some();
        }
        let next = match current.get_mut(key) {
            Some(toml::Value::Table(t)) => t,
            Some(toml::Value::Array(items)) => match items.first_mut() {
                Some(toml::Value::Table(t)) => t,
                _ => return false,
            },
            _ => return false,
        };
        current = next;
    }
    false
}

#[test]
fn schema_marks_as_required_exactly_what_the_model_requires() {
    let full: toml::Table = toml::from_str(FULL).unwrap();
    toml::from_str::<Pack>(FULL).expect("the full pack reads as a Pack");
    for (path, table) in schema_tables() {
        // Whether a charge takes `pence` depends on its basis, which the tagged enum decides.
        if std::ptr::eq(table, &schema::CHARGE) {
            continue;
        }
        for field in table.fields {
            let key_path = if path.is_empty() {
                field.key.to_string()
            } else {
                format!("{path}.{}", field.key)
            };
            let mut without = full.clone();
            assert!(
                remove_key(&mut without, &key_path),
                "FULL lacks `{key_path}`"
            );
            let read = toml::from_str::<Pack>(&toml::to_string(&without).unwrap());
            match (field.required, read) {
                (true, Err(e)) => assert!(e.message().contains("missing field"), "{key_path}: {e}"),
                (false, Ok(_)) => {}
                (true, Ok(_)) => {
                    panic!("`{key_path}` is marked required but the model does without it")
                }
                (false, Err(e)) => {
                    panic!("`{key_path}` is marked optional but the model needs it: {e}")
                }
            }
        }
    }
}

#[test]
fn schema_office_references_are_the_office_fields() {
    let mut referring = Vec::new();
    for (path, table) in schema_tables() {
        for field in table.fields {
            if let Shape::Value(leaf) = field.shape
                && leaf.refers != Refers::Nothing
            {
                let key_path = if path.is_empty() {
                    field.key.to_string()
                } else {
                    format!("{path}.{}", field.key)
                };
                referring.push((key_path, leaf.refers == Refers::Signer));
            }
        }
    }
    referring.sort();
    let expected = [
        ("acceptance.return_to", false),
        ("breaches.escalation.to", false),
        ("breaches.routes.handlers", false),
        ("duties.office", false),
        ("equipment.evaluation.by", true),
        ("equipment.offices", false),
        ("information_requests.handlers", false),
        ("loans.authorisation.by", true),
        ("loans.extension.approvers", true),
        ("loans.recall.by", true),
        ("monitoring.visible_to", false),
        ("posture.exception.approver", true),
        ("refresh.priority_offices", false),
        ("reporting.approval.by", true),
        ("reporting.report_to", false),
        ("reporting_default.report_to", false),
        ("review.owners", false),
        ("software.copies.approver", true),
        ("software.install.approver", true),
        ("software.purchase_via", false),
        ("web.accidental_access.report_to", false),
        ("web.exceptions.approver", true),
    ];
    let expected: Vec<(String, bool)> = expected.iter().map(|(p, s)| (p.to_string(), *s)).collect();
    assert_eq!(referring, expected);
}

#[test]
fn enum_words_come_from_serde() {
    assert_eq!(choices::<Agreement>(), ["all", "any"]);
    assert_eq!(choices::<Audience>(), ["everyone", "members", "staff"]);
}

#[test]
fn a_monitoring_threshold_needs_web_monitoring_breach_handling_and_a_count() {
    let source = with_minimal(
        "[[offices]]\nid = \"monitoring_officer\"\nname = \"Monitoring Officer\"\n\
         holder = \"officer\"\nclause = \"2\"\n\n\
         [monitoring]\nvisible_to = [\"monitoring_officer\"]\nclause = \"6\"\n\
         threshold = { visits = 0, categories = [\"Adult\"], clause = \"6.2\" }\n",
    );
    let found = problems(&source).join("\n");
    for expected in [
        "monitoring.threshold.visits: `visits` must be at least 1",
        "monitoring.threshold.categories[0]: category \"Adult\" must be lower case",
        "monitoring.threshold: a threshold counts the web filter's findings; set `web = true`",
        "monitoring.threshold: a threshold opens breach cases, so the pack needs [breaches]",
    ] {
        assert!(found.contains(expected), "{expected:?} not in:\n{found}");
    }
    let fine = source
        .replace("visits = 0, categories = [\"Adult\"]", "visits = 5")
        .replace("[monitoring]\n", "[monitoring]\nweb = true\n")
        + "\n[[breaches.routes]]\naudience = \"members\"\nhandlers = [\"monitoring_officer\"]\nclause = \"7\"\n";
    assert_eq!(problems(&fine), Vec::<String>::new());
    let pack = load(&fine).pack;
    let threshold = pack.monitoring.unwrap().threshold.unwrap();
    assert!(threshold.reached("gambling", 5) && !threshold.reached("gambling", 4));
}

#[test]
fn retention_periods_are_read_and_a_zero_one_is_refused() {
    let pack = load(&with_minimal(
        "[retention.closed_requests]\nkeep = \"2 years\"\nclause = \"13\"\n",
    ));
    let keep = pack.pack.retention.unwrap().closed_requests.unwrap();
    assert_eq!(keep.keep, crate::period::Period::years(2));
    assert_eq!(keep.clause.0, "13");

    let found = problems(&with_minimal(
        "[retention.sessions]\nkeep = \"immediately\"\nclause = \"13\"\n[retention.notices]\nclause = \"13\"\n[retention.letters]\nkeep = \"1 year\"\nclause = \"13\"\n",
    ));
    assert!(
        found
            .iter()
            .any(|p| p.contains("retention.sessions.keep") && p.contains("longer than none")),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|p| p.contains("retention.notices") && p.contains("keep")),
        "{found:?}"
    );
    assert!(found.iter().any(|p| p.contains("letters")), "{found:?}");
}

#[test]
fn a_check_in_age_is_read_and_a_bad_or_zero_one_is_named_by_line() {
    let pack = load(&with_minimal(
        "[check_in]\nmax_age = \"14 days\"\nclause = \"6.1\"\n",
    ));
    let check_in = pack.pack.check_in.unwrap();
    assert_eq!(check_in.max_age, crate::period::Period::days(14));
    assert_eq!(check_in.clause.0, "6.1");

    let found = problems(&with_minimal(
        "[check_in]\nmax_age = \"a fortnight\"\nclause = \"6.1\"\n",
    ));
    assert!(
        found
            .iter()
            .any(|p| p.starts_with(&format!("{}:", EXTRA_FROM + 1))
                && p.contains("check_in.max_age")
                && p.contains("length of time")),
        "{found:?}"
    );
    let found = problems(&with_minimal(
        "[check_in]\nmax_age = \"immediately\"\nclause = \"6.1\"\n",
    ));
    assert!(
        found
            .iter()
            .any(|p| p.contains("check_in.max_age") && p.contains("longer than none")),
        "{found:?}"
    );
    let found = problems(&with_minimal("[check_in]\nmax_age = \"14 days\"\n"));
    assert!(
        found
            .iter()
            .any(|p| p.contains("check_in") && p.contains("clause")),
        "{found:?}"
    );
}

#[test]
fn a_period_for_monitoring_findings_needs_web_monitoring() {
    let found = problems(&with_minimal(
        "[retention.monitoring_findings]\nkeep = \"1 year\"\nclause = \"13\"\n",
    ));
    assert!(
        found
            .iter()
            .any(|p| p.contains("retention.monitoring_findings") && p.contains("web = true")),
        "{found:?}"
    );
}

#[test]
fn the_reporting_default_must_name_an_office_of_the_pack() {
    let offices = "[[offices]]\nid = \"service_desk\"\nname = \"Service Desk\"\n\
                   holder = \"officer\"\nclause = \"2\"\n\n";
    let found = problems(&with_minimal(&format!(
        "{offices}[reporting_default]\nreport_to = \"help_desk\"\nclause = \"9\"\n"
    )));
    assert_eq!(
        found,
        [format!(
            "{}:13 reporting_default.report_to: no office `help_desk` in [[offices]]; offices \
             are: service_desk",
            EXTRA_FROM + 7
        )]
    );
    let found = problems(&with_minimal(&format!(
        "{offices}[reporting_default]\nreport_to = \"service_desk\"\nurgency = \"soon\"\n"
    )))
    .join("\n");
    assert!(found.contains("reporting_default.urgency"), "{found}");
    assert!(
        found.contains("reporting_default.clause: missing key"),
        "{found}"
    );
    let pack = load(&with_minimal(&format!(
        "{offices}[reporting_default]\nreport_to = \"service_desk\"\nrespond_within = \"1 day\"\nclause = \"9\"\n"
    )))
    .pack;
    let default = pack.reporting_default.unwrap();
    assert_eq!(default.report_to.as_str(), "service_desk");
    assert_eq!(default.urgency, Urgency::Routine);
    assert_eq!(default.clause.0, "9");
}

#[test]
fn a_posture_exception_must_name_an_office_that_exists() {
    let source = with_minimal(
        "[[offices]]\nid = \"town_clerk\"\nname = \"Town Clerk\"\nholder = \"officer\"\nclause = \"1\"\n\n\
         [[posture]]\ncheck = \"antivirus\"\nclause = \"2.2\"\n\
         exception = { approver = \"town_clerc\", clause = \"2.2\" }\n",
    );
    assert_eq!(
        problems(&source),
        [format!(
            "{}:26 posture[0].exception.approver: no office `town_clerc` in [[offices]]; \
             offices are: town_clerk",
            EXTRA_FROM + 9
        )]
    );
    let good = source.replace("town_clerc", "town_clerk");
    let pack = load(&good).pack;
    let exception = pack.posture[0].exception.as_ref().unwrap();
    assert_eq!(exception.approver.as_str(), "town_clerk");
    assert_eq!(exception.clause.0, "2.2");
}

#[test]
fn markings_need_a_clause_to_be_cited_by() {
    let markings = "[mail.markings]\nlevels = [\"OFFICIAL\"]\n";
    let found = problems(&with_minimal(markings));
    assert!(
        found
            .iter()
            .any(|p| p.contains("mail.markings") && p.contains("protective_marking")),
        "{found:?}"
    );
    let cited = format!("{markings}clause = \"11\"\n");
    let found = problems(&with_minimal(&cited));
    assert!(!found.iter().any(|p| p.contains("markings")), "{found:?}");
}
