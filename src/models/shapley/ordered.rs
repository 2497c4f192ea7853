//! The ordered Shapley value (Zhao et al. 2018): the simplified game's credit split over
//! each journey's touch positions.

use serde::Serialize;

use crate::credit::Credit;
use crate::error::Result;
use crate::journeys::PathTable;
use crate::models::Attribution;

/// One channel at one touch position, for the ordered Shapley value.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PositionCredit {
    /// The channel.
    pub channel: String,
    /// 1-based touch position.
    pub position: usize,
    /// Attributed conversions at that position.
    pub conversions: f64,
    /// Attributed value at that position.
    pub value: f64,
}

/// The ordered Shapley value (Zhao et al. 2018): per channel and touch position.
#[derive(Clone, Copy, Debug, Default)]
pub struct OrderedShapley;

impl OrderedShapley {
    /// Credit per channel and position: in each path with `k` distinct channels, a
    /// channel occurring `m` times gets `conversions / k / m` at each of its positions.
    pub fn positions(&self, paths: &PathTable) -> Vec<PositionCredit> {
        let n = paths.channels().len();
        let mut cells: std::collections::BTreeMap<(u32, usize), (f64, f64)> = Default::default();
        let mut count = vec![0u32; n];
        for row in paths
            .rows()
            .filter(|r| r.conversions > 0.0 || r.value > 0.0)
        {
            let mut distinct = 0;
            for &c in row.path {
                if count[c as usize] == 0 {
                    distinct += 1;
                }
                count[c as usize] += 1;
            }
            for (j, &c) in row.path.iter().enumerate() {
                let share = 1.0 / f64::from(distinct) / f64::from(count[c as usize]);
                let cell = cells.entry((c, j + 1)).or_insert((0.0, 0.0));
                cell.0 += row.conversions * share;
                cell.1 += row.value * share;
            }
            for &c in row.path {
                count[c as usize] = 0;
            }
        }
        cells
            .into_iter()
            .map(|((c, position), (conversions, value))| PositionCredit {
                channel: paths.channels().name(c).to_string(),
                position,
                conversions,
                value,
            })
            .collect()
    }
}

impl Attribution for OrderedShapley {
    fn attribute(&self, paths: &PathTable) -> Result<Credit> {
        let n = paths.channels().len();
        let (mut conv, mut value) = (vec![0.0; n], vec![0.0; n]);
        for p in self.positions(paths) {
            let c = paths
                .channels()
                .id(&p.channel)
                .expect("channel of this table") as usize;
            conv[c] += p.conversions;
            value[c] += p.value;
        }
        Ok(Credit::from_ids(
            "shapley_ordered",
            paths.channels(),
            &conv,
            &value,
            paths.total_conversions(),
            paths.total_value(),
        )
        .with_note("ordered Shapley (Zhao et al. 2018): the simplified game's credit split over touch positions"))
    }
}
