//! Checking a council's whole chain in the database, fast: rows are read on a connection of the
//! backend's own driver (not the Any driver, whose conversions allocate for every value), in
//! pages by sequence number, and handed a batch at a time to a thread that hashes them, so
//! reading and hashing run on two cores at once.
//!
//! SQLite hands each row from its worker thread over a channel, which costs more than hashing
//! it, so there a page of 2,048 seqs comes back as one row: each record's fields joined by
//! unit separators into one text ([`PAGE_SQL`]), split on another thread while the next page is
//! read. A record whose text holds a separator itself (a changed row, or an unusual name) makes
//! its page unreadable that way, and that page is read again a row at a time, so a problem is
//! always named as exactly as the rows allow. Joining texts costs PostgreSQL's server more than
//! sending the rows, so there pages of rows come by COPY in its binary format, which the check
//! reads itself instead of decoding row by row. Both read in one snapshot with the head.
//!
//! Unlike the rest of the store this reads backend by backend, through SQL of its own: the
//! chain is the one table read whole, and the Any driver would cost most of the time.

use crate::audit::AuditCheck;
use crate::error::{StoreError, repo_error};
use crate::open::{Backend, Store};
use chrono::NaiveDate;
use futures_util::TryStreamExt;
use sqlx::postgres::PgConnection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ColumnIndex, Connection, Decode, Executor, Row, Type};
use std::str::FromStr;
use steward_domain::RepoError;
use steward_domain::audit::{ChainProblem, ChainVerifier, RecordView};
use tokio::sync::{mpsc, oneshot};

/// Seqs in one page read from SQLite.
const PAGE: i64 = 2048;
/// Batches waiting for the hashing thread; the reader stops when they are all full.
const QUEUE: usize = 8;
/// Records a batch's text is first made room for.
const BATCH: usize = 2_048;

const FIELD: char = '\u{1f}';
const RECORD: char = '\u{1e}';

/// The records with seqs from `$2` to `$3`, each as one text: seq, at, actor, action, entity,
/// entity_id, whether before is null, before, whether after is null, after, digest, prev_hash,
/// hash, whether erased_on is null, erased_on, separated by U+001F and ended by U+001E. The
/// same statement runs on both backends (SQLite 3.44 or later).
const PAGE_SQL: &str = "SELECT COUNT(*) AS n, string_agg(format(\
    '%s\u{1f}%s\u{1f}%s\u{1f}%s\u{1f}%s\u{1f}%s\u{1f}%s\u{1f}%s\u{1f}%s\u{1f}%s\u{1f}%s\u{1f}%s\u{1f}%s\u{1f}%s\u{1f}%s\u{1e}', \
    seq, at, actor, action, entity, entity_id, before_data IS NULL, before_data, \
    after_data IS NULL, after_data, data_digest, prev_hash, hash, erased_on IS NULL, erased_on), '') AS body \
    FROM audit_events WHERE council_id = $1 AND seq BETWEEN $2 AND $3";

/// The first seq at or after `$2`, to step over a gap.
const NEXT_SQL: &str = "SELECT MIN(seq) FROM audit_events WHERE council_id = $1 AND seq >= $2";

/// The same records as rows.
const ROWS_SQL: &str = "SELECT seq, at, actor, action, entity, entity_id, before_data, after_data, \
    data_digest, prev_hash, hash, erased_on FROM audit_events \
    WHERE council_id = $1 AND seq BETWEEN $2 AND $3 ORDER BY seq";

/// Records in one page read from PostgreSQL.
const PG_PAGE: usize = 4096;

/// The first seq of the council's chain, where reading starts.
const FIRST_SQL: &str = "SELECT MIN(seq) FROM audit_events WHERE council_id = $1";

const HEAD_SQL: &str = "SELECT seq FROM audit_heads WHERE council_id = $1";

/// Where a field lies in its batch's text.
#[derive(Clone, Copy, Debug, Default)]
struct Span {
    start: u32,
    end: u32,
}

