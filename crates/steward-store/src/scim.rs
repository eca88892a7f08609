//! The domain's provisioning storage, `ScimTx`: the users and groups the directory pushed and
//! the register's view of the people they touch.

use crate::people::{PERSON, person};
use crate::rows::{Cols, RowRef, date_text, numbered_marks, qualified};
use crate::tx::StoreTx;
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};
use steward_domain::directory::scim::{
    GroupFilter, Membership, ScimGroup, ScimTx, ScimUser, UserFilter,
};
use steward_domain::directory::{ExternalId, Registered};
use steward_domain::ids::PersonRef;
use steward_domain::{Id, RepoError, RepoResult};
use steward_policy::OfficeId;

/// Ids in one `IN` list: well within either backend's limit on parameters.
const CHUNK: usize = 500;

const USER: &str = "external_id, user_name, active, attributes";

fn external_id(c: &Cols<'_>, col: &str) -> RepoResult<ExternalId> {
    ExternalId::parse(&c.text(col)?).map_err(|why| RepoError::Corrupt(format!("{col}: {why}")))
}

fn user<'r>(row: impl Into<RowRef<'r>>) -> RepoResult<ScimUser> {
    let row: RowRef<'r> = row.into();
    let c = Cols::new(row, "scim_users");
    Ok(ScimUser {
        id: external_id(&c, "external_id")?,
        user_name: c.text("user_name")?,
        active: c.int("active")? == 1,
        attributes: c.json("attributes")?,
    })
}

fn user_condition(filter: &UserFilter) -> (&'static str, Option<String>) {
    match filter {
        UserFilter::All => ("", None),
        UserFilter::UserName(name) => (" AND user_name_key = $2", Some(ScimUser::name_key(name))),
        UserFilter::ExternalId(id) => (" AND external_id = $2", Some(id.clone())),
    }
}

fn group_condition(filter: &GroupFilter) -> (&'static str, Option<String>) {
    match filter {
        GroupFilter::All => ("", None),
        GroupFilter::DisplayName(name) => (" AND display_name_key = $2", Some(name.to_lowercase())),
        GroupFilter::ExternalId(id) => (" AND external_id = $2", Some(id.clone())),
    }
}

impl StoreTx {
    /// Each group's members, for a page of groups, in one read per chunk.
    async fn members_of(
        &mut self,
        council_id: Id,
        groups: &[ExternalId],
    ) -> RepoResult<BTreeMap<ExternalId, BTreeSet<ExternalId>>> {
        let mut out: BTreeMap<ExternalId, BTreeSet<ExternalId>> = BTreeMap::new();
        for chunk in groups.chunks(CHUNK) {
            let sql = format!(
                "SELECT group_id, user_id FROM scim_members WHERE council_id = $1 \
                 AND group_id IN ({})",
                numbered_marks(2, chunk.len())
            );
            let mut query = sqlx::query(&sql).bind(council_id);
            for g in chunk {
                query = query.bind(g.as_str());
            }
            for row in self.all(query).await? {
                let c = Cols::new(&row, "scim_members");
                out.entry(external_id(&c, "group_id")?)
                    .or_default()
                    .insert(external_id(&c, "user_id")?);
            }
        }
        Ok(out)
    }
}

impl ScimTx for StoreTx {
    async fn scim_users_with(
        &mut self,
        council_id: Id,
        ids: &[ExternalId],
    ) -> RepoResult<Vec<ScimUser>> {
        let mut out = Vec::new();
        for chunk in ids.chunks(CHUNK) {
            let sql = format!(
                "SELECT {USER} FROM scim_users WHERE council_id = $1 AND external_id IN ({}) \
                 ORDER BY external_id",
                numbered_marks(2, chunk.len())
            );
            let mut query = sqlx::query(&sql).bind(council_id);
            for id in chunk {
                query = query.bind(id.as_str());
            }
            for row in self.all(query).await? {
                out.push(user(&row)?);
            }
        }
        Ok(out)
    }

