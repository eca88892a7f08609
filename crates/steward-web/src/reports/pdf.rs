//! A report as a PDF: its title and date, what it rests on, the chart as on its page (bars
//! split by series, each series with its own fill and named in a key, every bar with its
//! figures), and the table.

use crate::pdf::{Bar, Document, Flow};
use steward_domain::ops::reports::Report;
use steward_policy::long_date;

pub fn document(report: &Report) -> Document {
    let footer = format!("{} - {}", report.council, report.title);
    let mut flow = Flow::new(&report.title, &footer);
    flow.title(&report.title);
    flow.fields(&[
        ("Council", report.council.clone()),
        ("As of", long_date(report.as_of)),
        (
            "Policy",
            report
                .policy
                .clone()
                .unwrap_or_else(|| "None adopted".into()),
        ),
    ]);
    for note in &report.notes {
        flow.paragraph(note);
    }
    let bars: Vec<Bar> = report
        .chart
        .groups
        .iter()
        .map(|g| Bar {
            label: g.label.clone(),
            segments: g.values.iter().map(|v| (*v).max(0) as f64).collect(),
            text: g.texts.join(", "),
        })
        .collect();
    if !bars.is_empty() {
        flow.bars(&report.chart.title, &report.chart.series, &bars);
    }
    if report.rows.is_empty() {
        flow.paragraph("Nothing to report.");
    } else {
        let headings: Vec<&str> = report.columns.iter().map(|c| c.label.as_str()).collect();
        // Equal widths: a figure column's heading ("Replacement cost") needs room too.
        let shares = vec![1.0; report.columns.len()];
        flow.table(&headings, &shares, &report.rows);
    }
    flow.finish()
}
