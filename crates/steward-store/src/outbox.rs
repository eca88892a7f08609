//! Notices and the outbox: the domain's `OutboxTx` for a store transaction.

use crate::listing::{Arg as ListArg, Frag, Kept, KeyKind, ListSql, bound};
use crate::rows::{Cols, RowRef, date_text, opt_time_text, time_text};
use crate::tx::StoreTx;
use sqlx::any::AnyRow;
use steward_domain::listing::Listed;
use steward_domain::ops::kept::KeptCount;
use steward_domain::ops::outbox::list::{MessageQuery, MessageSort};
use steward_domain::outbox::{
    MessageFilter, MessageState, NewMessage, NewNotice, Notice, OutboxMessage, OutboxTx,
};
use steward_domain::{Id, RepoResult};
use steward_policy::{Citation, OfficeId};

const NOTICE: &str = "id, council_id, notice_key, source, subject, body_text, body_html, \
                      clause, document, noticed_on, created_at";

/// A message with its notice's key and subject and, for a person, their reference and name as
/// the register holds them now.
const MESSAGE: &str = "m.id, m.council_id, m.notice_id, n.notice_key, n.source, n.subject, \
                       m.person_id, p.reference AS person_ref, p.name AS person_name, m.office, \
                       m.user_id, ua.username AS account, \
                       m.address, m.message_id, m.state, m.attempts, m.next_attempt_at, \
                       m.last_error, m.claim, m.claimed_at, m.sent_at, m.created_at, \
                       m.updated_at";
const MESSAGE_FROM: &str = "outbox m \
                            JOIN notices n ON n.council_id = m.council_id AND n.id = m.notice_id \
                            LEFT JOIN people p ON p.council_id = m.council_id AND p.id = m.person_id \
                            LEFT JOIN users ua ON ua.council_id = m.council_id AND ua.id = m.user_id";

fn notice(row: &AnyRow) -> RepoResult<Notice> {
    let c = Cols::new(row, "notices");
    Ok(Notice {
        id: c.int("id")?,
        council_id: c.int("council_id")?,
        key: c.text("notice_key")?,
        source: c.text("source")?,
        subject: c.text("subject")?,
        body_text: c.text("body_text")?,
        body_html: c.text("body_html")?,
        citation: Citation {
            clause: c.text("clause")?,
            document: c.text("document")?,
        },
        noticed_on: c.date("noticed_on")?,
        created_at: c.time("created_at")?,
    })
}

fn message<'r>(row: impl Into<RowRef<'r>>) -> RepoResult<OutboxMessage> {
    let row: RowRef<'r> = row.into();
    let c = Cols::new(row, "outbox");
    Ok(OutboxMessage {
        id: c.int("id")?,
        council_id: c.int("council_id")?,
        notice_id: c.int("notice_id")?,
        key: c.text("notice_key")?,
        source: c.text("source")?,
        subject: c.text("subject")?,
        person_id: c.opt_int("person_id")?,
        person: c.opt_parsed("person_ref", "a person's reference")?,
        person_name: c.opt_text("person_name")?,
        office: c.opt_text("office")?.map(OfficeId),
        user_id: c.opt_int("user_id")?,
        account: c.opt_parsed("account", "a username")?,
        address: c.opt_text("address")?,
        message_id: c.text("message_id")?,
        state: c.parsed("state", "a message state")?,
        attempts: c.int("attempts")?,
        next_attempt_at: c.opt_time("next_attempt_at")?,
        last_error: c.opt_text("last_error")?,
        claim: c.opt_text("claim")?,
        claimed_at: c.opt_time("claimed_at")?,
        sent_at: c.opt_time("sent_at")?,
        created_at: c.time("created_at")?,
        updated_at: c.time("updated_at")?,
    })
}

/// A value bound into a statement whose conditions are built as it goes.
enum Arg {
    Int(i64),
    Text(String),
}