/// One record of a batch.
#[derive(Clone, Copy, Debug, Default)]
struct Fields {
    seq: i64,
    at: Span,
    actor: Span,
    action: Span,
    entity: Span,
    entity_id: Span,
    before: Option<Span>,
    after: Option<Span>,
    data_digest: Span,
    prev_hash: Span,
    hash: Span,
    erased_on: Option<NaiveDate>,
    /// A value that does not read back (a day that is not one, a number in a text column):
    /// the record was changed outside the program.
    unreadable: bool,
}

/// Records read together, their texts in one string.
#[derive(Debug, Default)]
struct Batch {
    text: String,
    rows: Vec<Fields>,
}

impl Batch {
    fn span(&mut self, value: &str) -> Span {
        if self.text.capacity() == 0 {
            // A batch's rows are about this long; growing it a row at a time costs copies.
            self.text.reserve(BATCH * 512);
        }
        let start = self.text.len();
        self.text.push_str(value);
        Span {
            start: start as u32,
            end: self.text.len() as u32,
        }
    }

    fn get(&self, span: Span) -> &str {
        self.text
            .get(span.start as usize..span.end as usize)
            .unwrap_or_default()
    }

    fn view(&self, council_id: i64, f: &Fields) -> RecordView<'_> {
        RecordView {
            council_id,
            seq: f.seq,
            at: self.get(f.at),
            actor: self.get(f.actor),
            action: self.get(f.action),
            entity: self.get(f.entity),
            entity_id: self.get(f.entity_id),
            before: f.before.map(|s| self.get(s)),
            after: f.after.map(|s| self.get(s)),
            data_digest: self.get(f.data_digest),
            prev_hash: self.get(f.prev_hash),
            hash: self.get(f.hash),
            erased_on: f.erased_on,
        }
    }
}

/// A day as stored, or None if it is not one.
fn day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// Reads a page's joined text into a batch, or None if any record does not split into its
/// fields (a field holds a separator) or the page does not hold `count` records.
fn split_page(body: String, count: usize) -> Option<Batch> {
    let mut rows = Vec::with_capacity(count);
    let base = body.as_ptr() as usize;
    let offset = |part: &str| -> Span {
        let start = (part.as_ptr() as usize - base) as u32;
        Span {
            start,
            end: start + part.len() as u32,
        }
    };
    let records = body.strip_suffix(RECORD)?;
    for record in records.split(RECORD) {
        let mut parts = record.split(FIELD);
        let mut next = || parts.next();
        let seq: i64 = next()?.parse().ok()?;
        let (at, actor, action) = (next()?, next()?, next()?);
        let (entity, entity_id) = (next()?, next()?);
        let nullable = |flag: &str, value: &str| match flag {
            "1" | "t" => Some(None),
            "0" | "f" => Some(Some(offset(value))),
            _ => None,
        };
        let before = nullable(next()?, next()?)?;
        let after = nullable(next()?, next()?)?;
        let (data_digest, prev_hash, hash) = (next()?, next()?, next()?);
        let (erased_null, erased) = (next()?, next()?);
        if next().is_some() {
            return None;
        }
        let (erased_on, unreadable) = match erased_null {
            "1" | "t" => (None, false),
            _ => (day(erased), day(erased).is_none()),
        };
        rows.push(Fields {
            seq,
            at: offset(at),
            actor: offset(actor),
            action: offset(action),
            entity: offset(entity),
            entity_id: offset(entity_id),
            before,
            after,
            data_digest: offset(data_digest),
            prev_hash: offset(prev_hash),
            hash: offset(hash),
            erased_on,
            unreadable,
        });
    }
    if rows.len() != count {
        return None;
    }
    // The join need not follow the page's order; the chain is checked in seq order.
    if !rows.is_sorted_by_key(|f| f.seq) {
        rows.sort_by_key(|f| f.seq);
    }
    Some(Batch { text: body, rows })
}

