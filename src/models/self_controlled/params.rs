//! The self-controlled model's settings: builder, defaults and checks.

use crate::error::{Error, Result};
use crate::models::self_controlled::LiftTest;
use crate::param::Param;
use crate::time::{DAY, Millis};

/// The lag bins of the exposure effect.
#[derive(Clone, Debug, PartialEq)]
pub enum LagChoice {
    /// Bins out to `min(90 days, half the study span)`, pooled by a smoothness penalty
    /// chosen by held-out likelihood (the default; see [`super::lags`]).
    Auto,
    /// These bins, in steps (inclusive, non-negative, increasing).
    Bins(Vec<(i32, i32)>),
}

/// The pre-exposure bins (a hazard raised before exposures marks exposure that follows
/// intent).
#[derive(Clone, Debug, PartialEq)]
pub enum PreChoice {
    /// 1–3, 4–10 and 11–28 days before an exposure (those within half the study span).
    Auto,
    /// None.
    Off,
    /// These bins, in steps before the exposure (`(-3, -1)` is 1–3 steps before).
    Bins(Vec<(i32, i32)>),
}

/// The strength of the smoothness penalty over lag bins.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Smoothing {
    /// Chosen by 3-fold held-out likelihood over units (the default).
    Auto,
    /// This strength (0: no penalty).
    Fixed(f64),
}

/// A calendar baseline: a hazard common to every unit that changes from one calendar
/// period of the study to the next (season, promotions, holidays), so that exposure
/// concentrated in periods when everybody converts more is not read as its effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CalendarChoice {
    /// Tested in every fit (the default): a baseline per calendar period
    /// ([`calendar_period_days`]) is fitted beside the model without one; where a
    /// likelihood-ratio test rejects a constant baseline at [`CALENDAR_TEST_LEVEL`] and a
    /// channel's share of conversions falls by a fifth or more with it, a WARNING names
    /// the channel. The credit is the model's without the baseline.
    Warn,
    /// Tested as with `Warn`, and kept where the test rejects a constant baseline.
    Auto,
    /// No calendar baseline, no test.
    Off,
    /// A baseline per period of this many days, always.
    Days(u32),
}

/// The shortest calendar period of [`CalendarChoice::Auto`] and `Warn`, in days: two
/// weeks, so that a period holds both weekends and a study of 90 days has 6 periods.
pub const DEFAULT_CALENDAR_DAYS: u32 = 14;

/// The most calendar periods [`CalendarChoice::Auto`] and `Warn` test: a longer study
/// gets longer periods (each period multiplies the statistics a converting unit keeps).
pub const MAX_CALENDAR_PERIODS: u32 = 13;

/// The level at which [`CalendarChoice::Auto`] and `Warn` reject a constant baseline.
pub const CALENDAR_TEST_LEVEL: f64 = 0.01;

/// The calendar period tested for a study of `span_days` days: [`DEFAULT_CALENDAR_DAYS`],
/// or longer so that there are at most [`MAX_CALENDAR_PERIODS`] periods.
pub fn calendar_period_days(span_days: u32) -> u32 {
    DEFAULT_CALENDAR_DAYS.max(span_days.div_ceil(MAX_CALENDAR_PERIODS))
}

/// How much of its own step (day) a touch is exposure for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeOfDay {
    /// The share of the step's hazard after the touch, under the time-of-day profile of
    /// every conversion in the data (see the `within_step` module). Measured on the
    /// independent spend worlds (`benches/accuracy/ab.sh`): from 0.164 to 0.150 and 0.127
    /// to 0.102 where channels keep office or evening hours and purchases their own, but
    /// 0.091 to 0.105 on another; not yet the default.
    Conversions,
    /// The share of the step's clock time after the touch (a flat profile; the default).
    Clock,
}

impl crate::choice::Choice for TimeOfDay {
    const PARAM: Param = Param::HazardTimeOfDay;
    const ALL: &'static [Self] = &[TimeOfDay::Conversions, TimeOfDay::Clock];
    fn name(self) -> &'static str {
        match self {
            TimeOfDay::Conversions => "conversions",
            TimeOfDay::Clock => "clock",
        }
    }
}

