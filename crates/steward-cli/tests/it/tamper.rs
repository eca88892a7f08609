//! Random tampering, seeded so a failure can be replayed: every alteration of an exported
//! chain or of the stored rows must be detected, by the chain itself or by a checkpoint.

use crate::audit::{block_on, busy_council};
use crate::erasure::{erase, seqs_of};
use crate::support::Env;
use sqlx::Executor;
use steward_domain::audit::checkpoint::Checkpoint;
use steward_domain::audit::export::verify_export;
use steward_domain::audit::{AuditRecord, timestamp_text};

/// splitmix64: small, seedable, and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A chain with loans, an erasure and two checkpoints (the last one covering every record,
/// its own note the last of them).
fn fixture() -> (Env, Vec<Checkpoint>) {
    let env = busy_council();
    let key = env.dir.path().join("audit.key");
    env.ok(&["audit", "key", "create", "--out", key.to_str().unwrap()]);
    let key = key.to_str().unwrap().to_string();
    env.ok(&["audit", "checkpoint", "--key", &key, "--dir", "cps"]);
    for tag in ["LAP-2", "LAP-3", "LAP-4"] {
        env.ok(&[
            "equipment",
            "add",
            "--tag",
            tag,
            "--kind",
            "laptop",
            "--model",
            "Z",
            "--cost",
            "300",
            "--as-of",
            "2027-01-06",
        ]);
    }
    erase(&env, &seqs_of(&env, &["person.add"])).unwrap();
    env.ok(&["audit", "checkpoint", "--key", &key, "--dir", "cps"]);
    let mut checkpoints: Vec<Checkpoint> = std::fs::read_dir(env.dir.path().join("cps"))
        .unwrap()
        .map(|e| {
            Checkpoint::from_json(&std::fs::read_to_string(e.unwrap().path()).unwrap()).unwrap()
        })
        .collect();
    checkpoints.sort_by_key(|c| c.seq);
    (env, checkpoints)
}

/// True when the export fails verification or any checkpoint no longer holds against it.
fn detected(text: &[u8], checkpoints: &[Checkpoint]) -> bool {
    let report = verify_export(text, checkpoints.iter().map(|c| c.seq), |_| {});
    if report.chain.outcome.is_err() {
        return true;
    }
    checkpoints.iter().any(|cp| {
        report
            .chain
            .council_id
            .is_none_or(|id| cp.check_council(id, None).is_err())
            || cp.check_chain(&report.chain, report.last_seq).is_err()
    })
}

#[test]
fn a_thousand_random_alterations_of_an_export_are_all_detected() {
    let (env, checkpoints) = fixture();
    env.ok(&["audit", "export", "--out", "chain.jsonl"]);
    let text = std::fs::read(env.dir.path().join("chain.jsonl")).unwrap();
    assert!(
        !detected(&text, &checkpoints),
        "the untouched export must verify"
    );
    let lines: Vec<&[u8]> = text.split_inclusive(|b| *b == b'\n').collect();
    // The newest checkpoint covers every line, its own note included, so removing any line,
    // the last as well, is caught.
    let covered = checkpoints.last().unwrap().seq as usize;
    assert_eq!(covered, lines.len());
    let seed = 0x5EED_A0D1;
    let mut rng = Rng(seed);
    for round in 0..1000 {
        let kind = rng.below(5);
        let mut altered: Vec<Vec<u8>> = lines.iter().map(|l| l.to_vec()).collect();
        let what = match kind {
            0 => {
                let line = rng.below(altered.len());
                let at = rng.below(altered[line].len());
                let bit = 1u8 << rng.below(8);
                altered[line][at] ^= bit;
                format!("flip bit {bit:#x} of byte {at} on line {}", line + 1)
            }
            1 => {
                let line = rng.below(covered);
                altered.remove(line);
                format!("delete line {}", line + 1)
            }
            2 => {
                let a = rng.below(altered.len());
                let b = (a + 1 + rng.below(altered.len() - 1)) % altered.len();
                altered.swap(a, b);
                format!("swap lines {} and {}", a + 1, b + 1)
            }
            3 => {
                let line = rng.below(altered.len());
                let to = rng.below(altered.len() + 1);
                let copy = altered[line].clone();
                altered.insert(to, copy);
                format!("copy line {} to position {}", line + 1, to + 1)
            }
            _ => {
                let keep = rng.below(covered);
                altered.truncate(keep);
                format!("keep only the first {keep} lines")
            }
        };
        let bytes = altered.concat();
        assert!(
            detected(&bytes, &checkpoints),
            "round {round} (seed {seed:#x}): {what} went undetected"
        );
    }
}

async fn column_swap(pool: &sqlx::AnyPool, sql: &str, value: Option<String>, seq: i64) {
    sqlx::query(sql)
        .bind(value)
        .bind(seq)
        .execute(pool)
        .await
        .unwrap();
}

#[test]
fn random_alterations_of_the_stored_rows_are_all_detected() {
    let (env, _) = fixture();
    let log = env.ok(&["audit", "log", "--limit", "1000"]);
    let records: Vec<AuditRecord> = serde_json::from_value(log).unwrap();
    let council = records[0].council_id;
    // The store's pool lives in this runtime: a pool opened in another, since shut down, loses
    // its connections.
    block_on(async {
        let store = env.db.open().await.unwrap();
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&env.db.url).await.unwrap();
        for sql in crate::audit::drop_guards(&env.db.url) {
            pool.execute(sql).await.unwrap();
        }
        let seed = 0xDB_5EED;
        let mut rng = Rng(seed);
        let columns = [
            "at",
            "actor",
            "action",
            "entity",
            "entity_id",
            "before_data",
            "after_data",
            "data_digest",
            "prev_hash",
            "hash",
            "erased_on",
        ];
        for round in 0..150 {
            let record = &records[rng.below(records.len())];
            let seq = record.seq;
            let column = columns[rng.below(columns.len())];
            let original: Option<String> = match column {
                "at" => Some(timestamp_text(record.at)),
                "actor" => Some(record.actor.clone()),
                "action" => Some(record.action.clone()),
                "entity" => Some(record.entity.clone()),
                "entity_id" => Some(record.entity_id.clone()),
                "before_data" => record.before.clone(),
                "after_data" => record.after.clone(),
                "data_digest" => Some(record.data_digest.clone()),
                "prev_hash" => Some(record.prev_hash.clone()),
                "hash" => Some(record.hash.clone()),
                _ => record.erased_on.map(|d| d.to_string()),
            };
            let altered = match &original {
                Some(text) if !text.is_empty() => {
                    let mut bytes = text.clone().into_bytes();
                    let at = rng.below(bytes.len());
                    bytes[at] ^= 1;
                    String::from_utf8(bytes).ok()
                }
                _ if column == "erased_on" => Some("2034-01-05".to_string()),
                _ => Some("{\"name\":\"planted\"}".to_string()),
            };
            let sql = format!("UPDATE audit_events SET {column} = $1 WHERE seq = $2");
            column_swap(&pool, &sql, altered.clone(), seq).await;
            let check = store.check_audit(council, []).await.unwrap();
            assert!(
                check.chain.outcome.is_err(),
                "round {round} (seed {seed:#x}): {column} of record {seq} set to {altered:?} went undetected"
            );
            column_swap(&pool, &sql, original, seq).await;
        }
        let check = store.check_audit(council, []).await.unwrap();
        assert!(check.chain.outcome.is_ok(), "every change was put back");
        pool.close().await;
    });
}