/// Adds one row to a batch. A text column that does not read as text marks the record
/// unreadable; a seq that does not read as a number cannot name a record, so it fails.
fn take_row<'r, R>(row: &'r R, batch: &mut Batch) -> Result<(), StoreError>
where
    R: Row,
    usize: ColumnIndex<R>,
    i64: Decode<'r, R::Database> + Type<R::Database>,
    &'r str: Decode<'r, R::Database> + Type<R::Database>,
{
    let seq: i64 = row.try_get(0).map_err(query_error)?;
    let mut unreadable = false;
    let mut text = |i: usize, batch: &mut Batch| -> Option<Span> {
        // Text is checked for what it holds, not for its column's declared type: a value stored
        // as another type reads back as its text, and its hash says whether that is right.
        match row.try_get_unchecked::<Option<&str>, _>(i) {
            Ok(value) => value.map(|v| batch.span(v)),
            Err(_) => {
                unreadable = true;
                None
            }
        }
    };
    let mut fields = Fields {
        seq,
        at: text(1, batch).unwrap_or_default(),
        actor: text(2, batch).unwrap_or_default(),
        action: text(3, batch).unwrap_or_default(),
        entity: text(4, batch).unwrap_or_default(),
        entity_id: text(5, batch).unwrap_or_default(),
        before: text(6, batch),
        after: text(7, batch),
        data_digest: text(8, batch).unwrap_or_default(),
        prev_hash: text(9, batch).unwrap_or_default(),
        hash: text(10, batch).unwrap_or_default(),
        erased_on: None,
        unreadable: false,
    };
    if let Some(erased) = text(11, batch) {
        fields.erased_on = day(batch.get(erased));
        unreadable |= fields.erased_on.is_none();
    }
    fields.unreadable = unreadable;
    batch.rows.push(fields);
    Ok(())
}

/// Hashes batches as they arrive, in order, and hands back the verifier when they stop (or
/// when one fails: dropping the receiver tells the reader to stop too).
fn hash_batches(
    council_id: i64,
    mut verifier: ChainVerifier,
    mut batches: mpsc::Receiver<Batch>,
    done: oneshot::Sender<ChainVerifier>,
) {
    let workers = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    while let Some(batch) = batches.blocking_recv() {
        let readable = batch
            .rows
            .iter()
            .position(|f| f.unreadable)
            .unwrap_or(batch.rows.len());
        let views: Vec<RecordView<'_>> = batch.rows[..readable]
            .iter()
            .map(|f| batch.view(council_id, f))
            .collect();
        let mut failed = verifier.push_views(&views, workers).is_err();
        if let Some(f) = batch.rows.get(readable)
            && !failed
        {
            verifier.fail(ChainProblem::Altered { seq: f.seq });
            failed = true;
        }
        if failed {
            break;
        }
    }
    drop(batches);
    let _ = done.send(verifier);
}

fn query_error(e: sqlx::Error) -> StoreError {
    StoreError::Repo(repo_error(e))
}

fn failed(message: &str) -> StoreError {
    StoreError::Repo(RepoError::Backend(message.to_string()))
}

/// Sends a batch to the hashing thread; false once it has stopped listening.
async fn hand_over(to: &mpsc::Sender<Batch>, batch: Batch) -> bool {
    batch.rows.is_empty() || to.send(batch).await.is_ok()
}

/// One page of seqs as SQLite joined it.
struct Joined {
    first: i64,
    last: i64,
    count: i64,
    /// None when the joined text is not UTF-8 (only a changed row can make it so).
    body: Option<String>,
}

