//! The HTML report's budget chart: the recommended change in spend per channel.
//!
//! As with the credit chart (`credit_chart`), thousands of bars say
//! nothing the plan's table does not and grow the page with every bar: the chart draws
//! the [`CHART_CHANNELS`] channels whose spend moves most (by the size of the change) and
//! sums the rest's changes into one last bar; [`BudgetChart::caption`] says so. The
//! plan's table keeps every channel.

use crate::decide::PlanRow;
use crate::report::credit_chart::CHART_CHANNELS;
use crate::report::svg;

/// The chart, and how many channels it drew and summed.
#[derive(Clone, Debug, PartialEq)]
pub struct BudgetChart {
    /// The inline SVG.
    pub svg: String,
    /// Channels drawn with a bar of their own.
    pub shown: usize,
    /// Channels summed into the last bar (0 when every channel has its own).
    pub summed: usize,
}

impl BudgetChart {
    /// The chart of `rows` (the plan's order), drawing at most `limit` channels.
    pub fn new(rows: &[PlanRow], limit: usize) -> Self {
        let mut picked: Vec<usize> = (0..rows.len()).collect();
        if rows.len() > limit {
            // The largest moves, ties by plan order; drawn in the plan's order.
            picked.sort_by(|&a, &b| rows[b].change.abs().total_cmp(&rows[a].change.abs()));
            picked.truncate(limit);
            picked.sort_unstable();
        }
        let mut labels: Vec<String> = picked.iter().map(|&i| rows[i].channel.clone()).collect();
        let mut changes: Vec<f64> = picked.iter().map(|&i| rows[i].change).collect();
        let summed = rows.len() - picked.len();
        if summed > 0 {
            let mut keep = vec![false; rows.len()];
            for &i in &picked {
                keep[i] = true;
            }
            let rest: f64 = (0..rows.len())
                .filter(|&i| !keep[i])
                .map(|i| rows[i].change)
                .sum();
            labels.push(format!("({summed} other channels)"));
            changes.push(rest);
        }
        BudgetChart {
            svg: svg::diverging_bars("Budget shift", &labels, &changes),
            shown: picked.len(),
            summed,
        }
    }

    /// The figure's caption: what is drawn, and when channels were summed, how many.
    pub fn caption(&self) -> String {
        if self.summed == 0 {
            return "Recommended change in spend per channel".to_string();
        }
        format!(
            "Recommended change in spend per channel: the {} channels whose spend moves most; \
             the other {}'s changes are summed in the last bar (every channel is in the plan \
             below)",
            self.shown, self.summed
        )
    }
}

/// The chart of a plan with [`CHART_CHANNELS`] channels at most.
pub fn budget_chart(rows: &[PlanRow]) -> BudgetChart {
    BudgetChart::new(rows, CHART_CHANNELS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(channel: &str, change: f64) -> PlanRow {
        PlanRow {
            channel: channel.to_string(),
            current_spend: 100.0,
            recommended_spend: 100.0 + change,
            change,
            change_pct: Some(change / 100.0),
            value_before: 0.0,
            value_after: 0.0,
            marginal_roas_before: None,
            marginal_roas_after: None,
            bound: String::new(),
        }
    }

    /// Five channels, at most three drawn: the three largest moves (−9, 7, 5) in the
    /// plan's order, the other two (1 and −2) summed to −1 in one last bar, said in the
    /// caption.
    #[test]
    fn the_largest_moves_are_drawn_and_the_rest_summed() {
        let rows = vec![
            row("a", 1.0),
            row("b", -9.0),
            row("c", 5.0),
            row("d", -2.0),
            row("e", 7.0),
        ];
        let chart = BudgetChart::new(&rows, 3);
        assert_eq!((chart.shown, chart.summed), (3, 2));
        let at = |name: &str| chart.svg.find(name).unwrap_or_else(|| panic!("{name}"));
        assert!(
            at(">b<") < at(">c<") && at(">c<") < at(">e<"),
            "{}",
            chart.svg
        );
        assert!(!chart.svg.contains(">a<") && !chart.svg.contains(">d<"));
        assert!(chart.svg.contains("(2 other channels)"));
        assert!(
            chart
                .caption()
                .contains("the 3 channels whose spend moves most")
        );
        assert_eq!(
            BudgetChart::new(&rows, 3).svg,
            svg::diverging_bars(
                "Budget shift",
                &["b", "c", "e", "(2 other channels)"].map(String::from),
                &[-9.0, 5.0, 7.0, -1.0]
            )
        );
    }

    /// A plan within the limit is drawn whole, with the plain caption.
    #[test]
    fn a_small_plan_is_drawn_whole() {
        let rows = vec![row("a", 1.0), row("b", -1.0)];
        let chart = budget_chart(&rows);
        assert_eq!((chart.shown, chart.summed), (2, 0));
        assert_eq!(chart.caption(), "Recommended change in spend per channel");
    }
}