crate::choice::choice_str!(TimeOfDay);

/// How pre-exposure hazard enters the credit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IntentAdjustment {
    /// Each post-exposure bin is credited only for its rise over the pre-exposure level
    /// at the mirrored lag, for every channel. Assumes the intent that exposure follows
    /// stays about as high after an exposure as it was before it.
    Adjusted,
    /// Adjusted for the channels whose pre-exposure hazard is raised beyond its interval
    /// with a material share of credit at risk (those the model warns about); whole for
    /// the others.
    Auto,
    /// Post-exposure bins are credited whole; the pre-exposure bins only warn.
    Raw,
}

/// Parameters of the self-controlled model.
#[derive(Clone, Debug, PartialEq)]
pub struct SelfControlledParams {
    pub(super) step: Millis,
    pub(super) lags: LagChoice,
    pub(super) pre: PreChoice,
    pub(super) smoothing: Smoothing,
    pub(super) adjustment: IntentAdjustment,
    pub(super) controls: Vec<String>,
    pub(super) ignore: Vec<String>,
    pub(super) study_start: Option<Millis>,
    pub(super) study_end: Option<Millis>,
    pub(super) weekday: bool,
    pub(super) calendar: CalendarChoice,
    pub(super) time_of_day: TimeOfDay,
    pub(super) lift_tests: Vec<LiftTest>,
    pub(super) seed: u64,
    pub(super) intervals: bool,
    pub(super) other_lookback: Option<Millis>,
    pub(super) max_iterations: usize,
    pub(super) tolerance: f64,
}

/// Channels left out by default besides the direct channels: visits people make
/// themselves are behaviour (they follow intent, and fall after a conversion), not
/// exposure; in the model, as exposures or as controls, they bias the paid channels
/// (measured: targeting TV 0.035 left out, 0.098 as exposures, 0.141 as controls).
pub const DEFAULT_IGNORED: [&str; 1] = ["organic_search"];

/// The controls value that makes every left-out channel a control
/// ([`SelfControlledParams::controls`]).
pub const AUTO_CONTROLS: &str = "auto";

/// The controls value that uses no control, whatever the data show.
pub const NO_CONTROLS: &str = "none";

/// The fixed lag bins of earlier versions, in days (`--hazard-lags` may name them).
pub const CLASSIC_LAGS: [(i32, i32); 7] =
    [(0, 0), (1, 2), (3, 5), (6, 9), (10, 14), (15, 20), (21, 29)];

impl Default for SelfControlledParams {
    /// One-day steps, lags and smoothing from the data, the default pre-exposure bins
    /// with the intent adjustment where they warn, intervals, no controls, no lift tests,
    /// seed 42.
    fn default() -> Self {
        Self {
            step: DAY,
            lags: LagChoice::Auto,
            pre: PreChoice::Auto,
            smoothing: Smoothing::Auto,
            adjustment: IntentAdjustment::Auto,
            controls: Vec::new(),
            ignore: Vec::new(),
            study_start: None,
            study_end: None,
            weekday: false,
            calendar: CalendarChoice::Warn,
            time_of_day: TimeOfDay::Clock,
            lift_tests: Vec::new(),
            seed: 42,
            intervals: true,
            other_lookback: None,
            max_iterations: 200,
            tolerance: 1e-9,
        }
    }
}

impl SelfControlledParams {
    /// Sets the step (default one day).
    pub fn step(mut self, step: Millis) -> Self {
        self.step = step;
        self
    }

    /// Sets the lag bins, in steps (inclusive ranges); the smoothing stays as set.
    pub fn lags(mut self, lags: Vec<(u32, u32)>) -> Self {
        self.lags = LagChoice::Bins(
            lags.into_iter()
                .map(|(lo, hi)| {
                    (
                        lo.min(i32::MAX as u32) as i32,
                        hi.min(i32::MAX as u32) as i32,
                    )
                })
                .collect(),
        );
        self
    }

