//! Helvetica's advance widths, in thousandths of the font size, for laying text out: the
//! standard metrics of the base font for the printable ASCII range. Other characters are taken
//! as wide as an `o`. Bold is a little wider; wrapping allows for that rather than carrying a
//! second table.

const WIDTHS: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278,
    278, // ' '..'/'
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // '0'..'9'
    278, 278, 584, 584, 584, 556, 1015, // ':'..'@'
    667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, // 'A'..'M'
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, // 'N'..'Z'
    278, 278, 278, 469, 556, 333, // '['..'`'
    556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, // 'a'..'m'
    556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, // 'n'..'z'
    334, 260, 334, 584, // '{'..'~'
];

/// The width of `text` in points at `size`, with bold text counted a twentieth wider.
pub fn width(text: &str, size: f32, bold: bool) -> f32 {
    let units: u32 = text
        .chars()
        .map(|c| {
            let code = c as u32;
            if (32..127).contains(&code) {
                u32::from(WIDTHS[(code - 32) as usize])
            } else {
                556
            }
        })
        .sum();
    let scale = if bold { 1.05 } else { 1.0 };
    units as f32 * size / 1000.0 * scale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_add_up() {
        assert!((width("Hi", 10.0, false) - 9.44).abs() < 0.01);
        assert!(width("Hi", 10.0, true) > width("Hi", 10.0, false));
        assert_eq!(width("", 12.0, false), 0.0);
    }
}
