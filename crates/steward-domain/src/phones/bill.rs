//! Reading an itemised phone bill exported as CSV.
//!
//! Pure, like the people and equipment files: every row comes back checked, or every problem in
//! the file comes back with its line. Whether a number is a registered line, and whether the
//! dates fit the bill's month, are the import's to decide.

use super::number::PhoneNumber;
use crate::ids::Pence;
use crate::import::{ImportErrors, Spec, parse_date, plain_text, read_table};
use chrono::{NaiveDate, NaiveTime};

/// One item of the bill, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct BillRow {
    /// The line of the file the row starts on.
    pub line: u64,
    /// The council line the item was made from.
    pub number: PhoneNumber,
    pub called_on: NaiveDate,
    pub called_at: Option<NaiveTime>,
    pub called: Option<String>,
    pub description: Option<String>,
    pub duration_seconds: Option<i64>,
    pub cost: Pence,
}

/// The most one item may cost: more is almost always pence read as pounds.
pub const MAX_ITEM_COST: Pence = Pence(1_000_000);
/// The longest call a bill may list, in seconds.
const MAX_DURATION: i64 = 48 * 3600;
const CALLED_MAX: usize = 100;
const DESCRIPTION_MAX: usize = 200;

const BILL: Spec = Spec {
    rows: "a phone bill",
    required: &["line", "date", "cost"],
    optional: &["time", "called", "description", "duration"],
    aliases: &[
        ("line_number", "line"),
        ("phone_number", "line"),
        ("mobile_number", "line"),
        ("mobile", "line"),
        ("number", "line"),
        ("telephone_number", "line"),
        ("cli", "line"),
        ("from", "line"),
        ("call_date", "date"),
        ("date_of_call", "date"),
        ("call_time", "time"),
        ("start_time", "time"),
        ("time_of_call", "time"),
        ("number_called", "called"),
        ("called_number", "called"),
        ("dialled", "called"),
        ("dialled_number", "called"),
        ("destination", "called"),
        ("destination_number", "called"),
        ("to", "called"),
        ("details", "description"),
        ("call_type", "description"),
        ("type", "description"),
        ("service", "description"),
        ("call_duration", "duration"),
        ("length", "duration"),
        ("charge", "cost"),
        ("amount", "cost"),
        ("price", "cost"),
        ("cost_(£)", "cost"),
        ("cost_£", "cost"),
        ("cost_(gbp)", "cost"),
        ("cost_gbp", "cost"),
        ("charge_(£)", "cost"),
        ("amount_(£)", "cost"),
    ],
    extra_columns: false,
};

/// Parses a bill. Columns: `line` (the council number), `date`, `cost` (required); `time`,
/// `called` (the number called), `description`, `duration` (optional; each row needs `called`
/// or `description`). Other spellings of the headings are accepted, such as `Mobile number`,
/// `Call date`, `Number called`, `Cost (£)`; the README lists them all.
pub fn parse_bill(file: &str, data: &[u8]) -> Result<Vec<BillRow>, ImportErrors> {
    read_table(file, &BILL, data, |f| {
        let number = f.required(
            "line",
            "write the council phone's own number, like 07700 900123",
            |s| s.parse::<PhoneNumber>().map_err(|e| e.to_string()),
        );
        let called_on = f.required(
            "date",
            "write the day of the call, like 2027-04-03 or 03/04/2027",
            parse_date,
        );
        let called_at = f.optional("time", parse_time);
        let called = f.optional("called", |s| plain_text(s, CALLED_MAX));
        let description = f.optional("description", |s| plain_text(s, DESCRIPTION_MAX));
        if let (Some(None), Some(None)) = (&called, &description) {
            f.fail(
                "called",
                "is blank, and so is the description; give the number called or say what \
                 the item is, like Text or Data"
                    .to_string(),
            );
            return None;
        }
        let duration_seconds = f.optional("duration", parse_duration);
        let cost = f.required(
            "cost",
            "write what the item cost in pounds, like 0.35 (0.00 when it was free)",
            parse_cost,
        );
        Some(BillRow {
            line: f.line,
            number: number?,
            called_on: called_on?,
            called_at: called_at?,
            called: called?,
            description: description?,
            duration_seconds: duration_seconds?,
            cost: cost?,
        })
    })
}

