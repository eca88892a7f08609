use crate::app::App;
use crate::args::AuditCmd;
use crate::exit;
use crate::output::Table;
use serde::Serialize;
use steward_domain::RegisterTx;
use steward_domain::audit::ChainProblem;
use steward_domain::repo::AuditFilter;

#[derive(Serialize)]
struct Verified {
    council: String,
    records: i64,
    ok: bool,
    problem: Option<ChainProblem>,
    message: String,
}

pub async fn run(app: &App, cmd: AuditCmd) -> anyhow::Result<u8> {
    let mut tx = app.begin().await?;
    let council = app.council(&mut tx).await?;
    match cmd {
        AuditCmd::Verify => {
            drop(tx);
            let result = app.store.verify_audit(council.id).await?;
            let report = match &result {
                Ok(n) => Verified {
                    council: council.slug.to_string(),
                    records: *n,
                    ok: true,
                    problem: None,
                    message: format!(
                        "The audit trail of {} is intact: {n} records verified.",
                        council.name
                    ),
                },
                Err(problem) => Verified {
                    council: council.slug.to_string(),
                    records: 0,
                    ok: false,
                    problem: Some(problem.clone()),
                    message: format!(
                        "The audit trail of {} has been tampered with: {problem}.",
                        council.name
                    ),
                },
            };
            app.out.emit(&report, || format!("{}\n", report.message))?;
            Ok(if report.ok {
                exit::OK
            } else {
                exit::AUDIT_FAILED
            })
        }
        AuditCmd::Log { entity, id, limit } => {
            let filter = AuditFilter {
                entity,
                entity_id: id,
                limit: Some(limit),
                ..AuditFilter::default()
            };
            let records = tx.audit_records(council.id, &filter).await?;
            app.out.emit(&records, || {
                let mut t = Table::new(&["SEQ", "AT", "ACTOR", "ACTION", "ENTITY", "ID"]);
                for r in &records {
                    t.row(vec![
                        r.seq.to_string(),
                        r.at.format("%Y-%m-%d %H:%M:%S").to_string(),
                        r.actor.clone(),
                        r.action.clone(),
                        r.entity.clone(),
                        r.entity_id.clone(),
                    ]);
                }
                t.render()
            })?;
            Ok(exit::OK)
        }
    }
}
