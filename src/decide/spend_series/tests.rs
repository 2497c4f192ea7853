//! The spend series reader: weekly and daily series, and every located error.

use super::*;
use crate::csv_input::ColumnMap;

fn read(text: &str) -> Result<SpendSeries> {
    read_with(text, &ReadOptions::default())
}

fn read_with(text: &str, opts: &ReadOptions) -> Result<SpendSeries> {
    read_spend_series(Records::csv(text.as_bytes()), "s.csv", "channel", opts)
}

fn error(text: &str) -> String {
    read(text).unwrap_err().to_string()
}

fn day(y: i64, m: i64, d: i64) -> Millis {
    crate::time::days_from_civil(y, m, d) * DAY
}

#[test]
fn a_weekly_series_reads_aligned_values_per_channel() {
    let text = "channel,period,spend\n\
                a,2026-01-12,20\n\
                b,2026-01-05,0\n\
                a,2026-01-05,10.5\n\
                b,2026-01-12,7\n\
                a,2026-01-19,30\n\
                b,2026-01-19,8\n";
    let s = read(text).unwrap();
    assert_eq!(s.step_days, 7);
    assert_eq!(s.dimension, "channel");
    assert_eq!(
        s.periods,
        vec![day(2026, 1, 5), day(2026, 1, 12), day(2026, 1, 19)]
    );
    assert_eq!(s.by_key["a"], vec![10.5, 20.0, 30.0]);
    assert_eq!(s.by_key["b"], vec![0.0, 7.0, 8.0]);
    assert_eq!(s.period_label(2), "2026-01-19");
    assert_eq!(s.period_end(2), day(2026, 1, 26));
    assert_eq!(s.totals()["a"], 60.5);
    assert_eq!(s.report.rows_read, 6);
}

