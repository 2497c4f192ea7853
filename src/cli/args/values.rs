//! Value parsers for flags whose values are not plain numbers or choices: durations,
//! days, timestamps and weights, parsed by the library's own functions; and whole
//! numbers, whose parser says that a negative one is negative.

use pathcredit::journeys::ConversionWindow;
use pathcredit::models::PositionWeights;
use pathcredit::models::self_controlled::{
    CalendarChoice, LagChoice, PreChoice, Smoothing, parse_calendar_choice, parse_lag_choice,
    parse_pre_choice, parse_smoothing,
};
use pathcredit::param::Param;
use pathcredit::time::{
    DAYS_EXPECTED, DURATION_EXPECTED, Millis, TIMESTAMP_EXPECTED, parse_days, parse_duration,
    parse_timestamp,
};

/// True when `text` is a negative number (`-1`, `-0.5`, `-7d`).
fn is_negative(text: &str) -> bool {
    text.trim()
        .strip_prefix('-')
        .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit() || c == '.'))
}

/// A whole number of 0 or more (a count, a seed).
pub fn whole<T: std::str::FromStr>(text: &str) -> Result<T, String> {
    if is_negative(text) {
        return Err("must not be negative; expected a whole number of 0 or more".to_string());
    }
    text.trim()
        .parse()
        .map_err(|_| "expected a whole number of 0 or more".to_string())
}

/// A duration such as `30m` or `7d`.
pub fn duration(text: &str) -> Result<Millis, String> {
    if is_negative(text) {
        return Err(format!(
            "must not be negative; expected {DURATION_EXPECTED}"
        ));
    }
    parse_duration(text).ok_or_else(|| format!("expected {DURATION_EXPECTED}"))
}

/// A limit in days, or `none`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DaysLimit(pub Option<Millis>);

/// A number of days or `none`.
pub fn days(text: &str) -> Result<DaysLimit, String> {
    parse_days(text)
        .map(DaysLimit)
        .ok_or_else(|| format!("expected {DAYS_EXPECTED}"))
}

/// A timestamp.
pub fn timestamp(text: &str) -> Result<Millis, String> {
    parse_timestamp(text).ok_or_else(|| format!("expected {TIMESTAMP_EXPECTED}"))
}

/// A library error as a value parser's message: an invalid parameter's message alone,
/// as clap names the flag before it (`invalid value 'x' for '--hazard-lags <BINS>'`).
fn message(err: pathcredit::Error) -> String {
    match err {
        pathcredit::Error::InvalidParameter { message, .. } => message,
        other => other.to_string(),
    }
}

/// A size such as `512M` or `8G`.
pub fn size(text: &str) -> Result<u64, String> {
    pathcredit::memory::parse_size(text).map_err(message)
}

/// First, middle and last weights of `param`.
pub fn weights(
    param: Param,
) -> impl Fn(&str) -> Result<PositionWeights, String> + Clone + Send + Sync + 'static {
    move |text| PositionWeights::parse(text, param).map_err(message)
}

/// Lag bins of the self_controlled model.
pub fn lag_choice(text: &str) -> Result<LagChoice, String> {
    parse_lag_choice(text).map_err(message)
}

/// Pre-exposure bins of the self_controlled model.
pub fn pre_choice(text: &str) -> Result<PreChoice, String> {
    parse_pre_choice(text).map_err(message)
}

/// The calendar baseline of the self_controlled model.
pub fn calendar_choice(text: &str) -> Result<CalendarChoice, String> {
    parse_calendar_choice(text).map_err(message)
}

/// The smoothness penalty of the self_controlled model.
pub fn smoothing(text: &str) -> Result<Smoothing, String> {
    parse_smoothing(text).map_err(message)
}

/// A conversion window: `START..END` or a number of days.
pub fn conversion_window(text: &str) -> Result<ConversionWindow, String> {
    ConversionWindow::parse(text).map_err(|e| match e {
        pathcredit::Error::InvalidParameter { message, .. } => message,
        e => e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 31, item 18: a negative value is refused as negative, with what is
    /// expected; anything else that is not a number says what is expected.
    #[test]
    fn negative_values_are_named_negative() {
        assert_eq!(whole::<usize>("12"), Ok(12));
        assert_eq!(whole::<u64>(" 3 "), Ok(3));
        let negative = "must not be negative; expected a whole number of 0 or more";
        assert_eq!(whole::<usize>("-1"), Err(negative.into()));
        assert_eq!(whole::<u32>("-0.5"), Err(negative.into()));
        assert_eq!(
            whole::<usize>("1.5"),
            Err("expected a whole number of 0 or more".into())
        );
        assert_eq!(
            whole::<usize>("-x"),
            Err("expected a whole number of 0 or more".into())
        );
        assert_eq!(
            duration("-7d"),
            Err(format!(
                "must not be negative; expected {DURATION_EXPECTED}"
            ))
        );
        assert_eq!(duration("7d"), Ok(7 * 86_400_000));
    }

    /// Value parsers give the library's message alone: clap names the flag before it.
    #[test]
    fn library_messages_lose_the_parameter_name() {
        let err = weights(Param::PositionWeights)("1,2").unwrap_err();
        assert!(!err.starts_with("invalid"), "{err}");
        assert!(size("-1G").is_err());
    }
}
