//! Setup addresses, account contacts, the mail server and the getting-started counts.

use crate::rows::{Cols, time_text};
use crate::tx::StoreTx;
use chrono::{DateTime, Utc};
use steward_domain::ops::setup::{MailSecurity, MailServer, ProgressFacts, SetupToken, SetupTx};
use steward_domain::{Id, RepoError, RepoResult};

impl SetupTx for StoreTx {
    async fn insert_setup_token(
        &mut self,
        token_hash: &str,
        created_at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> RepoResult<()> {
        self.writable()?;
        let query = sqlx::query(
            "INSERT INTO setup_tokens (token_hash, created_at, expires_at, draft)
             VALUES ($1, $2, $3, '{}')",
        )
        .bind(token_hash)
        .bind(time_text(created_at))
        .bind(time_text(expires_at));
        self.exec(query).await.map(|_| ())
    }

    async fn retire_setup_tokens(&mut self, now: DateTime<Utc>) -> RepoResult<u64> {
        self.writable()?;
        // Timestamps are stored as fixed-width UTC text, so they compare as text.
        let now = time_text(now);
        let query = sqlx::query(
            "UPDATE setup_tokens SET expires_at = $1, draft = '{}'
             WHERE used_at IS NULL AND expires_at > $1",
        )
        .bind(now);
        self.exec(query).await
    }

    async fn setup_token(&mut self, token_hash: &str) -> RepoResult<Option<SetupToken>> {
        let query = sqlx::query(
            "SELECT id, expires_at, used_at, draft FROM setup_tokens WHERE token_hash = $1",
        )
        .bind(token_hash);
        let Some(row) = self.optional(query).await? else {
            return Ok(None);
        };
        let c = Cols::new(&row, "setup_tokens");
        Ok(Some(SetupToken {
            id: c.int("id")?,
            expires_at: c.time("expires_at")?,
            used_at: c.opt_time("used_at")?,
            draft: c.text("draft")?,
        }))
    }

    async fn save_setup_draft(&mut self, id: Id, draft: &str) -> RepoResult<()> {
        self.writable()?;
        let query =
            sqlx::query("UPDATE setup_tokens SET draft = $2 WHERE id = $1 AND used_at IS NULL")
                .bind(id)
                .bind(draft);
        self.exec_one(query, || format!("no open setup address has id {id}"))
            .await
    }

    async fn use_setup_token(&mut self, id: Id, at: DateTime<Utc>) -> RepoResult<bool> {
        self.writable()?;
        // A second completion waits for the first's row lock, then finds it used.
        let query = sqlx::query(
            "UPDATE setup_tokens SET used_at = $2, draft = '{}' WHERE id = $1 AND used_at IS NULL",
        )
        .bind(id)
        .bind(time_text(at));
        Ok(self.exec(query).await? == 1)
    }

    async fn insert_account_contact(
        &mut self,
        council_id: Id,
        user_id: Id,
        name: &str,
        email: &str,
    ) -> RepoResult<()> {
        self.writable()?;
        let query = sqlx::query(
            "INSERT INTO account_contacts (council_id, user_id, full_name, email)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(council_id)
        .bind(user_id)
        .bind(name)
        .bind(email);
        self.exec(query).await.map(|_| ())
    }

    async fn save_mail_settings(
        &mut self,
        council_id: Id,
        server: &MailServer,
        at: DateTime<Utc>,
    ) -> RepoResult<()> {
        self.writable()?;
        let query = sqlx::query(
            "INSERT INTO mail_settings (council_id, security, host, port, mail_from, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (council_id) DO UPDATE SET security = $2, host = $3, port = $4,
                 mail_from = $5, updated_at = $6",
        )
        .bind(council_id)
        .bind(server.security.as_str())
        .bind(server.host.as_str())
        .bind(i64::from(server.port))
        .bind(server.mail_from.as_str())
        .bind(time_text(at));
        self.exec(query).await.map(|_| ())
    }

    async fn mail_settings(&mut self, council_id: Id) -> RepoResult<Option<MailServer>> {
        let query = sqlx::query(
            "SELECT security, host, port, mail_from FROM mail_settings WHERE council_id = $1",
        )
        .bind(council_id);
        let Some(row) = self.optional(query).await? else {
            return Ok(None);
        };
        let c = Cols::new(&row, "mail_settings");
        let bad = |what: &str| RepoError::Corrupt(format!("mail_settings.{what} is not valid"));
        Ok(Some(MailServer {
            security: MailSecurity::parse(&c.text("security")?).ok_or_else(|| bad("security"))?,
            host: c.text("host")?,
            port: u16::try_from(c.int("port")?).map_err(|_| bad("port"))?,
            mail_from: c.text("mail_from")?,
        }))
    }

    async fn progress_facts(&mut self, council_id: Id) -> RepoResult<ProgressFacts> {
        let query = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM people WHERE council_id = $1) AS people,
                    (SELECT COUNT(*) FROM equipment WHERE council_id = $1) AS equipment,
                    (SELECT COUNT(*) FROM users WHERE council_id = $1) AS accounts,
                    (SELECT COUNT(*) FROM loans WHERE council_id = $1) AS loans,
                    (SELECT COUNT(*) FROM pack_versions WHERE council_id = $1) AS versions,
                    (SELECT COUNT(*) FROM audit_events
                     WHERE council_id = $1 AND action = 'policy.review') AS reviews",
        )
        .bind(council_id);
        let row = self
            .one(query, || "the counts could not be read".to_string())
            .await?;
        let c = Cols::new(&row, "counts");
        Ok(ProgressFacts {
            people: c.int("people")?,
            equipment: c.int("equipment")?,
            accounts: c.int("accounts")?,
            loans: c.int("loans")?,
            policy_versions: c.int("versions")?,
            reviewed: c.int("reviews")? > 0,
        })
    }
}
