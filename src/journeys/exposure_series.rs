//! Exposures per channel (and per campaign, when the events name campaigns) and day,
//! counted over every touch read (of people who convert and people who do not): what
//! spend buys, the first factor of a channel's response curve in a budget plan fitted
//! from the logs (spend → exposures → incremental conversions).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::journeys::events::EventLog;
use crate::time::{DAY, Millis};

/// Touches per channel and UTC day.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ExposureSeries {
    /// The first day counted, in days since 1970-01-01 (UTC).
    pub first_day: i64,
    /// Days counted from `first_day`.
    pub days: usize,
    /// Per channel, its touches on each day.
    pub by_channel: BTreeMap<String, Vec<u64>>,
    /// Per campaign, its touches on each day (touches without one under
    /// [`NOT_SET`](crate::journeys::NOT_SET)); empty when the events have no `campaign`
    /// column.
    #[serde(skip)]
    pub by_campaign: BTreeMap<String, Vec<u64>>,
    /// Each person's touches and conversions by day (for frequency effects); empty
    /// when the series was made by hand.
    #[serde(skip)]
    pub persons: crate::journeys::PersonDays,
}

impl ExposureSeries {
    /// Counts the touches of `log` per channel and day.
    pub(crate) fn count(log: &EventLog) -> ExposureSeries {
        let touches = || log.events.iter().filter(|e| e.kind.is_touch());
        let Some((first, last)) = touches().fold(None, |span: Option<(i64, i64)>, e| {
            let day = e.time.div_euclid(DAY);
            Some(span.map_or((day, day), |(a, b)| (a.min(day), b.max(day))))
        }) else {
            return ExposureSeries::default();
        };
        let days = (last - first + 1) as usize;
        let mut counts = vec![vec![0u64; days]; log.channels.len()];
        // Only when the events name campaigns (a dense count per campaign and day).
        let campaign_count = if log.has_campaign {
            log.campaigns.len()
        } else {
            0
        };
        let mut campaigns = vec![vec![0u64; days]; campaign_count];
        for e in touches() {
            let day = (e.time.div_euclid(DAY) - first) as usize;
            counts[e.channel as usize][day] += 1;
            if log.has_campaign {
                campaigns[e.campaign as usize][day] += 1;
            }
        }
        let by_channel = log
            .channels
            .names()
            .zip(counts)
            .filter(|(_, c)| c.iter().any(|&n| n > 0))
            .map(|(name, c)| (name.to_string(), c))
            .collect();
        // Campaign names as credit per campaign names them; two ids may share a name
        // (the empty one and `(not set)` itself), so their days add up.
        let mut by_campaign: BTreeMap<String, Vec<u64>> = BTreeMap::new();
        for (name, c) in log.campaigns.names().zip(campaigns) {
            if c.iter().all(|&n| n == 0) {
                continue;
            }
            let slot = by_campaign
                .entry(crate::journeys::journey::label_or_not_set(name).to_string())
                .or_insert_with(|| vec![0; days]);
            for (s, n) in slot.iter_mut().zip(c) {
                *s += n;
            }
        }
        ExposureSeries {
            first_day: first,
            days,
            by_channel,
            by_campaign,
            persons: crate::journeys::PersonDays::count(log),
        }
    }

    /// The daily counts keyed by `dimension`: `channel` or `campaign` (none for another).
    pub fn keyed(&self, dimension: &str) -> Option<&BTreeMap<String, Vec<u64>>> {
        match dimension {
            "channel" => Some(&self.by_channel),
            "campaign" => Some(&self.by_campaign),
            _ => None,
        }
    }

    /// Exposures of `channel` in each of `periods` periods of `step_days` days, the
    /// first starting on day `start_day` (days since the epoch); days outside the data
    /// count 0, a channel never seen gives zeros.
    pub fn per_period(
        &self,
        channel: &str,
        start_day: i64,
        step_days: i64,
        periods: usize,
    ) -> Vec<f64> {
        self.per_period_of("channel", channel, start_day, step_days, periods)
    }

