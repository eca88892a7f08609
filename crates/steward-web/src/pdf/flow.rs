//! Laying a document out down A4 pages: headings, wrapped paragraphs, label-value lines,
//! tables that carry their headings onto the next page, horizontal bar charts labelled with
//! their values (so they read without colour), and lines to sign on.

use super::metrics::width;
use super::{Document, Fill, Font, PAGE_HEIGHT, PAGE_WIDTH, Page};

const MARGIN: f32 = 56.0;
const BODY: f32 = 11.0;
const LEADING: f32 = 1.35;
const FOOTER_SPACE: f32 = 40.0;

/// One bar of a chart: its label, one length per series (drawn end to end, each with its
/// series' fill), and its figures as printed.
#[derive(Clone, Debug)]
pub struct Bar {
    pub label: String,
    pub segments: Vec<f64>,
    pub text: String,
}

impl Bar {
    fn total(&self) -> f64 {
        self.segments.iter().map(|v| v.max(0.0)).sum()
    }
}

pub struct Flow {
    title: String,
    footer: String,
    pages: Vec<Page>,
    y: f32,
}

/// Splits `text` into lines no wider than `max` points.
fn wrap(text: &str, size: f32, bold: bool, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for whole in paragraph.split_whitespace() {
            for word in pieces(whole, size, bold, max) {
                let candidate = if line.is_empty() {
                    word.to_string()
                } else {
                    format!("{line} {word}")
                };
                if width(&candidate, size, bold) <= max || line.is_empty() {
                    line = candidate;
                } else {
                    lines.push(std::mem::take(&mut line));
                    line = word.to_string();
                }
            }
        }
        lines.push(line);
    }
    lines
}

/// A word wider than a line (a web address, say) broken into pieces that fit, so that it
/// never runs off the page or into the next column.
fn pieces(word: &str, size: f32, bold: bool, max: f32) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut end = 0;
    for (at, c) in word.char_indices() {
        let next = at + c.len_utf8();
        if end > start && width(word.get(start..next).unwrap_or_default(), size, bold) > max {
            out.push(word.get(start..end).unwrap_or_default());
            start = end;
        }
        end = next;
    }
    out.push(word.get(start..).unwrap_or_default());
    out
}

impl Flow {
    /// A new document; `footer` is printed at the foot of every page beside its number.
    pub fn new(title: &str, footer: &str) -> Flow {
        Flow {
            title: title.to_string(),
            footer: footer.to_string(),
            pages: vec![Page::default()],
            y: PAGE_HEIGHT - MARGIN,
        }
    }

