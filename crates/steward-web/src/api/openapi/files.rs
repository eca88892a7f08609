//! Files sent whole as a request's body: each is text of its own media type, described by the
//! columns it needs and a pattern of well-formed rows, so that a client (or a tool generating
//! requests from this document) can write one the importer reads. The importer still checks
//! every row against the register: a well-formed row naming a reference already registered,
//! or a line the council does not have, is refused with its line.

use super::NOT_IN_TEXT;
use crate::limits::BODY;
use serde_json::{Value, json};
use steward_policy::posture::CheckWord;
use steward_policy::{EquipmentKind, PersonKind, TermEndReason};

/// A file's text: a header line, then rows matching `row`. The pattern allows up to three, so
/// that rows made from it rarely repeat a reference or tag (which the importer refuses); the
/// importer itself reads files of any length within the body's limit.
fn file(description: &str, header: &str, row: &str, example: &str) -> Value {
    json!({
        "type": "string",
        "maxLength": BODY,
        "pattern": format!("^{header}\\r?\\n({row}\\r?\\n){{1,3}}$"),
        "description": description,
        "example": example,
    })
}

/// One of `words`, as a pattern.
fn either(words: &[&str]) -> String {
    format!("({})", words.join("|"))
}

/// A day, as the importers read it.
const DAY: &str = "20(1[0-9]|2[0-6])-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])";

/// A field of free text with no comma, quote or line break, and something besides spaces.
fn plain(max: usize) -> String {
    let ok = format!("[^,\"\\r\\n{NOT_IN_TEXT}]");
    let seen = format!("[^,\"\\s{NOT_IN_TEXT}]");
    format!("{ok}{{0,{max}}}{seen}{ok}{{0,{max}}}")
}

/// A reference or asset tag as a file would give a new one.
const NEW_KEY: &str = "[A-Z]{2,4}-?[0-9]{3,8}";

pub(crate) fn people_file() -> Value {
    let kinds: Vec<&str> = PersonKind::ALL.iter().map(|k| k.as_str()).collect();
    file(
        "CSV with a header line: reference, name and kind (required); email, household, \
         term_start, term_end and offices may follow. A reference already registered is refused",
        "reference,name,kind",
        &format!("{NEW_KEY},{},{}", plain(99), either(&kinds)),
        "reference,name,kind\nM901,Ada Quill,councillor\n",
    )
}

pub(crate) fn equipment_file() -> Value {
    let kinds: Vec<&str> = EquipmentKind::ALL.iter().map(|k| k.as_str()).collect();
    file(
        "CSV with a header line: asset_tag, kind, model and replacement_cost (required); \
         serial, purchased_on, pat_tested_on, encrypted and state may follow. A tag already \
         registered is refused",
        "asset_tag,kind,model,replacement_cost",
        &format!(
            "{NEW_KEY},{},{},[1-9][0-9]{{0,4}}(\\.[0-9]{{2}})?",
            either(&kinds),
            plain(99)
        ),
        "asset_tag,kind,model,replacement_cost\nTAB-901,tablet,iPad,399.00\n",
    )
}

pub(crate) fn leavers_file() -> Value {
    let reasons: Vec<&str> = TermEndReason::ALL.iter().map(|r| r.as_str()).collect();
    file(
        "CSV with a header line: reference, left_on and reason. Each person must be registered \
         and in a term",
        "reference,left_on,reason",
        &format!("[A-Za-z0-9]{{1,32}},{DAY},{}", either(&reasons)),
        "reference,left_on,reason\nM1,2027-01-05,stood_down\n",
    )
}

pub(crate) fn phone_bill_file() -> Value {
    file(
        "CSV with a header line naming at least line, date and cost, and the number called or \
         a description of each item (a bill's own names for them are read too: number, call \
         date, dialled, charge...); time and duration may follow. Each line must be one of the \
         council's phone lines",
        "line,date,called,cost",
        &format!(
            "07[0-9]{{3}} ?[0-9]{{6}},{DAY},0[1-9][0-9]{{3}} ?[0-9]{{6}},[0-9]{{1,3}}\\.[0-9]{{2}}"
        ),
        "line,date,called,cost\n07700 900321,2027-01-02,01632 960101,0.20\n",
    )
}

