//! The small part of Markdown that policy texts use (headings, paragraphs, bulleted and
//! numbered lists, `**strong**` and `*emphasis*`), rendered to govuk-styled HTML. Every
//! character of the text is escaped first, so raw HTML in a policy shows as text.

/// Escapes text for HTML content and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            _ => out.push(c),
        }
    }
    out
}

/// Turns `**x**` and `*x*` into `<strong>` and `<em>` in already escaped text; an unmatched
/// marker stays as it is.
fn inline(escaped: &str) -> String {
    let mut out = String::new();
    let mut rest = escaped;
    while !rest.is_empty() {
        let (marker, tag) = match (rest.find("**"), rest.find('*')) {
            (Some(i), Some(j)) if i == j => ("**", "strong"),
            (_, Some(_)) => ("*", "em"),
            _ => break,
        };
        let Some(start) = rest.find(marker) else {
            break;
        };
        let after = &rest[start + marker.len()..];
        match after.find(marker) {
            Some(end) if end > 0 => {
                out.push_str(&rest[..start]);
                out.push_str(&format!("<{tag}>{}</{tag}>", &after[..end]));
                rest = &after[end + marker.len()..];
            }
            _ => {
                out.push_str(&rest[..start + marker.len()]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[derive(PartialEq)]
enum Block {
    None,
    Paragraph,
    Bullets,
    Numbers,
}

fn close(out: &mut String, block: &mut Block, para: &mut Vec<String>) {
    match block {
        Block::Paragraph => {
            out.push_str(&format!(
                "<p class=\"govuk-body\">{}</p>\n",
                inline(&escape(&para.join(" ")))
            ));
            para.clear();
        }
        Block::Bullets => out.push_str("</ul>\n"),
        Block::Numbers => out.push_str("</ol>\n"),
        Block::None => {}
    }
    *block = Block::None;
}

/// A numbered list item's text: `1. text` → `text`.
fn numbered(line: &str) -> Option<&str> {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    line[digits..].strip_prefix(". ")
}

/// The policy text as HTML. Headings start at level 2 (`#` → `<h2>`), because the page has
/// its own `<h1>`.
pub fn to_html(text: &str) -> String {
    let mut out = String::new();
    let mut block = Block::None;
    let mut para: Vec<String> = Vec::new();
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() {
            close(&mut out, &mut block, &mut para);
            continue;
        }
        let hashes = line.bytes().take_while(|b| *b == b'#').count();
        if (1..=4).contains(&hashes) && line[hashes..].starts_with(' ') {
            close(&mut out, &mut block, &mut para);
            let (level, class) = match hashes {
                1 => (2, "govuk-heading-m"),
                2 => (3, "govuk-heading-s"),
                _ => (4, "govuk-heading-s"),
            };
            out.push_str(&format!(
                "<h{level} class=\"{class}\">{}</h{level}>\n",
                inline(&escape(line[hashes..].trim()))
            ));
            continue;
        }
        let bullet = line.strip_prefix("- ").or_else(|| line.strip_prefix("* "));
        if let Some(item) = bullet {
            if block != Block::Bullets {
                close(&mut out, &mut block, &mut para);
                out.push_str("<ul class=\"govuk-list govuk-list--bullet\">\n");
                block = Block::Bullets;
            }
            out.push_str(&format!("<li>{}</li>\n", inline(&escape(item.trim()))));
            continue;
        }
        if let Some(item) = numbered(line) {
            if block != Block::Numbers {
                close(&mut out, &mut block, &mut para);
                out.push_str("<ol class=\"govuk-list govuk-list--number\">\n");
                block = Block::Numbers;
            }
            out.push_str(&format!("<li>{}</li>\n", inline(&escape(item.trim()))));
            continue;
        }
        if block != Block::Paragraph {
            close(&mut out, &mut block, &mut para);
            block = Block::Paragraph;
        }
        // A trailing backslash joins lines, as in the presets' TOML strings.
        para.push(line.trim_end_matches('\\').trim_end().to_string());
    }
    close(&mut out, &mut block, &mut para);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_lists_and_paragraphs() {
        let html =
            to_html("# Title\n\nOne\ntwo **bold** and *it*.\n\n## Part\n\n- a\n- b\n1. x\n2. y\n");
        assert_eq!(
            html,
            "<h2 class=\"govuk-heading-m\">Title</h2>\n\
             <p class=\"govuk-body\">One two <strong>bold</strong> and <em>it</em>.</p>\n\
             <h3 class=\"govuk-heading-s\">Part</h3>\n\
             <ul class=\"govuk-list govuk-list--bullet\">\n<li>a</li>\n<li>b</li>\n</ul>\n\
             <ol class=\"govuk-list govuk-list--number\">\n<li>x</li>\n<li>y</li>\n</ol>\n"
        );
    }

    #[test]
    fn raw_html_is_only_ever_text() {
        let html = to_html("<script>alert(1)</script>\n\n- <img src=x onerror=y>\n\n# <b>\"'&");
        assert!(!html.contains("<script") && !html.contains("<img") && !html.contains("<b>"));
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(html.contains("&lt;b&gt;&quot;&#x27;&amp;"), "{html}");
        assert_eq!(inline("a * b"), "a * b");
        assert_eq!(inline("**"), "**");
    }
}
