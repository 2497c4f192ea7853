//! The conversion reporting window: which journeys a report covers, by when they end.
//!
//! Snowplow's dbt attribution package reports the conversions of a window: between an
//! explicit `conversion_window_start_date` (inclusive) and `conversion_window_end_date`
//! (exclusive) when both are set, else the last `conversion_window_days` days (default
//! 30) counted back from the latest processed conversion (`cv_tstamp ≥ latest − days`).
//! Source: Snowplow, dbt-snowplow-attribution, `dbt_project.yml` variables and the
//! `attribution_overview` macro.
//!
//! Here a journey ends at its conversion, or, when it did not convert, at its last
//! touch; the window keeps the journeys that end inside it, so the non-converting
//! journeys that path models (Markov, fractribution) compare against come from the
//! same period. It needs journeys with times; a path summary has none.

use crate::error::{Error, Result};
use crate::journeys::{Journey, Journeys};
use crate::param::Param;
use crate::time::{DAY, Millis, format_timestamp, parse_days, parse_timestamp};

/// The window of journey ends a report covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConversionWindow {
    /// Journeys ending at or after `start` and before `end`.
    Dates {
        /// Inclusive start.
        start: Millis,
        /// Exclusive end.
        end: Millis,
    },
    /// Journeys ending no earlier than this long before the latest conversion.
    LastDays(Millis),
}

const EXPECTED: &str = "expected START..END (timestamps or dates, END exclusive, e.g. \
                        2026-01-01..2026-02-01) or a number of days back from the latest \
                        conversion (e.g. 30)";

impl ConversionWindow {
    /// Parses `START..END` or a number of days.
    pub fn parse(text: &str) -> Result<Self> {
        let bad = |why: String| Error::param(Param::ConversionWindow, why);
        if let Some((a, b)) = text.split_once("..") {
            let at = |s: &str| {
                parse_timestamp(s)
                    .ok_or_else(|| bad(format!("`{}` is not a timestamp; {EXPECTED}", s.trim())))
            };
            let window = ConversionWindow::Dates {
                start: at(a)?,
                end: at(b)?,
            };
            window.validate()?;
            return Ok(window);
        }
        match parse_days(text) {
            Some(Some(days)) => {
                let window = ConversionWindow::LastDays(days);
                window.validate()?;
                Ok(window)
            }
            _ => Err(bad(format!(
                "`{}` is not a window; {EXPECTED}",
                text.trim()
            ))),
        }
    }

    /// Checks that the window is not empty.
    pub fn validate(&self) -> Result<()> {
        match *self {
            ConversionWindow::Dates { start, end } if end <= start => Err(Error::param(
                Param::ConversionWindow,
                format!(
                    "ends ({}) at or before it starts ({}); {EXPECTED}",
                    format_timestamp(end),
                    format_timestamp(start)
                ),
            )),
            ConversionWindow::LastDays(d) if d <= 0 => Err(Error::param(
                Param::ConversionWindow,
                format!("must be a positive number of days; {EXPECTED}"),
            )),
            _ => Ok(()),
        }
    }

    /// The journeys ending inside the window, and a note saying what was kept.
    pub fn apply(&self, journeys: &Journeys) -> Result<(Journeys, String)> {
        let mut ends = Vec::with_capacity(journeys.len());
        for j in journeys.iter() {
            ends.push(end_of(&j)?);
        }
        let (start, end) = match *self {
            ConversionWindow::Dates { start, end } => (start, end),
            ConversionWindow::LastDays(days) => {
                let latest = journeys
                    .iter()
                    .zip(&ends)
                    .filter(|(j, _)| j.info.converted)
                    .filter_map(|(_, e)| *e)
                    .max();
                match latest {
                    Some(l) => (l - days, Millis::MAX),
                    None => (Millis::MAX, Millis::MAX),
                }
            }
        };
        let mut i = 0;
        let kept = journeys.filter(|_| {
            let keep = ends[i].is_some_and(|e| e >= start && e < end);
            i += 1;
            keep
        });
        let span = match *self {
            ConversionWindow::Dates { .. } => {
                format!("[{}, {})", format_timestamp(start), format_timestamp(end))
            }
            ConversionWindow::LastDays(d) => format!(
                "the last {} days before the latest conversion",
                d as f64 / DAY as f64
            ),
        };
        let note = format!(
            "conversion window {span}: {} of {} journeys ({} of {} conversions) kept",
            kept.len(),
            journeys.len(),
            kept.total_conversions(),
            journeys.total_conversions()
        );
        Ok((kept, note))
    }
}

/// When a journey ends: its conversion time, or its last touch when it did not convert
/// (`None` for a non-converting journey without touches).
fn end_of(j: &Journey<'_>) -> Result<Option<Millis>> {
    if j.info.converted {
        return j.info.conversion_time.map(Some).ok_or_else(|| {
            Error::param(
                Param::ConversionWindow,
                format!(
                    "journey `{}` has no conversion time; the window needs the conversion_time column",
                    j.info.id
                ),
            )
        });
    }
    Ok(j.touches.iter().map(|t| t.time).max())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journeys::{JourneyInfo, Touch};

    fn journeys() -> Journeys {
        // Conversions on days 10 ($10), 40 ($40), 50 ($50); a null ending day 45, one day 5.
        let mut b = Journeys::builder();
        let rows = [
            (10, true, 10.0),
            (40, true, 40.0),
            (50, true, 50.0),
            (45, false, 0.0),
            (5, false, 0.0),
        ];
        for (i, (day, converted, value)) in rows.into_iter().enumerate() {
            let t = Touch {
                time: day * DAY - DAY,
                channel: b.channels_mut().intern(if i % 2 == 0 { "a" } else { "b" }),
                campaign: 0,
                content: 0,
                milestone: None,
            };
            b.push(
                JourneyInfo {
                    id: format!("j{i}"),
                    user_id: format!("u{i}"),
                    converted,
                    value,
                    conversion_time: converted.then_some(day * DAY),
                },
                &[t],
            );
        }
        b.finish()
    }

    #[test]
    fn last_days_counts_back_from_the_latest_conversion() {
        // Snowplow: cv_tstamp >= latest − 30 days = day 20: the conversions of days 40
        // and 50 ($90) and the null ending day 44 (its last touch).
        let (kept, note) = ConversionWindow::parse("30")
            .unwrap()
            .apply(&journeys())
            .unwrap();
        assert_eq!(kept.len(), 3);
        assert_eq!(kept.total_conversions(), 2.0);
        assert_eq!(kept.total_value(), 90.0);
        assert!(note.contains("3 of 5 journeys"), "{note}");
    }

    #[test]
    fn dates_are_start_inclusive_end_exclusive() {
        // [day 10, day 40): the conversion of day 10 only (day 40 is the end), and the
        // null whose last touch is day 4 is before the start.
        let start = format_timestamp(10 * DAY);
        let end = format_timestamp(40 * DAY);
        let w = ConversionWindow::parse(&format!("{start}..{end}")).unwrap();
        let (kept, _) = w.apply(&journeys()).unwrap();
        assert_eq!(kept.len(), 1);
        assert_eq!(kept.total_value(), 10.0);
    }

    #[test]
    fn bad_windows_are_refused_at_the_parameter() {
        for text in ["2026-02-01..2026-01-01", "0", "soon", "2026-01-01..later"] {
            let err = ConversionWindow::parse(text).unwrap_err().to_string();
            assert!(err.contains("conversion_window"), "{text}: {err}");
        }
        assert!(ConversionWindow::parse("2026-01-01..2026-02-01").is_ok());
    }
}
