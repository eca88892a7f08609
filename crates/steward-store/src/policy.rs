//! Councils, the policy versions they adopt, and people's signatures against those versions.

use crate::open::Backend;
use crate::rows::{Cols, date_text, time_text};
use crate::tx::StoreTx;
use chrono::{NaiveDate, Utc};
use sqlx::any::AnyRow;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use steward_domain::repo::{NewAcceptance, NewPackVersion};
use steward_domain::{
    Acceptance, Council, CouncilSlug, Id, PackVersion, RepoError, RepoResult, SignatureMethod,
};

const COUNCIL: &str = "id, slug, name";
const PACK: &str = "id, council_id, number, pack_id, title, label, hash, source, \
                    acceptance_text, effective_from, adopted_at, adopted_by";
/// [`PACK`] but the two texts, which the version in force has read once per process.
const PACK_HEAD: &str = "id, council_id, number, pack_id, title, label, hash, effective_from, \
                         adopted_at, adopted_by";
const ACCEPTANCE: &str = "id, person_id, pack_version_id, pack_hash, signed_on, recorded_at, \
                          method, typed_name, recorded_by";

/// A version's source and acceptance text, by its hash.
type Texts = Arc<(String, String)>;

/// The texts of versions already read, by the version's hash. The hash is taken over both
/// texts, so one hash is one pair of texts whichever database it came from. Most pages read
/// the version in force, and its texts are nearly all of its size: kilobytes that PostgreSQL
/// would otherwise unpack from its out-of-line storage and send on every request.
static TEXTS: OnceLock<Mutex<HashMap<String, Texts>>> = OnceLock::new();

/// Distinct versions whose texts are kept; a process serving many councils keeps their
/// current ones.
const TEXTS_KEPT: usize = 256;

fn known_texts(hash: &str) -> Option<Texts> {
    let known = TEXTS.get_or_init(Mutex::default).lock().ok()?;
    known.get(hash).cloned()
}

fn remember_texts(hash: String, texts: Texts) {
    if let Ok(mut known) = TEXTS.get_or_init(Mutex::default).lock() {
        if known.len() >= TEXTS_KEPT {
            known.clear();
        }
        known.insert(hash, texts);
    }
}

fn council(row: &AnyRow) -> RepoResult<Council> {
    let c = Cols::new(row, "councils");
    Ok(Council {
        id: c.int("id")?,
        slug: c.parsed("slug", "a council short name")?,
        name: c.text("name")?,
    })
}

fn pack_version(row: &AnyRow) -> RepoResult<PackVersion> {
    let c = Cols::new(row, "pack_versions");
    let texts = (c.text("source")?, c.text("acceptance_text")?);
    version_with(row, texts)
}

/// The version in `row`, read by [`PACK_HEAD`] or [`PACK`], with its two texts.
fn version_with(
    row: &AnyRow,
    (source, acceptance_text): (String, String),
) -> RepoResult<PackVersion> {
    let c = Cols::new(row, "pack_versions");
    Ok(PackVersion {
        id: c.int("id")?,
        council_id: c.int("council_id")?,
        number: c.int("number")?,
        pack_id: c.text("pack_id")?,
        title: c.text("title")?,
        label: c.text("label")?,
        hash: c.text("hash")?,
        source,
        acceptance_text,
        effective_from: c.date("effective_from")?,
        adopted_at: c.time("adopted_at")?,
        adopted_by: c.text("adopted_by")?,
    })
}

fn signature_method(text: &str) -> Option<SignatureMethod> {
    [SignatureMethod::SelfService, SignatureMethod::PaperForm]
        .into_iter()
        .find(|m| m.as_str() == text)
}