/// A time of day on the 24-hour clock: `14:05` or `14:05:33`.
pub fn parse_time(text: &str) -> Result<NaiveTime, String> {
    let t = text.trim();
    NaiveTime::parse_from_str(t, "%H:%M:%S")
        .or_else(|_| NaiveTime::parse_from_str(t, "%H:%M"))
        .map_err(|_| {
            format!("'{t}' is not a time of day; write it on the 24-hour clock, like 14:05")
        })
}

/// A call's length: `1:02:05` (hours, minutes, seconds), `3:25` (minutes and seconds) or a
/// whole number of seconds, `205`.
pub fn parse_duration(text: &str) -> Result<i64, String> {
    let t = text.trim();
    let shape = || {
        format!(
            "'{t}' is not a length of call; write it as 3:25 (minutes and seconds), 1:02:05 \
             or a whole number of seconds"
        )
    };
    let parts: Vec<&str> = t.split(':').collect();
    let numbers: Option<Vec<i64>> = parts
        .iter()
        .map(|p| {
            (!p.is_empty() && p.len() <= 6 && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse().ok())
                .flatten()
        })
        .collect();
    let numbers = numbers.ok_or_else(shape)?;
    let seconds = match numbers.as_slice() {
        [s] => *s,
        [m, s] if *s < 60 && parts[1].len() == 2 => m * 60 + s,
        [h, m, s] if *m < 60 && *s < 60 && parts[1].len() == 2 && parts[2].len() == 2 => {
            h * 3600 + m * 60 + s
        }
        _ => return Err(shape()),
    };
    if seconds > MAX_DURATION {
        return Err(format!(
            "'{t}' is longer than two days; check the column holds the length of each call"
        ));
    }
    Ok(seconds)
}

