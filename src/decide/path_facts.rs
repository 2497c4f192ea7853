//! Facts about paths that users look for next to credit: top converting paths, the
//! distribution of journey length and time to conversion, touches per conversion, and
//! the share of conversions with a single touch.

use serde::Serialize;

use crate::journeys::{Journeys, PathTable};
use crate::time::DAY;

/// How many top paths are kept.
pub const TOP_PATHS: usize = 10;
/// Journey lengths shown one by one; longer ones are pooled.
pub const MAX_LENGTH_BIN: usize = 10;
/// Upper edges (days) of the time-to-conversion bins; the last bin is open.
pub const DAY_EDGES: [f64; 8] = [1.0, 3.0, 7.0, 14.0, 30.0, 60.0, 90.0, f64::INFINITY];

/// One top path.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TopPath {
    /// The path, `a > b > c`.
    pub path: String,
    /// Its conversions.
    pub conversions: f64,
    /// Their value.
    pub value: f64,
    /// Journeys on it that did not convert.
    pub non_conversions: f64,
    /// `conversions / (conversions + non_conversions)`.
    pub conversion_rate: f64,
}

/// One bin of a distribution.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Bin {
    /// The bin's label (`3`, `10+`, `1-3d`).
    pub label: String,
    /// Conversions in the bin.
    pub conversions: f64,
    /// Non-converting journeys in the bin (lengths only).
    pub non_conversions: f64,
}

/// The facts.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PathFacts {
    /// Distinct paths.
    pub distinct_paths: usize,
    /// Conversions.
    pub conversions: f64,
    /// Non-converting journeys.
    pub non_conversions: f64,
    /// Touches per conversion: `Σ length · conversions / Σ conversions`.
    pub touches_per_conversion: f64,
    /// Share of conversions whose journey had one touch.
    pub single_touch_share: f64,
    /// The most converting paths (ties by path).
    pub top_paths: Vec<TopPath>,
    /// Journey length distribution.
    pub lengths: Vec<Bin>,
    /// Days from first touch to conversion, when journeys carry times.
    pub time_to_conversion: Option<Vec<Bin>>,
    /// Median days from first touch to conversion.
    pub median_days_to_conversion: Option<f64>,
}

impl PathFacts {
    /// Facts of a path table, plus time to conversion from journeys when given.
    pub fn new(paths: &PathTable, journeys: Option<&Journeys>) -> PathFacts {
        let conversions = paths.total_conversions();
        let mut lengths: Vec<Bin> = (1..=MAX_LENGTH_BIN)
            .map(|n| Bin {
                label: if n == MAX_LENGTH_BIN {
                    format!("{n}+")
                } else {
                    n.to_string()
                },
                conversions: 0.0,
                non_conversions: 0.0,
            })
            .collect();
        let (mut touches, mut single) = (0.0, 0.0);
        let mut top: Vec<(usize, f64)> = Vec::new();
        for (i, row) in paths.rows().enumerate() {
            let bin = &mut lengths[row.path.len().min(MAX_LENGTH_BIN) - 1];
            bin.conversions += row.conversions;
            bin.non_conversions += row.nulls;
            touches += row.path.len() as f64 * row.conversions;
            if row.path.len() == 1 {
                single += row.conversions;
            }
            if row.conversions > 0.0 {
                top.push((i, row.conversions));
            }
        }
        let names: Vec<String> = top.iter().map(|&(i, _)| paths.path_string(i)).collect();
        let mut order: Vec<usize> = (0..top.len()).collect();
        order.sort_by(|&a, &b| top[b].1.total_cmp(&top[a].1).then(names[a].cmp(&names[b])));
        let top_paths = order
            .into_iter()
            .take(TOP_PATHS)
            .map(|k| {
                let row = paths.row(top[k].0);
                TopPath {
                    path: names[k].clone(),
                    conversions: row.conversions,
                    value: row.value,
                    non_conversions: row.nulls,
                    conversion_rate: row.conversions / (row.conversions + row.nulls),
                }
            })
            .collect();
        let (time_to_conversion, median) = match journeys {
            Some(j) if j.has_conversion_times() => {
                let (bins, median) = time_bins(j);
                (Some(bins), median)
            }
            _ => (None, None),
        };
        PathFacts {
            distinct_paths: paths.len(),
            conversions,
            non_conversions: paths.total_nulls(),
            touches_per_conversion: if conversions > 0.0 {
                touches / conversions
            } else {
                0.0
            },
            single_touch_share: if conversions > 0.0 {
                single / conversions
            } else {
                0.0
            },
            top_paths,
            lengths,
            time_to_conversion,
            median_days_to_conversion: median,
        }
    }
}

/// Days from each converting journey's first touch to its conversion, binned.
fn time_bins(journeys: &Journeys) -> (Vec<Bin>, Option<f64>) {
    let mut days: Vec<f64> = journeys
        .iter()
        .filter(|j| j.info.converted)
        .filter_map(|j| {
            let t = j.info.conversion_time?;
            Some((t - j.touches[0].time) as f64 / DAY as f64)
        })
        .collect();
    days.sort_by(f64::total_cmp);
    let mut lower = 0.0;
    let mut bins: Vec<Bin> = DAY_EDGES
        .iter()
        .map(|&upper| {
            let label = if upper.is_infinite() {
                format!("{lower}d+")
            } else {
                format!("{lower}-{upper}d")
            };
            lower = upper;
            Bin {
                label,
                conversions: 0.0,
                non_conversions: 0.0,
            }
        })
        .collect();
    for &d in &days {
        let k = DAY_EDGES
            .iter()
            .position(|&e| d < e)
            .unwrap_or(DAY_EDGES.len() - 1);
        bins[k].conversions += 1.0;
    }
    let median = (!days.is_empty()).then(|| {
        let n = days.len();
        if n % 2 == 1 {
            days[n / 2]
        } else {
            0.5 * (days[n / 2 - 1] + days[n / 2])
        }
    });
    (bins, median)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_top_paths_and_single_touch_share() {
        let mut b = PathTable::builder();
        b.push(&["a"], 2.0, 20.0, 1.0);
        b.push(&["a", "b"], 3.0, 30.0, 0.0);
        b.push(&["b", "b", "a"], 0.0, 0.0, 4.0);
        let facts = PathFacts::new(&b.finish(), None);
        assert_eq!(facts.conversions, 5.0);
        assert_eq!(facts.touches_per_conversion, (2.0 + 6.0) / 5.0);
        assert_eq!(facts.single_touch_share, 0.4);
        assert_eq!(facts.top_paths.len(), 2);
        assert_eq!(facts.top_paths[0].path, "a > b");
        assert_eq!(facts.lengths[0].conversions, 2.0);
        assert_eq!(facts.lengths[2].non_conversions, 4.0);
        assert!(facts.time_to_conversion.is_none());
    }
}
