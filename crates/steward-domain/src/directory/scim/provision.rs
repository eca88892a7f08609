//! Each SCIM change in one transaction: the resource kept as the directory sent it, its audit
//! record, and then the register brought in step for the users it touches, through the same
//! plan and commands as a sync.

use super::repo::{GroupFilter, ScimTx, UserFilter};
use super::{MEMBERS_MAX, ScimGroup, ScimUser};
use crate::ctx::Ctx;
use crate::directory::apply;
use crate::directory::entry::{ExternalId, Mapped};
use crate::directory::plan::{self, Plan};
use crate::directory::settings::{DirectorySettings, SourceSettings};
use crate::error::{DomainError, DomainResult};
use crate::ops::{NONE, audit};
use crate::records::Council;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The council's directory settings, when they say the directory provisions by SCIM.
pub async fn settings<T: ScimTx>(tx: &mut T, council: &Council) -> DomainResult<DirectorySettings> {
    let settings = apply::settings(tx, council).await?;
    if settings.source != SourceSettings::Scim {
        return Err(DomainError::invalid(
            "directory",
            format!(
                "{}'s directory settings read the directory rather than take SCIM provisioning: \
                 set them with `steward directory set scim`",
                council.name
            ),
        ));
    }
    Ok(settings)
}

/// The user's lasting id, from the attribute the settings name for it.
pub fn user_id(
    settings: &DirectorySettings,
    user_name: &str,
    attributes: &BTreeMap<String, String>,
) -> DomainResult<ExternalId> {
    let name = &settings.attributes.external_id;
    let key = name.to_ascii_lowercase();
    let value = if key == "username" {
        Some(user_name)
    } else {
        attributes.get(&key).map(String::as_str)
    };
    let value = value.ok_or_else(|| {
        DomainError::invalid(
            name.as_str(),
            format!("give the user's {name}: Steward keys users on the directory's lasting id"),
        )
    })?;
    ExternalId::parse(value).map_err(|why| DomainError::invalid(name.as_str(), why))
}

pub async fn user<T: ScimTx>(
    tx: &mut T,
    council: &Council,
    id: &ExternalId,
) -> DomainResult<ScimUser> {
    tx.scim_users_with(council.id, std::slice::from_ref(id))
        .await?
        .pop()
        .ok_or_else(|| DomainError::not_found("user", id))
}

pub async fn users<T: ScimTx>(
    tx: &mut T,
    council: &Council,
    filter: &UserFilter,
    offset: usize,
    limit: usize,
) -> DomainResult<(usize, Vec<ScimUser>)> {
    Ok(tx
        .scim_users(council.id, filter, offset, limit.min(super::PAGE_MAX))
        .await?)
}

pub async fn group<T: ScimTx>(
    tx: &mut T,
    council: &Council,
    id: &ExternalId,
) -> DomainResult<ScimGroup> {
    tx.scim_group(council.id, id)
        .await?
        .ok_or_else(|| DomainError::not_found("group", id))
}

pub async fn groups<T: ScimTx>(
    tx: &mut T,
    council: &Council,
    filter: &GroupFilter,
    offset: usize,
    limit: usize,
) -> DomainResult<(usize, Vec<ScimGroup>)> {
    Ok(tx
        .scim_groups(council.id, filter, offset, limit.min(super::PAGE_MAX))
        .await?)
}

/// What the audit trail keeps of a user: never their other attributes.
#[derive(Serialize)]
struct UserRecord<'a> {
    user_name: &'a str,
    active: bool,
}

fn user_record(u: &ScimUser) -> UserRecord<'_> {
    UserRecord {
        user_name: &u.user_name,
        active: u.active,
    }
}

#[derive(Serialize)]
struct GroupRecord<'a> {
    display_name: &'a str,
    members: usize,
}

fn group_record(g: &ScimGroup) -> GroupRecord<'_> {
    GroupRecord {
        display_name: &g.display_name,
        members: g.members.len(),
    }
}