    /// [`Self::per_period`] of the key `key` of `dimension` (`channel` or `campaign`).
    pub fn per_period_of(
        &self,
        dimension: &str,
        key: &str,
        start_day: i64,
        step_days: i64,
        periods: usize,
    ) -> Vec<f64> {
        let mut out = vec![0.0; periods];
        let Some(days) = self.keyed(dimension).and_then(|m| m.get(key)) else {
            return out;
        };
        for (k, slot) in out.iter_mut().enumerate() {
            let from = start_day + k as i64 * step_days;
            for day in from..from + step_days {
                let i = day - self.first_day;
                if (0..self.days as i64).contains(&i) {
                    *slot += days[i as usize] as f64;
                }
            }
        }
        out
    }

    /// The day (since the epoch) of a timestamp.
    pub fn day_of(time: Millis) -> i64 {
        time.div_euclid(DAY)
    }
}

#[cfg(test)]
mod tests {
    use crate::journeys::{JourneyParams, build_journeys};

    /// Hand-counted: touches of two people over three days (a conversion is not a
    /// touch); weekly periods sum the days, days outside the data count 0.
    #[test]
    fn touches_are_counted_per_channel_and_day_for_everybody() {
        let events = "user_id,timestamp,event,channel,value\n\
            a,2026-01-01T10:00:00Z,touch,email,\n\
            a,2026-01-01T11:00:00Z,touch,email,\n\
            b,2026-01-02T09:00:00Z,touch,search,\n\
            a,2026-01-03T08:00:00Z,touch,email,\n\
            a,2026-01-03T09:00:00Z,conversion,,10\n";
        let params = JourneyParams {
            keep_exposures: true,
            ..JourneyParams::default()
        };
        let built = build_journeys(&mut events.as_bytes(), "e.csv", None, &params).unwrap();
        let series = built.exposures.unwrap();
        let day0 = crate::time::parse_timestamp("2026-01-01T00:00:00Z").unwrap() / crate::time::DAY;
        assert_eq!(series.first_day, day0);
        assert_eq!(series.days, 3);
        assert_eq!(series.by_channel["email"], [2, 0, 1]);
        assert_eq!(series.by_channel["search"], [0, 1, 0]);
        assert_eq!(series.per_period("email", day0, 1, 4), [2.0, 0.0, 1.0, 0.0]);
        assert_eq!(series.per_period("email", day0 - 7, 7, 2), [0.0, 3.0]);
        assert_eq!(series.per_period("video", day0, 7, 1), [0.0]);
        // Not kept unless asked.
        let plain = build_journeys(
            &mut events.as_bytes(),
            "e.csv",
            None,
            &JourneyParams::default(),
        )
        .unwrap();
        assert!(plain.exposures.is_none());
        // Without a `campaign` column, no campaigns.
        assert!(series.by_campaign.is_empty());
    }

    /// Hand-counted per campaign: two campaigns of one channel kept apart, a touch
    /// without a campaign under `(not set)`, as credit per campaign names it.
    #[test]
    fn touches_are_counted_per_campaign_and_day() {
        let events = "user_id,timestamp,event,channel,campaign,value\n\
            a,2026-01-01T10:00:00Z,touch,email,spring,\n\
            b,2026-01-01T11:00:00Z,touch,email,autumn,\n\
            a,2026-01-02T09:00:00Z,touch,email,spring,\n\
            b,2026-01-03T08:00:00Z,touch,search,,\n\
            a,2026-01-03T09:00:00Z,conversion,,,10\n";
        let params = JourneyParams {
            keep_exposures: true,
            ..JourneyParams::default()
        };
        let built = build_journeys(&mut events.as_bytes(), "e.csv", None, &params).unwrap();
        let series = built.exposures.unwrap();
        assert_eq!(series.by_campaign["spring"], [1, 1, 0]);
        assert_eq!(series.by_campaign["autumn"], [1, 0, 0]);
        assert_eq!(series.by_campaign[crate::journeys::NOT_SET], [0, 0, 1]);
        assert_eq!(series.by_campaign.len(), 3);
        assert_eq!(series.by_channel["email"], [2, 1, 0]);
        let day0 = crate::time::parse_timestamp("2026-01-01T00:00:00Z").unwrap() / crate::time::DAY;
        assert_eq!(
            series.per_period_of("campaign", "spring", day0, 7, 1),
            [2.0]
        );
        assert_eq!(series.per_period_of("content", "spring", day0, 7, 1), [0.0]);
    }
}
