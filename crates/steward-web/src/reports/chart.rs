//! A report's chart as inline SVG: horizontal bars, one per category, split into one segment
//! per series. Nothing is told by colour alone: each series has its own fill pattern, shown
//! in a key with its name, and every bar carries its figures as text. The SVG has a title, a
//! description and `role="img"`, and uses presentation attributes only (the Content Security
//! Policy allows no inline style).

use std::fmt::Write as _;
use steward_domain::ops::reports::{Chart, ChartGroup};

const WIDTH: f64 = 680.0;
const LABEL: f64 = 190.0;
const BARS: f64 = 300.0;
const ROW: f64 = 30.0;
const BAR: f64 = 18.0;
const TOP: f64 = 8.0;
const INK: &str = "#0b0c0c";
/// A generous width of one character of the bold figures, to tell whether they fit.
const CHAR: f64 = 7.8;
/// The extra height of a bar whose figures go on the line under it.
const LINE: f64 = 18.0;

/// How long a group's bar is, at `max` to the full width.
fn bar_length(group: &ChartGroup, max: f64) -> f64 {
    group.values.iter().map(|v| (*v).max(0) as f64).sum::<f64>() / max * BARS
}

/// Whether a group's figures would run past the chart's edge beside its bar, and so go on
/// the line under it.
fn figures_below(group: &ChartGroup, max: f64) -> bool {
    let text = group.texts.join(", ").chars().count() as f64 * CHAR;
    LABEL + bar_length(group, max) + 6.0 + text > WIDTH
}

