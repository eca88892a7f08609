//! The search index: each person's and item's words (name, reference, asset tag, serial,
//! model), so that every list can find rows by the start of any word through an index
//! rather than by reading the whole register.
//!
//! The words are made in Rust (`steward_domain::listing::words_of`), the same way for both
//! backends; the store rewrites a record's words whenever it writes the record.

use crate::listing::{Arg, bound};
use crate::tx::StoreTx;
use sqlx::AnyConnection;
use std::collections::BTreeSet;
use steward_domain::listing::words_of;
use steward_domain::phones::PhoneNumber;
use steward_domain::{Equipment, Person, RepoResult};

/// The entity kinds the index holds, as `search_words.entity` stores them.
pub(crate) const PERSON: &str = "person";
pub(crate) const EQUIPMENT: &str = "equipment";
pub(crate) const INFO_REQUEST: &str = "info_request";
pub(crate) const USER: &str = "user";
pub(crate) const API_TOKEN: &str = "api_token";
pub(crate) const PHONE_LINE: &str = "phone_line";

/// Rows a single insert statement carries: 4 values each, well under either backend's limit.
const ROWS_PER_INSERT: usize = 200;

/// A person is found by their reference (whole, or any part of it) and each word of their name.
fn person_words(reference: &str, name: &str) -> BTreeSet<String> {
    words_of(reference)
        .chain(words_of(name))
        .chain(std::iter::once(reference.to_lowercase()))
        .collect()
}

/// An item is found by its asset tag and serial number (whole, or any part) and its model.
fn equipment_words(tag: &str, serial: &str, model: &str) -> BTreeSet<String> {
    words_of(tag)
        .chain(words_of(serial))
        .chain(words_of(model))
        .chain(std::iter::once(tag.to_lowercase()))
        .chain((!serial.is_empty()).then(|| serial.to_lowercase()))
        .collect()
}

/// An information request is found by its reference (whole, or any part) and each word of
/// whom it came from.
pub(crate) fn of_info_request(reference: &str, requester: &str) -> BTreeSet<String> {
    words_of(reference)
        .chain(words_of(requester))
        .chain(std::iter::once(reference.to_lowercase()))
        .collect()
}

/// An account is found by its username, whole or by any part of it (`ada.quill`: `ada`,
/// `quill`).
pub(crate) fn of_username(username: &str) -> BTreeSet<String> {
    words_of(username)
        .chain(std::iter::once(username.to_lowercase()))
        .collect()
}

/// A token is found by each word of its name.
pub(crate) fn of_token_name(name: &str) -> BTreeSet<String> {
    words_of(name).collect()
}

/// A phone line is found by its number however people begin to write it: `+44 7700 900123`
/// (`447700900123`, `7700900123`), `07700 900123` (`07700900123`, `07700`, `900123`).
pub(crate) fn of_phone_number(number: &PhoneNumber) -> BTreeSet<String> {
    let digits = number.as_str().trim_start_matches('+');
    let mut words: BTreeSet<String> = words_of(&number.readable()).collect();
    words.insert(digits.to_string());
    if let Some(national) = digits.strip_prefix("44") {
        words.insert(national.to_string());
        words.insert(format!("0{national}"));
    }
    words
}

pub(crate) fn of_person(p: &Person) -> BTreeSet<String> {
    person_words(p.reference.as_str(), &p.name)
}

pub(crate) fn of_equipment(e: &Equipment) -> BTreeSet<String> {
    equipment_words(
        e.asset_tag.as_str(),
        e.serial.as_deref().unwrap_or(""),
        &e.model,
    )
}

/// The statements that make `words` the whole of one record's entry.
fn statements(
    council_id: i64,
    entity: &str,
    entity_id: i64,
    words: &BTreeSet<String>,
    replace: bool,
) -> Vec<(String, Vec<Arg>)> {
    let mut out = Vec::new();
    if replace {
        out.push((
            "DELETE FROM search_words WHERE council_id = $1 AND entity = $2 AND entity_id = $3"
                .to_string(),
            vec![Arg::Int(council_id), entity.into(), Arg::Int(entity_id)],
        ));
    }
    let words: Vec<&String> = words.iter().collect();
    for chunk in words.chunks(ROWS_PER_INSERT) {
        let mut args = Vec::with_capacity(chunk.len() * 4);
        let mut values = Vec::with_capacity(chunk.len());
        for word in chunk {
            let n = args.len();
            values.push(format!("(${}, ${}, ${}, ${})", n + 1, n + 2, n + 3, n + 4));
            args.extend([
                Arg::Int(council_id),
                entity.into(),
                Arg::Int(entity_id),
                Arg::Text((*word).clone()),
            ]);
        }
        out.push((
            format!(
                "INSERT INTO search_words (council_id, entity, entity_id, word) VALUES {}",
                values.join(", ")
            ),
            args,
        ));
    }
    out
}