/// The page of seqs from `first` on, stepping over any gap; None past the last record.
async fn joined_page(
    conn: &mut SqliteConnection,
    council_id: i64,
    mut first: i64,
) -> Result<Option<Joined>, StoreError> {
    loop {
        let last = first.saturating_add(PAGE - 1);
        let page = sqlx::query(PAGE_SQL)
            .bind(council_id)
            .bind(first)
            .bind(last)
            .fetch_one(&mut *conn)
            .await
            .map_err(query_error)?;
        let count: i64 = page.try_get("n").map_err(query_error)?;
        if count > 0 {
            let body = page.try_get::<String, _>("body").ok();
            return Ok(Some(Joined {
                first,
                last,
                count,
                body,
            }));
        }
        let next: Option<i64> = sqlx::query_scalar(NEXT_SQL)
            .bind(council_id)
            .bind(first)
            .fetch_one(&mut *conn)
            .await
            .map_err(query_error)?;
        match next {
            Some(next) if next > first => first = next,
            _ => return Ok(None),
        }
    }
}

/// The page's records a row at a time, for a page whose joined text does not split.
async fn page_rows(
    conn: &mut SqliteConnection,
    council_id: i64,
    first: i64,
    last: i64,
) -> Result<Batch, StoreError> {
    let rows = sqlx::query(ROWS_SQL)
        .bind(council_id)
        .bind(first)
        .bind(last)
        .fetch_all(conn)
        .await
        .map_err(query_error)?;
    let mut batch = Batch::default();
    for row in &rows {
        take_row(row, &mut batch)?;
    }
    Ok(batch)
}

/// Reads the council's chain from SQLite into `to`; returns the recorded head. Each page's
/// text is split on another thread while the next page is read.
async fn read_sqlite(
    url: &str,
    council_id: i64,
    to: &mpsc::Sender<Batch>,
) -> Result<Option<i64>, StoreError> {
    let options = SqliteConnectOptions::from_str(url)
        .map_err(query_error)?
        .busy_timeout(crate::open::BUSY_TIMEOUT);
    let mut conn = SqliteConnection::connect_with(&options)
        .await
        .map_err(StoreError::Connect)?;
    // One read transaction: the head and every page come from one snapshot.
    conn.execute("BEGIN").await.map_err(query_error)?;
    let head: Option<i64> = sqlx::query_scalar(HEAD_SQL)
        .bind(council_id)
        .fetch_optional(&mut conn)
        .await
        .map_err(query_error)?;
    let mut current = match head {
        Some(_) => joined_page(&mut conn, council_id, i64::MIN).await?,
        None => None,
    };
    while let Some(page) = current {
        let (first, last) = (page.first, page.last);
        let count = page.count as usize;
        let split =
            tokio::task::spawn_blocking(move || page.body.and_then(|body| split_page(body, count)));
        current = match last.checked_add(1) {
            Some(first) => joined_page(&mut conn, council_id, first).await?,
            None => None,
        };
        let split = split
            .await
            .map_err(|_| failed("a page of the chain could not be split"))?;
        let batch = match split {
            Some(batch) => batch,
            None => page_rows(&mut conn, council_id, first, last).await?,
        };
        if !hand_over(to, batch).await {
            break;
        }
    }
    conn.execute("ROLLBACK").await.map_err(query_error)?;
    conn.close().await.map_err(query_error)?;
    Ok(head)
}

/// A page of rows from seq `first` on, as PostgreSQL's binary COPY sends them: the rows come
/// as bytes the page reads itself rather than one decoded row at a time. COPY takes no
/// parameters; both numbers are the program's own.
fn copy_statement(council_id: i64, first: i64) -> String {
    format!(
        "COPY (SELECT seq, at, actor, action, entity, entity_id, before_data, after_data, \
         data_digest, prev_hash, hash, erased_on FROM audit_events \
         WHERE council_id = {council_id} AND seq >= CAST('{first}' AS BIGINT) \
         ORDER BY seq LIMIT {PG_PAGE}) TO STDOUT WITH (FORMAT binary)"
    )
}

/// Reads big-endian numbers and length-prefixed fields off a COPY stream.
struct CopyReader<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> CopyReader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let part = self.data.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(part)
    }

    fn int<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }

    /// A field: None for NULL.
    fn field(&mut self) -> Option<Option<&'a [u8]>> {
        let len = i32::from_be_bytes(self.int()?);
        if len < 0 {
            return Some(None);
        }
        Some(Some(self.take(usize::try_from(len).ok()?)?))
    }
}

