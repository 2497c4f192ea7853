//! The calendar baseline: is the hazard of every unit higher in some calendar periods?
//!
//! Conditioning on each unit's conversions removes what is constant within a unit, not
//! what changes over the calendar for everybody at once: a season, a sale, a holiday.
//! When exposure is bunched in those periods (campaigns flighted into the peak, spend
//! raised when demand is high), a model without a calendar term reads the season as the
//! exposure's effect. The self-controlled case series handles this by a baseline per
//! age or calendar period that multiplies every unit's hazard (Whitaker, Farrington,
//! Spiessens & Musonda 2006, *Stat Med* 25, "Tutorial in biostatistics: the
//! self-controlled case series method", §4: age and season effects), here
//! `λ_it = α_i · b_k(t) · (1 + Σ β x)`, `k(t)` the calendar period of step `t`, one
//! `b_k` per period (the first 1).
//!
//! By default ([`CalendarChoice::Warn`]) the baseline is tested rather than assumed:
//! the model without pre-exposure bins is fitted with a baseline per calendar period
//! ([`calendar_period_days`]: 14 days, longer in studies of more than 13 such periods)
//! at the smoothing the model without one chose, and a likelihood-ratio test (χ² with
//! `periods − 1` degrees of freedom; with a day-of-week baseline, `(periods − 1) · 7`)
//! compares the two. The statistic is the difference of the unpenalised conditional
//! log-likelihoods at the two penalised fits, so the χ² reference is approximate. Where
//! it rejects a constant baseline at [`CALENDAR_TEST_LEVEL`] and a channel's share of
//! conversions falls by a fifth or more (and by at least 0.01) once the baseline is
//! fitted, a WARNING names the channel: its exposure is bunched in the periods when
//! everybody converts more. `Warn` keeps the credit of the fit without the baseline
//! (the adjusted fit has not yet been measured on the accuracy benches as a default);
//! [`CalendarChoice::Auto`] fits the baseline wherever the test rejects, and says so.

use serde::Serialize;
use statrs::distribution::{ChiSquared, ContinuousCDF};

use crate::models::self_controlled::FittedSelfControlled;
#[cfg(doc)]
use crate::models::self_controlled::params::calendar_period_days;
use crate::models::self_controlled::params::{CALENDAR_TEST_LEVEL, CalendarChoice};

/// The likelihood-ratio test of a calendar baseline ([`CalendarChoice::Auto`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CalendarTest {
    /// Days per calendar period tested.
    pub period_days: u32,
    /// Calendar periods of the study.
    pub periods: usize,
    /// `2 (ℓ_calendar − ℓ_constant)`.
    pub statistic: f64,
    /// Degrees of freedom: the baseline's extra parameters.
    pub df: usize,
    /// `P(χ²_df ≥ statistic)`.
    pub p_value: f64,
    /// Whether the test rejects a constant baseline (`p_value < CALENDAR_TEST_LEVEL`).
    pub significant: bool,
    /// Whether the fit keeps the baseline (`auto` and significant).
    pub applied: bool,
    /// Per exposure channel, its share of the conversions without and with the
    /// baseline (the fits without pre-exposure bins).
    pub shares: Vec<CalendarShift>,
}

/// One channel's credit without and with the calendar baseline.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CalendarShift {
    /// The channel.
    pub channel: String,
    /// Its share of every conversion without a calendar baseline.
    pub without: f64,
    /// With it.
    pub with: f64,
}

/// One calendar period's baseline, relative to the first.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CalendarLevel {
    /// The period's first day (`YYYY-MM-DD`, UTC).
    pub start: String,
    /// Its baseline relative to the first period's (the mean over weekdays with a
    /// day-of-week baseline).
    pub ratio: f64,
}

/// The test of `with` (a fit with the calendar baseline) against `without` (the same
/// fit without it).
pub fn test(
    without: &FittedSelfControlled,
    with: &FittedSelfControlled,
    period_days: u32,
) -> CalendarTest {
    let df = with.design.classes.saturating_sub(without.design.classes);
    let statistic =
        (2.0 * (with.solution.log_likelihood - without.solution.log_likelihood)).max(0.0);
    let p_value = if df == 0 {
        1.0
    } else {
        1.0 - ChiSquared::new(df as f64).expect("df > 0").cdf(statistic)
    };
    let total = |f: &FittedSelfControlled| f.design.conversions().max(1) as f64;
    let (a, ..) = without.shares();
    let (b, ..) = with.shares();
    let shares = without
        .roles
        .exposures
        .iter()
        .enumerate()
        .map(|(i, (_, name))| CalendarShift {
            channel: name.clone(),
            without: a[i] / total(without),
            with: b[i] / total(with),
        })
        .collect();
    CalendarTest {
        period_days,
        periods: with.design.calendar.periods,
        statistic,
        df,
        p_value,
        significant: df > 0 && p_value < CALENDAR_TEST_LEVEL,
        applied: false,
        shares,
    }
}

