//! The calendar baseline on worlds drawn inside the tests: a season that everybody
//! converts more in, with a channel flighted into it, is not read as that channel's
//! effect once the baseline is fitted; `auto` keeps the baseline where the season is
//! and leaves it out where there is none.

use super::test_worlds::{World, count, draw};
use super::*;
use crate::journeys::Timelines;
use crate::time::DAY;

/// 84 days (six 14-day periods); every unit's hazard `0.004 · α_i · b(d) · (1 + 0.8 ·
/// [touched by `c0` in the last 3 days])`, `α_i` lognormal-ish (`e^U`, `U ~ U(−1, 1)`);
/// `c0` reaches a unit on any day with probability 0.05. `b(d)` is `peak` on days 42–55
/// (the fourth period) and 1 elsewhere. `c1` has no effect and is flighted: it reaches
/// a unit with probability 0.15 on each day of days 42–55 only.
fn seasonal(seed: u64, units: usize, peak: f64) -> Timelines {
    let season = |d: i64| (42..56).contains(&d);
    let world = World {
        units,
        days: 84,
        channels: 2,
        exposure: Box::new(move |c, d, _, _| match c {
            0 => 0.05,
            _ if season(d) => 0.15,
            _ => 0.0,
        }),
        hazard: Box::new(move |alpha, _, d, touches| {
            let b = if season(d) { peak } else { 1.0 };
            let lift = if count(&touches[0], d, 0, 2) > 0.0 {
                0.8
            } else {
                0.0
            };
            0.004 * alpha * b * (1.0 + lift)
        }),
        in_market_share: 0.0,
    };
    draw(&world, seed)
}

/// Fixed bins 0–2 days, no pre-exposure bins, no smoothing, no intervals.
fn model(calendar: CalendarChoice) -> SelfControlledParams {
    SelfControlledParams::default()
        .lags(vec![(0, 2)])
        .pre_exposure(PreChoice::Off)
        .smoothing(Smoothing::Fixed(0.0))
        .intervals(false)
        .ignore(vec![])
        .calendar_baseline(calendar)
}

fn share(fitted: &FittedSelfControlled, channel: &str) -> f64 {
    let credit = fitted.credit();
    credit.get(channel).unwrap().conversions / credit.conversions_sum()
}

/// Drawn with a season three times the rest: without a calendar baseline the flighted
/// placebo `c1` takes credit for the season (its coefficient far above 0, hand-derived
/// expectation: a unit's hazard on `c1`'s days is about 3 times its hazard elsewhere,
/// so `β_c1 ≈ 2` less what the season's other days dilute); with a baseline per 14-day
/// period its coefficient is 0 within 3 standard errors, the baseline of the fourth
/// period is 3 within its error, `c0`'s 0.8 is recovered, and `auto` keeps the baseline
/// and says why, naming `c1`.
#[test]
fn a_season_is_not_read_as_the_effect_of_a_channel_flighted_into_it() {
    let t = seasonal(5, 8000, 3.0);
    let naive = model(CalendarChoice::Off).fit(&t).unwrap();
    let beta_b_naive = naive.coefficients()[1];
    assert!(beta_b_naive > 0.8, "{beta_b_naive}");

    let fitted = model(CalendarChoice::Days(14)).fit(&t).unwrap();
    let d = fitted.details();
    let (a, b) = (&d.coefficients[0], &d.coefficients[1]);
    assert!((a.estimate - 0.8).abs() < 3.0 * a.se.unwrap(), "{a:?}");
    assert!(b.estimate < 3.0 * b.se.unwrap_or(0.05), "{b:?}");
    let levels = d.calendar_baseline.unwrap();
    assert_eq!(levels.len(), 6);
    assert_eq!(levels[0].start, "1970-01-01");
    assert_eq!(levels[3].start, "1970-02-12");
    assert!((levels[3].ratio - 3.0).abs() < 0.5, "{levels:?}");
    for (k, l) in levels.iter().enumerate().filter(|(k, _)| *k != 3) {
        assert!((l.ratio - 1.0).abs() < 0.25, "period {k}: {l:?}");
    }
    assert!(share(&fitted, "c1") < 0.5 * share(&naive, "c1"));

    let auto = model(CalendarChoice::Auto).fit(&t).unwrap();
    let test = auto.details().calendar_test.unwrap();
    assert!(
        test.significant && test.applied && test.df == 5 && test.p_value < 1e-6,
        "{test:?}"
    );
    assert_eq!(auto.coefficients(), fitted.coefficients());
    let note = &auto.credit().notes[0];
    assert!(
        note.starts_with("calendar baseline chosen from the data"),
        "{note}"
    );
    assert!(note.contains("`c1` (share"), "{note}");

    // The default warns, naming `c1` and not `c0`, and keeps the credit without the
    // baseline.
    let warned = model(CalendarChoice::Warn).fit(&t).unwrap();
    assert_eq!(warned.coefficients(), naive.coefficients());
    let test = warned.details().calendar_test.unwrap();
    assert!(test.significant && !test.applied, "{test:?}");
    let notes = warned.credit().notes;
    let warnings: Vec<&String> = notes
        .iter()
        .filter(|n| n.contains("bunched in the periods"))
        .collect();
    assert_eq!(warnings.len(), 1, "{notes:?}");
    assert!(warnings[0].starts_with("WARNING: conversions of everybody vary by 14-day period"));
    assert!(warnings[0].contains("`c1` (share") && !warnings[0].contains("`c0`"));
    assert_eq!(
        SelfControlledParams::default().calendar(),
        CalendarChoice::Warn
    );
}

