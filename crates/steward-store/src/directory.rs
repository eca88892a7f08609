//! The domain's directory storage, `DirectoryTx`: the council's settings, the links between
//! people and their directory entries, and the register as a sync sees it.

use crate::people::{PERSON, person};
use crate::rows::{Cols, date_text, qualified, time_text};
use crate::tx::StoreTx;
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::{BTreeMap, BTreeSet};
use steward_domain::directory::{DirectorySettings, DirectoryTx, ExternalId, Registered};
use steward_domain::{Id, RepoError, RepoResult};
use steward_policy::OfficeId;

impl DirectoryTx for StoreTx {
    async fn directory_settings(
        &mut self,
        council_id: Id,
    ) -> RepoResult<Option<DirectorySettings>> {
        let query = sqlx::query("SELECT settings FROM directory_settings WHERE council_id = $1")
            .bind(council_id);
        let Some(row) = self.optional(query).await? else {
            return Ok(None);
        };
        Cols::new(&row, "directory_settings")
            .json("settings")
            .map(Some)
    }

    async fn save_directory_settings(
        &mut self,
        council_id: Id,
        settings: &DirectorySettings,
        at: DateTime<Utc>,
    ) -> RepoResult<()> {
        self.writable()?;
        let json = serde_json::to_string(settings)
            .map_err(|e| RepoError::Backend(format!("directory settings: {e}")))?;
        let query = sqlx::query(
            "INSERT INTO directory_settings (council_id, settings, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (council_id) DO UPDATE SET settings = $2, updated_at = $3",
        )
        .bind(council_id)
        .bind(json)
        .bind(time_text(at));
        self.exec(query).await.map(|_| ())
    }

    async fn directory_register(
        &mut self,
        council_id: Id,
        day: NaiveDate,
    ) -> RepoResult<Vec<Registered>> {
        let columns = qualified(PERSON, "p");
        let sql = format!(
            "SELECT {}, l.external_id FROM people p
             LEFT JOIN directory_links l ON l.council_id = p.council_id AND l.person_id = p.id
             WHERE p.council_id = $1 ORDER BY p.id",
            columns
        );
        let rows = self.all(sqlx::query(&sql).bind(council_id)).await?;
        let day = date_text(day);
        // Serving and holding an office on the day: started by then and not ended by it.
        let serving: BTreeSet<Id> = self
            .all(
                sqlx::query(
                    "SELECT DISTINCT person_id FROM terms WHERE council_id = $1
                     AND starts <= $2 AND (ends IS NULL OR ends > $2)",
                )
                .bind(council_id)
                .bind(&day),
            )
            .await?
            .iter()
            .map(|r| Cols::new(r, "terms").int("person_id"))
            .collect::<RepoResult<_>>()?;
        let mut offices: BTreeMap<Id, BTreeSet<OfficeId>> = BTreeMap::new();
        for row in self
            .all(
                sqlx::query(
                    "SELECT person_id, office FROM office_holdings WHERE council_id = $1
                     AND starts <= $2 AND (ends IS NULL OR ends > $2)",
                )
                .bind(council_id)
                .bind(&day),
            )
            .await?
        {
            let c = Cols::new(&row, "office_holdings");
            offices
                .entry(c.int("person_id")?)
                .or_default()
                .insert(OfficeId(c.text("office")?));
        }
        rows.iter()
            .map(|row| {
                let p = person(row)?;
                let external_id = Cols::new(row, "directory_links")
                    .opt_text("external_id")?
                    .map(|e| {
                        ExternalId::parse(&e).map_err(|why| {
                            RepoError::Corrupt(format!("directory_links.external_id: {why}"))
                        })
                    })
                    .transpose()?;
                Ok(Registered {
                    serving: serving.contains(&p.id),
                    offices: offices.remove(&p.id).unwrap_or_default(),
                    external_id,
                    person: p,
                })
            })
            .collect()
    }

    async fn link_directory(
        &mut self,
        council_id: Id,
        person_id: Id,
        external_id: &ExternalId,
    ) -> RepoResult<()> {
        self.writable()?;
        let query = sqlx::query(
            "INSERT INTO directory_links (council_id, external_id, person_id) VALUES ($1, $2, $3)",
        )
        .bind(council_id)
        .bind(external_id.as_str())
        .bind(person_id);
        self.exec(query).await.map(|_| ())
    }
}
