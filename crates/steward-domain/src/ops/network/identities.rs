//! Proxy user names of people and network addresses of equipment. Each change is audited.

use crate::ctx::Ctx;
use crate::error::{DomainError, DomainResult};
use crate::ids::{AssetTag, PersonRef};
use crate::listing::{ListQuery, Listed};
use crate::network::{EquipmentAddress, NetworkTx, ProxyUser};
use crate::ops::{NONE, audit, equipment, people};
use crate::records::{Council, Id};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// Longest proxy user name accepted; Squid's own limit is far above any real login.
const MAX_USERNAME: usize = 128;

/// A proxy user name as the register keeps it: trimmed and lower case.
pub fn proxy_username(text: &str) -> DomainResult<String> {
    let name = text.trim();
    if name.is_empty() {
        return Err(DomainError::invalid(
            "username",
            "give the name the person signs in to the proxy with",
        ));
    }
    if name.chars().count() > MAX_USERNAME
        || name.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(DomainError::invalid(
            "username",
            format!(
                "a proxy user name has no spaces and at most {MAX_USERNAME} characters, like \
                 \"ada.quill\" or \"CITY\\\\aquill\""
            ),
        ));
    }
    Ok(name.to_lowercase())
}

/// A network address as typed: IPv4 or IPv6.
pub fn network_address(text: &str) -> DomainResult<IpAddr> {
    text.trim().parse::<IpAddr>().map_err(|_| {
        DomainError::invalid(
            "address",
            format!(
                "'{}' is not a network address; write IPv4 like 10.1.2.3 or IPv6 like fd00::7",
                text.trim()
            ),
        )
    })
}

#[derive(Serialize, schemars::JsonSchema)]
struct UserAudit<'a> {
    person: &'a PersonRef,
    username: &'a str,
}

/// The proxy user names of one person, by name.
pub async fn users_of<T: NetworkTx>(
    tx: &mut T,
    council: &Council,
    person_id: Id,
) -> DomainResult<Vec<ProxyUser>> {
    Ok(tx
        .proxy_users(council.id)
        .await?
        .into_iter()
        .filter(|u| u.person_id == person_id)
        .collect())
}

/// Records that `reference` signs in to the proxy as `username`.
pub async fn add_user<T: NetworkTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    reference: &PersonRef,
    username: &str,
) -> DomainResult<ProxyUser> {
    let person = people::find(tx, council, reference).await?;
    let username = proxy_username(username)?;
    let taken = tx
        .proxy_users(council.id)
        .await?
        .into_iter()
        .find(|u| u.username == username);
    if let Some(taken) = taken {
        let holder = tx
            .person(council.id, taken.person_id)
            .await?
            .map(|p| p.reference.to_string())
            .unwrap_or_default();
        return Err(DomainError::Conflict {
            field: "username".into(),
            message: format!("the proxy user name {username} is already {holder}'s"),
        });
    }
    let user = tx
        .insert_proxy_user(council.id, person.id, &username, ctx.today)
        .await?;
    audit(
        tx,
        ctx,
        council.id,
        "proxy_user.add",
        "proxy_user",
        user.id,
        NONE,
        Some(&UserAudit {
            person: reference,
            username: &username,
        }),
    )
    .await?;
    Ok(user)
}

/// Forgets one of a person's proxy user names.
pub async fn remove_user<T: NetworkTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    reference: &PersonRef,
    username: &str,
) -> DomainResult<ProxyUser> {
    let person = people::find(tx, council, reference).await?;
    let username = proxy_username(username)?;
    let user = users_of(tx, council, person.id)
        .await?
        .into_iter()
        .find(|u| u.username == username)
        .ok_or_else(|| {
            DomainError::not_found("proxy user name", format!("{username} of {reference}"))
        })?;
    tx.delete_proxy_user(council.id, user.id).await?;
    audit(
        tx,
        ctx,
        council.id,
        "proxy_user.remove",
        "proxy_user",
        user.id,
        Some(&UserAudit {
            person: reference,
            username: &username,
        }),
        NONE,
    )
    .await?;
    Ok(user)
}

/// The addresses of one item.
pub async fn addresses_of<T: NetworkTx>(
    tx: &mut T,
    council: &Council,
    equipment_id: Id,
) -> DomainResult<Vec<IpAddr>> {
    let mut out: Vec<IpAddr> = tx
        .equipment_addresses(council.id)
        .await?
        .into_iter()
        .filter(|a| a.equipment_id == equipment_id)
        .map(|a| a.address)
        .collect();
    out.sort();
    Ok(out)
}

#[derive(Serialize, schemars::JsonSchema)]
struct AddressAudit<'a> {
    asset_tag: &'a AssetTag,
    addresses: &'a [IpAddr],
}