/// Adds a value and answers its placeholder number.
fn push(args: &mut Vec<Arg>, arg: Arg) -> usize {
    args.push(arg);
    args.len()
}

async fn select_messages(
    tx: &mut StoreTx,
    council_id: Id,
    filter: &MessageFilter,
    id: Option<Id>,
) -> RepoResult<Vec<OutboxMessage>> {
    let mut sql = format!("SELECT {MESSAGE} FROM {MESSAGE_FROM} WHERE m.council_id = $1");
    let mut args: Vec<Arg> = vec![Arg::Int(council_id)];
    if let Some(id) = id {
        let n = push(&mut args, Arg::Int(id));
        sql.push_str(&format!(" AND m.id = ${n}"));
    }
    if !filter.states.is_empty() {
        let first = args.len() + 1;
        for s in &filter.states {
            args.push(Arg::Text(s.as_str().to_string()));
        }
        sql.push_str(&format!(
            " AND m.state IN ({})",
            crate::rows::numbered_marks(first, filter.states.len())
        ));
    }
    if let Some(person) = filter.person_id {
        let n = push(&mut args, Arg::Int(person));
        sql.push_str(&format!(" AND m.person_id = ${n}"));
    }
    if let Some(notice) = filter.notice_id {
        let n = push(&mut args, Arg::Int(notice));
        sql.push_str(&format!(" AND m.notice_id = ${n}"));
    }
    if let Some(by) = filter.due_by {
        let n = push(&mut args, Arg::Text(time_text(by)));
        sql.push_str(&format!(
            " AND (m.next_attempt_at IS NULL OR m.next_attempt_at <= ${n})"
        ));
    }
    if let Some(before) = filter.claimed_before {
        let n = push(&mut args, Arg::Text(time_text(before)));
        sql.push_str(&format!(" AND m.claimed_at < ${n}"));
    }
    sql.push_str(" ORDER BY m.id");
    if let Some(limit) = filter.limit {
        let n = push(&mut args, Arg::Int(limit.max(0)));
        sql.push_str(&format!(" LIMIT ${n}"));
    }
    let mut query = sqlx::query(&sql);
    for arg in args {
        query = match arg {
            Arg::Int(v) => query.bind(v),
            Arg::Text(v) => query.bind(v),
        };
    }
    tx.all(query).await?.iter().map(message).collect()
}

async fn insert_notice(
    tx: &mut StoreTx,
    council_id: Id,
    new: &NewNotice,
) -> RepoResult<Option<Notice>> {
    tx.writable()?;
    // A key already taken is not an error: it means the fact was noticed before. Under
    // PostgreSQL a racing insert of the same key waits for the other to commit, then does
    // nothing.
    let sql = format!(
        "INSERT INTO notices (council_id, notice_key, source, subject, body_text, body_html,
             clause, document, noticed_on, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (council_id, notice_key) DO NOTHING
         RETURNING {NOTICE}"
    );
    let query = sqlx::query(&sql)
        .bind(council_id)
        .bind(new.key.as_str())
        .bind(new.source.as_str())
        .bind(new.subject.as_str())
        .bind(new.body_text.as_str())
        .bind(new.body_html.as_str())
        .bind(new.citation.clause.as_str())
        .bind(new.citation.document.as_str())
        .bind(date_text(new.noticed_on))
        .bind(time_text(new.created_at));
    tx.optional(query).await?.as_ref().map(notice).transpose()
}

async fn notice_where(
    tx: &mut StoreTx,
    council_id: Id,
    column: &str,
    value: Arg,
) -> RepoResult<Option<Notice>> {
    let sql = format!("SELECT {NOTICE} FROM notices WHERE council_id = $1 AND {column} = $2");
    let query = sqlx::query(&sql).bind(council_id);
    let query = match value {
        Arg::Int(v) => query.bind(v),
        Arg::Text(v) => query.bind(v),
    };
    tx.optional(query).await?.as_ref().map(notice).transpose()
}

