//! The OpenAPI document as a contract: every operation names a typed answer, every reference
//! resolves, and what the main list and show endpoints answer validates against its schema.

use crate::api::{Server, is_problem, token, town, user};
use serde_json::{Value, json};

/// The schema an operation documents for `status` and `media`.
fn documented<'a>(
    doc: &'a Value,
    method: &str,
    path: &str,
    status: &str,
    media: &str,
) -> &'a Value {
    let op = &doc["paths"][path][method];
    assert!(op.is_object(), "{method} {path} is not documented");
    let schema = &op["responses"][status]["content"][media]["schema"];
    assert!(
        schema.is_object(),
        "{method} {path} documents no {status} {media}"
    );
    schema
}

/// Follows `#/components/schemas/Name`.
fn resolve<'a>(doc: &'a Value, reference: &str) -> &'a Value {
    let name = reference
        .strip_prefix("#/components/schemas/")
        .unwrap_or_else(|| panic!("a reference outside the components: {reference}"));
    let found = &doc["components"]["schemas"][name];
    assert!(found.is_object(), "{reference} does not resolve");
    found
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn has_type(value: &Value, wanted: &str) -> bool {
    let actual = type_name(value);
    actual == wanted || (wanted == "number" && actual == "integer")
}

/// The problems of `value` against `schema`, each with where it is; the keywords the document
/// uses: `$ref`, `type`, `properties`, `required`, `additionalProperties`, `items`, `enum`,
/// `const`, `anyOf`, `oneOf`, `allOf`, `format` (date and date-time), `minimum`, lengths.
fn check(doc: &Value, schema: &Value, value: &Value, at: &str, out: &mut Vec<String>) {
    let Some(schema) = schema.as_object() else {
        if schema == &Value::Bool(false) {
            out.push(format!("{at}: nothing is allowed here"));
        }
        return;
    };
    if let Some(Value::String(r)) = schema.get("$ref") {
        check(doc, resolve(doc, r), value, at, out);
    }
    match schema.get("type") {
        Some(Value::String(t)) if !has_type(value, t) => {
            out.push(format!("{at}: {} is not {t}", type_name(value)));
            return;
        }
        Some(Value::Array(ts)) if !ts.iter().any(|t| has_type(value, t.as_str().unwrap_or(""))) => {
            out.push(format!("{at}: {} is none of {ts:?}", type_name(value)));
            return;
        }
        _ => {}
    }
    if let Some(Value::Array(words)) = schema.get("enum")
        && !words.contains(value)
    {
        out.push(format!("{at}: {value} is not one of {words:?}"));
    }
    if let Some(c) = schema.get("const")
        && c != value
    {
        out.push(format!("{at}: {value} is not {c}"));
    }
    for (key, pick) in [("anyOf", 1..usize::MAX), ("oneOf", 1..2)] {
        if let Some(Value::Array(options)) = schema.get(key) {
            let fits = options
                .iter()
                .filter(|o| {
                    let mut inner = Vec::new();
                    check(doc, o, value, at, &mut inner);
                    inner.is_empty()
                })
                .count();
            if !pick.contains(&fits) {
                out.push(format!("{at}: {fits} of the {key} options fit {value}"));
            }
        }
    }
    if let Some(Value::Array(all)) = schema.get("allOf") {
        for s in all {
            check(doc, s, value, at, out);
        }
    }
    check_inside(doc, schema, value, at, out);
}

