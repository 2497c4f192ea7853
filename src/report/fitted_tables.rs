//! The report's plan from measured response (`report --response fitted`) in words and
//! as a table, shared by the Markdown and HTML renderers.
//!
//! Every amount is per period of the spend series (a day or a week): today's spend
//! `s_c` (the mean over the periods used), the recommended spend `x_c`, the change
//! `x_c − s_c` and `(x_c − s_c) / s_c`, the 80% interval `[p10, p90]` of `x_c` over the
//! bootstrap draws of the curves, `P(rise)` (the share of draws whose plan spends more
//! than today) and the range of spend per period each curve was fitted on.

use crate::decide::FittedPlan;
use crate::report::numbers::{fixed, percent, signed};
use crate::report::tables::{Table, spend_move_cells};

/// What the plan under an assumed response is, when a plan from measured response is
/// beside it.
pub const ASSUMED_BESIDE_FITTED: &str = "An assumption, not a measurement: this plan \
assumes how value responds to spend (from the same credit, over the spend file's every \
period added up). The plan from measured response above fits that response to the events \
and the spend series.";

/// The word for one period of a spend series of `step_days` days.
pub fn period_word(step_days: u32) -> String {
    match step_days {
        1 => "day".to_string(),
        7 => "week".to_string(),
        n => format!("{n}-day period"),
    }
}

/// The plan in one paragraph: that it comes from fitted response, how it was made, and
/// what it expects.
pub fn fitted_summary(plan: &FittedPlan) -> String {
    let period = period_word(plan.step_days);
    let today: f64 = plan.rows.iter().map(|r| r.current_spend).sum();
    let planned: f64 = plan.rows.iter().map(|r| r.recommended_spend).sum();
    let total = if (planned - today).abs() <= 0.005 {
        format!("total spend {} a {period} is kept", fixed(today, 2))
    } else {
        format!(
            "total spend {} a {period} becomes {}",
            fixed(today, 2),
            fixed(planned, 2)
        )
    };
    let method = match plan.method.as_str() {
        "kkt" => "solved exactly, equal marginal returns",
        "grid" => "solved on a spend grid",
        other => other,
    };
    format!(
        "This plan comes from measured response, not an assumed one: each {}'s exposures \
         per {period} in the events were fitted against its spend per {period} over {} {}s, \
         valued at {}'s credit per exposure; the plan ({method}) was solved again under {} \
         bootstrap draws of the curves. Amounts are per {period}; {total}. Expected {} a \
         {period}: {} → {}; the plan beats today's allocation in {} of the draws.",
        plan.dimension,
        plan.periods,
        period,
        plan.model,
        plan.draws,
        plan.objective,
        fixed(plan.value_before, 2),
        fixed(plan.value_after, 2),
        percent(plan.prob_beats_today)
    )
}

/// The channels whose response could not be fitted (kept at today's spend, no curve),
/// with why.
pub fn held_channels(plan: &FittedPlan) -> Vec<(String, String)> {
    plan.rows
        .iter()
        .filter(|r| r.bound == "held")
        .map(|r| {
            let why = r.curve.strip_prefix("none: ").unwrap_or(&r.curve);
            (r.channel.clone(), why.to_string())
        })
        .collect()
}