/// Adds a COPY page's rows to `batch`; returns how many it held and the last seq. None if the
/// stream does not read as the twelve columns asked for.
fn copy_rows(data: &[u8], batch: &mut Batch) -> Option<(usize, Option<i64>)> {
    let mut r = CopyReader { data, at: 0 };
    if r.take(11)? != b"PGCOPY\n\xff\r\n\0" {
        return None;
    }
    r.int::<4>()?;
    let extension = u32::from_be_bytes(r.int()?);
    r.take(usize::try_from(extension).ok()?)?;
    let (mut count, mut last) = (0, None);
    loop {
        let fields = i16::from_be_bytes(r.int()?);
        if fields == -1 {
            return Some((count, last));
        }
        if fields != 12 {
            return None;
        }
        let seq = i64::from_be_bytes(r.field()??.try_into().ok()?);
        let mut unreadable = false;
        let mut text = |r: &mut CopyReader<'_>, batch: &mut Batch| -> Option<Option<Span>> {
            Some(
                r.field()?
                    .and_then(|bytes| match std::str::from_utf8(bytes) {
                        Ok(value) => Some(batch.span(value)),
                        Err(_) => {
                            unreadable = true;
                            None
                        }
                    }),
            )
        };
        let mut fields = Fields {
            seq,
            at: text(&mut r, batch)?.unwrap_or_default(),
            actor: text(&mut r, batch)?.unwrap_or_default(),
            action: text(&mut r, batch)?.unwrap_or_default(),
            entity: text(&mut r, batch)?.unwrap_or_default(),
            entity_id: text(&mut r, batch)?.unwrap_or_default(),
            before: text(&mut r, batch)?,
            after: text(&mut r, batch)?,
            data_digest: text(&mut r, batch)?.unwrap_or_default(),
            prev_hash: text(&mut r, batch)?.unwrap_or_default(),
            hash: text(&mut r, batch)?.unwrap_or_default(),
            erased_on: None,
            unreadable: false,
        };
        if let Some(erased) = text(&mut r, batch)? {
            fields.erased_on = day(batch.get(erased));
            unreadable |= fields.erased_on.is_none();
        }
        fields.unreadable = unreadable;
        batch.rows.push(fields);
        count += 1;
        last = Some(seq);
    }
}

/// Reads the council's chain from PostgreSQL into `to`; returns the recorded head.
async fn read_postgres(
    url: &str,
    council_id: i64,
    to: &mpsc::Sender<Batch>,
) -> Result<Option<i64>, StoreError> {
    let mut conn = PgConnection::connect(url)
        .await
        .map_err(StoreError::Connect)?;
    // One snapshot for the head and every page, as the store's readers take.
    conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .await
        .map_err(query_error)?;
    let head: Option<i64> = sqlx::query_scalar(HEAD_SQL)
        .bind(council_id)
        .fetch_optional(&mut conn)
        .await
        .map_err(query_error)?;
    let mut from: Option<i64> = match head {
        Some(_) => sqlx::query_scalar(FIRST_SQL)
            .bind(council_id)
            .fetch_one(&mut conn)
            .await
            .map_err(query_error)?,
        None => None,
    };
    let mut data = Vec::new();
    while let Some(first) = from {
        data.clear();
        let mut stream = conn
            .copy_out_raw(&copy_statement(council_id, first))
            .await
            .map_err(query_error)?;
        while let Some(chunk) = stream.try_next().await.map_err(query_error)? {
            data.extend_from_slice(&chunk);
        }
        drop(stream);
        let mut batch = Batch::default();
        let (count, last) = copy_rows(&data, &mut batch)
            .ok_or_else(|| failed("PostgreSQL sent rows that do not read back"))?;
        from = match last {
            Some(last) if count == PG_PAGE => last.checked_add(1),
            _ => None,
        };
        if !hand_over(to, batch).await {
            break;
        }
    }
    conn.execute("ROLLBACK").await.map_err(query_error)?;
    conn.close().await.map_err(query_error)?;
    Ok(head)
}