/// The keywords that look inside an object, an array, a string or a number.
fn check_inside(
    doc: &Value,
    schema: &serde_json::Map<String, Value>,
    value: &Value,
    at: &str,
    out: &mut Vec<String>,
) {
    match value {
        Value::Object(map) => {
            let properties = schema.get("properties").and_then(Value::as_object);
            for name in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let name = name.as_str().unwrap_or("");
                if !map.contains_key(name) {
                    out.push(format!("{at}: required {name} is missing"));
                }
            }
            for (name, v) in map {
                let here = format!("{at}.{name}");
                match properties.and_then(|p| p.get(name)) {
                    Some(s) => check(doc, s, v, &here, out),
                    None => match schema.get("additionalProperties") {
                        Some(Value::Bool(false)) => out.push(format!("{here}: not in the schema")),
                        Some(s) => check(doc, s, v, &here, out),
                        None => {}
                    },
                }
            }
        }
        Value::Array(items) => {
            if let Some(s) = schema.get("items") {
                for (i, v) in items.iter().enumerate() {
                    check(doc, s, v, &format!("{at}[{i}]"), out);
                }
            }
        }
        Value::String(text) => {
            let ok = match schema.get("format").and_then(Value::as_str) {
                Some("date") => chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok(),
                Some("date-time") => chrono::DateTime::parse_from_rfc3339(text).is_ok(),
                _ => true,
            };
            if !ok {
                out.push(format!("{at}: {text:?} is not in its format"));
            }
            let chars = text.chars().count() as u64;
            if schema
                .get("maxLength")
                .and_then(Value::as_u64)
                .is_some_and(|m| chars > m)
                || schema
                    .get("minLength")
                    .and_then(Value::as_u64)
                    .is_some_and(|m| chars < m)
            {
                out.push(format!("{at}: {chars} characters is out of bounds"));
            }
        }
        Value::Number(n) => {
            if let (Some(min), Some(v)) =
                (schema.get("minimum").and_then(Value::as_f64), n.as_f64())
                && v < min
            {
                out.push(format!("{at}: {v} is below {min}"));
            }
        }
        _ => {}
    }
}

/// Asserts that `body` is what the document says `method path` answers with `status`.
fn conforms(doc: &Value, method: &str, path: &str, status: u16, media: &str, body: &Value) {
    let schema = documented(doc, method, path, &status.to_string(), media);
    let mut problems = Vec::new();
    check(doc, schema, body, "$", &mut problems);
    assert!(
        problems.is_empty(),
        "{method} {path}: {problems:#?}\n{body:#}"
    );
}

#[test]
fn every_operation_documents_a_typed_answer_whose_references_resolve() {
    let t = town();
    let api = Server::start(&t.env, "2027-01-05");
    let doc = api.get("", "/openapi.json").body;
    let mut operations = 0;
    for (path, methods) in doc["paths"].as_object().unwrap() {
        for (method, op) in methods.as_object().unwrap() {
            operations += 1;
            let answers: Vec<(&String, &Value)> = op["responses"]
                .as_object()
                .unwrap()
                .iter()
                .filter(|(status, _)| status.starts_with('2'))
                .collect();
            assert_eq!(answers.len(), 1, "{method} {path}: {answers:?}");
            for (media, content) in answers[0].1["content"].as_object().unwrap() {
                let schema = &content["schema"];
                let typed = schema.get("$ref").is_some() || schema.get("type").is_some();
                assert!(
                    typed,
                    "{method} {path} answers {media} with no type: {schema}"
                );
                if media == "application/pdf" {
                    assert_eq!(schema, &json!({"type": "string", "format": "binary"}));
                } else {
                    assert_eq!(media, "application/json", "{method} {path}");
                }
            }
            for (status, answer) in op["responses"].as_object().unwrap() {
                if !status.starts_with('2') {
                    let schema = &answer["content"]["application/problem+json"]["schema"];
                    assert_eq!(
                        schema["$ref"], "#/components/schemas/Problem",
                        "{path} {status}"
                    );
                }
            }
        }
    }
    assert!(operations > 100, "{operations}");
    // Every reference anywhere in the document names a schema it holds.
    fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    out.push(r);
                }
                m.values().for_each(|v| refs(v, out));
            }
            Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(&doc, &mut all);
    for r in all {
        resolve(&doc, r);
    }
    let problem = resolve(&doc, "#/components/schemas/Problem");
    assert_eq!(
        problem["required"],
        json!(["type", "title", "status", "detail"])
    );
    let pdf = &doc["paths"]["/people/{ref}/acceptance-form.pdf"]["get"]["responses"]["200"];
    assert!(pdf["content"]["application/pdf"].is_object(), "{pdf}");
}

