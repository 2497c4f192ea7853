//! Value parsers for flags whose values are not plain numbers or choices: durations,
//! days, timestamps and weights, parsed by the library's own functions.

use pathcredit::models::PositionWeights;
use pathcredit::param::Param;
use pathcredit::time::{
    DAYS_EXPECTED, DURATION_EXPECTED, Millis, TIMESTAMP_EXPECTED, parse_days, parse_duration,
    parse_timestamp,
};

/// A duration such as `30m` or `7d`.
pub fn duration(text: &str) -> Result<Millis, String> {
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

/// A size such as `512M` or `8G`.
pub fn size(text: &str) -> Result<u64, pathcredit::Error> {
    pathcredit::memory::parse_size(text)
}

/// First, middle and last weights of `param`.
pub fn weights(
    param: Param,
) -> impl Fn(&str) -> Result<PositionWeights, pathcredit::Error> + Clone + Send + Sync + 'static {
    move |text| PositionWeights::parse(text, param)
}