/// One fill per series, told apart by shape: solid, diagonal lines, dots, crossed lines.
fn pattern(id: &str, series: usize) -> String {
    let body = match series % 4 {
        0 => format!(r#"<rect width="8" height="8" fill="{INK}"/>"#),
        1 => format!(
            r##"<rect width="8" height="8" fill="#ffffff"/><path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="{INK}" stroke-width="2"/>"##
        ),
        2 => format!(
            r##"<rect width="8" height="8" fill="#ffffff"/><circle cx="4" cy="4" r="2" fill="{INK}"/>"##
        ),
        _ => format!(
            r##"<rect width="8" height="8" fill="#ffffff"/><path d="M0,0 l8,8 M8,0 l-8,8" stroke="{INK}" stroke-width="1.5"/>"##
        ),
    };
    format!(
        r#"<pattern id="{id}-s{series}" width="8" height="8" patternUnits="userSpaceOnUse">{body}</pattern>"#
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The chart's figures in one sentence, for its description and label.
pub fn summary(chart: &Chart) -> String {
    if chart.groups.is_empty() {
        return format!("{}: nothing to show.", chart.title);
    }
    let parts: Vec<String> = chart
        .groups
        .iter()
        .map(|g| format!("{}: {}", g.label, g.texts.join(", ")))
        .collect();
    format!("{}. {}.", chart.title, parts.join("; "))
}

/// The chart as an `<svg>` element; `id` must be unique on the page.
pub fn svg(chart: &Chart, id: &str) -> String {
    let series = chart.series.len().max(1);
    let keyed = series > 1;
    let key_height = if keyed { ROW } else { 0.0 };
    let max = chart
        .groups
        .iter()
        .map(|g| g.values.iter().map(|v| (*v).max(0)).sum::<i64>())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let rows: f64 = chart
        .groups
        .iter()
        .map(|g| {
            if figures_below(g, max) {
                ROW + LINE
            } else {
                ROW
            }
        })
        .sum();
    let height = TOP + key_height + rows.max(ROW) + TOP;
    let title = escape(&chart.title);
    let desc = escape(&summary(chart));
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg class="steward-chart" role="img" aria-label="{desc}" aria-labelledby="{id}-title {id}-desc" viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg" font-family="Arial, sans-serif" font-size="14" fill="{INK}">"#
    );
    let _ = write!(
        out,
        r#"<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc><defs>"#
    );
    for s in 0..series {
        out.push_str(&pattern(id, s));
    }
    out.push_str("</defs>");
    let mut y = TOP;
    if keyed {
        let mut x = 0.0;
        for (s, name) in chart.series.iter().enumerate() {
            let _ = write!(
                out,
                r#"<g class="steward-chart__key"><rect x="{x}" y="{y}" width="16" height="16" fill="url(#{id}-s{s})" stroke="{INK}"/><text x="{}" y="{}">{}</text></g>"#,
                x + 22.0,
                y + 13.0,
                escape(name)
            );
            x += 40.0 + 8.0 * name.chars().count() as f64;
        }
        y += key_height;
    }
    if chart.groups.is_empty() {
        let _ = write!(
            out,
            r#"<text x="0" y="{}">Nothing to show.</text>"#,
            y + BAR
        );
    }
    for group in &chart.groups {
        let _ = write!(
            out,
            r#"<g class="steward-chart__bar"><text x="0" y="{}">{}</text>"#,
            y + BAR - 4.0,
            escape(&group.label)
        );
        let mut x = LABEL;
        for (s, value) in group.values.iter().enumerate() {
            let length = (*value).max(0) as f64 / max * BARS;
            if length > 0.0 {
                let _ = write!(
                    out,
                    r#"<rect x="{x:.1}" y="{y}" width="{length:.1}" height="{BAR}" fill="url(#{id}-s{s})" stroke="{INK}"/>"#
                );
            }
            x += length;
        }
        let (text_x, text_y, step) = if figures_below(group, max) {
            (LABEL, y + BAR + LINE - 2.0, ROW + LINE)
        } else {
            (x + 6.0, y + BAR - 4.0, ROW)
        };
        let _ = write!(
            out,
            r#"<text x="{text_x:.1}" y="{text_y}" font-weight="bold">{}</text></g>"#,
            escape(&group.texts.join(", "))
        );
        y += step;
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(series: &[&str]) -> Chart {
        Chart {
            title: "Requests by kind".into(),
            series: series.iter().map(|s| s.to_string()).collect(),
            groups: vec![
                ChartGroup {
                    label: "fault".into(),
                    values: vec![3, 1, 0],
                    texts: vec!["3 met".into(), "1 late".into(), "0 open".into()],
                },
                ChartGroup {
                    label: "loan <extension>".into(),
                    values: vec![0, 0, 2],
                    texts: vec!["0 met".into(), "0 late".into(), "2 open".into()],
                },
            ],
        }
    }

    #[test]
    fn every_bar_is_labelled_with_its_category_and_figures() {
        let svg = svg(&chart(&["Met", "Late", "Open"]), "requests");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains(r#"<title id="requests-title">Requests by kind</title>"#));
        assert!(svg.contains("aria-label=\"Requests by kind. fault: 3 met, 1 late, 0 open;"));
        for text in [
            "fault",
            "loan &lt;extension&gt;",
            "3 met, 1 late, 0 open",
            "0 met, 0 late, 2 open",
        ] {
            assert!(
                svg.contains(&format!(">{text}</text>")),
                "{text} missing: {svg}"
            );
        }
        assert!(!svg.contains("<extension>"), "text is escaped");
    }

    #[test]
    fn figures_too_long_for_beside_the_bar_go_under_it() {
        let mut long = chart(&["Met", "Late", "Open"]);
        long.groups[0].texts = vec![
            "8 compliant".into(),
            "1 failing".into(),
            "3 unknown".into(),
            "1 out of date".into(),
        ];
        let drawn = svg(&long, "long");
        // Under the key, the first bar's figures start under it, at the bars' left edge, and
        // the chart is a line taller.
        assert!(
            drawn.contains(&format!(
                r#"<text x="{LABEL:.1}" y="{}""#,
                TOP + ROW + BAR + LINE - 2.0
            )),
            "{drawn}"
        );
        assert!(drawn.contains(&format!(
            "viewBox=\"0 0 {WIDTH} {}\"",
            TOP + 3.0 * ROW + LINE + TOP
        )));
        let short = svg(&chart(&["Met", "Late", "Open"]), "short");
        assert!(short.contains(&format!(
            "viewBox=\"0 0 {WIDTH} {}\"",
            TOP + 3.0 * ROW + TOP
        )));
    }

    #[test]
    fn series_differ_by_pattern_and_are_named_in_a_key() {
        let svg = svg(&chart(&["Met", "Late", "Open"]), "r");
        let fills: Vec<&str> = ["url(#r-s0)", "url(#r-s1)", "url(#r-s2)"].to_vec();
        for fill in &fills {
            assert!(svg.contains(fill), "{fill}");
        }
        // Each pattern draws a different shape, not merely another colour.
        assert!(svg.contains(r#"<pattern id="r-s1""#) && svg.contains("<path d=\"M-2,2"));
        assert!(svg.contains(r#"<pattern id="r-s2""#) && svg.contains("<circle"));
        for name in ["Met", "Late", "Open"] {
            assert!(svg.contains(&format!(">{name}</text>")), "key lacks {name}");
        }
        // One colour of ink throughout.
        let colours: std::collections::BTreeSet<&str> = svg
            .match_indices('#')
            .filter_map(|(i, _)| svg.get(i..i + 7))
            .filter(|c| c[1..].chars().all(|ch| ch.is_ascii_hexdigit()))
            .collect();
        assert!(
            colours.iter().all(|c| *c == INK || *c == "#ffffff"),
            "{colours:?}"
        );
    }

    #[test]
    fn no_inline_style_and_an_empty_chart_says_so() {
        let one = svg(&chart(&["Items"]), "one");
        assert!(!one.contains("style="));
        assert!(
            !one.contains("steward-chart__key"),
            "a single series needs no key"
        );
        let empty = Chart {
            title: "Nothing".into(),
            series: vec!["Items".into()],
            groups: Vec::new(),
        };
        let svg = svg(&empty, "e");
        assert!(svg.contains("Nothing to show."));
        assert_eq!(summary(&empty), "Nothing: nothing to show.");
    }
}