async fn refuse_taken_name<T: ScimTx>(
    tx: &mut T,
    council: &Council,
    user: &ScimUser,
) -> DomainResult<()> {
    match tx.scim_user_named(council.id, &user.user_name).await? {
        Some(other) if other.id != user.id => Err(DomainError::Conflict {
            field: "userName".into(),
            message: format!("another user has the user name {}", user.user_name),
        }),
        _ => Ok(()),
    }
}

/// A user the directory provisions, and the register in step with them.
pub async fn create_user<T: ScimTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    user: ScimUser,
) -> DomainResult<ScimUser> {
    let settings = settings(tx, council).await?;
    if !tx
        .scim_users_with(council.id, std::slice::from_ref(&user.id))
        .await?
        .is_empty()
    {
        return Err(DomainError::Conflict {
            field: settings.attributes.external_id.clone(),
            message: format!("the user {} is provisioned already", user.id),
        });
    }
    refuse_taken_name(tx, council, &user).await?;
    tx.save_scim_user(council.id, &user).await?;
    audit(
        tx,
        ctx,
        council.id,
        "scim.user_create",
        "scim_user",
        &user.id,
        NONE,
        Some(&user_record(&user)),
    )
    .await?;
    reconcile(tx, ctx, council, &settings, [user.id.clone()].into()).await?;
    Ok(user)
}

/// A user's new attributes (a replacement, or a patch worked out from the one kept).
pub async fn replace_user<T: ScimTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    id: &ExternalId,
    user: ScimUser,
) -> DomainResult<ScimUser> {
    let settings = settings(tx, council).await?;
    let before = self::user(tx, council, id).await?;
    if user.id != *id {
        return Err(DomainError::invalid(
            settings.attributes.external_id.as_str(),
            format!("a user's {} never changes", settings.attributes.external_id),
        ));
    }
    refuse_taken_name(tx, council, &user).await?;
    tx.save_scim_user(council.id, &user).await?;
    audit(
        tx,
        ctx,
        council.id,
        "scim.user_update",
        "scim_user",
        id,
        Some(&user_record(&before)),
        Some(&user_record(&user)),
    )
    .await?;
    reconcile(tx, ctx, council, &settings, [id.clone()].into()).await?;
    Ok(user)
}

/// The directory deletes a user: the resource goes, and the person's term ends as a leaver's.
/// The person stays in the register.
pub async fn remove_user<T: ScimTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    id: &ExternalId,
) -> DomainResult<()> {
    let settings = settings(tx, council).await?;
    let before = self::user(tx, council, id).await?;
    tx.remove_scim_user(council.id, id).await?;
    audit(
        tx,
        ctx,
        council.id,
        "scim.user_remove",
        "scim_user",
        id,
        Some(&user_record(&before)),
        NONE,
    )
    .await?;
    reconcile(tx, ctx, council, &settings, [id.clone()].into()).await?;
    Ok(())
}

async fn check_members<T: ScimTx>(
    tx: &mut T,
    council: &Council,
    group: &ScimGroup,
) -> DomainResult<()> {
    if group.members.len() > MEMBERS_MAX {
        return Err(DomainError::invalid(
            "members",
            format!("a group has at most {MEMBERS_MAX} members"),
        ));
    }
    let members: Vec<ExternalId> = group.members.iter().cloned().collect();
    let known: BTreeSet<ExternalId> = tx
        .scim_users_with(council.id, &members)
        .await?
        .into_iter()
        .map(|u| u.id)
        .collect();
    match members.iter().find(|m| !known.contains(*m)) {
        Some(missing) => Err(DomainError::invalid(
            "members",
            format!("no user has the id {missing}: provision the user before the group"),
        )),
        None => Ok(()),
    }
}

pub async fn create_group<T: ScimTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    group: ScimGroup,
) -> DomainResult<ScimGroup> {
    let settings = settings(tx, council).await?;
    if tx.scim_group(council.id, &group.id).await?.is_some() {
        return Err(DomainError::Conflict {
            field: "externalId".into(),
            message: format!("the group {} is provisioned already", group.id),
        });
    }
    check_members(tx, council, &group).await?;
    tx.save_scim_group(council.id, &group).await?;
    audit(
        tx,
        ctx,
        council.id,
        "scim.group_create",
        "scim_group",
        &group.id,
        NONE,
        Some(&group_record(&group)),
    )
    .await?;
    reconcile(tx, ctx, council, &settings, group.members.clone()).await?;
    Ok(group)
}