/// The addresses of an item after a change.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ItemAddresses {
    pub asset_tag: AssetTag,
    pub addresses: Vec<IpAddr>,
}

/// Makes `addresses` the item's network addresses, replacing any it had; none clears them.
pub async fn set_addresses<T: NetworkTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    tag: &AssetTag,
    addresses: &[IpAddr],
) -> DomainResult<ItemAddresses> {
    let item = equipment::find(tx, council, tag).await?;
    let mut wanted: Vec<IpAddr> = addresses.to_vec();
    wanted.sort();
    wanted.dedup();
    let all = tx.equipment_addresses(council.id).await?;
    for a in all.iter().filter(|a| a.equipment_id != item.id) {
        if wanted.contains(&a.address) {
            let other = tx
                .equipment_by_id(council.id, a.equipment_id)
                .await?
                .map(|e| e.asset_tag.to_string())
                .unwrap_or_default();
            return Err(DomainError::Conflict {
                field: "address".into(),
                message: format!("{} is already the address of {other}", a.address),
            });
        }
    }
    let current: Vec<&EquipmentAddress> =
        all.iter().filter(|a| a.equipment_id == item.id).collect();
    let before: Vec<IpAddr> = {
        let mut v: Vec<IpAddr> = current.iter().map(|a| a.address).collect();
        v.sort();
        v
    };
    if before == wanted {
        return Ok(ItemAddresses {
            asset_tag: item.asset_tag,
            addresses: wanted,
        });
    }
    for a in current.iter().filter(|a| !wanted.contains(&a.address)) {
        tx.delete_equipment_address(council.id, a.id).await?;
    }
    for address in wanted.iter().filter(|w| !before.contains(w)) {
        tx.insert_equipment_address(council.id, item.id, *address, ctx.today)
            .await?;
    }
    audit(
        tx,
        ctx,
        council.id,
        "equipment.addresses",
        "equipment",
        item.id,
        Some(&AddressAudit {
            asset_tag: tag,
            addresses: &before,
        }),
        Some(&AddressAudit {
            asset_tag: tag,
            addresses: &wanted,
        }),
    )
    .await?;
    Ok(ItemAddresses {
        asset_tag: item.asset_tag,
        addresses: wanted,
    })
}

/// Every identity the filter knows, for listing.
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct IdentityLine {
    pub reference: PersonRef,
    pub name: String,
    pub usernames: Vec<String>,
    /// Items on loan to them on the day asked about, with their addresses.
    pub devices: Vec<ItemAddresses>,
}

/// The one order of the identities list: by the person's reference.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum IdentitySort {
    #[default]
    Reference,
}

impl IdentitySort {
    pub const ALL: [IdentitySort; 1] = [IdentitySort::Reference];

    pub fn as_str(self) -> &'static str {
        match self {
            IdentitySort::Reference => "reference",
        }
    }
}

impl std::str::FromStr for IdentitySort {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        IdentitySort::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| "sort web identities by reference".to_string())
    }
}

pub type IdentityQuery = ListQuery<IdentitySort>;

/// A page of everyone the filter would recognise on `day`: people with a proxy user name or
/// a device with an address on loan to them, by reference, paged in the database.
pub async fn page<T: NetworkTx>(
    tx: &mut T,
    council: &Council,
    query: &IdentityQuery,
    day: chrono::NaiveDate,
) -> DomainResult<Listed<IdentityLine>> {
    Ok(tx.list_web_identities(council.id, query, day).await?)
}

/// Who the filter would recognise as `person` on `day`: their proxy user names and the
/// devices with addresses on loan to them (none of either is still a line).
pub async fn list<T: NetworkTx>(
    tx: &mut T,
    council: &Council,
    person: &PersonRef,
    day: chrono::NaiveDate,
) -> DomainResult<Vec<IdentityLine>> {
    let p = people::find(tx, council, person).await?;
    let directory = super::directory::Directory::load(tx, council).await?;
    let usernames = directory.usernames_of(p.id);
    let mut devices = Vec::new();
    // Only this person's items: a handful, each read by id.
    for (equipment_id, addresses) in directory.devices_of(p.id, day) {
        let tag = tx
            .equipment_by_id(council.id, equipment_id)
            .await?
            .map(|e| e.asset_tag)
            .ok_or_else(|| DomainError::not_found("equipment", equipment_id))?;
        devices.push(ItemAddresses {
            asset_tag: tag,
            addresses,
        });
    }
    Ok(vec![IdentityLine {
        reference: p.reference,
        name: p.name,
        usernames,
        devices,
    }])
}