/// Makes `words` the entry of one record, in the transaction. The rows are queued and written
/// with others before the next statement that reads the index, or at commit.
pub(crate) async fn index(
    tx: &mut StoreTx,
    council_id: i64,
    entity: &'static str,
    entity_id: i64,
    words: &BTreeSet<String>,
    replace: bool,
) -> RepoResult<()> {
    if replace {
        let delete = sqlx::query(
            "DELETE FROM search_words WHERE council_id = $1 AND entity = $2 AND entity_id = $3",
        )
        .bind(council_id)
        .bind(entity)
        .bind(entity_id);
        tx.exec(delete).await?;
    }
    for word in words {
        tx.queue_word(council_id, entity, entity_id, word.clone())
            .await?;
    }
    Ok(())
}

/// Makes `words` one new record's entry, on a migration's own connection.
pub(crate) async fn index_on(
    conn: &mut AnyConnection,
    council_id: i64,
    entity: &str,
    entity_id: i64,
    words: &BTreeSet<String>,
) -> Result<(), sqlx::Error> {
    for (sql, args) in statements(council_id, entity, entity_id, words, false) {
        bound(&sql, &args).execute(&mut *conn).await?;
    }
    Ok(())
}

/// Fills the index for every person and item already stored: run once, by the migration that
/// made the index, on the migration's own connection.
pub(crate) async fn fill(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    use sqlx::Row;
    let people = sqlx::query("SELECT id, council_id, reference, name FROM people")
        .fetch_all(&mut *conn)
        .await?;
    let mut pending = Vec::new();
    for row in &people {
        let reference: String = row.try_get("reference")?;
        let name: String = row.try_get("name")?;
        let words = person_words(&reference, &name);
        pending.extend(statements(
            row.try_get("council_id")?,
            PERSON,
            row.try_get("id")?,
            &words,
            false,
        ));
    }
    let items = sqlx::query("SELECT id, council_id, asset_tag, serial, model FROM equipment")
        .fetch_all(&mut *conn)
        .await?;
    for row in &items {
        let tag: String = row.try_get("asset_tag")?;
        let serial: Option<String> = row.try_get("serial")?;
        let model: String = row.try_get("model")?;
        let words = equipment_words(&tag, serial.as_deref().unwrap_or(""), &model);
        pending.extend(statements(
            row.try_get("council_id")?,
            EQUIPMENT,
            row.try_get("id")?,
            &words,
            false,
        ));
    }
    for (sql, args) in pending {
        bound(&sql, &args).execute(&mut *conn).await?;
    }
    Ok(())
}

/// Fills the index for the accounts, tokens and phone lines already stored: run once, by the
/// migration that added them to it.
pub(crate) async fn fill_accounts_and_lines(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    use sqlx::Row;
    let mut pending = Vec::new();
    let users = sqlx::query("SELECT id, council_id, username FROM users")
        .fetch_all(&mut *conn)
        .await?;
    for row in &users {
        let words = of_username(&row.try_get::<String, _>("username")?);
        let (council, id) = (row.try_get("council_id")?, row.try_get("id")?);
        pending.extend(statements(council, USER, id, &words, false));
    }
    let tokens = sqlx::query("SELECT id, council_id, name FROM api_tokens")
        .fetch_all(&mut *conn)
        .await?;
    for row in &tokens {
        let words = of_token_name(&row.try_get::<String, _>("name")?);
        let (council, id) = (row.try_get("council_id")?, row.try_get("id")?);
        pending.extend(statements(council, API_TOKEN, id, &words, false));
    }
    let lines = sqlx::query("SELECT id, council_id, number FROM phone_lines")
        .fetch_all(&mut *conn)
        .await?;
    for row in &lines {
        // A number the program could not read is left out of the index rather than failing
        // the migration; the line is still listed, only not found by its number.
        let Ok(number) = row.try_get::<String, _>("number")?.parse::<PhoneNumber>() else {
            continue;
        };
        let words = of_phone_number(&number);
        let (council, id) = (row.try_get("council_id")?, row.try_get("id")?);
        pending.extend(statements(council, PHONE_LINE, id, &words, false));
    }
    for (sql, args) in pending {
        bound(&sql, &args).execute(&mut *conn).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_is_found_by_each_word_and_by_its_whole_code() {
        let p = Person {
            id: 1,
            council_id: 1,
            reference: "M003".parse().unwrap(),
            name: "Ada O'Brien-Quill".into(),
            kind: steward_policy::PersonKind::Councillor,
            email: None,
            household: None,
        };
        let words: Vec<_> = of_person(&p).into_iter().collect();
        assert_eq!(words, ["ada", "brien", "m003", "o", "quill"]);
        let statements = statements(1, PERSON, 1, &of_person(&p), true);
        assert_eq!(statements.len(), 2);
        assert!(statements[0].0.starts_with("DELETE"));
        assert_eq!(statements[1].1.len(), 20);
    }

    #[test]
    fn accounts_tokens_and_lines_are_found_by_their_parts() {
        let words: Vec<_> = of_username("Ada.Quill").into_iter().collect();
        assert_eq!(words, ["ada", "ada.quill", "quill"]);
        let words: Vec<_> = of_token_name("Nightly export").into_iter().collect();
        assert_eq!(words, ["export", "nightly"]);
        let number: PhoneNumber = "07700 900123".parse().unwrap();
        let words: Vec<_> = of_phone_number(&number).into_iter().collect();
        assert_eq!(
            words,
            [
                "07700",
                "07700900123",
                "447700900123",
                "7700900123",
                "900123"
            ]
        );
    }
}
