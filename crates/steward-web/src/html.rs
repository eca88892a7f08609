//! Server-rendered pages. Every value is escaped on the way out.

use steward_domain::Council;
use steward_domain::ops::due::DueReport;

pub const CSS: &str = "body{font-family:Arial,Helvetica,sans-serif;margin:0;color:#0b0c0c;line-height:1.4}\
header{background:#0b0c0c;color:#fff;padding:12px 24px;font-weight:bold;font-size:1.2rem}\
main{padding:16px 24px;max-width:1100px}a{color:#1d70b8}a:focus{outline:3px solid #fd0;background:#fd0;color:#0b0c0c}\
table{border-collapse:collapse;width:100%}th,td{text-align:left;border-bottom:1px solid #b1b4b6;padding:8px 12px 8px 0;vertical-align:top}\
caption{text-align:left;font-weight:bold;font-size:1.2rem;padding-bottom:8px}label{display:block;font-weight:bold}\
input{font:inherit;padding:4px;border:2px solid #0b0c0c}button{font:inherit;background:#00703c;color:#fff;border:0;padding:6px 12px;margin-top:8px}";

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{} - Steward</title><link rel=\"stylesheet\" href=\"/assets/steward.css\"></head>\
<body><header>Steward</header><main id=\"main\">{body}</main></body></html>",
        escape(title)
    )
}

pub fn index(councils: &[Council]) -> String {
    let mut body = String::from("<h1>Councils</h1>");
    if councils.is_empty() {
        body.push_str(
            "<p>No councils yet. Create one with <code>steward council create</code>.</p>",
        );
    } else {
        body.push_str("<ul>");
        for c in councils {
            body.push_str(&format!(
                "<li><a href=\"/councils/{}/due\">{}: what is due</a></li>",
                escape(c.slug.as_str()),
                escape(&c.name)
            ));
        }
        body.push_str("</ul>");
    }
    page("Councils", &body)
}

pub fn due(council: &Council, report: &DueReport) -> String {
    let mut body = format!(
        "<h1>{}: what is due</h1><p>As of {}. Policy in force: {}.</p>",
        escape(&council.name),
        report.as_of.format("%-d %B %Y"),
        escape(report.policy.as_deref().unwrap_or("none adopted"))
    );
    body.push_str(&format!(
        "<form method=\"get\" action=\"/councils/{}/due\"><label for=\"as_of\">Show what is due on (YYYY-MM-DD)</label>\
<input id=\"as_of\" name=\"as_of\" value=\"{}\"><button type=\"submit\">Show</button></form>",
        escape(council.slug.as_str()),
        report.as_of
    ));
    if report.items.is_empty() {
        body.push_str("<p>Nothing is due.</p>");
    } else {
        body.push_str("<table><caption>Due items</caption><thead><tr><th scope=\"col\">What</th><th scope=\"col\">Due</th><th scope=\"col\">Who</th><th scope=\"col\">Item</th><th scope=\"col\">Detail</th><th scope=\"col\">Why</th></tr></thead><tbody>");
        for item in &report.items {
            body.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(item.kind.label()),
                item.due_on
                    .map(|d| d.format("%-d %B %Y").to_string())
                    .unwrap_or_else(|| "Now".into()),
                escape(item.person_name.as_deref().unwrap_or("")),
                escape(item.asset_tag.as_deref().unwrap_or("")),
                escape(&item.detail),
                escape(
                    &item
                        .citation
                        .as_ref()
                        .map(|c| c.to_string())
                        .unwrap_or_default()
                ),
            ));
        }
        body.push_str("</tbody></table>");
    }
    body.push_str("<p><a href=\"/\">All councils</a></p>");
    page(&format!("{}: what is due", council.name), &body)
}
