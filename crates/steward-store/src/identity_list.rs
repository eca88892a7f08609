//! Who the web filter would recognise on a day, as a list paged in SQL: the people with a
//! proxy user name or a device with network addresses on loan to them, by reference. The
//! page's user names and devices are read for all its people in one more statement.

use crate::listing::{Arg, Frag, KeyKind, ListSql, bound};
use crate::rows::{Cols, date_text};
use crate::search;
use crate::tx::StoreTx;
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::net::IpAddr;
use steward_domain::listing::Listed;
use steward_domain::ops::network::identities::{
    IdentityLine, IdentityQuery, IdentitySort, ItemAddresses,
};
use steward_domain::{AssetTag, Id, PersonRef, RepoResult};

/// Loan `l` is its item's holding loan on the day bound four times in its `?`s: issued on or
/// before the day, not returned by it, and no later such loan of the item (the rule the
/// filter's directory keeps: the latest loan issued wins, then the latest recorded).
const HOLDING: &str = "l.issued_on <= ? AND (l.returned_on IS NULL OR l.returned_on > ?) \
     AND NOT EXISTS (SELECT 1 FROM loans n WHERE n.council_id = l.council_id \
     AND n.equipment_id = l.equipment_id AND n.issued_on <= ? \
     AND (n.returned_on IS NULL OR n.returned_on > ?) \
     AND (n.issued_on > l.issued_on OR (n.issued_on = l.issued_on AND n.id > l.id)))";

fn holding(day: NaiveDate) -> Vec<Arg> {
    vec![Arg::Text(date_text(day)); 4]
}

/// `HOLDING` with its placeholders numbered from `$first`.
fn holding_numbered(first: usize) -> String {
    let mut n = first;
    HOLDING
        .split('?')
        .enumerate()
        .map(|(i, part)| {
            if i == 0 {
                part.to_string()
            } else {
                n += 1;
                format!("${}{part}", n - 1)
            }
        })
        .collect()
}

pub(crate) async fn identities_page(
    tx: &mut StoreTx,
    council_id: Id,
    query: &IdentityQuery,
    day: NaiveDate,
) -> RepoResult<Listed<IdentityLine>> {
    let sort = match query.sort {
        IdentitySort::Reference => "p.reference",
    };
    let select = Frag::new("p.id, p.reference, p.name", Vec::new());
    let mut sql = ListSql::new(select, "people p", sort, KeyKind::Text, "p.id");
    sql.eq("p.council_id", council_id);
    // Who is known to the filter is worked out once, from the user names and the addressed
    // items (few beside the register), not tested person by person as the page walks people.
    let mut known_args = vec![Arg::Int(council_id), Arg::Int(council_id)];
    known_args.extend(holding(day));
    sql.and(Frag::new(
        format!(
            "p.id IN (SELECT u.person_id FROM proxy_users u WHERE u.council_id = ? \
             UNION SELECT l.person_id FROM equipment_addresses a \
             JOIN loans l ON l.council_id = a.council_id AND l.equipment_id = a.equipment_id \
             WHERE a.council_id = ? AND {HOLDING})"
        ),
        known_args,
    ));
    sql.search(council_id, &query.search, &[(search::PERSON, "p.id")]);
    let page = sql
        .fetch(tx, &query.window, query.direction, |row| {
            let c = Cols::new(row, "people");
            Ok((
                c.int("id")?,
                c.parsed::<PersonRef>("reference", "a person's reference")?,
                c.text("name")?,
            ))
        })
        .await?;
    let ids: Vec<Id> = page.items.iter().map(|(id, _, _)| *id).collect();
    let mut known = known_as(tx, council_id, &ids, day).await?;
    page.try_map(|(id, reference, name)| {
        let (usernames, devices) = known.remove(&id).unwrap_or_default();
        Ok(IdentityLine {
            reference,
            name,
            usernames,
            devices,
        })
    })
}

type Known = (Vec<String>, Vec<ItemAddresses>);

/// Each of `people`'s proxy user names and the devices with addresses on loan to them on
/// `day`, in one statement: user names sorted, devices by item, addresses in order.
async fn known_as(
    tx: &mut StoreTx,
    council_id: Id,
    people: &[Id],
    day: NaiveDate,
) -> RepoResult<BTreeMap<Id, Known>> {
    let mut out: BTreeMap<Id, Known> = BTreeMap::new();
    if people.is_empty() {
        return Ok(out);
    }
    let mut args = vec![Arg::Int(council_id)];
    args.extend(holding(day));
    let first = args.len() + 1;
    args.extend(people.iter().map(|id| Arg::Int(*id)));
    let marks: Vec<String> = (first..=args.len()).map(|i| format!("${i}")).collect();
    let marks = marks.join(", ");
    let sql = format!(
        "SELECT u.person_id, CAST(0 AS BIGINT) AS equipment_id, '' AS asset_tag, \
         u.username AS known FROM proxy_users u \
         WHERE u.council_id = $1 AND u.person_id IN ({marks}) \
         UNION ALL \
         SELECT l.person_id, e.id AS equipment_id, e.asset_tag, a.address AS known FROM loans l \
         JOIN equipment_addresses a ON a.council_id = l.council_id \
         AND a.equipment_id = l.equipment_id \
         JOIN equipment e ON e.council_id = l.council_id AND e.id = l.equipment_id \
         WHERE l.council_id = $1 AND l.person_id IN ({marks}) AND {} \
         ORDER BY 1, 2",
        holding_numbered(2)
    );
    let mut items: BTreeMap<(Id, Id), ItemAddresses> = BTreeMap::new();
    for row in tx.all(bound(&sql, &args)).await? {
        let c = Cols::new(&row, "web_identities");
        let person = c.int("person_id")?;
        let equipment = c.int("equipment_id")?;
        if equipment == 0 {
            out.entry(person).or_default().0.push(c.text("known")?);
            continue;
        }
        let address: IpAddr = c.parsed("known", "a network address")?;
        let tag: AssetTag = c.parsed("asset_tag", "an asset tag")?;
        items
            .entry((person, equipment))
            .or_insert_with(|| ItemAddresses {
                asset_tag: tag,
                addresses: Vec::new(),
            })
            .addresses
            .push(address);
    }
    for ((person, _), mut item) in items {
        item.addresses.sort();
        out.entry(person).or_default().1.push(item);
    }
    for (usernames, _) in out.values_mut() {
        usernames.sort();
    }
    Ok(out)
}