/// A group's new name and members; everyone who joined or left it is brought in step.
pub async fn replace_group<T: ScimTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    group: ScimGroup,
) -> DomainResult<ScimGroup> {
    let settings = settings(tx, council).await?;
    let before = self::group(tx, council, &group.id).await?;
    check_members(tx, council, &group).await?;
    tx.save_scim_group(council.id, &group).await?;
    audit(
        tx,
        ctx,
        council.id,
        "scim.group_update",
        "scim_group",
        &group.id,
        Some(&group_record(&before)),
        Some(&group_record(&group)),
    )
    .await?;
    // A new display name can change what a mapping by name gives every member.
    let touched = if before.display_name == group.display_name {
        before
            .members
            .symmetric_difference(&group.members)
            .cloned()
            .collect()
    } else {
        before.members.union(&group.members).cloned().collect()
    };
    reconcile(tx, ctx, council, &settings, touched).await?;
    Ok(group)
}

pub async fn remove_group<T: ScimTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    id: &ExternalId,
) -> DomainResult<()> {
    let settings = settings(tx, council).await?;
    let before = self::group(tx, council, id).await?;
    tx.remove_scim_group(council.id, id).await?;
    audit(
        tx,
        ctx,
        council.id,
        "scim.group_remove",
        "scim_group",
        id,
        Some(&group_record(&before)),
        NONE,
    )
    .await?;
    reconcile(tx, ctx, council, &settings, before.members).await?;
    Ok(())
}

/// Reads these users through the settings, as a sync reads its entries, and carries out the
/// plan for them and their people alone: an active user in scope joins or changes, and a
/// linked person whose user is inactive, out of scope or gone leaves. A user the settings
/// cannot read refuses the whole change, naming them.
async fn reconcile<T: ScimTx>(
    tx: &mut T,
    ctx: &Ctx,
    council: &Council,
    settings: &DirectorySettings,
    ids: BTreeSet<ExternalId>,
) -> DomainResult<Plan> {
    if ids.is_empty() {
        return Ok(Plan::default());
    }
    let list: Vec<ExternalId> = ids.iter().cloned().collect();
    let users = tx.scim_users_with(council.id, &list).await?;
    let mut groups: BTreeMap<ExternalId, BTreeSet<String>> = BTreeMap::new();
    for m in tx.scim_memberships(council.id, &list).await? {
        let of = groups.entry(m.user).or_default();
        of.insert(m.group.to_string());
        of.insert(m.display_name);
    }
    let mut entries = Vec::new();
    for u in users.iter().filter(|u| u.active) {
        let raw = u.raw(groups.remove(&u.id).unwrap_or_default());
        match settings.map(&raw) {
            Mapped::Entry(e) => entries.push(e),
            Mapped::OutOfScope => {}
            Mapped::Problem(p) => {
                return Err(DomainError::invalid(
                    "user",
                    format!("the user {}: {}", u.user_name, p.message),
                ));
            }
        }
    }
    let references: Vec<_> = entries.iter().map(|e| e.reference.clone()).collect();
    let register = tx
        .directory_register_of(council.id, ctx.today, &list, &references)
        .await?;
    let managed: BTreeSet<_> = settings
        .groups
        .iter()
        .filter_map(|g| g.office.clone())
        .collect();
    let mut plan = plan::plan(&entries, &[], &managed, &register);
    // The register read holds only these users' people and those their references match;
    // someone else read by reference is not leaving.
    plan.leavers.retain(|l| ids.contains(&l.external_id));
    if let Some(p) = plan.problems.first() {
        return Err(DomainError::Conflict {
            field: "user".into(),
            message: format!("the user with the reference {}: {}", p.entry, p.message),
        });
    }
    apply::apply(tx, ctx, council, &plan).await?;
    Ok(plan)
}
