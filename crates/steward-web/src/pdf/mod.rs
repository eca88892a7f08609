//! Printable documents as PDF: acceptance forms, subject access documents and reports.
//!
//! A small writer of our own rather than a library: the documents need only text in Helvetica
//! (one of the fonts every PDF reader has, so nothing is embedded), rules, boxes and bars, laid
//! out down A4 pages with page numbers. `Flow` does the layout; `Document` writes the file.

mod flow;
mod metrics;

pub use flow::{Bar, Flow};

use std::fmt::Write as _;

/// A4 in points.
pub const PAGE_WIDTH: f32 = 595.0;
pub const PAGE_HEIGHT: f32 = 842.0;

/// One page's drawing operations, in PDF content-stream syntax.
#[derive(Clone, Debug, Default)]
pub struct Page {
    ops: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Font {
    Regular,
    Bold,
}

impl Font {
    fn resource(self) -> &'static str {
        match self {
            Font::Regular => "F1",
            Font::Bold => "F2",
        }
    }
}

/// Text as the bytes of the fonts' WinAnsi encoding, escaped for a PDF string. Characters the
/// encoding lacks become a question mark rather than breaking the file.
fn pdf_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('(');
    for ch in text.chars() {
        let byte: u8 = match ch {
            '(' | ')' | '\\' => {
                out.push('\\');
                ch as u8
            }
            ' '..='~' => ch as u8,
            '\u{a0}'..='\u{ff}' => ch as u32 as u8,
            '\u{20ac}' => 0x80,
            '\u{2018}' => 0x91,
            '\u{2019}' => 0x92,
            '\u{201c}' => 0x93,
            '\u{201d}' => 0x94,
            '\u{2022}' => 0x95,
            '\u{2013}' => 0x96,
            '\u{2014}' => 0x97,
            _ => b'?',
        };
        if (0x20..0x7f).contains(&byte) {
            out.push(char::from(byte));
        } else {
            // Octal escapes keep the stream plain ASCII.
            let _ = write!(out, "\\{byte:03o}");
        }
    }
    out.push(')');
    out
}

impl Page {
    /// Text with its baseline at (x, y) from the bottom left.
    pub fn text(&mut self, x: f32, y: f32, size: f32, font: Font, text: &str) {
        let _ = writeln!(
            self.ops,
            "BT /{} {size:.1} Tf {x:.2} {y:.2} Td {} Tj ET",
            font.resource(),
            pdf_string(text)
        );
    }

    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32) {
        let _ = writeln!(
            self.ops,
            "{width:.2} w {x1:.2} {y1:.2} m {x2:.2} {y2:.2} l S"
        );
    }

    /// A rectangle filled with a grey (0 black, 1 white), outlined in black when `outline`.
    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, grey: Option<f32>, outline: bool) {
        let paint = match (grey, outline) {
            (Some(_), true) => "B",
            (Some(_), false) => "f",
            (None, true) => "S",
            (None, false) => return,
        };
        let fill = grey.map(|g| format!("{g:.2} g ")).unwrap_or_default();
        let _ = writeln!(
            self.ops,
            "q {fill}0.5 w {x:.2} {y:.2} {w:.2} {h:.2} re {paint} Q"
        );
    }
}

/// How a chart segment is filled, so that series are told apart by shape, never by colour
/// alone: the same four fills, in the same order, as the web page's charts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fill {
    Solid,
    Diagonal,
    Dots,
    Crossed,
}

impl Fill {
    /// The fill of the `n`th series.
    pub fn of_series(n: usize) -> Fill {
        match n % 4 {
            0 => Fill::Solid,
            1 => Fill::Diagonal,
            2 => Fill::Dots,
            _ => Fill::Crossed,
        }
    }
}