async fn insert_message(
    tx: &mut StoreTx,
    council_id: Id,
    new: &NewMessage,
) -> RepoResult<OutboxMessage> {
    tx.writable()?;
    let at = time_text(new.created_at);
    let query = sqlx::query(
        "INSERT INTO outbox (council_id, notice_id, person_id, office, address, message_id,
             state, attempts, created_at, updated_at, user_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $8, $9)
         RETURNING id",
    )
    .bind(council_id)
    .bind(new.notice_id)
    .bind(new.person_id)
    .bind(new.office.as_ref().map(|o| o.as_str().to_string()))
    .bind(new.address.clone())
    .bind(new.message_id.as_str())
    .bind(new.state.as_str())
    .bind(at)
    .bind(new.user_id);
    let row = tx
        .one(query, || format!("no notice has id {}", new.notice_id))
        .await?;
    let id = Cols::new(&row, "outbox").int("id")?;
    select_messages(tx, council_id, &MessageFilter::default(), Some(id))
        .await?
        .pop()
        .ok_or_else(|| steward_domain::RepoError::Backend(format!("message {id} vanished")))
}

async fn update_message_if(
    tx: &mut StoreTx,
    m: &OutboxMessage,
    expected: &[MessageState],
    claim: Option<&str>,
) -> RepoResult<bool> {
    tx.writable()?;
    if expected.is_empty() {
        return Ok(false);
    }
    let mut sql = format!(
        "UPDATE outbox SET address = $1, state = $2, attempts = $3, next_attempt_at = $4,
             last_error = $5, claim = $6, claimed_at = $7, sent_at = $8, updated_at = $9
         WHERE council_id = $10 AND id = $11 AND state IN ({})",
        crate::rows::numbered_marks(12, expected.len())
    );
    if claim.is_some() {
        sql.push_str(&format!(" AND claim = ${}", 12 + expected.len()));
    }
    let mut query = sqlx::query(&sql)
        .bind(m.address.clone())
        .bind(m.state.as_str())
        .bind(m.attempts)
        .bind(opt_time_text(m.next_attempt_at))
        .bind(m.last_error.clone())
        .bind(m.claim.clone())
        .bind(opt_time_text(m.claimed_at))
        .bind(opt_time_text(m.sent_at))
        .bind(time_text(m.updated_at))
        .bind(m.council_id)
        .bind(m.id);
    for state in expected {
        query = query.bind(state.as_str());
    }
    if let Some(claim) = claim {
        query = query.bind(claim.to_string());
    }
    Ok(tx.exec(query).await? == 1)
}

impl OutboxTx for StoreTx {
    async fn insert_notice(
        &mut self,
        council_id: Id,
        new: &NewNotice,
    ) -> RepoResult<Option<Notice>> {
        insert_notice(self, council_id, new).await
    }

    async fn notice_by_key(&mut self, council_id: Id, key: &str) -> RepoResult<Option<Notice>> {
        notice_where(self, council_id, "notice_key", Arg::Text(key.to_string())).await
    }

    async fn notice_keys_starting(
        &mut self,
        council_id: Id,
        prefix: &str,
    ) -> RepoResult<Vec<String>> {
        let escaped: String = prefix
            .chars()
            .flat_map(|c| match c {
                '!' | '%' | '_' => vec!['!', c],
                _ => vec![c],
            })
            .collect();
        let query = sqlx::query(
            "SELECT notice_key FROM notices \
             WHERE council_id = $1 AND notice_key LIKE $2 ESCAPE '!' ORDER BY notice_key",
        )
        .bind(council_id)
        .bind(format!("{escaped}%"));
        self.all(query)
            .await?
            .iter()
            .map(|row| crate::rows::Cols::new(row, "notices").text("notice_key"))
            .collect()
    }

    async fn notice(&mut self, council_id: Id, id: Id) -> RepoResult<Option<Notice>> {
        notice_where(self, council_id, "id", Arg::Int(id)).await
    }