    /// Sets how the lag bins are chosen.
    pub fn lag_choice(mut self, lags: LagChoice) -> Self {
        self.lags = lags;
        self
    }

    /// Sets the pre-exposure bins.
    pub fn pre_exposure(mut self, pre: PreChoice) -> Self {
        self.pre = pre;
        self
    }

    /// Sets the smoothness penalty's strength.
    pub fn smoothing(mut self, smoothing: Smoothing) -> Self {
        self.smoothing = smoothing;
        self
    }

    /// Sets how pre-exposure hazard enters the credit.
    pub fn intent_adjustment(mut self, adjustment: IntentAdjustment) -> Self {
        self.adjustment = adjustment;
        self
    }

    /// Channels used as time-varying controls (not credited). The single name
    /// [`AUTO_CONTROLS`] (`auto`) makes every left-out channel a control instead (the
    /// direct channels, organic search and any [`ignore`](Self::ignore)d one: the
    /// visits people make themselves, which mark being in market); [`NO_CONTROLS`]
    /// (`none`) uses none. Empty (the default): `auto` when exposure to some channel
    /// follows people's own visits (retargeting, [`crate::models::self_controlled`]'s
    /// exposure shifts), else none — the visits are controls exactly where a channel is
    /// shown because of them.
    pub fn controls(mut self, controls: Vec<String>) -> Self {
        self.controls = controls;
        self
    }

    /// Channels left out of the model (neither exposure nor control), e.g. direct.
    pub fn ignore(mut self, ignore: Vec<String>) -> Self {
        self.ignore = ignore;
        self
    }

    /// The study period (default: the start of the data to its end).
    pub fn study(mut self, start: Option<Millis>, end: Option<Millis>) -> Self {
        self.study_start = start;
        self.study_end = end;
        self
    }

    /// A day-of-week baseline `b_t` (default off): `λ_it = α_i · b_weekday(t) · (1 + …)`.
    pub fn weekday_baseline(mut self, yes: bool) -> Self {
        self.weekday = yes;
        self
    }

    /// A calendar baseline (default [`CalendarChoice::Warn`]: tested, warned about, not
    /// fitted): `λ_it = α_i · b_period(t) ·
    /// (1 + …)`, one `b` per calendar period of the study. With a day-of-week baseline
    /// the two multiply (`auto` then tests periods that hold whole weeks).
    pub fn calendar_baseline(mut self, calendar: CalendarChoice) -> Self {
        self.calendar = calendar;
        self
    }

    /// How a touch's exposure on its own step is measured (default [`TimeOfDay::Clock`]).
    pub fn time_of_day(mut self, how: TimeOfDay) -> Self {
        self.time_of_day = how;
        self
    }

    /// The calendar baseline setting.
    pub fn calendar(&self) -> CalendarChoice {
        self.calendar
    }

    /// Experiments that pull tested channels' credit towards their measurements.
    pub fn lift_tests(mut self, tests: Vec<LiftTest>) -> Self {
        self.lift_tests = tests;
        self
    }

    /// The seed of the cross-validation folds (default 42).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Intervals on the credit by the one-step person bootstrap (default on).
    pub fn intervals(mut self, yes: bool) -> Self {
        self.intervals = yes;
        self
    }

    /// The lookback window the path models of the same run use: the fit notes the
    /// channels whose credit lies beyond it materially.
    pub fn other_lookback(mut self, lookback: Option<Millis>) -> Self {
        self.other_lookback = lookback;
        self
    }

    /// How the lag bins are chosen.
    pub fn lag_bins(&self) -> &LagChoice {
        &self.lags
    }

    /// The control channels.
    pub fn control_channels(&self) -> &[String] {
        &self.controls
    }

    /// Whether every left-out channel is a control (`controls` is `["auto"]`).
    pub fn auto_controls(&self) -> bool {
        matches!(self.controls.as_slice(), [one] if one.trim() == AUTO_CONTROLS)
    }

