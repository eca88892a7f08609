//! The domain's `NetworkTx` for a store transaction: proxy user names, equipment addresses,
//! scans and their findings, and the cases findings opened.

use crate::rows::{Cols, RowRef, date_text, json_text, time_text};
use crate::tx::StoreTx;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::any::AnyRow;
use std::net::IpAddr;
use steward_domain::listing::Listed;
use steward_domain::network::*;
use steward_domain::ops::network::identities::{IdentityLine, IdentityQuery};
use steward_domain::ops::network::list::FindingQuery;
use steward_domain::workflow::{Request, RequestKind};
use steward_domain::{Id, RepoResult};

const USER: &str = "id, council_id, person_id, username, added_on";
const ADDRESS: &str = "id, council_id, equipment_id, address, added_on";
const SCAN: &str = "id, council_id, scanned_at, scanned_by, files, lines, cells";
const FINDING: &str = "id, council_id, scan_id, source, identity, person_id, category, day, \
                       visits, first_seen, last_seen, samples";

fn user<'r>(row: impl Into<RowRef<'r>>) -> RepoResult<ProxyUser> {
    let row: RowRef<'r> = row.into();
    let c = Cols::new(row, "proxy_users");
    Ok(ProxyUser {
        id: c.int("id")?,
        council_id: c.int("council_id")?,
        person_id: c.int("person_id")?,
        username: c.text("username")?,
        added_on: c.date("added_on")?,
    })
}

fn address(row: &AnyRow) -> RepoResult<EquipmentAddress> {
    let c = Cols::new(row, "equipment_addresses");
    Ok(EquipmentAddress {
        id: c.int("id")?,
        council_id: c.int("council_id")?,
        equipment_id: c.int("equipment_id")?,
        address: c.parsed("address", "a network address")?,
        added_on: c.date("added_on")?,
    })
}

fn scan(row: &AnyRow) -> RepoResult<WebScan> {
    let c = Cols::new(row, "web_scans");
    Ok(WebScan {
        id: c.int("id")?,
        council_id: c.int("council_id")?,
        scanned_at: c.time("scanned_at")?,
        scanned_by: c.text("scanned_by")?,
        files: c.int("files")?,
        lines: c.int("lines")?,
        cells: c.int("cells")?,
    })
}

fn finding(row: &AnyRow) -> RepoResult<WebFinding> {
    let c = Cols::new(row, "web_findings");
    Ok(WebFinding {
        id: c.int("id")?,
        council_id: c.int("council_id")?,
        scan_id: c.int("scan_id")?,
        source: c.text("source")?,
        identity: c.text("identity")?,
        person_id: c.opt_int("person_id")?,
        category: c.text("category")?,
        day: c.date("day")?,
        visits: c.int("visits")?,
        first_seen: c.time("first_seen")?,
        last_seen: c.time("last_seen")?,
        samples: c.json("samples")?,
    })
}

impl NetworkTx for StoreTx {
    async fn terms_of_people(
        &mut self,
        council_id: Id,
        ids: &[Id],
    ) -> RepoResult<Vec<(steward_domain::records::Term, String)>> {
        let mut out = Vec::new();
        for chunk in ids.chunks(500) {
            let sql = format!(
                "SELECT t.id, t.person_id, t.starts, t.ends, t.end_reason, p.reference \
                 FROM terms t JOIN people p ON p.council_id = t.council_id AND p.id = t.person_id \
                 WHERE t.council_id = $1 AND t.person_id IN ({}) ORDER BY t.person_id, t.starts",
                crate::rows::numbered_marks(2, chunk.len())
            );
            let mut query = sqlx::query(&sql).bind(council_id);
            for id in chunk {
                query = query.bind(*id);
            }
            for row in self.all(query).await? {
                let reference = crate::rows::Cols::new(&row, "people").text("reference")?;
                out.push((crate::people::term(&row)?, reference));
            }
        }
        Ok(out)
    }

    async fn insert_proxy_user(
        &mut self,
        council_id: Id,
        person_id: Id,
        username: &str,
        added_on: NaiveDate,
    ) -> RepoResult<ProxyUser> {
        self.writable()?;
        let sql = format!(
            "INSERT INTO proxy_users (council_id, person_id, username, added_on)
             VALUES ($1, $2, $3, $4) RETURNING {USER}"
        );
        let query = sqlx::query(&sql)
            .bind(council_id)
            .bind(person_id)
            .bind(username)
            .bind(date_text(added_on));
        let row = self
            .one(query, || "the proxy user name was not stored".into())
            .await?;
        user(&row)
    }