impl Store {
    /// Checks a council's whole audit chain (see [`Store::check_audit`]), reading with the
    /// backend's own driver while another thread hashes.
    pub(crate) async fn check_audit_fast(
        &self,
        council_id: i64,
        verifier: ChainVerifier,
    ) -> Result<AuditCheck, StoreError> {
        let (to, batches) = mpsc::channel(QUEUE);
        let (done, verified) = oneshot::channel();
        std::thread::Builder::new()
            .name("audit-check".into())
            .spawn(move || hash_batches(council_id, verifier, batches, done))
            .map_err(|_| failed("the thread that hashes the chain could not be started"))?;
        let head = match self.backend {
            Backend::Sqlite => read_sqlite(&self.url, council_id, &to).await,
            Backend::Postgres => read_postgres(&self.url, council_id, &to).await,
        };
        drop(to);
        let verifier = verified
            .await
            .map_err(|_| failed("the thread that hashes the chain stopped part way"))?;
        let head = head?.ok_or(StoreError::NoSuchCouncil(council_id))?;
        Ok(AuditCheck {
            head_seq: head,
            chain: verifier.report(Some(head)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(seq: i64, fields: [&str; 14]) -> String {
        let mut out = seq.to_string();
        for f in fields {
            out.push(FIELD);
            out.push_str(f);
        }
        out.push(RECORD);
        out
    }

    const H: &str = "0000000000000000000000000000000000000000000000000000000000000000";

    fn fields(before_null: &str, after: &str) -> [&'static str; 14] {
        let b: &'static str = if before_null == "1" { "1" } else { "0" };
        let a: &'static str = Box::leak(after.to_string().into_boxed_str());
        [
            "2027-01-04T09:00:00.000000Z",
            "clerk",
            "loan.issue",
            "loan",
            "9",
            b,
            "",
            "0",
            a,
            H,
            H,
            H,
            "1",
            "",
        ]
    }

    /// The check runs inside server handlers, so its future must be Send; this fails to
    /// compile otherwise.
    #[allow(dead_code)]
    fn the_check_can_run_in_a_handler(store: &Store) {
        fn send<T: Send>(_: T) {}
        send(store.check_audit_fast(1, ChainVerifier::default()));
    }

    #[test]
    fn pages_split_into_records_in_seq_order() {
        let body = format!(
            "{}{}",
            record(8, fields("0", "{\"a\":1}")),
            record(7, fields("1", "{}"))
        );
        let batch = split_page(body, 2).unwrap();
        assert_eq!(batch.rows.iter().map(|f| f.seq).collect::<Vec<_>>(), [7, 8]);
        let v = batch.view(2, &batch.rows[1]);
        assert_eq!(v.before, Some(""));
        assert_eq!(v.after, Some("{\"a\":1}"));
        assert_eq!(v.actor, "clerk");
        assert_eq!(batch.view(2, &batch.rows[0]).before, None);
        assert_eq!(v.erased_on, None);
    }

    #[test]
    fn a_field_holding_a_separator_sends_the_page_to_be_read_by_rows() {
        let sneaky = format!("{{\"a\":\"x{FIELD}y\"}}");
        let body = record(1, fields("1", &sneaky));
        assert!(split_page(body, 1).is_none());
        let split_record = format!("{{\"a\":\"x{RECORD}y\"}}");
        assert!(split_page(record(1, fields("1", &split_record)), 1).is_none());
        assert!(split_page(record(1, fields("1", "{}")), 2).is_none());
        let mut bad_day = fields("1", "{}");
        bad_day[12] = "0";
        bad_day[13] = "not a day";
        let batch = split_page(record(1, bad_day), 1).unwrap();
        assert!(batch.rows[0].unreadable);
    }
}