    /// Whether no channel is a control, whatever the data show (`controls` is
    /// `["none"]`).
    pub fn no_controls(&self) -> bool {
        matches!(self.controls.as_slice(), [one] if one.trim() == NO_CONTROLS)
    }

    /// The channels left out.
    pub fn ignored_channels(&self) -> &[String] {
        &self.ignore
    }

    /// Checks the parameters.
    pub fn validate(&self) -> Result<()> {
        if self.step <= 0 {
            return Err(Error::param(
                Param::HazardStep,
                "must be a positive duration such as 1d",
            ));
        }
        if let LagChoice::Bins(lags) = &self.lags {
            check_bins(Param::HazardLags, lags, false)?;
        }
        if let PreChoice::Bins(pre) = &self.pre {
            check_bins(Param::HazardPre, pre, true)?;
        }
        if self.calendar == CalendarChoice::Days(0) {
            return Err(Error::param(
                Param::HazardCalendar,
                "0 days: expected warn, auto, none or a period of at least 1 day such as 14",
            ));
        }
        if let Smoothing::Fixed(v) = self.smoothing
            && !(v >= 0.0 && v.is_finite())
        {
            return Err(Error::param(
                Param::HazardSmoothing,
                format!("{v}: expected auto or a non-negative number"),
            ));
        }
        if let Some(c) = self.controls.iter().find(|c| c.trim().is_empty()) {
            return Err(Error::param(
                Param::HazardControls,
                format!("`{c}`: empty channel name"),
            ));
        }
        if self.controls.len() > 1 && self.controls.iter().any(|c| c.trim() == AUTO_CONTROLS) {
            return Err(Error::param(
                Param::HazardControls,
                "`auto` stands alone (every left-out channel as a control); name channels \
                 without it",
            ));
        }
        if self.controls.len() > 1 && self.controls.iter().any(|c| c.trim() == NO_CONTROLS) {
            return Err(Error::param(
                Param::HazardControls,
                "`none` stands alone (no control at all); name channels without it",
            ));
        }
        if let (Some(a), Some(b)) = (self.study_start, self.study_end)
            && a >= b
        {
            return Err(Error::param(
                Param::StudyEnd,
                "must be after the study start",
            ));
        }
        for t in &self.lift_tests {
            if t.relative && t.incremental_conversions <= -1.0 {
                return Err(Error::param(
                    Param::LiftTests,
                    format!("`{}`: a relative lift must be above -1", t.channel),
                ));
            }
            if !(t.se > 0.0 && t.se.is_finite() && t.incremental_conversions.is_finite()) {
                return Err(Error::param(
                    Param::LiftTests,
                    format!(
                        "`{}`: needs a finite estimate and a positive standard error",
                        t.channel
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// Bins must be non-empty, increasing, non-overlapping ranges, all before the exposure
/// (`pre`) or all from it on.
fn check_bins(param: Param, bins: &[(i32, i32)], pre: bool) -> Result<()> {
    if bins.is_empty() && !pre {
        return Err(Error::param(param, "needs at least one lag bin"));
    }
    let mut next = i32::MIN;
    for &(lo, hi) in bins {
        if lo > hi || lo < next || (pre && hi >= 0) || (!pre && lo < 0) {
            return Err(Error::param(
                param,
                "lag bins must be increasing, non-overlapping ranges such as 0,1-2,3-5",
            ));
        }
        next = hi.saturating_add(1);
    }
    Ok(())
}

impl crate::choice::Choice for IntentAdjustment {
    const PARAM: Param = Param::HazardAdjust;
    const ALL: &'static [Self] = &[
        IntentAdjustment::Raw,
        IntentAdjustment::Auto,
        IntentAdjustment::Adjusted,
    ];
    fn name(self) -> &'static str {
        match self {
            IntentAdjustment::Raw => "raw",
            IntentAdjustment::Auto => "auto",
            IntentAdjustment::Adjusted => "adjusted",
        }
    }
}

crate::choice::choice_str!(IntentAdjustment);

/// Parses `auto` or lag bins written as `0,1-2,3-5` (steps, inclusive ranges).
pub fn parse_lag_choice(text: &str) -> Result<LagChoice> {
    if text.trim() == "auto" {
        return Ok(LagChoice::Auto);
    }
    let bins = parse_lag_bins(text)?;
    let bins: Vec<(i32, i32)> = bins
        .into_iter()
        .map(|(lo, hi)| (lo.min(100_000) as i32, hi.min(100_000) as i32))
        .collect();
    check_bins(Param::HazardLags, &bins, false)?;
    Ok(LagChoice::Bins(bins))
}

/// Parses `auto`, `none`, or pre-exposure bins written as steps *before* the exposure,
/// `1-3,4-10` (stored as `(-3,-1), (-10,-4)`, nearest last).
pub fn parse_pre_choice(text: &str) -> Result<PreChoice> {
    match text.trim() {
        "auto" => return Ok(PreChoice::Auto),
        "none" => return Ok(PreChoice::Off),
        _ => {}
    }
    let bins = parse_lag_bins(text).map_err(|_| {
        Error::param(
            Param::HazardPre,
            format!("`{text}`: expected auto, none, or steps before the exposure such as 1-3,4-10"),
        )
    })?;
    let mut pre: Vec<(i32, i32)> = bins
        .into_iter()
        .map(|(lo, hi)| (-(hi.min(100_000) as i32), -(lo.min(100_000) as i32)))
        .collect();
    pre.sort_unstable();
    if pre.iter().any(|&(_, hi)| hi >= 0) {
        return Err(Error::param(
            Param::HazardPre,
            format!("`{text}`: pre-exposure bins start 1 step before the exposure or earlier"),
        ));
    }
    check_bins(Param::HazardPre, &pre, true)?;
    Ok(PreChoice::Bins(pre))
}

/// Parses `warn`, `auto`, `none`, or a calendar period in days (`14`, or `14d`).
pub fn parse_calendar_choice(text: &str) -> Result<CalendarChoice> {
    match text.trim() {
        "warn" => return Ok(CalendarChoice::Warn),
        "auto" => return Ok(CalendarChoice::Auto),
        "none" => return Ok(CalendarChoice::Off),
        _ => {}
    }
    let digits = text.trim().strip_suffix('d').unwrap_or(text.trim());
    match digits.parse::<u32>() {
        Ok(days) if days >= 1 => Ok(CalendarChoice::Days(days)),
        _ => Err(Error::param(
            Param::HazardCalendar,
            format!("`{text}`: expected warn, auto, none or a period in days such as 14"),
        )),
    }
}

/// Parses `auto` or a non-negative strength.
pub fn parse_smoothing(text: &str) -> Result<Smoothing> {
    if text.trim() == "auto" {
        return Ok(Smoothing::Auto);
    }
    match text.trim().parse::<f64>() {
        Ok(v) if v >= 0.0 && v.is_finite() => Ok(Smoothing::Fixed(v)),
        _ => Err(Error::param(
            Param::HazardSmoothing,
            format!("`{text}`: expected auto or a non-negative number"),
        )),
    }
}

/// Parses lag bins written as `0,1-2,3-5` (steps, inclusive ranges).
pub fn parse_lag_bins(text: &str) -> Result<Vec<(u32, u32)>> {
    let bad = || {
        Error::param(
            Param::HazardLags,
            format!("`{text}`: expected comma-separated steps or ranges such as 0,1-2,3-5"),
        )
    };
    text.split(',')
        .map(|part| {
            let part = part.trim();
            let (lo, hi) = part.split_once('-').unwrap_or((part, part));
            let lo: u32 = lo.trim().parse().map_err(|_| bad())?;
            let hi: u32 = hi.trim().parse().map_err(|_| bad())?;
            Ok((lo, hi))
        })
        .collect()
}