    async fn delete_proxy_user(&mut self, council_id: Id, id: Id) -> RepoResult<()> {
        self.writable()?;
        let query = sqlx::query("DELETE FROM proxy_users WHERE council_id = $1 AND id = $2")
            .bind(council_id)
            .bind(id);
        self.exec_one(query, || format!("no proxy user name has id {id}"))
            .await
    }

    async fn proxy_users(&mut self, council_id: Id) -> RepoResult<Vec<ProxyUser>> {
        let sql = format!("SELECT {USER} FROM proxy_users WHERE council_id = $1 ORDER BY username");
        let query = sqlx::query(&sql).bind(council_id);
        self.all(query).await?.iter().map(user).collect()
    }

    async fn insert_equipment_address(
        &mut self,
        council_id: Id,
        equipment_id: Id,
        at: IpAddr,
        added_on: NaiveDate,
    ) -> RepoResult<EquipmentAddress> {
        self.writable()?;
        let sql = format!(
            "INSERT INTO equipment_addresses (council_id, equipment_id, address, added_on)
             VALUES ($1, $2, $3, $4) RETURNING {ADDRESS}"
        );
        let query = sqlx::query(&sql)
            .bind(council_id)
            .bind(equipment_id)
            .bind(at.to_string())
            .bind(date_text(added_on));
        let row = self
            .one(query, || "the equipment address was not stored".into())
            .await?;
        address(&row)
    }

    async fn delete_equipment_address(&mut self, council_id: Id, id: Id) -> RepoResult<()> {
        self.writable()?;
        let query =
            sqlx::query("DELETE FROM equipment_addresses WHERE council_id = $1 AND id = $2")
                .bind(council_id)
                .bind(id);
        self.exec_one(query, || format!("no equipment address has id {id}"))
            .await
    }

    async fn equipment_addresses(&mut self, council_id: Id) -> RepoResult<Vec<EquipmentAddress>> {
        let sql =
            format!("SELECT {ADDRESS} FROM equipment_addresses WHERE council_id = $1 ORDER BY id");
        let query = sqlx::query(&sql).bind(council_id);
        self.all(query).await?.iter().map(address).collect()
    }

    async fn insert_web_scan(
        &mut self,
        council_id: Id,
        scanned_at: DateTime<Utc>,
        scanned_by: &str,
        files: i64,
        lines: i64,
    ) -> RepoResult<WebScan> {
        self.writable()?;
        let sql = format!(
            "INSERT INTO web_scans (council_id, scanned_at, scanned_by, files, lines, cells)
             VALUES ($1, $2, $3, $4, $5, 0) RETURNING {SCAN}"
        );
        let query = sqlx::query(&sql)
            .bind(council_id)
            .bind(time_text(scanned_at))
            .bind(scanned_by)
            .bind(files)
            .bind(lines);
        let row = self.one(query, || "the scan was not stored".into()).await?;
        scan(&row)
    }

    async fn set_web_scan_cells(
        &mut self,
        council_id: Id,
        scan_id: Id,
        cells: i64,
    ) -> RepoResult<()> {
        self.writable()?;
        let query =
            sqlx::query("UPDATE web_scans SET cells = $2 WHERE council_id = $3 AND id = $1")
                .bind(scan_id)
                .bind(cells)
                .bind(council_id);
        self.exec_one(query, || format!("no scan has id {scan_id}"))
            .await
    }