/// Without a season (`b(d) = 1` throughout) `auto` tests the baseline, leaves it out
/// and gives exactly the fit without one; no note.
#[test]
fn without_a_season_auto_leaves_the_baseline_out() {
    let t = seasonal(6, 8000, 1.0);
    let auto = model(CalendarChoice::Auto).fit(&t).unwrap();
    let test = auto.details().calendar_test.unwrap();
    assert!(!test.significant && !test.applied, "{test:?}");
    assert!(auto.details().calendar_baseline.is_none());
    let off = model(CalendarChoice::Off).fit(&t).unwrap();
    assert_eq!(auto.coefficients(), off.coefficients());
    assert!(
        !auto
            .credit()
            .notes
            .iter()
            .any(|n| n.contains("calendar baseline")),
        "{:?}",
        auto.credit().notes
    );
}

/// The last period absorbs a remainder shorter than half a period and stands alone
/// otherwise; a period as long as the study or longer leaves one period.
#[test]
fn calendar_periods_split_the_study() {
    let period = |len: i64| design::Period {
        step: DAY,
        start: None,
        end: None,
        weekday: false,
        calendar: Some(len),
        time_of_day: false,
    };
    let c = design::Calendar::new(0, 89, period(14));
    assert_eq!((c.periods, c.period_of(83), c.period_of(84)), (6, 5, 5));
    let c = design::Calendar::new(0, 95, period(14));
    assert_eq!((c.periods, c.period_of(84), c.period_of(95)), (7, 6, 6));
    assert_eq!(design::Calendar::new(0, 9, period(14)).periods, 1);
    assert_eq!(design::Calendar::new(0, 9, period(10)).periods, 1);
    let mut weekly = period(7);
    weekly.weekday = true;
    let c = design::Calendar::new(0, 27, weekly);
    assert_eq!((c.periods, c.classes()), (4, 28));
    // Day 8 (1970-01-09, a Friday) is in the second week: class 7 + 4.
    assert_eq!(c.class(8), 11);
}

/// Parsing: `warn`, `auto`, `none`, days with or without `d`; 0 and words refused. The
/// period tested is 14 days, longer past 13 periods.
#[test]
fn calendar_settings_parse() {
    assert_eq!(parse_calendar_choice("warn").unwrap(), CalendarChoice::Warn);
    assert_eq!(calendar_period_days(90), 14);
    assert_eq!(calendar_period_days(182), 14);
    assert_eq!(calendar_period_days(365), 29);
    assert_eq!(parse_calendar_choice("auto").unwrap(), CalendarChoice::Auto);
    assert_eq!(parse_calendar_choice("none").unwrap(), CalendarChoice::Off);
    assert_eq!(parse_calendar_choice("7").unwrap(), CalendarChoice::Days(7));
    assert_eq!(
        parse_calendar_choice(" 14d ").unwrap(),
        CalendarChoice::Days(14)
    );
    assert!(parse_calendar_choice("0").is_err());
    assert!(parse_calendar_choice("weekly").is_err());
    let err = SelfControlledParams::default()
        .calendar_baseline(CalendarChoice::Days(0))
        .validate()
        .unwrap_err()
        .to_string();
    assert!(err.contains("0 days"), "{err}");
}
