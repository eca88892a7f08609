//! Phone costs: lines, itemised bills, personal calls and what is owed, under the county's
//! policy through the command line, the borough's through the API, and the city's
//! acceptable use policy, under which nothing is repaid.

mod borough_api;
mod city;
mod county;

use crate::support::Env;
use serde_json::Value;

/// Adds a person, as of the day given.
pub fn person(env: &Env, reference: &str, name: &str, kind: &str, extra: &[&str], on: &str) {
    let mut args = vec![
        "person", "add", "--ref", reference, "--name", name, "--kind", kind, "--as-of", on,
    ];
    args.extend_from_slice(extra);
    env.ok(&args);
}

/// Adds a mobile phone.
pub fn phone(env: &Env, tag: &str, on: &str) {
    env.ok(&[
        "equipment",
        "add",
        "--tag",
        tag,
        "--kind",
        "mobile_phone",
        "--model",
        "Handset",
        "--cost",
        "300",
        "--as-of",
        on,
    ]);
}

/// The ids of a bill's items made on `day`, in order.
pub fn items_on(bill: &Value, day: &str) -> Vec<i64> {
    bill["calls"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["called_on"] == day)
        .map(|c| c["id"].as_i64().unwrap())
        .collect()
}