/// The plan per channel, and a total row.
pub fn fitted_plan_table(plan: &FittedPlan, dimension: &str) -> Table {
    let header = [
        dimension,
        "current_spend",
        "recommended_spend",
        "change",
        "change_pct",
        "recommended_80pct",
        "prob_rise",
        "fitted_range",
        "outside_range",
    ]
    .map(String::from)
    .to_vec();
    let range = |lo: Option<f64>, hi: Option<f64>| match (lo, hi) {
        (Some(lo), Some(hi)) => format!("{}–{}", fixed(lo, 2), fixed(hi, 2)),
        _ => "–".to_string(),
    };
    let mut rows: Vec<Vec<String>> = plan
        .rows
        .iter()
        .map(|r| {
            let mut cells = spend_move_cells(
                &r.channel,
                r.current_spend,
                r.recommended_spend,
                r.change,
                r.change_pct,
            );
            cells.extend([
                range(r.spend_p10, r.spend_p90),
                r.prob_rise.map_or_else(|| "–".into(), percent),
                range(r.fitted_min, r.fitted_max),
                if r.bound == "held" {
                    "not fitted".into()
                } else if r.outside_range {
                    "yes".into()
                } else {
                    "no".into()
                },
            ]);
            cells
        })
        .collect();
    let today: f64 = plan.rows.iter().map(|r| r.current_spend).sum();
    let planned: f64 = plan.rows.iter().map(|r| r.recommended_spend).sum();
    rows.push(vec![
        "total".into(),
        fixed(today, 2),
        fixed(planned, 2),
        signed(planned - today, 2),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
    ]);
    Table {
        title: format!(
            "Budget plan from fitted response, valued by {} (spend per {})",
            plan.model,
            period_word(plan.step_days)
        ),
        header,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decide::FittedRow;

    fn row(channel: &str, current: f64, recommended: f64, bound: &str) -> FittedRow {
        let fitted = bound != "held";
        FittedRow {
            channel: channel.to_string(),
            current_spend: current,
            recommended_spend: recommended,
            change: recommended - current,
            change_pct: Some((recommended - current) / current),
            value_before: 0.0,
            value_after: 0.0,
            marginal_roas_before: None,
            marginal_roas_after: None,
            bound: bound.to_string(),
            fitted_min: fitted.then_some(40.0),
            fitted_max: fitted.then_some(140.0),
            spend_p10: fitted.then_some(90.0),
            spend_p90: fitted.then_some(110.0),
            prob_rise: fitted.then_some(0.955),
            outside_range: false,
            assumed_spend: None,
            curve: if fitted {
                "hill".into()
            } else {
                "none: too few periods with spend".into()
            },
            value_per_exposure: Some(1.0),
            route: "logs".into(),
            frequency: String::new(),
        }
    }

    fn plan(rows: Vec<FittedRow>) -> FittedPlan {
        FittedPlan {
            route: "logs".into(),
            dimension: "channel".into(),
            frequency: Vec::new(),
            model: "markov".into(),
            objective: "value".into(),
            step_days: 7,
            periods: 26,
            total_spend: rows.iter().map(|r| r.current_spend).sum(),
            value_before: 10.0,
            value_after: 12.5,
            prob_beats_today: 0.9,
            draws: 200,
            method: "kkt".into(),
            lambda: None,
            grid_error_bound: 0.0,
            rows,
            curves: Default::default(),
            notes: Vec::new(),
        }
    }

    /// Hand-made plan: a rises 100 → 105 (+5.0%), b is held at 20 with why; the total
    /// row sums today's 120 and the plan's 125.
    #[test]
    fn the_table_has_every_channel_its_interval_and_a_total() {
        let p = plan(vec![
            row("a", 100.0, 105.0, ""),
            row("b", 20.0, 20.0, "held"),
        ]);
        let t = fitted_plan_table(&p, "channel");
        assert_eq!(
            t.rows[0],
            [
                "a",
                "100.00",
                "105.00",
                "+5.00",
                "+5.0%",
                "90.00–110.00",
                "95.5%",
                "40.00–140.00",
                "no"
            ]
        );
        assert_eq!(t.rows[1][5..], ["–", "–", "–", "not fitted"]);
        assert_eq!(t.rows[2][..4], ["total", "120.00", "125.00", "+5.00"]);
        assert!(t.title.contains("spend per week"));
        assert_eq!(
            held_channels(&p),
            [("b".to_string(), "too few periods with spend".to_string())]
        );
        let text = fitted_summary(&p);
        assert!(text.starts_with("This plan comes from measured response"));
        assert!(text.contains("becomes 125.00") && text.contains("in 90.0% of the draws"));
    }

    /// Channels the plan could not fit are listed with why and drawn in no chart; a
    /// hostile name is escaped in the HTML page and the Markdown file, and the plan's
    /// notes (its caveat first) are shown in both.
    #[test]
    fn held_channels_are_listed_with_why_and_every_name_is_escaped() {
        use crate::credit::{ChannelCredit, Credit};
        use crate::decide::PathFacts;
        use crate::journeys::PathTable;
        use crate::report::{Document, render_html, render_markdown};
        let hostile = "<script>&|";
        let mut p = plan(vec![
            row(hostile, 20.0, 20.0, "held"),
            row("b|c", 10.0, 10.0, "held"),
        ]);
        p.notes = vec![
            crate::decide::fitted_plan::FITTED_CAVEAT.to_string(),
            format!("WARNING: `{hostile}` keeps today's spend"),
        ];
        let credit = Credit {
            model: "markov".into(),
            dimension: "channel".into(),
            additive: true,
            total_conversions: 1.0,
            total_value: 0.0,
            channels: vec![ChannelCredit {
                channel: "a".into(),
                conversions: 1.0,
                value: 0.0,
                share: 1.0,
                conversions_lo: None,
                conversions_hi: None,
                weighted_conversions: None,
            }],
            notes: vec![],
        };
        let mut b = PathTable::builder();
        b.push(&["a"], 1.0, 0.0, 0.0);
        let facts = PathFacts::new(&b.finish(), None);
        let mut doc = Document::new(
            "channel",
            vec![],
            None,
            vec![credit],
            facts,
            None,
            None,
            None,
        );
        doc.fitted_budget = Some(p);
        let mut html = Vec::new();
        render_html(&doc, &mut html).unwrap();
        let html = String::from_utf8(html).unwrap();
        assert!(!html.contains(hostile), "{html}");
        assert!(html.contains("<li>&lt;script&gt;&amp;|: too few periods with spend</li>"));
        assert!(html.contains("Not fitted, so kept at today's spend"));
        assert!(
            !html.contains("Fitted response of"),
            "no chart without a curve"
        );
        assert!(html.contains("<code>&lt;script&gt;&amp;|</code> keeps today"));
        assert!(html.contains("<p class=\"caveat\">Each channel's response is"));
        let mut md = Vec::new();
        render_markdown(&doc, &mut md).unwrap();
        let md = String::from_utf8(md).unwrap();
        assert!(md.contains("## Budget from measured response"));
        assert!(md.contains("> Each channel's response is its exposures per period"));
        assert!(!md.contains("| b|c |"), "{md}");
        assert!(!md.contains(hostile), "{md}");
    }
}