#[test]
fn the_main_lists_and_records_answer_as_their_schemas_say() {
    let t = town();
    user(&t.env, &["--username", "keeper", "--role", "admin"]);
    let admin = token(&t.env, "keeper", "admin");
    let api = Server::start(&t.env, "2027-01-05");
    let doc = api.get("", "/openapi.json").body;
    conforms(&doc, "get", "/openapi.json", 200, "application/json", &doc);

    let lent = api.post(
        &t.officer,
        "/loans",
        json!({"person": "M1", "asset_tag": "LAP-1"}),
    );
    assert_eq!(lent.status, 201, "{}", lent.body);
    conforms(&doc, "post", "/loans", 201, "application/json", &lent.body);
    let loan = lent.body["loan"]["id"].as_i64().unwrap();
    let asked = api.post(
        &t.ada,
        "/me/requests",
        json!({"kind": "fault", "equipment": "LAP-1", "summary": "Screen flickers"}),
    );
    assert_eq!(asked.status, 201, "{}", asked.body);
    conforms(
        &doc,
        "post",
        "/me/requests",
        201,
        "application/json",
        &asked.body,
    );
    let request = asked.body["request"]["id"].as_i64().unwrap();

    let reads = [
        (&t.officer, "/people", "/people".to_string()),
        (&t.officer, "/people/{ref}", "/people/M1".into()),
        (&t.officer, "/equipment", "/equipment".into()),
        (&t.officer, "/equipment/{tag}", "/equipment/LAP-1".into()),
        (&t.officer, "/loans", "/loans".into()),
        (&t.officer, "/loans/{id}", format!("/loans/{loan}")),
        (&t.officer, "/requests", "/requests".into()),
        (&t.ada, "/requests/{id}", format!("/requests/{request}")),
        (&t.officer, "/acceptances", "/acceptances".into()),
        (&t.officer, "/due", "/due".into()),
        (&t.officer, "/policy", "/policy".into()),
        (&t.officer, "/notifications", "/notifications".into()),
        (&t.auditor, "/audit", "/audit".into()),
        (&t.ada, "/me", "/me".into()),
        (&t.ada, "/me/loans", "/me/loans".into()),
        (&t.ada, "/me/requests", "/me/requests".into()),
        (&admin, "/users", "/users".into()),
        (&admin, "/tokens", "/tokens".into()),
        (&t.officer, "/reports/{name}", "/reports/overdue".into()),
    ];
    for (who, documented_path, path) in reads {
        let reply = api.get(who, &path);
        assert_eq!(reply.status, 200, "{path}: {}", reply.body);
        assert_eq!(reply.content_type, "application/json", "{path}");
        conforms(
            &doc,
            "get",
            documented_path,
            200,
            "application/json",
            &reply.body,
        );
    }

    // Failures conform too, whatever their status.
    let missing = api.get(&t.officer, "/people/NOBODY");
    is_problem(&missing, 404);
    conforms(
        &doc,
        "get",
        "/people/{ref}",
        404,
        "application/problem+json",
        &missing.body,
    );
    let refused = api.post(
        &t.officer,
        "/loans",
        json!({"person": "M2", "asset_tag": "LAP-2"}),
    );
    is_problem(&refused, 409);
    conforms(
        &doc,
        "post",
        "/loans",
        409,
        "application/problem+json",
        &refused.body,
    );
    let invalid = api.post(&t.officer, "/people", json!({"reference": "M9"}));
    is_problem(&invalid, 422);
    conforms(
        &doc,
        "post",
        "/people",
        422,
        "application/problem+json",
        &invalid.body,
    );

    // And the checking itself finds a body that does not fit.
    let mut problems = Vec::new();
    let schema = documented(&doc, "get", "/people", "200", "application/json");
    check(
        &doc,
        schema,
        &json!({"items": [{"reference": 7}]}),
        "$",
        &mut problems,
    );
    assert!(problems.len() >= 2, "{problems:?}");
}
