//! Snowplow's revenue-weighted conversion count, next to a model's credit.
//!
//! Snowplow's dbt attribution package reports, per channel and model (its
//! `snowplow_attribution_overview`), `attributed_conversions` =
//! `attributed_revenue / sum_cv_total_revenue × in_n_conversion_paths`: the channel's
//! attributed revenue over the revenue of the conversions whose path contains the
//! channel, times the number of those conversions. Over a path summary:
//!
//! ```text
//! n(c)   = Σ conversions of the paths containing c
//! R(c)   = Σ value of the paths containing c
//! wc(c)  = value(c) / R(c) × n(c)
//! ```
//!
//! It is not additive (it sums to the conversions only when every conversion has the
//! same revenue); it is undefined where the conversions containing `c` carry no
//! revenue (Snowplow divides by zero there), and left empty. Source: Snowplow,
//! dbt-snowplow-attribution, macro `attribution_overview` (the columns
//! `in_n_conversion_paths`, `attributed_conversions`, `sum_cv_total_revenue`).

use crate::credit::Credit;
use crate::journeys::PathTable;

/// Puts Snowplow's revenue-weighted conversion count on every channel of `credit`
/// (`weighted_conversions`), from the path table the model saw.
pub fn add_revenue_weighted(credit: &mut Credit, paths: &PathTable) {
    let names = paths.channels();
    let mut n = vec![0.0; names.len()];
    let mut revenue = vec![0.0; names.len()];
    let mut seen = vec![usize::MAX; names.len()];
    for (i, row) in paths.rows().enumerate() {
        if row.conversions <= 0.0 {
            continue;
        }
        for &c in row.path {
            let c = c as usize;
            if seen[c] != i {
                seen[c] = i;
                n[c] += row.conversions;
                revenue[c] += row.value;
            }
        }
    }
    let mut undefined = false;
    for ch in &mut credit.channels {
        let (n, r) = names
            .id(&ch.channel)
            .map_or((0.0, 0.0), |id| (n[id as usize], revenue[id as usize]));
        ch.weighted_conversions = if n == 0.0 {
            Some(0.0)
        } else if r > 0.0 {
            Some(ch.value / r * n)
        } else {
            undefined = true;
            None
        };
    }
    credit.notes.push(
        "weighted_conversions: Snowplow's revenue-weighted count, attributed value / revenue \
         of the conversions containing the channel × their number (not additive)"
            .to_string(),
    );
    if undefined {
        credit.notes.push(
            "weighted_conversions is empty where the conversions containing a channel carry no \
             revenue"
                .to_string(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{Attribution, FirstTouch, Linear};

    fn table() -> PathTable {
        let mut b = PathTable::builder();
        b.push(&["a", "b"], 2.0, 300.0, 1.0);
        b.push(&["b"], 1.0, 100.0, 3.0);
        b.push(&["a", "a"], 1.0, 0.0, 0.0);
        b.push(&["c"], 0.0, 0.0, 5.0);
        b.finish()
    }

    #[test]
    fn known_answer_linear() {
        // Snowplow's overview, by hand: linear gives a $75 per `a > b` conversion
        // (2 × $150 → a $150, b $150), b $100 from `b`, a $0 from `a > a`.
        // a: n = 2 + 1 = 3 conversions, R = $300 → wc = 150 / 300 × 3 = 1.5.
        // b: n = 2 + 1 = 3, R = $400, value 250 → wc = 250 / 400 × 3 = 1.875.
        // c: on no converting path → 0.
        let paths = table();
        let mut credit = Linear.attribute(&paths).unwrap();
        add_revenue_weighted(&mut credit, &paths);
        let wc = |c: &str| credit.get(c).unwrap().weighted_conversions.unwrap();
        assert!((wc("a") - 1.5).abs() < 1e-12);
        assert!((wc("b") - 1.875).abs() < 1e-12);
        assert!(
            credit
                .get("c")
                .is_none_or(|c| c.weighted_conversions == Some(0.0))
        );
    }

    #[test]
    fn equal_revenue_gives_the_conversions() {
        // Every conversion $10: wc(c) = value(c) / (10 n) × n = value(c) / 10 = conversions(c).
        let mut b = PathTable::builder();
        b.push(&["a", "b"], 3.0, 30.0, 1.0);
        b.push(&["b", "c", "a"], 2.0, 20.0, 0.0);
        let paths = b.finish();
        let mut credit = FirstTouch.attribute(&paths).unwrap();
        add_revenue_weighted(&mut credit, &paths);
        for c in &credit.channels {
            assert!((c.weighted_conversions.unwrap() - c.conversions).abs() < 1e-12);
        }
    }

    #[test]
    fn no_revenue_is_undefined() {
        let mut b = PathTable::builder();
        b.push(&["a"], 2.0, 0.0, 1.0);
        let paths = b.finish();
        let mut credit = FirstTouch.attribute(&paths).unwrap();
        add_revenue_weighted(&mut credit, &paths);
        assert_eq!(credit.get("a").unwrap().weighted_conversions, None);
        assert!(credit.notes.iter().any(|n| n.contains("no revenue")));
    }
}
