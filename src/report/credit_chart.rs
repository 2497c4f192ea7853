//! The HTML report's credit chart: attributed conversions of the summary's chart
//! models per channel, channels in the summary's order (the recommended model's credit,
//! largest first).
//!
//! A chart of thousands of bars says nothing a table does not, and its SVG grows with
//! every bar, so the chart draws the first [`CHART_CHANNELS`] channels and sums the rest
//! into one last bar; [`CreditChart::caption`] says so on the page. The tables (and the
//! files of `--out-dir`) keep every channel.

use std::collections::HashMap;

use crate::decide::CompareRow;
use crate::report::document::Document;
use crate::report::numbers::count;
use crate::report::svg::{self, Series};

/// How many channels the credit chart draws before it sums the rest into one bar.
pub const CHART_CHANNELS: usize = 40;

/// The chart, and how many channels it drew and summed.
#[derive(Clone, Debug, PartialEq)]
pub struct CreditChart {
    /// The inline SVG.
    pub svg: String,
    /// Channels drawn with a bar of their own.
    pub shown: usize,
    /// Channels summed into the last bar (0 when every channel has its own).
    pub summed: usize,
}

impl CreditChart {
    /// The figure's caption: what is drawn, and when channels were summed, how many and
    /// where to find them; `sorted_by` is the model whose credit orders the channels.
    pub fn caption(&self, sorted_by: Option<&str>) -> String {
        if self.summed == 0 {
            return "Attributed conversions by channel".to_string();
        }
        format!(
            "Attributed conversions by channel: the {} channels with the most {}credit; \
             the other {} are summed in the last bar (every channel is in the tables below and in \
             the files of --out-dir)",
            count(self.shown as f64),
            sorted_by.map_or_else(String::new, |m| format!("{m} ")),
            count(self.summed as f64)
        )
    }
}

/// The label of the bar that sums the channels not drawn.
fn others_label(summed: usize) -> String {
    format!(
        "({} other channel{})",
        count(summed as f64),
        if summed == 1 { "" } else { "s" }
    )
}

/// Draws the chart of a document, at most `limit` channels (a last bar sums the rest).
/// Linear in channels: each channel's row is found in a map built once.
pub fn credit_chart(doc: &Document, limit: usize) -> CreditChart {
    let models = &doc.summary.chart_models;
    let by_channel: HashMap<&str, &CompareRow> = doc
        .comparison
        .rows
        .iter()
        .map(|r| (r.channel.as_str(), r))
        .collect();
    let channels: Vec<&str> = doc
        .summary
        .rows
        .iter()
        .map(|r| r.channel.as_str())
        .collect();
    // Summing a single channel into a bar of its own would hide its name for nothing.
    let shown = if channels.len() > limit + 1 {
        limit
    } else {
        channels.len()
    };
    let (drawn, rest) = channels.split_at(shown);
    let mut categories: Vec<String> = drawn.iter().map(|c| c.to_string()).collect();
    if !rest.is_empty() {
        categories.push(others_label(rest.len()));
    }
    let series: Vec<Series<'_>> = models
        .iter()
        .map(|m| {
            let cell = |ch: &str| by_channel.get(ch).and_then(|r| r.models.get(m));
            let mut values: Vec<f64> = drawn
                .iter()
                .map(|ch| cell(ch).map_or(0.0, |x| x.conversions))
                .collect();
            // Intervals when every drawn channel has one; the sum of the rest has none
            // (an interval of a sum is not the sum of intervals).
            let errors = drawn
                .iter()
                .map(|ch| {
                    let x = cell(ch)?;
                    Some((x.conversions_lo?, x.conversions_hi?))
                })
                .collect::<Option<Vec<_>>>()
                .map(|e| {
                    let mut e: Vec<Option<(f64, f64)>> = e.into_iter().map(Some).collect();
                    if !rest.is_empty() {
                        e.push(None);
                    }
                    e
                });
            if !rest.is_empty() {
                values.push(
                    rest.iter()
                        .map(|ch| cell(ch).map_or(0.0, |x| x.conversions))
                        .sum(),
                );
            }
            Series {
                name: m,
                values,
                errors,
            }
        })
        .collect();
    let warned: Vec<bool> = models
        .iter()
        .map(|m| doc.summary.warnings.contains_key(m))
        .collect();
    CreditChart {
        svg: svg::horizontal_bars(
            "Attributed conversions by channel",
            &categories,
            &series,
            &warned,
            false,
        ),
        shown,
        summed: rest.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credit::{ChannelCredit, Credit};
    use crate::decide::PathFacts;
    use crate::journeys::PathTable;

    /// A document of `n` channels `c000`…, channel `i` credited `n - i` conversions by
    /// last touch.
    fn document(n: usize) -> Document {
        let channels: Vec<ChannelCredit> = (0..n)
            .map(|i| ChannelCredit {
                channel: format!("c{i:03}"),
                conversions: (n - i) as f64,
                value: 0.0,
                share: 0.0,
                conversions_lo: None,
                conversions_hi: None,
                weighted_conversions: None,
            })
            .collect();
        let credit = Credit {
            model: "last_touch".into(),
            dimension: "channel".into(),
            additive: true,
            total_conversions: channels.iter().map(|c| c.conversions).sum(),
            total_value: 0.0,
            channels,
            notes: vec![],
        };
        let mut b = PathTable::builder();
        b.push(&["c000"], 1.0, 0.0, 0.0);
        let facts = PathFacts::new(&b.finish(), None);
        Document::new(
            "channel",
            vec![],
            None,
            vec![credit],
            facts,
            None,
            None,
            None,
        )
    }

    #[test]
    fn many_channels_draw_the_first_and_sum_the_rest_in_one_bar() {
        let chart = credit_chart(&document(50), 10);
        assert_eq!((chart.shown, chart.summed), (10, 40));
        assert!(chart.svg.contains(">c009<") && !chart.svg.contains(">c010<"));
        // Channels 10..50 have 40 + 39 + … + 1 = 820 conversions.
        assert!(
            chart.svg.contains("(40 other channels): 820.0"),
            "{}",
            chart.svg
        );
        assert_eq!(
            chart.svg.matches("<rect").count(),
            11 + 1,
            "bars and one key"
        );
        let caption = chart.caption(Some("last_touch"));
        assert!(caption.contains("the 10 channels with the most last_touch credit"));
        assert!(caption.contains("the other 40 are summed in the last bar"));
    }

    #[test]
    fn few_channels_are_all_drawn_and_the_caption_says_nothing_of_a_cap() {
        // One channel past the limit is drawn rather than summed alone.
        let chart = credit_chart(&document(11), 10);
        assert_eq!((chart.shown, chart.summed), (11, 0));
        assert!(!chart.svg.contains("other channel"));
        assert_eq!(
            chart.caption(Some("x")),
            "Attributed conversions by channel"
        );
    }
}