impl CalendarTest {
    /// The channels whose share of conversions falls by a fifth or more, and by at
    /// least 0.01, with the baseline: largest fall first.
    pub fn lent(&self) -> Vec<&CalendarShift> {
        let mut moved: Vec<&CalendarShift> = self
            .shares
            .iter()
            .filter(|s| s.without - s.with >= 0.01 && s.with < 0.8 * s.without)
            .collect();
        moved.sort_by(|a, b| (b.without - b.with).total_cmp(&(a.without - a.with)));
        moved
    }

    fn lent_list(&self) -> String {
        self.lent()
            .iter()
            .take(4)
            .map(|s| format!("`{}` (share {:.3} → {:.3})", s.channel, s.without, s.with))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn described(&self, levels: &[CalendarLevel]) -> String {
        let (lo, hi) = levels.iter().fold((f64::INFINITY, 0.0_f64), |(lo, hi), l| {
            (lo.min(l.ratio), hi.max(l.ratio))
        });
        format!(
            "conversions of everybody vary by {}-day period (likelihood-ratio χ² {:.1} on {} \
             df, p = {:.1e}; the baseline ranges {lo:.2}–{hi:.2} times the first period's)",
            self.period_days, self.statistic, self.df, self.p_value
        )
    }
}

/// The WARNING of `Warn` where the test rejects and the season lends some channel
/// credit (none otherwise). `levels` are the tested fit's.
pub fn warning(test: &CalendarTest, levels: &[CalendarLevel]) -> Option<String> {
    if !test.significant || test.lent().is_empty() {
        return None;
    }
    Some(format!(
        "WARNING: {}; exposure to {} is bunched in the periods when everybody converts more, \
         and with a baseline per period its share falls: this credit may be the season's \
         rather than the channel's (`hazard_calendar`: `auto` fits the baseline)",
        test.described(levels),
        test.lent_list()
    ))
}

/// The note of a kept baseline: the test, the range of the baseline, and the channels
/// whose share of conversions fell most once the season was accounted for.
pub fn note(test: &CalendarTest, levels: &[CalendarLevel]) -> String {
    let lent = if test.lent().is_empty() {
        "no channel's share of conversions fell by a fifth or more with it".to_string()
    } else {
        format!(
            "without it the season would have lent credit to {}",
            test.lent_list()
        )
    };
    format!(
        "calendar baseline chosen from the data: {}, so a baseline per period is part of \
         this fit; {lent} (`hazard_calendar`: `none` leaves it out)",
        test.described(levels)
    )
}

/// Each calendar period's baseline relative to the first (none without a calendar
/// baseline).
pub fn levels(fitted: &FittedSelfControlled) -> Option<Vec<CalendarLevel>> {
    let calendar = fitted.design.calendar;
    if calendar.periods < 2 {
        return None;
    }
    let w = calendar.weekdays();
    let b = &fitted.solution.log_baseline;
    // With weekdays, a period's level is the mean of its weekday levels over the first
    // period's mean.
    let mean = |k: usize| (0..w).map(|d| b[k * w + d].exp()).sum::<f64>() / w as f64;
    let first = mean(0);
    Some(
        (0..calendar.periods)
            .map(|k| CalendarLevel {
                start: crate::time::format_date(calendar.period_start(k) * calendar.step),
                ratio: mean(k) / first,
            })
            .collect(),
    )
}

/// The calendar period length in steps of `choice`, for a step of `step` ms (none for
/// `Off`, and for `Auto` and `Warn`, which the fit resolves first).
pub fn period_steps(choice: CalendarChoice, step: crate::time::Millis) -> Option<i64> {
    match choice {
        CalendarChoice::Days(days) => {
            Some((i64::from(days) * crate::time::DAY / step.max(1)).max(1))
        }
        CalendarChoice::Auto | CalendarChoice::Warn | CalendarChoice::Off => None,
    }
}