    async fn scim_user_named(
        &mut self,
        council_id: Id,
        user_name: &str,
    ) -> RepoResult<Option<ScimUser>> {
        let sql =
            format!("SELECT {USER} FROM scim_users WHERE council_id = $1 AND user_name_key = $2");
        let query = sqlx::query(&sql)
            .bind(council_id)
            .bind(ScimUser::name_key(user_name));
        self.optional(query).await?.as_ref().map(user).transpose()
    }

    async fn scim_users(
        &mut self,
        council_id: Id,
        filter: &UserFilter,
        offset: usize,
        limit: usize,
    ) -> RepoResult<(usize, Vec<ScimUser>)> {
        let (condition, value) = user_condition(filter);
        let n = if value.is_some() { 3 } else { 2 };
        let count_sql =
            format!("SELECT COUNT(*) AS n FROM scim_users WHERE council_id = $1{condition}");
        let mut count = sqlx::query(&count_sql).bind(council_id);
        if let Some(v) = &value {
            count = count.bind(v.as_str());
        }
        let total = match self.optional(count).await? {
            Some(row) => Cols::new(&row, "scim_users").int("n")?,
            None => 0,
        };
        let sql = format!(
            "SELECT {USER} FROM scim_users WHERE council_id = $1{condition} \
             ORDER BY external_id LIMIT ${n} OFFSET ${}",
            n + 1
        );
        let mut query = sqlx::query(&sql).bind(council_id);
        if let Some(v) = &value {
            query = query.bind(v.as_str());
        }
        let query = query.bind(limit as i64).bind(offset as i64);
        let users = self
            .all(query)
            .await?
            .iter()
            .map(user)
            .collect::<RepoResult<Vec<_>>>()?;
        Ok((usize::try_from(total).unwrap_or(0), users))
    }

