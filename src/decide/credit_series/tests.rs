//! The credit series reader: rows read against a spend series, and every located error.

use super::*;
use crate::decide::spend_series::read_spend_series;

/// A weekly spend series of channels `a` and `b` over three weeks from 2026-01-05.
fn spend() -> SpendSeries {
    let text = "channel,period,spend\n\
                a,2026-01-05,10\na,2026-01-12,20\na,2026-01-19,30\n\
                b,2026-01-05,5\nb,2026-01-12,0\nb,2026-01-19,7\n";
    read_spend_series(
        Records::csv(text.as_bytes()),
        "spend.csv",
        "channel",
        &ReadOptions::default(),
    )
    .unwrap()
}

fn read_with(text: &str, opts: &ReadOptions) -> Result<CreditSeries> {
    read_credit_series(Records::csv(text.as_bytes()), "c.csv", &spend(), opts)
}

fn read(text: &str) -> Result<CreditSeries> {
    read_with(text, &ReadOptions::default())
}

fn error(text: &str) -> String {
    read(text).unwrap_err().to_string()
}

#[test]
fn rows_in_any_order_align_with_the_spend_periods() {
    let text = "channel,period,conversions,value,extra\n\
                a,2026-01-19,3,30,x\n\
                organic,2026-01-05,9,90,x\n\
                a,2026-01-05,1,10,x\n\
                b,2026-01-12,0,0,x\n\
                a,2026-01-12,2.5,25,x\n\
                b,2026-01-05,1,11,x\n\
                b,2026-01-19,2,22,x\n";
    let s = read(text).unwrap();
    assert_eq!(s.conversions["a"], vec![1.0, 2.5, 3.0]);
    assert_eq!(s.value["a"], vec![10.0, 25.0, 30.0]);
    assert_eq!(s.value["b"], vec![11.0, 0.0, 22.0]);
    assert!(s.has_value);
    assert_eq!(s.without_spend, vec!["organic".to_string()]);
    assert_eq!(s.total_value(), 98.0);
    assert_eq!(s.report.rows_read, 7);
}

#[test]
fn without_a_value_column_the_values_are_zero_and_a_channel_without_rows_is_absent() {
    let s = read("channel,period,conversions\na,2026-01-05,1\na,2026-01-12,2\na,2026-01-19,0\n")
        .unwrap();
    assert!(!s.has_value);
    assert_eq!(s.value["a"], vec![0.0; 3]);
    assert!(!s.conversions.contains_key("b"));
    assert!(s.without_spend.is_empty());
}

#[test]
fn a_bad_row_is_located() {
    for (text, expected) in [
        (
            "channel,period,conversions\n,2026-01-05,1\n",
            "c.csv: line 2, column 1 (channel): empty; expected a channel name",
        ),
        (
            "channel,period,conversions\na,2026-01-32,1\n",
            "c.csv: line 2, column 2 (period): `2026-01-32` is not a date; expected the \
             date the period starts as YYYY-MM-DD (e.g. 2026-01-05)",
        ),
        (
            "channel,period,conversions\na,2026-01-05,-1\n",
            "c.csv: line 2, column 3 (conversions): `-1` is negative; expected a \
             non-negative number",
        ),
        (
            "channel,period,conversions\na,2026-01-05,\n",
            "c.csv: line 2, column 3 (conversions): empty; expected a non-negative number",
        ),
        (
            "channel,period,conversions,value\na,2026-01-05,1,inf\n",
            "c.csv: line 2, column 4 (value): `inf` is not a number; expected a \
             non-negative number",
        ),
    ] {
        assert_eq!(error(text), expected, "{text}");
    }
}

#[test]
fn a_missing_column_lists_the_columns_found() {
    let e = error("channel,period,spend\na,2026-01-05,1\n");
    assert!(e.contains("conversions"), "{e}");
}

/// Off the weekly grid, before the first period and after the last: each is named
/// against the spend series' span.
#[test]
fn a_period_not_in_the_spend_series_is_located() {
    for (date, line) in [("2026-01-06", 3), ("2025-12-29", 3), ("2026-01-26", 3)] {
        assert_eq!(
            error(&format!(
                "channel,period,conversions\na,2026-01-05,1\nb,{date},1\n"
            )),
            format!(
                "c.csv: line {line}, column 2 (period): `{date}` is not a period of the spend \
                 series spend.csv (weekly from 2026-01-05 to 2026-01-19); expected the date \
                 one of its periods starts"
            )
        );
    }
}

#[test]
fn a_duplicate_row_is_located_with_the_first() {
    assert_eq!(
        error("channel,period,conversions\na,2026-01-05,1\nb,2026-01-05,1\na,2026-01-05,2\n"),
        "c.csv: line 4, column 2 (period): a second row for `a` in the period 2026-01-05 \
         (the first is on line 2); expected one row per channel and period"
    );
}

/// A missing pair is not a zero: it is located at the channel's next row (or its last
/// before the gap), and a channel without spend is not held to it.
#[test]
fn a_missing_period_of_a_channel_with_spend_is_an_error() {
    assert_eq!(
        error("channel,period,conversions\na,2026-01-05,1\na,2026-01-19,1\norganic,2026-01-05,1\n"),
        "c.csv: line 3, column 2 (period): `a` has no row for the period 2026-01-12, one of \
         the periods of the spend series spend.csv (weekly from 2026-01-05 to 2026-01-19); \
         expected a row for every channel with spend in every period (write 0 for a period \
         without conversions: a missing row is not read as 0)"
    );
    assert!(
        error("channel,period,conversions\na,2026-01-05,1\na,2026-01-12,1\n").starts_with(
            "c.csv: line 3, column 2 (period): `a` has no row for the period 2026-01-19"
        )
    );
}

#[test]
fn bad_rows_are_skipped_and_counted_on_request() {
    let text = "channel,period,conversions\na,2026-01-05,1\na,2026-01-05,9\na,2026-01-12,x\n\
                a,2026-01-12,2\na,2026-02-02,1\na,2026-01-19,3\n";
    let s = read_with(text, &ReadOptions::default().skip_bad_rows(true)).unwrap();
    assert_eq!(s.conversions["a"], vec![1.0, 2.0, 3.0]);
    assert_eq!(s.report.rows_skipped, 3);
    assert_eq!(s.report.skipped_by_reason["bad period"], 2);
    assert_eq!(s.report.skipped_by_reason["bad conversions"], 1);
    assert!(matches!(
        read("channel,period,conversions\n"),
        Err(Error::NoRows { .. })
    ));
}
