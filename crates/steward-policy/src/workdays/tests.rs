use super::*;
use proptest::prelude::*;

fn d(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn dates(nation: Nation, year: i32) -> Vec<String> {
    bank_holidays(nation, year)
        .into_iter()
        .map(|h| h.date.format("%m-%d").to_string())
        .collect()
}

#[test]
fn easter_sunday_by_the_computus() {
    for (year, easter) in [
        (1818, "1818-03-22"),
        (2011, "2011-04-24"),
        (2019, "2019-04-21"),
        (2020, "2020-04-12"),
        (2021, "2021-04-04"),
        (2022, "2022-04-17"),
        (2023, "2023-04-09"),
        (2024, "2024-03-31"),
        (2025, "2025-04-20"),
        (2026, "2026-04-05"),
        (2027, "2027-03-28"),
        (2038, "2038-04-25"),
        (2285, "2285-03-22"),
    ] {
        assert_eq!(easter_sunday(year), Some(d(easter)), "{year}");
    }
}

#[test]
fn england_and_wales() {
    let table: [(i32, &[&str]); 9] = [
        (
            2019,
            &[
                "01-01", "04-19", "04-22", "05-06", "05-27", "08-26", "12-25", "12-26",
            ],
        ),
        (
            2020,
            &[
                "01-01", "04-10", "04-13", "05-08", "05-25", "08-31", "12-25", "12-28",
            ],
        ),
        (
            2021,
            &[
                "01-01", "04-02", "04-05", "05-03", "05-31", "08-30", "12-27", "12-28",
            ],
        ),
        (
            2022,
            &[
                "01-03", "04-15", "04-18", "05-02", "06-02", "06-03", "08-29", "09-19", "12-26",
                "12-27",
            ],
        ),
        (
            2023,
            &[
                "01-02", "04-07", "04-10", "05-01", "05-08", "05-29", "08-28", "12-25", "12-26",
            ],
        ),
        (
            2024,
            &[
                "01-01", "03-29", "04-01", "05-06", "05-27", "08-26", "12-25", "12-26",
            ],
        ),
        (
            2025,
            &[
                "01-01", "04-18", "04-21", "05-05", "05-26", "08-25", "12-25", "12-26",
            ],
        ),
        (
            2026,
            &[
                "01-01", "04-03", "04-06", "05-04", "05-25", "08-31", "12-25", "12-28",
            ],
        ),
        (
            2027,
            &[
                "01-01", "03-26", "03-29", "05-03", "05-31", "08-30", "12-27", "12-28",
            ],
        ),
    ];
    for (year, expected) in table {
        assert_eq!(dates(Nation::EnglandWales, year), expected, "{year}");
    }
}

#[test]
fn scotland() {
    let table: [(i32, &[&str]); 5] = [
        (
            2021,
            &[
                "01-01", "01-04", "04-02", "05-03", "05-31", "08-02", "11-30", "12-27", "12-28",
            ],
        ),
        (
            2022,
            &[
                "01-03", "01-04", "04-15", "05-02", "06-02", "06-03", "08-01", "09-19", "11-30",
                "12-26", "12-27",
            ],
        ),
        (
            2023,
            &[
                "01-02", "01-03", "04-07", "05-01", "05-08", "05-29", "08-07", "11-30", "12-25",
                "12-26",
            ],
        ),
        (
            2024,
            &[
                "01-01", "01-02", "03-29", "05-06", "05-27", "08-05", "12-02", "12-25", "12-26",
            ],
        ),
        (
            2025,
            &[
                "01-01", "01-02", "04-18", "05-05", "05-26", "08-04", "12-01", "12-25", "12-26",
            ],
        ),
    ];
    for (year, expected) in table {
        assert_eq!(dates(Nation::Scotland, year), expected, "{year}");
    }
}

#[test]
fn northern_ireland() {
    let table: [(i32, &[&str]); 5] = [
        (
            2020,
            &[
                "01-01", "03-17", "04-10", "04-13", "05-08", "05-25", "07-13", "08-31", "12-25",
                "12-28",
            ],
        ),
        (
            2023,
            &[
                "01-02", "03-17", "04-07", "04-10", "05-01", "05-08", "05-29", "07-12", "08-28",
                "12-25", "12-26",
            ],
        ),
        (
            2024,
            &[
                "01-01", "03-18", "03-29", "04-01", "05-06", "05-27", "07-12", "08-26", "12-25",
                "12-26",
            ],
        ),
        (
            2025,
            &[
                "01-01", "03-17", "04-18", "04-21", "05-05", "05-26", "07-14", "08-25", "12-25",
                "12-26",
            ],
        ),
        (
            2026,
            &[
                "01-01", "03-17", "04-03", "04-06", "05-04", "05-25", "07-13", "08-31", "12-25",
                "12-28",
            ],
        ),
    ];
    for (year, expected) in table {
        assert_eq!(dates(Nation::NorthernIreland, year), expected, "{year}");
    }
}

#[test]
fn one_off_holidays_and_substitute_names() {
    for nation in Nation::ALL {
        assert!(!is_working_day(d("2011-04-29"), nation));
        assert!(!is_working_day(d("2012-06-04"), nation));
        assert!(!is_working_day(d("2012-06-05"), nation));
        assert!(
            is_working_day(d("2012-05-28"), nation),
            "spring moved in 2012"
        );
        assert!(
            is_working_day(d("2020-05-04"), nation),
            "early May moved in 2020"
        );
        assert!(
            is_working_day(d("2022-05-30"), nation),
            "spring moved in 2022"
        );
        assert!(!is_working_day(d("2023-05-08"), nation));
    }
    let christmas_2022 = bank_holidays(Nation::EnglandWales, 2022);
    let names: Vec<(String, &str)> = christmas_2022
        .iter()
        .filter(|h| h.date.month() == 12)
        .map(|h| (h.date.to_string(), h.name.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("2022-12-26".to_string(), "Boxing Day"),
            ("2022-12-27".to_string(), "Christmas Day (substitute day)")
        ]
    );
}

#[test]
fn nations_parse_and_serialise() {
    assert_eq!("scotland".parse(), Ok(Nation::Scotland));
    assert_eq!("Northern-Ireland".parse(), Ok(Nation::NorthernIreland));
    assert_eq!("england_wales".parse(), Ok(Nation::EnglandWales));
    let err = "wales".parse::<Nation>().unwrap_err();
    assert!(
        err.to_string()
            .contains("england_wales, scotland or northern_ireland")
    );
    let json = serde_json::to_string(&Nation::NorthernIreland).unwrap();
    assert_eq!(json, "\"northern_ireland\"");
    assert_eq!(Nation::default(), Nation::EnglandWales);
}

#[test]
fn foi_deadlines() {
    let ew = Nation::EnglandWales;
    // Received Monday 6 January 2025: day 1 is the 7th, the 20th working day is 3 February.
    assert_eq!(foi_deadline(d("2025-01-06"), ew, &[]), d("2025-02-03"));
    // Received on a Saturday: day 1 is the Monday.
    assert_eq!(foi_deadline(d("2025-01-04"), ew, &[]), d("2025-01-31"));
    // Over Easter 2025 (Good Friday 18, Easter Monday 21 April).
    assert_eq!(foi_deadline(d("2025-04-01"), ew, &[]), d("2025-05-01"));
    // Scotland keeps Easter Monday as a working day, so its deadline is a day sooner.
    assert_eq!(
        foi_deadline(d("2025-04-01"), Nation::Scotland, &[]),
        d("2025-04-30")
    );
    // Over Christmas 2022 with its Tuesday substitute day, then 2 January 2023.
    assert_eq!(foi_deadline(d("2022-12-12"), ew, &[]), d("2023-01-12"));
    // A week-long clarification pause pushes the deadline back five working days.
    let pause = Pause {
        asked_on: d("2025-01-10"),
        answered_on: d("2025-01-17"),
    };
    assert_eq!(foi_deadline(d("2025-01-06"), ew, &[pause]), d("2025-02-10"));
}

#[test]
fn sar_deadlines() {
    assert_eq!(sar_deadline(d("2025-01-15")), d("2025-02-15"));
    assert_eq!(sar_deadline(d("2025-01-31")), d("2025-02-28"));
    assert_eq!(sar_deadline(d("2024-01-31")), d("2024-02-29"));
    assert_eq!(sar_deadline(d("2025-12-31")), d("2026-01-31"));
    assert_eq!(sar_extended_deadline(d("2025-01-15")), d("2025-04-15"));
    assert_eq!(sar_extended_deadline(d("2025-11-30")), d("2026-02-28"));
}

fn day_strategy() -> impl Strategy<Value = NaiveDate> {
    (0i64..40_000).prop_map(|n| d("1995-01-01") + chrono::Duration::days(n))
}

fn nation_strategy() -> impl Strategy<Value = Nation> {
    prop_oneof![
        Just(Nation::EnglandWales),
        Just(Nation::Scotland),
        Just(Nation::NorthernIreland)
    ]
}

proptest! {
    #[test]
    fn results_are_working_days(date in day_strategy(), n in 1u32..300, nation in nation_strategy()) {
        let end = add_working_days(date, n, nation);
        prop_assert!(is_working_day(end, nation));
        prop_assert!(is_working_day(foi_deadline(date, nation, &[]), nation));
        for h in bank_holidays(nation, date.year()) {
            prop_assert!(!matches!(h.date.weekday(), Weekday::Sat | Weekday::Sun), "{:?}", h);
        }
    }

    #[test]
    fn counting_back_gives_n(date in day_strategy(), n in 0u32..300, nation in nation_strategy()) {
        let end = add_working_days(date, n, nation);
        prop_assert_eq!(working_days_between(date, end, nation), n);
    }

    #[test]
    fn later_starts_and_more_days_never_end_sooner(
        date in day_strategy(), gap in 0i64..30, n in 0u32..200, more in 0u32..20, nation in nation_strategy()
    ) {
        let later = date + chrono::Duration::days(gap);
        prop_assert!(add_working_days(date, n, nation) <= add_working_days(later, n, nation));
        prop_assert!(add_working_days(date, n, nation) <= add_working_days(date, n + more, nation));
        prop_assert!(sar_deadline(date) <= sar_deadline(later));
        prop_assert!(sar_deadline(date) < sar_extended_deadline(date));
    }

    #[test]
    fn pauses_never_bring_a_deadline_forward(
        date in day_strategy(), start in 0i64..25, len in 0i64..20, nation in nation_strategy()
    ) {
        let asked_on = date + chrono::Duration::days(start);
        let pause = Pause { asked_on, answered_on: asked_on + chrono::Duration::days(len) };
        prop_assert!(foi_deadline(date, nation, &[pause]) >= foi_deadline(date, nation, &[]));
    }
}
