//! `steward report NAME`: a report's rows as a table, CSV or JSON, and optionally its PDF.

use crate::app::App;
use crate::args::ReportArgs;
use crate::exit;
use std::io::Write;
use steward_domain::ops::reports::{self, Asked, Report, ReportName};

/// The report as people read it: title, date, what it rests on, the chart's figures, the rows.
pub(crate) fn describe(report: &Report) -> String {
    let mut text = format!(
        "{} for {}, as of {}\nPolicy: {}\n",
        report.title,
        report.council,
        report.as_of,
        report.policy.as_deref().unwrap_or("none adopted")
    );
    for note in &report.notes {
        text.push_str(note);
        text.push('\n');
    }
    text.push_str(&format!("\n{}:\n", report.chart.title));
    for group in &report.chart.groups {
        text.push_str(&format!("  {}: {}\n", group.label, group.texts.join(", ")));
    }
    text.push('\n');
    if report.rows.is_empty() {
        text.push_str("Nothing to report.\n");
        return text;
    }
    let mut widths: Vec<usize> = report
        .columns
        .iter()
        .map(|c| c.label.chars().count())
        .collect();
    for row in &report.rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>, text: &mut String| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        text.push_str(padded.join("  ").trim_end());
        text.push('\n');
    };
    line(
        report
            .columns
            .iter()
            .map(|c| c.label.to_uppercase())
            .collect::<Vec<_>>()
            .iter()
            .map(String::as_str)
            .collect(),
        &mut text,
    );
    for row in &report.rows {
        line(row.iter().map(String::as_str).collect(), &mut text);
    }
    text
}

pub async fn run(app: &App, args: ReportArgs) -> anyhow::Result<u8> {
    let name: ReportName = args.name.parse()?;
    let mut tx = app.store.read().await?;
    let council = app.council(&mut tx).await?;
    // Monitoring findings are read by an account the policy lets see them; the other reports
    // by whoever runs the command, or the account named.
    let reader = match (name.is_monitoring(), args.acting.as_user.as_deref()) {
        (false, None) => None,
        (_, user) => Some(app.principal(&mut tx, &council, user).await?),
    };
    let mut asked = Asked::new(name, app.today()).from(args.from);
    if let Some(reader) = &reader {
        asked = asked.by(reader);
    }
    let report = reports::build(&mut tx, &council, asked).await?;
    tx.commit().await?;
    print(&app.out, &report, &args)
}

/// Writes the PDF where asked, then prints the report as CSV, words or JSON.
pub(crate) fn print(
    out: &crate::output::Out,
    report: &Report,
    args: &ReportArgs,
) -> anyhow::Result<u8> {
    if let Some(path) = &args.pdf {
        std::fs::write(path, steward_web::reports::pdf_bytes(report))
            .map_err(|e| anyhow::anyhow!("could not write the PDF to {}: {e}", path.display()))?;
    }
    if args.csv {
        std::io::stdout()
            .lock()
            .write_all(report.csv().as_bytes())?;
        return Ok(exit::OK);
    }
    let outcome = format!(
        "{} for {} as of {}: {}",
        report.title,
        report.council,
        report.as_of,
        crate::output::count(report.rows.len(), "row", "rows")
    );
    out.show(report, outcome, || describe(report))?;
    Ok(exit::OK)
}