impl Page {
    /// A rectangle outlined in black and filled with `fill`, its marks clipped to it.
    pub fn filled_rect(&mut self, x: f32, y: f32, w: f32, h: f32, fill: Fill) {
        let mut marks = String::new();
        const STEP: f32 = 4.0;
        match fill {
            Fill::Solid => {
                let _ = write!(marks, "0.1 g {x:.2} {y:.2} {w:.2} {h:.2} re f ");
            }
            Fill::Diagonal | Fill::Crossed => {
                let mut d = -h;
                while d < w {
                    let _ = write!(
                        marks,
                        "{:.2} {:.2} m {:.2} {:.2} l ",
                        x + d,
                        y,
                        x + d + h,
                        y + h
                    );
                    if fill == Fill::Crossed {
                        let _ = write!(
                            marks,
                            "{:.2} {:.2} m {:.2} {:.2} l ",
                            x + d,
                            y + h,
                            x + d + h,
                            y
                        );
                    }
                    d += STEP;
                }
                marks.push_str("0.8 w S ");
            }
            Fill::Dots => {
                let mut cy = y + STEP / 2.0;
                while cy < y + h {
                    let mut cx = x + STEP / 2.0;
                    while cx < x + w {
                        let _ = write!(marks, "{:.2} {:.2} 1.4 1.4 re ", cx - 0.7, cy - 0.7);
                        cx += STEP;
                    }
                    cy += STEP;
                }
                marks.push_str("0 g f ");
            }
        }
        let _ = writeln!(
            self.ops,
            "q {x:.2} {y:.2} {w:.2} {h:.2} re W n {marks}Q q 0.5 w {x:.2} {y:.2} {w:.2} {h:.2} re S Q"
        );
    }
}

/// A whole document: its pages and the title readers show.
#[derive(Clone, Debug)]
pub struct Document {
    pub title: String,
    pub pages: Vec<Page>,
}

impl Document {
    /// The PDF file. Objects: catalogue, page tree, two fonts, info, then a page and its
    /// content stream for each page.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut objects: Vec<String> = Vec::new();
        let pages = self.pages.len().max(1);
        let first_page = 6;
        let kids: Vec<String> = (0..pages)
            .map(|i| format!("{} 0 R", first_page + 2 * i))
            .collect();
        objects.push("<< /Type /Catalog /Pages 2 0 R >>".into());
        objects.push(format!(
            "<< /Type /Pages /Kids [{}] /Count {pages} >>",
            kids.join(" ")
        ));
        objects.push(
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
                .into(),
        );
        objects.push(
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
                .into(),
        );
        objects.push(format!(
            "<< /Title {} /Producer (Steward) >>",
            pdf_string(&self.title)
        ));
        let empty = Page::default();
        for i in 0..pages {
            let page = self.pages.get(i).unwrap_or(&empty);
            objects.push(format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] \
                 /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {} 0 R >>",
                first_page + 2 * i + 1
            ));
            objects.push(format!(
                "<< /Length {} >>\nstream\n{}endstream",
                page.ops.len(),
                page.ops
            ));
        }
        let mut out = String::from("%PDF-1.4\n");
        let mut offsets = Vec::with_capacity(objects.len());
        for (i, body) in objects.iter().enumerate() {
            offsets.push(out.len());
            let _ = write!(out, "{} 0 obj\n{body}\nendobj\n", i + 1);
        }
        let xref = out.len();
        let _ = write!(out, "xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
        for offset in offsets {
            let _ = writeln!(out, "{offset:010} 00000 n ");
        }
        let _ = write!(
            out,
            "trailer\n<< /Size {} /Root 1 0 R /Info 5 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        );
        out.into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_and_encoded() {
        assert_eq!(pdf_string("a(b)c\\"), "(a\\(b\\)c\\\\)");
        assert_eq!(pdf_string("£5 – ok"), "(\\2435 \\226 ok)");
        assert_eq!(pdf_string("漢"), "(?)");
    }

    #[test]
    fn the_cross_reference_table_points_at_every_object() {
        let mut page = Page::default();
        page.text(56.0, 780.0, 12.0, Font::Bold, "Hello");
        page.rect(56.0, 700.0, 100.0, 20.0, Some(0.5), true);
        let doc = Document {
            title: "Test".into(),
            pages: vec![page.clone(), page],
        };
        let bytes = doc.to_bytes();
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with("%PDF-1.4\n"));
        let xref_at: usize = text
            .rsplit("startxref\n")
            .next()
            .and_then(|t| t.lines().next())
            .unwrap()
            .parse()
            .unwrap();
        assert!(text[xref_at..].starts_with("xref\n0 10\n"));
        for (n, line) in text[xref_at..].lines().skip(3).take(9).enumerate() {
            let offset: usize = line[..10].parse().unwrap();
            assert!(
                text[offset..].starts_with(&format!("{} 0 obj", n + 1)),
                "object {}",
                n + 1
            );
        }
    }
}