fn parse_cost(text: &str) -> Result<Pence, String> {
    let t = text.trim();
    if t.starts_with('-') || t.starts_with("£-") || (t.starts_with('(') && t.ends_with(')')) {
        return Err(format!(
            "'{t}' is a credit; only items charged can be imported, so leave credits out of \
             the file"
        ));
    }
    let cost = Pence::parse_pounds(t).map_err(|_| {
        format!("'{t}' is not an amount of money; write pounds and pence, like 0.35 or £1.20")
    })?;
    if cost > MAX_ITEM_COST {
        return Err(format!(
            "'{t}' is more than {MAX_ITEM_COST} for one item; check the column holds pounds \
             and pence, not pence alone"
        ));
    }
    Ok(cost)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_bill_with_the_usual_headings() {
        let text = "\
Mobile Number,Call Date,Time,Number Called,Description,Duration,Cost (£)
07700 900123,03/04/2027,09:15,01632 960001,Call,3:25,0.35
07700 900123,2027-04-03,18:40:02,,Text,,£0.10
+447700900124,4/4/2027,,,Data,,0
";
        let rows = parse_bill("april.csv", text.as_bytes()).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(
            rows[0],
            BillRow {
                line: 2,
                number: "07700900123".parse().unwrap(),
                called_on: day(2027, 4, 3),
                called_at: NaiveTime::from_hms_opt(9, 15, 0),
                called: Some("01632 960001".into()),
                description: Some("Call".into()),
                duration_seconds: Some(205),
                cost: Pence(35),
            }
        );
        assert_eq!(rows[1].called, None);
        assert_eq!(rows[1].cost, Pence(10));
        assert_eq!(rows[1].called_at, NaiveTime::from_hms_opt(18, 40, 2));
        assert_eq!(rows[2].number.as_str(), "+447700900124");
        assert_eq!(rows[2].cost, Pence(0));
        assert_eq!(rows[2].called_at, None);
    }

    #[test]
    fn every_bad_row_is_named_with_its_line_and_column() {
        let text = "\
line,date,called,cost
07700 900123,31/04/2027,01632 960001,0.35
999,2027-04-03,01632 960001,abc
07700 900123,2027-04-03,,0.20
07700 900123,2027-04-03,150,-1.00
07700 900123,2027-04-03,150,25000
";
        let e = parse_bill("bill.csv", text.as_bytes()).unwrap_err();
        let places: Vec<(u64, Option<&str>)> = e
            .errors
            .iter()
            .map(|r| (r.line, r.column.as_deref()))
            .collect();
        assert_eq!(
            places,
            vec![
                (2, Some("date")),
                (3, Some("line")),
                (3, Some("cost")),
                (4, Some("called")),
                (5, Some("cost")),
                (6, Some("cost")),
            ]
        );
        let text = e.to_string();
        assert!(text.starts_with("bill.csv: 5 rows have problems; nothing was imported"));
        assert!(
            text.contains("bill.csv:2: date: '31/04/2027' is not a date"),
            "{text}"
        );
        assert!(
            text.contains("bill.csv:5: cost: '-1.00' is a credit"),
            "{text}"
        );
        assert!(text.contains("more than £10,000.00"), "{text}");
    }

    #[test]
    fn headings_must_be_known_and_not_repeated() {
        let e = parse_bill("x.csv", b"line,date,cost,charge,colour\n").unwrap_err();
        let text = e.to_string();
        assert!(text.contains("charge: this column appears twice"), "{text}");
        assert!(text.contains("colour: unknown column"), "{text}");
        let e = parse_bill("x.csv", b"date,cost\n2027-04-01,1\n").unwrap_err();
        assert!(
            e.to_string()
                .contains("line: this required column is missing")
        );
    }

    #[test]
    fn durations_and_times() {
        assert_eq!(parse_duration("205"), Ok(205));
        assert_eq!(parse_duration("3:25"), Ok(205));
        assert_eq!(parse_duration("1:02:05"), Ok(3725));
        assert_eq!(parse_duration("0:00:07"), Ok(7));
        for bad in ["3:5", "3:75", "1:2:3", "-5", "a", "", "1::2", "49:00:00"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
        assert!(parse_time("25:00").is_err());
        assert_eq!(
            parse_time("7:05"),
            Ok(NaiveTime::from_hms_opt(7, 5, 0).unwrap())
        );
    }

    proptest! {
        #[test]
        fn written_rows_read_back(
            rows in proptest::collection::vec(
                (100_000_000u32..999_999_999, 0i64..40_000, 0i64..100_000, 0u32..86_400),
                1..30,
            )
        ) {
            let mut text = String::from("line,date,time,called,duration,cost\n");
            for (n, offset, pence, secs) in &rows {
                let d = day(2027, 1, 1) + chrono::Duration::days(*offset % 700);
                let t = NaiveTime::from_num_seconds_from_midnight_opt(*secs, 0).unwrap();
                text.push_str(&format!(
                    "07{n:09},{},{},0{n},{},{}\n",
                    d.format("%d/%m/%Y"),
                    t.format("%H:%M:%S"),
                    secs % 7200,
                    Pence(*pence).to_string().replace(',', "")
                ));
            }
            let parsed = parse_bill("p.csv", text.as_bytes()).unwrap();
            prop_assert_eq!(parsed.len(), rows.len());
            for (row, (n, _, pence, secs)) in parsed.iter().zip(&rows) {
                prop_assert_eq!(row.number.as_str(), format!("+447{n:09}"));
                prop_assert_eq!(row.cost, Pence(*pence));
                prop_assert_eq!(row.duration_seconds, Some(i64::from(secs % 7200)));
            }
        }

        #[test]
        fn any_bytes_give_rows_or_errors(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let _ = parse_bill("fuzz.csv", &bytes);
        }
    }
}
