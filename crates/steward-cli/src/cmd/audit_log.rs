//! `steward audit log`: the council's audit records filtered and paged in the database, a
//! table of sentences for people, the records as stored with `--json`.

use crate::app::App;
use crate::args::AuditLogArgs;
use crate::exit;
use crate::output::Table;
use steward_domain::Council;
use steward_domain::audit::AuditRecord;
use steward_domain::listing::{Cursor, Direction, MAX_LIMIT, SearchWords, Window};
use steward_domain::ops::audit_log::{
    self, AuditLogFilter, AuditLogQuery, AuditSort, Said, london_day_end, london_day_start,
};

fn invalid(message: String) -> anyhow::Error {
    crate::Exit {
        code: exit::INVALID,
        message,
    }
    .into()
}

pub(crate) fn filter(args: &AuditLogArgs) -> anyhow::Result<AuditLogFilter> {
    let text = |field: &str, value: &Option<String>| {
        AuditLogFilter::text(field, value.as_deref()).map_err(|e| invalid(format!("--{e}")))
    };
    let filter = AuditLogFilter {
        entity: text("entity", &args.entity)?,
        entity_id: text("id", &args.id)?,
        action: text("action", &args.action)?,
        actor: text("by", &args.by)?,
        from: args.from.map(london_day_start),
        to: args.to.map(london_day_end),
    };
    filter
        .check_range()
        .map_err(|_| invalid("--to: give a day on or after --from".to_string()))?;
    Ok(filter)
}

/// What one run found: the records, each in words, and where the next run would start.
struct Found {
    rows: Vec<(AuditRecord, Said)>,
    next: Option<Cursor>,
}

/// Reads up to `--limit` records, a page of at most [`MAX_LIMIT`] at a time, each page in its
/// own read transaction with one batch of name look-ups.
async fn read(app: &App, council: &Council, args: &AuditLogArgs) -> anyhow::Result<Found> {
    let cursor = match args.cursor.as_deref() {
        Some(c) => Some(c.parse::<Cursor>().map_err(|_| {
            invalid("--cursor: give the cursor an earlier run printed".to_string())
        })?),
        None => None,
    };
    let mut query = AuditLogQuery {
        search: SearchWords::default(),
        sort: AuditSort::Seq,
        direction: if args.desc {
            Direction::Descending
        } else {
            Direction::Ascending
        },
        filter: filter(args)?,
        window: Window::at(MAX_LIMIT, cursor),
    };
    let mut rows = Vec::new();
    let limit = args.limit as usize;
    loop {
        let wanted = (limit - rows.len()).min(MAX_LIMIT as usize);
        query.window = Window::at(wanted as u32, query.window.from.take());
        let mut tx = app.store.read().await?;
        let page = audit_log::list(&mut tx, council, &query).await?;
        let next = page.next.clone();
        let page = audit_log::say_page(&mut tx, council, page).await?;
        tx.commit().await?;
        rows.extend(page.items);
        match next {
            Some(cursor) if rows.len() < limit => query.continue_from(cursor),
            next => return Ok(Found { rows, next }),
        }
    }
}

fn table(found: &Found) -> String {
    let rows: Vec<(i64, &str, &str)> = found
        .rows
        .iter()
        .map(|(r, d)| (r.seq, d.when.as_str(), d.sentence.as_str()))
        .collect();
    let next = found.next.as_ref().map(ToString::to_string);
    rows_table(&rows, next.as_deref())
}

/// The records shown, each as its number, time and sentence, and where a next run starts.
pub(crate) fn rows_table(rows: &[(i64, &str, &str)], next: Option<&str>) -> String {
    let mut t = Table::new(&["RECORD", "TIME (LONDON)", "WHAT HAPPENED"]);
    for (seq, when, sentence) in rows {
        t.row(vec![
            seq.to_string(),
            when.to_string(),
            sentence.to_string(),
        ]);
    }
    let mut out = t.render();
    if let Some(cursor) = next {
        out.push_str(&format!(
            "\n{} records shown; for the ones after them add --cursor {cursor}\n",
            rows.len()
        ));
    }
    out
}

pub async fn run(app: &App, council: &Council, args: &AuditLogArgs) -> anyhow::Result<u8> {
    let found = read(app, council, args).await?;
    let records: Vec<&AuditRecord> = found.rows.iter().map(|(r, _)| r).collect();
    app.out.emit(&records, || table(&found))?;
    Ok(exit::OK)
}
