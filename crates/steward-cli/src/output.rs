//! Human tables by default, JSON with `--json`.

use serde::Serialize;
use std::io::Write;

/// A plain text table with aligned columns.
pub struct Table {
    headers: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(headers: &[&'static str]) -> Self {
        Table {
            headers: headers.to_vec(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub fn render(&self) -> String {
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate() {
                if let Some(w) = widths.get_mut(i) {
                    *w = (*w).max(cell.chars().count());
                }
            }
        }
        let mut out = String::new();
        let line = |cells: Vec<&str>, out: &mut String| {
            let mut text = String::new();
            for (i, cell) in cells.iter().enumerate() {
                let pad = widths.get(i).copied().unwrap_or(0);
                if i + 1 == cells.len() {
                    text.push_str(cell);
                } else {
                    text.push_str(&format!("{cell:<pad$}  "));
                }
            }
            out.push_str(text.trim_end());
            out.push('\n');
        };
        line(self.headers.clone(), &mut out);
        line(
            widths
                .iter()
                .map(|w| "-".repeat(*w))
                .collect::<Vec<_>>()
                .iter()
                .map(|s| s.as_str())
                .collect(),
            &mut out,
        );
        for row in &self.rows {
            line(row.iter().map(|s| s.as_str()).collect(), &mut out);
        }
        if self.rows.is_empty() {
            out.push_str("(none)\n");
        }
        out
    }
}

pub struct Out {
    pub json: bool,
}

impl Out {
    /// Prints `value` as JSON, or the human text produced by `human`.
    pub fn emit<T: Serialize>(
        &self,
        value: &T,
        human: impl FnOnce() -> String,
    ) -> anyhow::Result<()> {
        let mut stdout = std::io::stdout().lock();
        if self.json {
            serde_json::to_writer_pretty(&mut stdout, value)?;
            writeln!(stdout)?;
        } else {
            write!(stdout, "{}", human())?;
        }
        Ok(())
    }
}

pub fn opt<T: ToString>(value: &Option<T>) -> String {
    value
        .as_ref()
        .map(|v| v.to_string())
        .unwrap_or_else(|| "-".into())
}
