//! Finding the one person or item an officer means from what they typed into a form: a
//! reference or asset tag, a suggestion chosen from the list ("Jane Smith (M003)"), or words of
//! a name, model or serial that match exactly one record. Forms call these instead of parsing
//! codes, so a name works where a code used to be demanded.

use crate::error::{DomainError, DomainResult};
use crate::ids::{AssetTag, PersonRef};
use crate::listing::{ListQuery, SearchWords, Window};
use crate::ops::equipment::list::{EquipmentQuery, EquipmentSort};
use crate::ops::people::list::{PeopleQuery, PeopleSort};
use crate::records::{Council, Equipment, Person};
use crate::repo::RegisterTx;
use chrono::NaiveDate;
use steward_policy::OfficeId;

/// How many suggestions a picker shows, and how many candidates an ambiguous entry names.
pub const SUGGESTIONS: u32 = 10;
const NAMED_IN_ERROR: usize = 5;

/// How a person is shown in a picker and read back from it.
pub fn person_label(person: &Person) -> String {
    format!("{} ({})", person.name, person.reference)
}

/// How an item is shown in a picker and read back from it.
pub fn item_label(item: &Equipment) -> String {
    match &item.serial {
        Some(serial) => format!("{}, serial {serial} ({})", item.model, item.asset_tag),
        None => format!("{} ({})", item.model, item.asset_tag),
    }
}

/// The code in a chosen suggestion's closing brackets, if the text ends with one.
fn bracketed(text: &str) -> Option<&str> {
    let inner = text.strip_suffix(')')?;
    let open = inner.rfind('(')?;
    Some(inner[open + 1..].trim())
}

/// People whose name or reference starts with the words typed, for a picker.
pub async fn suggest_people<T: RegisterTx>(
    tx: &mut T,
    council: &Council,
    text: &str,
    on: NaiveDate,
) -> DomainResult<Vec<Person>> {
    let search = SearchWords::parse(text);
    if search.is_empty() {
        return Ok(Vec::new());
    }
    let query = PeopleQuery {
        search,
        sort: PeopleSort::Name,
        window: Window::first(SUGGESTIONS),
        ..ListQuery::default()
    };
    let listed = tx.list_people(council.id, &query, on, None).await?;
    Ok(listed.items.into_iter().map(|row| row.person).collect())
}

/// Items whose tag, model or serial starts with the words typed, for a picker.
pub async fn suggest_items<T: RegisterTx>(
    tx: &mut T,
    council: &Council,
    text: &str,
) -> DomainResult<Vec<Equipment>> {
    let search = SearchWords::parse(text);
    if search.is_empty() {
        return Ok(Vec::new());
    }
    let query = EquipmentQuery {
        search,
        sort: EquipmentSort::default(),
        window: Window::first(SUGGESTIONS),
        ..ListQuery::default()
    };
    let listed = tx.list_equipment(council.id, &query, None).await?;
    Ok(listed.items.into_iter().map(|row| row.equipment).collect())
}

/// The person `text` means, or an error against `field` saying what matched.
pub async fn person<T: RegisterTx>(
    tx: &mut T,
    council: &Council,
    field: &'static str,
    text: &str,
    on: NaiveDate,
) -> DomainResult<Person> {
    let text = text.trim();
    if text.is_empty() {
        return Err(DomainError::invalid(
            field,
            "enter a name or reference and choose the person",
        ));
    }
    for code in [bracketed(text), Some(text)].into_iter().flatten() {
        if let Ok(reference) = code.parse::<PersonRef>()
            && let Some(found) = tx.person_by_ref(council.id, &reference).await?
        {
            return Ok(found);
        }
    }
    let found = suggest_people(tx, council, text, on).await?;
    let words = Words {
        nothing: |t| {
            format!(
                "no one in the register matches '{t}'; type part of their name or their reference"
            )
        },
        several: |t, named| {
            format!(
                "more than one person matches '{t}' ({named}); type more of the name or choose one from the list"
            )
        },
    };
    one_of(field, text, found, person_label, &words, |p| {
        p.name.eq_ignore_ascii_case(text) || p.reference.as_str().eq_ignore_ascii_case(text)
    })
}

/// The item `text` means, or an error against `field` saying what matched.
pub async fn item<T: RegisterTx>(
    tx: &mut T,
    council: &Council,
    field: &'static str,
    text: &str,
) -> DomainResult<Equipment> {
    let text = text.trim();
    if text.is_empty() {
        return Err(DomainError::invalid(
            field,
            "enter an asset tag, serial number or model and choose the item",
        ));
    }
    for code in [bracketed(text), Some(text)].into_iter().flatten() {
        if let Ok(tag) = code.parse::<AssetTag>()
            && let Some(found) = tx.equipment_by_tag(council.id, &tag).await?
        {
            return Ok(found);
        }
    }
    let found = suggest_items(tx, council, text).await?;
    let words = Words {
        nothing: |t| {
            format!(
                "no item in the register matches '{t}'; type its asset tag, serial number or model"
            )
        },
        several: |t, named| {
            format!(
                "more than one item matches '{t}' ({named}); type more or choose one from the list"
            )
        },
    };
    one_of(field, text, found, item_label, &words, |e| {
        e.asset_tag.as_str().eq_ignore_ascii_case(text)
            || e.serial
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case(text))
    })
}

/// What to say when words match nothing (given what was typed) or several records (given
/// that and the candidates).
struct Words {
    nothing: fn(&str) -> String,
    several: fn(&str, &str) -> String,
}

/// The one record among `found` that `text` means: the only match, or the only exact one;
/// otherwise an error against `field` naming the candidates.
fn one_of<R: Clone>(
    field: &'static str,
    text: &str,
    found: Vec<R>,
    label: fn(&R) -> String,
    words: &Words,
    exact: impl Fn(&R) -> bool,
) -> DomainResult<R> {
    let exactly: Vec<&R> = found.iter().filter(|r| exact(r)).collect();
    if let [one] = exactly.as_slice() {
        return Ok((*one).clone());
    }
    match found.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(DomainError::invalid(field, (words.nothing)(text))),
        many => {
            let named: Vec<String> = many.iter().take(NAMED_IN_ERROR).map(label).collect();
            Err(DomainError::invalid(
                field,
                (words.several)(text, &named.join(", ")),
            ))
        }
    }
}

/// Who holds any of `offices` on `on`, for an authorising or approving field.
pub async fn holders<T: RegisterTx>(
    tx: &mut T,
    council: &Council,
    offices: &[OfficeId],
    on: NaiveDate,
) -> DomainResult<Vec<Person>> {
    Ok(tx.people_holding(council.id, offices, on).await?)
}

#[cfg(test)]
mod tests {
    use super::bracketed;

    #[test]
    fn a_chosen_suggestion_gives_back_its_code() {
        assert_eq!(bracketed("Jane Smith (M003)"), Some("M003"));
        assert_eq!(
            bracketed("Dell (Latitude) 5440 (LAP-0102)"),
            Some("LAP-0102")
        );
        assert_eq!(bracketed("Jane Smith"), None);
        assert_eq!(bracketed("Jane Smith (M003"), None);
        assert_eq!(bracketed(")"), None);
    }
}