/// A daily series across a month's end; a channel's campaigns in one period add up,
/// and remapped columns are read.
#[test]
fn a_daily_series_adds_up_campaigns_and_reads_remapped_columns() {
    let text = "Channel,Day,Cost,campaign\n\
                a,2026-01-31,1,x\n\
                a,2026-01-31,2,y\n\
                a,2026-02-01,3,x\n\
                a,2026-02-02,4,y\n";
    let opts = ReadOptions::default().columns(
        ColumnMap::new()
            .set("channel", "Channel")
            .set("period", "Day")
            .set("spend", "Cost"),
    );
    let s = read_with(text, &opts).unwrap();
    assert_eq!(s.step_days, 1);
    assert_eq!(
        s.periods,
        vec![day(2026, 1, 31), day(2026, 2, 1), day(2026, 2, 2)]
    );
    assert_eq!(s.by_key["a"], vec![3.0, 3.0, 4.0]);
    let by_campaign = read_spend_series(
        Records::csv("campaign,period,spend\nx,2026-01-01,1\nx,2026-01-02,2\n".as_bytes()),
        "s.csv",
        "campaign",
        &ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(by_campaign.by_key["x"], vec![1.0, 2.0]);
}

#[test]
fn a_bad_date_is_located() {
    assert_eq!(
        error("channel,period,spend\na,2026-01-05,1\na,2026-02-30,1\n"),
        "s.csv: line 3, column 2 (period): `2026-02-30` is not a date; expected the date \
         the period starts as YYYY-MM-DD (e.g. 2026-01-05)"
    );
    assert_eq!(
        error("channel,period,spend\na,2026-01,1\n"),
        "s.csv: line 2, column 2 (period): `2026-01` is not a date; expected the date \
         the period starts as YYYY-MM-DD (e.g. 2026-01-05)"
    );
}

#[test]
fn a_duplicate_row_is_located_with_the_first() {
    assert_eq!(
        error("channel,period,spend\na,2026-01-05,1\nb,2026-01-05,1\na,2026-01-05,2\n"),
        "s.csv: line 4, column 2 (period): a second row for `a` in the period 2026-01-05 \
         (the first is on line 2); expected one row per channel and period"
    );
    assert_eq!(
        error(
            "channel,campaign,period,spend\na,x,2026-01-05,1\na,y,2026-01-05,1\n\
             a,x,2026-01-05,2\n"
        ),
        "s.csv: line 4, column 3 (period): a second row for `a` (campaign `x`) in the \
         period 2026-01-05 (the first is on line 2); expected one row per channel, \
         campaign and period"
    );
}

#[test]
fn a_gap_names_the_key_and_the_missing_period() {
    // b has no row in the second week: an error at b's next row.
    assert_eq!(
        error(
            "channel,period,spend\na,2026-01-05,1\nb,2026-01-05,1\na,2026-01-12,1\n\
             a,2026-01-19,1\nb,2026-01-19,1\n"
        ),
        "s.csv: line 6, column 2 (period): `b` has no row for the period 2026-01-12, \
         inside the periods of s.csv (weekly from 2026-01-05 to 2026-01-19); expected a \
         row for every channel in every period (write 0 for a period without spend)"
    );
    // A key that stops early: located at its last row.
    assert_eq!(
        error("channel,period,spend\na,2026-01-01,1\nb,2026-01-01,1\na,2026-01-02,1\n"),
        "s.csv: line 3, column 2 (period): `b` has no row for the period 2026-01-02, \
         inside the periods of s.csv (daily from 2026-01-01 to 2026-01-02); expected a \
         row for every channel in every period (write 0 for a period without spend)"
    );
}

#[test]
fn a_step_that_is_not_a_day_or_a_week_is_located() {
    assert_eq!(
        error("channel,period,spend\na,2026-01-05,1\na,2026-01-19,1\na,2026-02-02,1\n"),
        "s.csv: line 3, column 2 (period): the periods 2026-01-05 and 2026-01-19 are 14 \
         days apart, the least gap between the periods of s.csv; expected periods a day \
         or a week (7 days) apart"
    );
    assert_eq!(
        error("channel,period,spend\na,2026-01-05,1\na,2026-01-12,1\na,2026-01-15,1\n"),
        "s.csv: line 4, column 2 (period): the periods 2026-01-12 and 2026-01-15 are 3 \
         days apart, the least gap between the periods of s.csv; expected periods a day \
         or a week (7 days) apart"
    );
    assert_eq!(
        error("channel,period,spend\na,2026-01-05,1\nb,2026-01-05,2\n"),
        "s.csv: line 2, column 2 (period): every row of s.csv is for the period \
         2026-01-05; expected a series: periods a day or a week apart"
    );
}

#[test]
fn a_period_off_the_weekly_grid_is_located() {
    assert_eq!(
        error(
            "channel,period,spend\na,2026-01-05,1\na,2026-01-12,1\na,2026-01-27,1\n\
             a,2026-01-19,1\n"
        ),
        "s.csv: line 4, column 2 (period): `2026-01-27` is not on the weekly grid of the \
         periods of s.csv (every 7 days from 2026-01-05); expected period start dates 7 \
         days apart"
    );
}

#[test]
fn periods_outside_the_data_are_refused_at_their_first_row() {
    let s = read(
        "channel,period,spend\na,2026-01-05,1\na,2026-01-12,1\na,2026-01-19,1\n\
         a,2026-01-26,1\n",
    )
    .unwrap();
    // Events from 2026-01-08 to 2026-01-20: the first week in part, the last not.
    let (start, end) = (day(2026, 1, 8) + 3_600_000, day(2026, 1, 20) + 7_200_000);
    assert_eq!(
        s.check_within(start, end, "events.csv")
            .unwrap_err()
            .to_string(),
        "s.csv: line 5, column 2 (period): the period 2026-01-26 (a week) lies outside \
         the events of events.csv (2026-01-08 to 2026-01-20); expected spend only for \
         periods the events cover"
    );
    assert!(s.check_within(day(2026, 1, 11), end + 7 * DAY, "e").is_ok());
    // Before the data, too; the first such row in the file is named.
    let late = day(2026, 1, 13);
    assert!(
        s.check_within(late, end, "e")
            .unwrap_err()
            .to_string()
            .starts_with("s.csv: line 2, column 2 (period): the period 2026-01-05 ")
    );
}

#[test]
fn bad_rows_are_skipped_and_counted_on_request_and_a_gap_they_leave_is_an_error() {
    let text = "channel,period,spend\na,2026-01-05,1\na,2026-01-12,-1\na,2026-01-12,2\n\
                a,2026-01-12,3\na,2026-01-19,x\na,2026-01-19,4\n";
    let skip = ReadOptions::default().skip_bad_rows(true);
    let s = read_with(text, &skip).unwrap();
    assert_eq!(s.by_key["a"], vec![1.0, 2.0, 4.0]);
    assert_eq!(s.report.rows_skipped, 3);
    assert_eq!(s.report.skipped_by_reason["bad spend"], 2);
    assert_eq!(s.report.skipped_by_reason["bad period"], 1);
    let gap = "channel,period,spend\na,2026-01-05,1\na,2026-01-12,-1\na,2026-01-19,1\n\
               b,2026-01-05,1\nb,2026-01-12,1\nb,2026-01-19,1\n";
    assert!(
        read_with(gap, &skip)
            .unwrap_err()
            .to_string()
            .contains("`a` has no row for the period 2026-01-12")
    );
}

/// Dates only: a table's date cell (a midnight timestamp) reads as its date.
#[test]
fn periods_are_dates() {
    assert_eq!(parse_date("2026-01-05"), Some(day(2026, 1, 5) / DAY));
    assert_eq!(
        parse_date("2026-01-05T00:00:00Z"),
        Some(day(2026, 1, 5) / DAY)
    );
    for bad in [
        "2026-1-05",
        "2026-01-05T10:00:00Z",
        "20260105",
        "2026-13-01",
        "x",
    ] {
        assert_eq!(parse_date(bad), None, "{bad}");
    }
}

#[test]
fn a_series_built_in_memory_checks_its_shape() {
    let mut by_key = BTreeMap::new();
    by_key.insert("a".to_string(), vec![1.0, 2.0]);
    let s = SpendSeries::new("channel", 7, day(2026, 1, 5), by_key.clone()).unwrap();
    assert_eq!(s.periods, vec![day(2026, 1, 5), day(2026, 1, 12)]);
    assert!(
        s.check_within(day(2026, 1, 5), day(2026, 1, 18), "e")
            .is_ok()
    );
    assert!(SpendSeries::new("channel", 3, day(2026, 1, 5), by_key.clone()).is_err());
    by_key.insert("b".to_string(), vec![1.0]);
    assert!(SpendSeries::new("channel", 7, day(2026, 1, 5), by_key).is_err());
}