/// A Steward file of device checks, as CSV; the path names its format. Intune and osquery
/// files are the vendors' own exports, which no pattern here describes.
pub(crate) fn posture_file() -> Value {
    let checks: Vec<&str> = CheckWord::ALL.iter().map(|c| c.word()).collect();
    file(
        "The file as its tool wrote it: for steward, CSV with a header line device, check, \
         result and observed_at (source and detail may follow) or the same as JSON Lines; for \
         intune, Graph managedDevices JSON or the compliance report CSV; for osquery, its \
         results log. Devices the register does not know are counted, not stored",
        "device,check,result,observed_at",
        &format!(
            "[A-Za-z0-9-]{{1,32}},{},(pass|fail|unknown),{DAY}T(0[0-9]|1[0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]Z",
            either(&checks)
        ),
        "device,check,result,observed_at\nLAP-0100,antivirus,pass,2027-01-04T08:10:05Z\n",
    )
}

/// Fleet's results with their policy map, each as text. The pattern describes a small answer
/// of Fleet's hosts endpoint; real answers carry more fields, which are passed over.
pub(crate) fn fleet_import() -> Value {
    let checks: Vec<&str> = CheckWord::ALL.iter().map(|c| c.word()).collect();
    let host = format!(
        "\\{{\"hostname\": \"[A-Z]{{3}}-[0-9]{{4}}\", \"seen_time\": \"{DAY}T0[0-9]:[0-5][0-9]:[0-5][0-9]Z\", \
         \"policies\": \\[\\{{\"name\": \"Policy [A-C]\", \"response\": \"(pass|fail|)\"\\}}\\]\\}}"
    );
    json!({
        "type": "object",
        "required": ["results", "policy_map"],
        "additionalProperties": false,
        "properties": {
            "results": {
                "type": "string",
                "maxLength": BODY,
                "pattern": format!("^\\{{\"hosts\": \\[{host}(, {host}){{0,3}}\\]\\}}$"),
                "description": "Fleet's hosts with their policy results, as its REST API gives them (GET /api/v1/fleet/hosts?populate_policies=true): {\"hosts\": [...]}, {\"host\": {...}} or a bare list. Hosts the register does not know are counted, not stored",
                "example": "{\"hosts\": [{\"hostname\": \"LAP-0100\", \"seen_time\": \"2027-01-04T08:10:05Z\", \"policies\": [{\"name\": \"Policy A\", \"response\": \"pass\"}]}]}",
            },
            "policy_map": {
                "type": "string",
                "minLength": 1,
                "maxLength": crate::limits::FLEET_MAP,
                "pattern": format!("^(Policy [A-C] = {}\\n){{1,3}}$", either(&checks)),
                "description": "Which check each Fleet policy verifies, a line each: the policy's name, =, then the check; blank lines and lines starting # are passed over",
                "example": "Policy A = antivirus\n",
            },
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use steward_domain::import;
    use steward_domain::posture::parse::{self, FleetMap, Format};

    fn example(schema: Value) -> Vec<u8> {
        schema["example"].as_str().unwrap().as_bytes().to_vec()
    }

    #[test]
    fn each_file_s_example_is_read_by_its_importer() {
        assert_eq!(
            import::parse_people("p", &example(people_file()))
                .unwrap()
                .len(),
            1
        );
        let items = import::parse_equipment("e", &example(equipment_file())).unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(
            import::parse_leavers("l", &example(leavers_file()))
                .unwrap()
                .len(),
            1
        );
        let bill = steward_domain::phones::bill::parse_bill("b", &example(phone_bill_file()));
        assert_eq!(bill.unwrap().len(), 1);
        let checks = parse::parse(
            Format::Steward,
            "c",
            &example(posture_file()),
            &FleetMap::default(),
        );
        assert_eq!(checks.unwrap().len(), 1);
        let fleet = fleet_import();
        let map = fleet["properties"]["policy_map"]["example"]
            .as_str()
            .unwrap();
        let map = FleetMap::parse("m", map).unwrap();
        let results = example(fleet["properties"]["results"].clone());
        let checks = parse::parse(Format::Fleet, "f", &results, &map).unwrap();
        // The host's check-in and its one mapped policy.
        assert_eq!(checks.len(), 2);
    }
}
