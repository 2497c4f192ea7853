//! Lift tests: experiments' measurements of channels' incremental conversions, as the
//! self-controlled model's penalties and the calibration's anchors.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::models::Input;
use crate::param::Param;

/// An experiment's measured incremental conversions of one channel.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LiftTest {
    /// The channel tested.
    pub channel: String,
    /// Incremental conversions the experiment measured (over the data's period); with
    /// `relative`, the relative lift `L` instead.
    pub incremental_conversions: f64,
    /// Their standard error (of `L` with `relative`).
    pub se: f64,
    /// The measurement is a relative lift, turned into incremental conversions against
    /// the data by [`LiftTest::resolve`] before any model uses it.
    pub relative: bool,
}

impl LiftTest {
    /// An absolute measurement: `incremental ± se` conversions.
    pub fn absolute(channel: impl Into<String>, incremental: f64, se: f64) -> LiftTest {
        LiftTest {
            channel: channel.into(),
            incremental_conversions: incremental,
            se,
            relative: false,
        }
    }

    /// The absolute form of a relative lift `L ± s`, given the conversions `C` of the
    /// units exposed to the channel: incremental `C · L / (1 + L)` (the exposed
    /// conversions that would not have happened without it), standard error
    /// `C · s / (1 + L)²` (delta method). An absolute test is returned as it is.
    pub fn resolve(&self, exposed_conversions: f64) -> LiftTest {
        if !self.relative {
            return self.clone();
        }
        let l = self.incremental_conversions;
        LiftTest::absolute(
            self.channel.clone(),
            exposed_conversions * l / (1.0 + l),
            (exposed_conversions * self.se / ((1.0 + l) * (1.0 + l))).max(f64::MIN_POSITIVE),
        )
    }
}

/// Reads lift tests: `channel,incremental_conversions,se`, or `channel,lift,se` with a
/// relative lift (`0.12` for +12%) and its standard error (rows of one channel must not
/// repeat).
pub fn read_lift_tests(
    input: impl std::io::Read,
    name: &str,
    opts: &crate::csv_input::ReadOptions,
) -> Result<Vec<LiftTest>> {
    read_lift_tests_records(crate::csv_input::Records::csv(input), name, opts)
}

/// [`read_lift_tests`] from records of either kind (a CSV stream or a table).
pub fn read_lift_tests_records(
    input: crate::csv_input::Records<'_>,
    name: &str,
    opts: &crate::csv_input::ReadOptions,
) -> Result<Vec<LiftTest>> {
    use crate::csv_input::CsvSource;
    let mut src = CsvSource::open(input, name, &["channel", "incremental_conversions", "se"])?;
    let ch = src.required("channel", &opts.columns)?;
    let (inc, relative) = match (
        src.optional("incremental_conversions", &opts.columns)?,
        src.optional("lift", &opts.columns)?,
    ) {
        (Some(_), Some(_)) => {
            return Err(Error::param(
                Param::LiftTests,
                format!("{name}: has both `incremental_conversions` and `lift`; keep one"),
            ));
        }
        (Some(c), None) => (c, false),
        (None, Some(c)) => (c, true),
        (None, None) => (
            src.required("incremental_conversions", &opts.columns)?,
            false,
        ),
    };
    let se = src.required("se", &opts.columns)?;
    let mut tests: Vec<LiftTest> = Vec::new();
    let mut report = crate::csv_input::ReadReport::new(name);
    while let Some(row) = src.next_row()? {
        report.rows_read += 1;
        let channel = row.non_empty(ch, "a channel name")?.trim().to_string();
        let number = |col: usize, what: &str| -> Result<f64> {
            let text = row.str(col)?;
            text.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| row.error(col, format!("`{text}` is not a number; expected {what}")))
        };
        let incremental_conversions = number(
            inc,
            if relative {
                "a relative lift above -1"
            } else {
                "incremental conversions"
            },
        )?;
        if relative && incremental_conversions <= -1.0 {
            return Err(row.error(
                inc,
                format!("`{incremental_conversions}`: a relative lift must be above -1"),
            ));
        }
        let error = number(se, "a positive standard error")?;
        if error <= 0.0 {
            return Err(row.error(se, format!("`{error}`: expected a positive standard error")));
        }
        if tests.iter().any(|t| t.channel == channel) {
            return Err(row.error(
                ch,
                format!("`{channel}` is tested twice; combine its experiments into one row"),
            ));
        }
        tests.push(LiftTest {
            channel,
            incremental_conversions,
            se: error,
            relative,
        });
    }
    // A lift-tests file without a test is a mistake, not "no experiments".
    report.check_usable()?;
    tests.sort_by(|a, b| a.channel.cmp(&b.channel));
    Ok(tests)
}

/// Relative lift tests in conversions: the conversions of the units (or, without whole
/// logs, the converting journeys) exposed to the tested channel set the scale.
pub fn resolve_lift_tests(tests: &[LiftTest], input: &Input<'_>) -> Vec<LiftTest> {
    if tests.iter().all(|t| !t.relative) {
        return tests.to_vec();
    }
    let exposed = |channel: &str| -> f64 {
        if let Some(logs) = input.logs() {
            let Some(id) = logs.channels.id(channel) else {
                return 0.0;
            };
            return logs
                .units
                .iter()
                .filter(|u| u.touches.iter().any(|t| t.1 == id))
                .map(|u| u.conversions.len() as f64)
                .sum();
        }
        match input.journeys() {
            Some(j) => {
                let Some(id) = j.channels().id(channel) else {
                    return 0.0;
                };
                j.iter()
                    .filter(|x| x.info.converted && x.touches.iter().any(|t| t.channel == id))
                    .count() as f64
            }
            None => {
                let Input::Paths(p) = input else {
                    return 0.0;
                };
                let Some(id) = p.channels().id(channel) else {
                    return 0.0;
                };
                p.rows()
                    .filter(|r| r.path.contains(&id))
                    .map(|r| r.conversions)
                    .sum()
            }
        }
    };
    tests
        .iter()
        .map(|t| t.resolve(exposed(&t.channel)))
        .collect()
}