fn acceptance(row: &AnyRow) -> RepoResult<Acceptance> {
    let c = Cols::new(row, "acceptances");
    let method = signature_method(&c.text("method")?).ok_or_else(|| {
        RepoError::Corrupt("acceptances.method does not hold a signature method".into())
    })?;
    Ok(Acceptance {
        id: c.int("id")?,
        person_id: c.int("person_id")?,
        pack_version_id: c.int("pack_version_id")?,
        pack_hash: c.text("pack_hash")?,
        signed_on: c.date("signed_on")?,
        recorded_at: c.time("recorded_at")?,
        method,
        typed_name: c.opt_text("typed_name")?,
        recorded_by: c.opt_text("recorded_by")?,
    })
}

pub(crate) async fn insert_council(
    tx: &mut StoreTx,
    slug: &CouncilSlug,
    name: &str,
) -> RepoResult<Council> {
    tx.writable()?;
    let sql = format!(
        "INSERT INTO councils (slug, name, created_at) VALUES ($1, $2, $3) RETURNING {COUNCIL}"
    );
    let query = sqlx::query(&sql)
        .bind(slug.as_str())
        .bind(name)
        .bind(time_text(Utc::now()));
    let row = tx
        .one(query, || "the council was not stored".into())
        .await?;
    let made = council(&row)?;
    let head = sqlx::query("INSERT INTO audit_heads (council_id, seq, hash) VALUES ($1, 0, $2)")
        .bind(made.id)
        .bind(steward_domain::audit::GENESIS);
    tx.exec(head).await?;
    Ok(made)
}

pub(crate) async fn council_by_slug(
    tx: &mut StoreTx,
    slug: &CouncilSlug,
) -> RepoResult<Option<Council>> {
    let sql = format!("SELECT {COUNCIL} FROM councils WHERE slug = $1");
    let query = sqlx::query(&sql).bind(slug.as_str());
    tx.optional(query).await?.as_ref().map(council).transpose()
}

pub(crate) async fn council_by_id(tx: &mut StoreTx, id: Id) -> RepoResult<Option<Council>> {
    let sql = format!("SELECT {COUNCIL} FROM councils WHERE id = $1");
    let query = sqlx::query(&sql).bind(id);
    tx.optional(query).await?.as_ref().map(council).transpose()
}

pub(crate) async fn councils(tx: &mut StoreTx) -> RepoResult<Vec<Council>> {
    let sql = format!("SELECT {COUNCIL} FROM councils ORDER BY slug");
    tx.all(sqlx::query(&sql))
        .await?
        .iter()
        .map(council)
        .collect()
}

/// Holds the council's audit chain head until the transaction ends, so that counts over the
/// council's rows cannot race another writer (every writer appends to the chain). SQLite needs
/// nothing: a writer already holds the database's single write lock.
pub(crate) async fn lock_council(tx: &mut StoreTx, council_id: Id) -> RepoResult<()> {
    if tx.backend() == Backend::Postgres {
        crate::audit::held_head(tx, council_id).await?;
    }
    Ok(())
}

pub(crate) async fn insert_pack_version(
    tx: &mut StoreTx,
    council_id: Id,
    new: &NewPackVersion,
) -> RepoResult<PackVersion> {
    tx.writable()?;
    lock_council(tx, council_id).await?;
    let sql = format!(
        "INSERT INTO pack_versions (council_id, number, pack_id, title, label, hash, source,
                                    acceptance_text, effective_from, adopted_at, adopted_by)
         SELECT $1, COALESCE(MAX(number), 0) + 1, $2, $3, $4, $5, $6, $7, $8, $9, $10
         FROM pack_versions WHERE council_id = $1
         RETURNING {PACK}"
    );
    let query = sqlx::query(&sql)
        .bind(council_id)
        .bind(new.pack_id.as_str())
        .bind(new.title.as_str())
        .bind(new.label.as_str())
        .bind(new.hash.as_str())
        .bind(new.source.as_str())
        .bind(new.acceptance_text.as_str())
        .bind(date_text(new.effective_from))
        .bind(time_text(new.adopted_at))
        .bind(new.adopted_by.as_str());
    let row = tx
        .one(query, || "the policy version was not stored".into())
        .await?;
    pack_version(&row)
}