    async fn insert_message(
        &mut self,
        council_id: Id,
        new: &NewMessage,
    ) -> RepoResult<OutboxMessage> {
        insert_message(self, council_id, new).await
    }

    async fn message(&mut self, council_id: Id, id: Id) -> RepoResult<Option<OutboxMessage>> {
        Ok(
            select_messages(self, council_id, &MessageFilter::default(), Some(id))
                .await?
                .pop(),
        )
    }

    async fn messages(
        &mut self,
        council_id: Id,
        filter: &MessageFilter,
    ) -> RepoResult<Vec<OutboxMessage>> {
        select_messages(self, council_id, filter, None).await
    }

    async fn list_messages(
        &mut self,
        council_id: Id,
        query: &MessageQuery,
        kept: Option<KeptCount<'_>>,
    ) -> RepoResult<Listed<OutboxMessage>> {
        let kept = kept.map(|count| Kept { council_id, count });
        message_list(council_id, query)
            .fetch_kept(self, &query.window, query.direction, kept, |row| {
                message(row)
            })
            .await
    }

    async fn count_messages(
        &mut self,
        council_id: Id,
        states: &[MessageState],
    ) -> RepoResult<Vec<(MessageState, u64)>> {
        count_by_state(self, council_id, states).await
    }

    async fn update_message_if(
        &mut self,
        message: &OutboxMessage,
        expected: &[MessageState],
        claim: Option<&str>,
    ) -> RepoResult<bool> {
        update_message_if(self, message, expected, claim).await
    }
}

/// Outbox lists count no further, so that a page costs the same however long the outbox has
/// grown (it only grows until retention), and a page says "of more than 1,000".
const COUNT_CAP: u64 = 1_000;

/// The outbox list's statement, filtered, searched and sorted as `query` asks.
fn message_list(council_id: Id, query: &MessageQuery) -> ListSql {
    let (sort, kind) = match query.sort {
        MessageSort::Queued => ("m.created_at", KeyKind::Text),
        MessageSort::State => ("m.state", KeyKind::Text),
        MessageSort::Attempts => ("m.attempts", KeyKind::Int),
    };
    let mut sql = ListSql::new(
        Frag::new(MESSAGE, Vec::new()),
        MESSAGE_FROM,
        sort,
        kind,
        "m.id",
    );
    // Every message has its one notice, and at most one person and one account; no
    // condition names them, so the count reads the outbox alone.
    sql.count_from("outbox m");
    sql.eq("m.council_id", council_id);
    if let Some(state) = query.filter.state {
        sql.eq("m.state", state.as_str());
    }
    if let Some(person) = query.filter.person_id {
        sql.eq("m.person_id", person);
    }
    sql.search_numbered(
        council_id,
        &query.search,
        &[
            (crate::search::PERSON, "m.person_id"),
            (crate::search::USER, "m.user_id"),
        ],
        Some("m.id"),
    );
    sql.count_at_most(COUNT_CAP);
    sql
}

async fn count_by_state(
    tx: &mut StoreTx,
    council_id: Id,
    states: &[MessageState],
) -> RepoResult<Vec<(MessageState, u64)>> {
    let mut args = vec![ListArg::Int(council_id)];
    args.extend(states.iter().map(|s| ListArg::from(s.as_str())));
    let marks: Vec<String> = (2..args.len() + 1).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT state, COUNT(*) AS n FROM outbox WHERE council_id = $1 AND state IN ({})
         GROUP BY state",
        marks.join(", ")
    );
    if states.is_empty() {
        return Ok(Vec::new());
    }
    let rows = tx.all(bound(&sql, &args)).await?;
    rows.iter()
        .map(|row| {
            let c = Cols::new(row, "outbox");
            let state: MessageState = c.parsed("state", "a message state")?;
            Ok((state, u64::try_from(c.int("n")?).unwrap_or(0)))
        })
        .collect()
}