    async fn save_scim_user(&mut self, council_id: Id, u: &ScimUser) -> RepoResult<()> {
        self.writable()?;
        let attributes = serde_json::to_string(&u.attributes)
            .map_err(|e| RepoError::Backend(format!("SCIM user attributes: {e}")))?;
        let query = sqlx::query(
            "INSERT INTO scim_users (council_id, external_id, user_name, user_name_key, active,
                 attributes)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (council_id, external_id) DO UPDATE SET user_name = $3,
                 user_name_key = $4, active = $5, attributes = $6",
        )
        .bind(council_id)
        .bind(u.id.as_str())
        .bind(u.user_name.as_str())
        .bind(ScimUser::name_key(&u.user_name))
        .bind(i64::from(u.active))
        .bind(attributes);
        self.exec(query).await.map(|_| ())
    }

    async fn remove_scim_user(&mut self, council_id: Id, id: &ExternalId) -> RepoResult<()> {
        self.writable()?;
        for sql in [
            "DELETE FROM scim_members WHERE council_id = $1 AND user_id = $2",
            "DELETE FROM scim_users WHERE council_id = $1 AND external_id = $2",
        ] {
            self.exec(sqlx::query(sql).bind(council_id).bind(id.as_str()))
                .await?;
        }
        Ok(())
    }

    async fn scim_memberships(
        &mut self,
        council_id: Id,
        users: &[ExternalId],
    ) -> RepoResult<Vec<Membership>> {
        let mut out = Vec::new();
        for chunk in users.chunks(CHUNK) {
            let sql = format!(
                "SELECT m.user_id, m.group_id, g.display_name FROM scim_members m
                 JOIN scim_groups g ON g.council_id = m.council_id AND g.external_id = m.group_id
                 WHERE m.council_id = $1 AND m.user_id IN ({})",
                numbered_marks(2, chunk.len())
            );
            let mut query = sqlx::query(&sql).bind(council_id);
            for id in chunk {
                query = query.bind(id.as_str());
            }
            for row in self.all(query).await? {
                let c = Cols::new(&row, "scim_members");
                out.push(Membership {
                    user: external_id(&c, "user_id")?,
                    group: external_id(&c, "group_id")?,
                    display_name: c.text("display_name")?,
                });
            }
        }
        Ok(out)
    }

    async fn scim_group(
        &mut self,
        council_id: Id,
        id: &ExternalId,
    ) -> RepoResult<Option<ScimGroup>> {
        let query = sqlx::query(
            "SELECT external_id, display_name FROM scim_groups
             WHERE council_id = $1 AND external_id = $2",
        )
        .bind(council_id)
        .bind(id.as_str());
        let Some(row) = self.optional(query).await? else {
            return Ok(None);
        };
        let display_name = Cols::new(&row, "scim_groups").text("display_name")?;
        let members = self
            .members_of(council_id, std::slice::from_ref(id))
            .await?
            .remove(id)
            .unwrap_or_default();
        Ok(Some(ScimGroup {
            id: id.clone(),
            display_name,
            members,
        }))
    }

    async fn scim_groups(
        &mut self,
        council_id: Id,
        filter: &GroupFilter,
        offset: usize,
        limit: usize,
    ) -> RepoResult<(usize, Vec<ScimGroup>)> {
        let (condition, value) = group_condition(filter);
        let n = if value.is_some() { 3 } else { 2 };
        let count_sql =
            format!("SELECT COUNT(*) AS n FROM scim_groups WHERE council_id = $1{condition}");
        let mut count = sqlx::query(&count_sql).bind(council_id);
        if let Some(v) = &value {
            count = count.bind(v.as_str());
        }
        let total = match self.optional(count).await? {
            Some(row) => Cols::new(&row, "scim_groups").int("n")?,
            None => 0,
        };
        let sql = format!(
            "SELECT external_id, display_name FROM scim_groups WHERE council_id = $1{condition} \
             ORDER BY external_id LIMIT ${n} OFFSET ${}",
            n + 1
        );
        let mut query = sqlx::query(&sql).bind(council_id);
        if let Some(v) = &value {
            query = query.bind(v.as_str());
        }
        let query = query.bind(limit as i64).bind(offset as i64);
        let mut page = Vec::new();
        for row in self.all(query).await? {
            let c = Cols::new(&row, "scim_groups");
            page.push((external_id(&c, "external_id")?, c.text("display_name")?));
        }
        let ids: Vec<ExternalId> = page.iter().map(|(id, _)| id.clone()).collect();
        let mut members = self.members_of(council_id, &ids).await?;
        let groups = page
            .into_iter()
            .map(|(id, display_name)| ScimGroup {
                members: members.remove(&id).unwrap_or_default(),
                id,
                display_name,
            })
            .collect();
        Ok((usize::try_from(total).unwrap_or(0), groups))
    }

    async fn save_scim_group(&mut self, council_id: Id, g: &ScimGroup) -> RepoResult<()> {
        self.writable()?;
        let query = sqlx::query(
            "INSERT INTO scim_groups (council_id, external_id, display_name, display_name_key)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (council_id, external_id) DO UPDATE SET display_name = $3,
                 display_name_key = $4",
        )
        .bind(council_id)
        .bind(g.id.as_str())
        .bind(g.display_name.as_str())
        .bind(g.display_name.to_lowercase());
        self.exec(query).await?;
        self.exec(
            sqlx::query("DELETE FROM scim_members WHERE council_id = $1 AND group_id = $2")
                .bind(council_id)
                .bind(g.id.as_str()),
        )
        .await?;
        let members: Vec<&ExternalId> = g.members.iter().collect();
        for chunk in members.chunks(CHUNK) {
            let sql = format!(
                "INSERT INTO scim_members (council_id, group_id, user_id) VALUES {}",
                crate::people::placeholders(chunk.len(), 3)
            );
            let mut query = sqlx::query(&sql);
            for m in chunk {
                query = query.bind(council_id).bind(g.id.as_str()).bind(m.as_str());
            }
            self.exec(query).await?;
        }
        Ok(())
    }

    async fn remove_scim_group(&mut self, council_id: Id, id: &ExternalId) -> RepoResult<()> {
        self.writable()?;
        for sql in [
            "DELETE FROM scim_members WHERE council_id = $1 AND group_id = $2",
            "DELETE FROM scim_groups WHERE council_id = $1 AND external_id = $2",
        ] {
            self.exec(sqlx::query(sql).bind(council_id).bind(id.as_str()))
                .await?;
        }
        Ok(())
    }

    async fn directory_register_of(
        &mut self,
        council_id: Id,
        day: NaiveDate,
        ids: &[ExternalId],
        references: &[PersonRef],
    ) -> RepoResult<Vec<Registered>> {
        let columns = qualified(PERSON, "p");
        let mut rows = Vec::new();
        let mut seen = BTreeSet::new();
        let keys: Vec<(&str, &str)> = ids
            .iter()
            .map(|i| ("l.external_id", i.as_str()))
            .chain(references.iter().map(|r| ("p.reference", r.as_str())))
            .collect();
        for column in ["l.external_id", "p.reference"] {
            let values: Vec<&str> = keys
                .iter()
                .filter(|(c, _)| *c == column)
                .map(|(_, v)| *v)
                .collect();
            for chunk in values.chunks(CHUNK) {
                let sql = format!(
                    "SELECT {}, l.external_id FROM people p
                     LEFT JOIN directory_links l ON l.council_id = p.council_id
                         AND l.person_id = p.id
                     WHERE p.council_id = $1 AND {column} IN ({})",
                    columns,
                    numbered_marks(2, chunk.len())
                );
                let mut query = sqlx::query(&sql).bind(council_id);
                for v in chunk {
                    query = query.bind(*v);
                }
                for row in self.all(query).await? {
                    let p = person(&row)?;
                    if seen.insert(p.id) {
                        let link = Cols::new(&row, "directory_links")
                            .opt_text("external_id")?
                            .map(|e| {
                                ExternalId::parse(&e).map_err(|why| {
                                    RepoError::Corrupt(format!(
                                        "directory_links.external_id: {why}"
                                    ))
                                })
                            })
                            .transpose()?;
                        rows.push((p, link));
                    }
                }
            }
        }
        let people: Vec<Id> = rows.iter().map(|(p, _)| p.id).collect();
        let day = date_text(day);
        let mut serving = BTreeSet::new();
        let mut offices: BTreeMap<Id, BTreeSet<OfficeId>> = BTreeMap::new();
        for chunk in people.chunks(CHUNK) {
            let marks = numbered_marks(3, chunk.len());
            let sql = format!(
                "SELECT DISTINCT person_id FROM terms WHERE council_id = $1
                 AND starts <= $2 AND (ends IS NULL OR ends > $2) AND person_id IN ({marks})"
            );
            let mut query = sqlx::query(&sql).bind(council_id).bind(&day);
            for id in chunk {
                query = query.bind(*id);
            }
            for row in self.all(query).await? {
                serving.insert(Cols::new(&row, "terms").int("person_id")?);
            }
            let sql = format!(
                "SELECT person_id, office FROM office_holdings WHERE council_id = $1
                 AND starts <= $2 AND (ends IS NULL OR ends > $2) AND person_id IN ({marks})"
            );
            let mut query = sqlx::query(&sql).bind(council_id).bind(&day);
            for id in chunk {
                query = query.bind(*id);
            }
            for row in self.all(query).await? {
                let c = Cols::new(&row, "office_holdings");
                offices
                    .entry(c.int("person_id")?)
                    .or_default()
                    .insert(OfficeId(c.text("office")?));
            }
        }
        Ok(rows
            .into_iter()
            .map(|(p, external_id)| Registered {
                serving: serving.contains(&p.id),
                offices: offices.remove(&p.id).unwrap_or_default(),
                external_id,
                person: p,
            })
            .collect())
    }
}