    fn page(&mut self) -> &mut Page {
        if self.pages.is_empty() {
            self.pages.push(Page::default());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Starts a new page unless `height` points still fit on this one.
    fn need(&mut self, height: f32) {
        if self.y - height < MARGIN + FOOTER_SPACE {
            self.pages.push(Page::default());
            self.y = PAGE_HEIGHT - MARGIN;
        }
    }

    fn usable() -> f32 {
        PAGE_WIDTH - 2.0 * MARGIN
    }

    pub fn gap(&mut self, points: f32) {
        self.y -= points;
    }

    fn lines(&mut self, text: &str, size: f32, font: Font, indent: f32) {
        let bold = font == Font::Bold;
        for line in wrap(text, size, bold, Self::usable() - indent) {
            self.need(size * LEADING);
            self.y -= size * LEADING;
            let y = self.y;
            self.page().text(MARGIN + indent, y, size, font, &line);
        }
    }

    pub fn title(&mut self, text: &str) {
        self.lines(text, 20.0, Font::Bold, 0.0);
        self.gap(8.0);
    }

    pub fn heading(&mut self, text: &str) {
        self.need(40.0);
        self.gap(8.0);
        self.lines(text, 14.0, Font::Bold, 0.0);
        self.gap(4.0);
    }

    pub fn paragraph(&mut self, text: &str) {
        self.lines(text, BODY, Font::Regular, 0.0);
        self.gap(6.0);
    }

    pub fn small(&mut self, text: &str) {
        self.lines(text, 9.0, Font::Regular, 0.0);
        self.gap(4.0);
    }

    pub fn bullet(&mut self, text: &str) {
        self.need(BODY * LEADING);
        let top = self.y;
        self.lines(text, BODY, Font::Regular, 14.0);
        let y = top - BODY * LEADING;
        if self.y <= y {
            self.page()
                .text(MARGIN + 3.0, y, BODY, Font::Regular, "\u{2022}");
        }
        self.gap(2.0);
    }

    /// Label and value pairs, the label in bold in a column of its own.
    pub fn fields(&mut self, rows: &[(&str, String)]) {
        let label_width = 150.0;
        for (label, value) in rows {
            let lines = wrap(value, BODY, false, Self::usable() - label_width);
            self.need(BODY * LEADING * lines.len() as f32);
            self.y -= BODY * LEADING;
            let y = self.y;
            self.page().text(MARGIN, y, BODY, Font::Bold, label);
            for (i, line) in lines.iter().enumerate() {
                if i > 0 {
                    self.y -= BODY * LEADING;
                }
                let y = self.y;
                self.page()
                    .text(MARGIN + label_width, y, BODY, Font::Regular, line);
            }
            self.gap(3.0);
        }
        self.gap(4.0);
    }

    /// A table; `shares` are each column's fraction of the width. Cells wrap; the heading row
    /// is repeated when the table runs onto another page.
    pub fn table(&mut self, headings: &[&str], shares: &[f32], rows: &[Vec<String>]) {
        let total: f32 = shares.iter().sum::<f32>().max(0.01);
        let widths: Vec<f32> = shares.iter().map(|s| s / total * Self::usable()).collect();
        let headings: Vec<String> = headings.iter().map(|h| h.to_string()).collect();
        let head = Cells::new(&headings, &widths, Font::Bold);
        self.need(head.height + TABLE_SIZE * LEADING * 2.0);
        self.row(&head, &widths);
        for row in rows {
            let cells = Cells::new(row, &widths, Font::Regular);
            if self.y - cells.height < MARGIN + FOOTER_SPACE {
                self.pages.push(Page::default());
                self.y = PAGE_HEIGHT - MARGIN;
                self.row(&head, &widths);
            }
            self.row(&cells, &widths);
        }
        self.gap(8.0);
    }

    fn row(&mut self, cells: &Cells, widths: &[f32]) {
        let top = self.y;
        let mut x = MARGIN;
        for (lines, w) in cells.lines.iter().zip(widths) {
            let mut y = top;
            for line in lines {
                y -= TABLE_SIZE * LEADING;
                self.page()
                    .text(x + CELL_PAD, y, TABLE_SIZE, cells.font, line);
            }
            x += w;
        }
        self.y = top - cells.height;
        let y = self.y;
        self.page().line(MARGIN, y, MARGIN + Flow::usable(), y, 0.5);
    }

    /// Horizontal bars scaled to the largest, each with its label and printed figures; with
    /// more than one series, each bar is split into one segment per series, and a key above
    /// names each series beside its fill.
    pub fn bars(&mut self, caption: &str, series: &[String], bars: &[Bar]) {
        self.lines(caption, BODY, Font::Bold, 0.0);
        self.gap(4.0);
        if series.len() > 1 {
            self.key(series);
        }
        let label_width = 170.0;
        let value_width = 90.0;
        let span = Self::usable() - label_width - value_width;
        let max = bars
            .iter()
            .map(Bar::total)
            .fold(0.0_f64, f64::max)
            .max(f64::MIN_POSITIVE);
        let row = 16.0;
        let figures_line = 12.0;
        for bar in bars {
            let bar_end = MARGIN + label_width + (bar.total().max(0.0) / max) as f32 * span;
            // Figures that would run past the margin beside the bar go on a line under it.
            let below = bar_end + 4.0 + width(&bar.text, 9.0, true) > MARGIN + Self::usable();
            let extra = if below { figures_line } else { 0.0 };
            self.need(row + extra);
            self.y -= row;
            let y = self.y;
            let label = wrap(&bar.label, 9.0, false, label_width - 6.0)
                .into_iter()
                .next()
                .unwrap_or_default();
            let page = self.page();
            page.text(MARGIN, y + 3.0, 9.0, Font::Regular, &label);
            let mut x = MARGIN + label_width;
            for (n, value) in bar.segments.iter().enumerate() {
                let length = (value.max(0.0) / max) as f32 * span;
                if length > 0.0 {
                    page.filled_rect(x, y, length, 11.0, Fill::of_series(n));
                    x += length;
                }
            }
            if bar.total() <= 0.0 {
                page.rect(x, y, 0.5, 11.0, None, true);
            }
            if below {
                page.text(MARGIN + label_width, y - 9.0, 9.0, Font::Bold, &bar.text);
            } else {
                page.text(x + 4.0, y + 3.0, 9.0, Font::Bold, &bar.text);
            }
            self.y -= extra;
        }
        self.gap(10.0);
    }

    /// A line of swatches, each followed by its series' name.
    fn key(&mut self, series: &[String]) {
        let row = 14.0;
        self.need(row);
        self.y -= row;
        let y = self.y;
        let mut x = MARGIN;
        for (n, name) in series.iter().enumerate() {
            let name_width = width(name, 9.0, false);
            if x + 16.0 + name_width > MARGIN + Self::usable() {
                self.y -= row;
                x = MARGIN;
            }
            let y = self.y.min(y);
            let page = self.page();
            page.filled_rect(x, y, 11.0, 9.0, Fill::of_series(n));
            page.text(x + 15.0, y + 1.5, 9.0, Font::Regular, name);
            x += 15.0 + name_width + 14.0;
        }
        self.gap(4.0);
    }

    /// "Signature" and a line to write on.
    pub fn sign_here(&mut self, label: &str) {
        self.need(40.0);
        self.y -= 32.0;
        let y = self.y;
        let page = self.page();
        page.text(MARGIN, y + 2.0, BODY, Font::Bold, label);
        page.line(MARGIN + 120.0, y, MARGIN + Flow::usable(), y, 0.75);
        self.gap(6.0);
    }

    /// The document, with "Page n of m" and the footer on every page.
    pub fn finish(mut self) -> Document {
        let count = self.pages.len();
        for (i, page) in self.pages.iter_mut().enumerate() {
            page.line(MARGIN, 44.0, PAGE_WIDTH - MARGIN, 44.0, 0.5);
            page.text(MARGIN, 30.0, 8.0, Font::Regular, &self.footer);
            let number = format!("Page {} of {count}", i + 1);
            let x = PAGE_WIDTH - MARGIN - width(&number, 8.0, false);
            page.text(x, 30.0, 8.0, Font::Regular, &number);
        }
        Document {
            title: self.title,
            pages: self.pages,
        }
    }
}

const TABLE_SIZE: f32 = 9.0;
const CELL_PAD: f32 = 3.0;

/// One table row's cells wrapped to their columns, and the height they need.
struct Cells {
    lines: Vec<Vec<String>>,
    height: f32,
    font: Font,
}

impl Cells {
    fn new(cells: &[String], widths: &[f32], font: Font) -> Cells {
        let lines: Vec<Vec<String>> = cells
            .iter()
            .zip(widths)
            .map(|(c, w)| wrap(c, TABLE_SIZE, font == Font::Bold, w - 2.0 * CELL_PAD))
            .collect();
        let tallest = lines.iter().map(Vec::len).max().unwrap_or(1);
        Cells {
            height: tallest as f32 * TABLE_SIZE * LEADING + CELL_PAD,
            lines,
            font,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_wider_than_the_line_is_broken_and_nothing_is_lost() {
        let address = format!("http://example.com/{}", "abcdefgh".repeat(30));
        let text = format!("see {address} today");
        let lines = wrap(&text, 9.0, false, 120.0);
        assert!(lines.len() > 3, "{lines:?}");
        assert!(
            lines.iter().all(|l| width(l, 9.0, false) <= 120.0),
            "{lines:?}"
        );
        assert_eq!(lines.concat().replace(' ', ""), text.replace(' ', ""));
    }

    #[test]
    fn bars_split_by_series_keep_each_series_fill_and_a_key() {
        let mut flow = Flow::new("Doc", "Steward");
        let series = ["Met".to_string(), "Late".to_string(), "Open".to_string()];
        let bars = [
            Bar {
                label: "Fault".into(),
                segments: vec![2.0, 1.0, 0.0],
                text: "2 met, 1 late, 0 open".into(),
            },
            Bar {
                label: "Recall".into(),
                segments: vec![0.0, 0.0, 0.0],
                text: "0 met, 0 late, 0 open".into(),
            },
        ];
        flow.bars("Requests by kind", &series, &bars);
        let doc = flow.finish();
        let ops = &doc.pages[0].ops;
        for name in [
            "(Met)",
            "(Late)",
            "(Open)",
            "(2 met, 1 late, 0 open)",
            "(Fault)",
        ] {
            assert!(ops.contains(name), "{name} missing");
        }
        // Three swatches in the key, and the first bar's two segments: solid, then lines.
        assert_eq!(ops.matches(" re W n ").count(), 5, "{ops}");
        assert!(ops.contains("0.1 g"), "a solid fill");
        assert!(ops.contains("0.8 w S"), "a fill of lines");
        assert!(ops.contains(" 1.4 1.4 re "), "a fill of dots");
    }

    #[test]
    fn long_text_wraps_within_the_width_and_runs_onto_more_pages() {
        let lines = wrap(&"word ".repeat(200), 11.0, false, 300.0);
        assert!(lines.len() > 10);
        assert!(lines.iter().all(|l| width(l, 11.0, false) <= 300.0));
        let mut flow = Flow::new("Doc", "Steward");
        flow.title("A title");
        for _ in 0..80 {
            flow.paragraph("A paragraph of text that is long enough to wrap onto a second line of the page, or nearly.");
        }
        let rows: Vec<Vec<String>> = (0..60)
            .map(|i| vec![format!("Row {i}"), "value".into()])
            .collect();
        flow.table(&["Name", "Value"], &[2.0, 1.0], &rows);
        flow.bars(
            "Chart",
            &["Items".to_string()],
            &[
                Bar {
                    label: "One".into(),
                    segments: vec![1.0],
                    text: "1".into(),
                },
                Bar {
                    label: "Two".into(),
                    segments: vec![2.0],
                    text: "2".into(),
                },
            ],
        );
        flow.sign_here("Signature");
        let doc = flow.finish();
        assert!(doc.pages.len() > 3, "{}", doc.pages.len());
        let bytes = doc.to_bytes();
        if let Ok(path) = std::env::var("STEWARD_PDF_SAMPLE") {
            std::fs::write(path, &bytes).unwrap();
        }
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains(&format!("(Page 1 of {})", doc.pages.len())));
        assert!(text.contains("(Row 59)"));
    }
}