/// The version in force on a day: the latest adopted whose effective date has come.
const IN_FORCE: &str = "WHERE council_id = $1 AND effective_from <= $2 \
                        ORDER BY effective_from DESC, number DESC LIMIT 1";

pub(crate) async fn pack_version_in_force(
    tx: &mut StoreTx,
    council_id: Id,
    on: NaiveDate,
) -> RepoResult<Option<PackVersion>> {
    let sql = format!("SELECT {PACK_HEAD} FROM pack_versions {IN_FORCE}");
    let query = sqlx::query(&sql).bind(council_id).bind(date_text(on));
    let Some(row) = tx.optional(query).await? else {
        return Ok(None);
    };
    let c = Cols::new(&row, "pack_versions");
    let hash = c.text("hash")?;
    let texts = match known_texts(&hash) {
        Some(texts) => texts,
        None => {
            let query = sqlx::query(
                "SELECT source, acceptance_text FROM pack_versions WHERE council_id = $1 AND id = $2",
            )
            .bind(council_id)
            .bind(c.int("id")?);
            let found = tx
                .one(query, || "the policy version in force has gone".into())
                .await?;
            let t = Cols::new(&found, "pack_versions");
            let texts = Arc::new((t.text("source")?, t.text("acceptance_text")?));
            remember_texts(hash, texts.clone());
            texts
        }
    };
    version_with(&row, (texts.0.clone(), texts.1.clone())).map(Some)
}

pub(crate) async fn pack_title_in_force(
    tx: &mut StoreTx,
    council_id: Id,
    on: NaiveDate,
) -> RepoResult<Option<String>> {
    let sql = format!("SELECT title FROM pack_versions {IN_FORCE}");
    let query = sqlx::query(&sql).bind(council_id).bind(date_text(on));
    tx.optional(query)
        .await?
        .as_ref()
        .map(|row| Cols::new(row, "pack_versions").text("title"))
        .transpose()
}

pub(crate) async fn pack_versions(
    tx: &mut StoreTx,
    council_id: Id,
) -> RepoResult<Vec<PackVersion>> {
    let sql = format!("SELECT {PACK} FROM pack_versions WHERE council_id = $1 ORDER BY number");
    let query = sqlx::query(&sql).bind(council_id);
    tx.all(query).await?.iter().map(pack_version).collect()
}

pub(crate) async fn insert_acceptance(
    tx: &mut StoreTx,
    council_id: Id,
    new: &NewAcceptance,
) -> RepoResult<Acceptance> {
    tx.writable()?;
    let sql = format!(
        "INSERT INTO acceptances (council_id, person_id, pack_version_id, pack_hash, signed_on,
                                  recorded_at, method, typed_name, recorded_by)
         SELECT council_id, $1, $2, $3, $4, $5, $6, $7, $8 FROM people
         WHERE council_id = $9 AND id = $1
         RETURNING {ACCEPTANCE}"
    );
    let query = sqlx::query(&sql)
        .bind(new.person_id)
        .bind(new.pack_version_id)
        .bind(new.pack_hash.as_str())
        .bind(date_text(new.signed_on))
        .bind(time_text(new.recorded_at))
        .bind(new.method.as_str())
        .bind(new.typed_name.as_deref())
        .bind(new.recorded_by.as_deref())
        .bind(council_id);
    let person_id = new.person_id;
    let row = tx
        .one(query, || format!("no person has id {person_id}"))
        .await?;
    acceptance(&row)
}

pub(crate) async fn acceptances(
    tx: &mut StoreTx,
    council_id: Id,
    person_id: Id,
) -> RepoResult<Vec<Acceptance>> {
    let sql = format!(
        "SELECT {ACCEPTANCE} FROM acceptances WHERE council_id = $1 AND person_id = $2
         ORDER BY signed_on DESC, recorded_at DESC, id DESC"
    );
    let query = sqlx::query(&sql).bind(council_id).bind(person_id);
    tx.all(query).await?.iter().map(acceptance).collect()
}