    async fn put_web_finding(
        &mut self,
        council_id: Id,
        scan_id: Id,
        person_id: Option<Id>,
        f: &NewFinding,
    ) -> RepoResult<WebFinding> {
        self.writable()?;
        let existing = sqlx::query(
            "SELECT id FROM web_findings
             WHERE council_id = $1 AND source = $2 AND identity = $3 AND category = $4 AND day = $5",
        )
        .bind(council_id)
        .bind(f.source.as_str())
        .bind(f.identity.as_str())
        .bind(f.category.as_str())
        .bind(date_text(f.day));
        let id = match self.optional(existing).await? {
            Some(row) => Some(Cols::new(&row, "web_findings").int("id")?),
            None => None,
        };
        let sql = match id {
            Some(_) => format!(
                "UPDATE web_findings SET scan_id = $2, person_id = $3, visits = $4,
                 first_seen = $5, last_seen = $6, samples = $7
                 WHERE id = $1 AND council_id = $8 RETURNING {FINDING}"
            ),
            None => format!(
                "INSERT INTO web_findings (council_id, scan_id, person_id, visits, first_seen,
                 last_seen, samples, source, identity, category, day)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING {FINDING}"
            ),
        };
        let query = sqlx::query(&sql)
            .bind(id.unwrap_or(council_id))
            .bind(scan_id)
            .bind(person_id)
            .bind(f.visits)
            .bind(time_text(f.first_seen))
            .bind(time_text(f.last_seen))
            .bind(json_text(&f.samples));
        let query = match id {
            Some(_) => query.bind(council_id),
            None => query
                .bind(f.source.as_str())
                .bind(f.identity.as_str())
                .bind(f.category.as_str())
                .bind(date_text(f.day)),
        };
        let row = self
            .one(query, || "the finding was not stored".into())
            .await?;
        if let Some(person) = person_id {
            // The person behind an identity on a day is the same in every log: the list shows
            // one row per identity, category and day, by its first finding.
            let same_cell = sqlx::query(
                "UPDATE web_findings SET person_id = $1 WHERE council_id = $2 AND day = $3
                 AND identity = $4 AND category = $5 AND person_id IS NULL",
            )
            .bind(person)
            .bind(council_id)
            .bind(date_text(f.day))
            .bind(f.identity.as_str())
            .bind(f.category.as_str());
            self.exec(same_cell).await?;
        }
        finding(&row)
    }

    async fn list_web_identities(
        &mut self,
        council_id: Id,
        query: &IdentityQuery,
        day: NaiveDate,
    ) -> RepoResult<Listed<IdentityLine>> {
        crate::identity_list::identities_page(self, council_id, query, day).await
    }

    async fn list_web_findings(
        &mut self,
        council_id: Id,
        query: &FindingQuery,
    ) -> RepoResult<Listed<FindingCell>> {
        crate::network_list::findings_page(self, council_id, query).await
    }

    async fn requests_of_kind_by(
        &mut self,
        council_id: Id,
        kind: RequestKind,
        requesters: &[Id],
    ) -> RepoResult<Vec<Request>> {
        crate::network_list::requests_of_kind_by(self, council_id, kind, requesters).await
    }

    async fn web_findings(
        &mut self,
        council_id: Id,
        filter: &FindingFilter,
    ) -> RepoResult<Vec<WebFinding>> {
        let mut sql = format!("SELECT {FINDING} FROM web_findings WHERE council_id = $1");
        let mut n = 1;
        let mut next = |sql: &mut String, condition: &str| {
            n += 1;
            sql.push_str(&format!(" AND {condition} ${n}"));
        };
        if filter.person_id.is_some() {
            next(&mut sql, "person_id =");
        }
        if filter.category.is_some() {
            next(&mut sql, "category =");
        }
        if filter.from.is_some() {
            next(&mut sql, "day >=");
        }
        if filter.to.is_some() {
            next(&mut sql, "day <=");
        }
        sql.push_str(" ORDER BY day DESC, identity, category, id");
        let mut query = sqlx::query(&sql).bind(council_id);
        if let Some(p) = filter.person_id {
            query = query.bind(p);
        }
        if let Some(c) = &filter.category {
            query = query.bind(c.as_str());
        }
        if let Some(d) = filter.from {
            query = query.bind(date_text(d));
        }
        if let Some(d) = filter.to {
            query = query.bind(date_text(d));
        }
        self.all(query).await?.iter().map(finding).collect()
    }

    async fn web_finding_case(
        &mut self,
        council_id: Id,
        subject: &str,
        category: &str,
        day: NaiveDate,
    ) -> RepoResult<Option<Id>> {
        let query = sqlx::query(
            "SELECT case_id FROM web_finding_cases
             WHERE council_id = $1 AND subject = $2 AND category = $3 AND day = $4",
        )
        .bind(council_id)
        .bind(subject)
        .bind(category)
        .bind(date_text(day));
        match self.optional(query).await? {
            Some(row) => Ok(Some(Cols::new(&row, "web_finding_cases").int("case_id")?)),
            None => Ok(None),
        }
    }

    async fn insert_web_finding_case(
        &mut self,
        council_id: Id,
        subject: &str,
        category: &str,
        day: NaiveDate,
        case_id: Id,
    ) -> RepoResult<()> {
        self.writable()?;
        let query = sqlx::query(
            "INSERT INTO web_finding_cases (council_id, subject, category, day, case_id)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(council_id)
        .bind(subject)
        .bind(category)
        .bind(date_text(day))
        .bind(case_id);
        self.exec(query).await?;
        Ok(())
    }
}
