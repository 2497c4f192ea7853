//! The HTML report's charts of a plan from measured response: one small chart per
//! fitted channel (small multiples), inline SVG drawn from numbers alone.
//!
//! Each chart plots a channel's value per period against its spend per period `x`:
//!
//! * the fitted curve `g_c(x) = v_c · E_c(x)` (exposures per period `E_c` fitted against
//!   spend, times the value of one exposure `v_c` under the plan's model), on the grid of
//!   [`curve_points`] (0 to twice the larger of today's spend and the top of the fitted
//!   range);
//! * its 80% band: at each `x`, the 10th to 90th percentile of `v_c · E_c^(b)(x)` over
//!   the bootstrap draws `b` of the curve, as `budget --curves` writes it;
//! * the observed range: the spend per period the curve was fitted on, shaded;
//! * today's point `(s_c, g_c(s_c))` and the recommended point `(x_c, g_c(x_c))`, with
//!   the 80% interval of the recommended spend over the draws as a whisker.
//!
//! Both axes start at 0 and end at a round number at or above everything drawn;
//! every mark is clamped into the plot area, so no input draws outside it. The charts
//! cost one curve grid per channel: linear in channels.

use crate::decide::FittedPlan;
use crate::decide::FittedRow;
use crate::decide::fitted_curves::{CurvePoint, curve_points};
use crate::report::fitted_tables::period_word;
use crate::report::numbers::fixed;
use crate::report::svg::{divisions, escape, nice_max};

/// Width of one chart.
pub const WIDTH: f64 = 340.0;
/// Height of one chart.
pub const HEIGHT: f64 = 258.0;
/// The plot area: left, top, right, bottom edges.
pub const PLOT: (f64, f64, f64, f64) = (56.0, 30.0, 326.0, 180.0);

const CURVE: &str = "#08519c";
const BAND: &str = "#9ecae1";
const OBSERVED: &str = "#e6e6e6";
const TODAY: &str = "#222222";
const RECOMMENDED: &str = "#e6550d";

/// One channel's chart.
#[derive(Clone, Debug, PartialEq)]
pub struct FittedChart {
    /// The channel (unescaped).
    pub channel: String,
    /// The inline SVG.
    pub svg: String,
}

/// One chart per channel whose response was fitted, in the plan's order (channels
/// held at today's spend have no curve and no chart).
pub fn fitted_charts(plan: &FittedPlan) -> Vec<FittedChart> {
    let points = curve_points(plan);
    let period = period_word(plan.step_days);
    let mut charts = Vec::new();
    let mut start = 0;
    for row in plan
        .rows
        .iter()
        .filter(|r| plan.curves.contains_key(&r.channel))
    {
        let n = points[start..]
            .iter()
            .take_while(|p| p.channel == row.channel)
            .count();
        charts.push(FittedChart {
            channel: row.channel.clone(),
            svg: channel_chart(row, &points[start..start + n], &period, &plan.objective),
        });
        start += n;
    }
    charts
}

/// A number fit to draw: non-finite values as 0.
fn finite(v: f64) -> f64 {
    if v.is_finite() { v } else { 0.0 }
}

/// An axis tick's label, with decimals fit for an axis ending at `max`.
fn tick(v: f64, max: f64) -> String {
    let decimals = if max >= 10.0 {
        0
    } else if max >= 1.0 {
        1
    } else {
        2
    };
    fixed(v, decimals)
}

/// The chart of one fitted channel: `row` (today, the plan, the fitted range) and its
/// curve `points`; `period` names a period (`week`), `objective` what value is
/// (`value` or `conversions`).
pub fn channel_chart(
    row: &FittedRow,
    points: &[CurvePoint],
    period: &str,
    objective: &str,
) -> String {
    let (left, top, right, bottom) = PLOT;
    let today = (finite(row.current_spend), finite(row.value_before));
    let planned = (finite(row.recommended_spend), finite(row.value_after));
    let xmax = nice_max(
        points
            .iter()
            .map(|p| finite(p.spend))
            .chain([today.0, planned.0])
            .chain(
                [row.fitted_max, row.spend_p90]
                    .into_iter()
                    .flatten()
                    .map(finite),
            )
            .fold(0.0, f64::max),
    );
    let ymax = nice_max(
        points
            .iter()
            .flat_map(|p| [p.value, p.value_p10, p.value_p90])
            .map(finite)
            .chain([today.1, planned.1])
            .fold(0.0, f64::max),
    );
    let x = |v: f64| left + (right - left) * (finite(v) / xmax).clamp(0.0, 1.0);
    let y = |v: f64| bottom - (bottom - top) * (finite(v) / ymax).clamp(0.0, 1.0);
    let name = escape(&row.channel);
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Fitted response of {name}" width="{WIDTH:.0}" height="{HEIGHT:.0}" viewBox="0 0 {WIDTH:.0} {HEIGHT:.0}">"#
    );
    s += &format!(
        r##"<text x="{left:.1}" y="18" font-size="13" font-weight="bold" fill="#222">{name}</text>"##
    );
    // The observed range, under everything else.
    if let (Some(lo), Some(hi)) = (row.fitted_min, row.fitted_max) {
        s += &format!(
            r#"<rect class="observed" x="{:.1}" y="{top:.1}" width="{:.1}" height="{:.1}" fill="{OBSERVED}"><title>observed spend per {period}: {} to {}</title></rect>"#,
            x(lo),
            (x(hi) - x(lo)).max(1.0),
            bottom - top,
            fixed(finite(lo), 2),
            fixed(finite(hi), 2)
        );
    }
    // Grid and tick labels.
    let ny = divisions(ymax);
    for k in 0..=ny {
        let v = ymax * k as f64 / ny as f64;
        s += &format!(
            r##"<line x1="{left:.1}" x2="{right:.1}" y1="{:.1}" y2="{:.1}" stroke="#d0d0d0" stroke-width="0.5"/><text x="{:.1}" y="{:.1}" font-size="10" text-anchor="end" fill="#555">{}</text>"##,
            y(v),
            y(v),
            left - 4.0,
            y(v) + 3.5,
            tick(v, ymax)
        );
    }
    let nx = divisions(xmax);
    for k in 0..=nx {
        let v = xmax * k as f64 / nx as f64;
        s += &format!(
            r##"<text x="{:.1}" y="{:.1}" font-size="10" text-anchor="middle" fill="#555">{}</text>"##,
            x(v),
            bottom + 13.0,
            tick(v, xmax)
        );
    }
    // The band and the curve.
    if !points.is_empty() {
        let upper = points.iter().map(|p| (x(p.spend), y(p.value_p90)));
        let lower = points.iter().rev().map(|p| (x(p.spend), y(p.value_p10)));
        let d: Vec<String> = upper
            .chain(lower)
            .enumerate()
            .map(|(i, (px, py))| format!("{}{px:.1} {py:.1}", if i == 0 { "M" } else { "L" }))
            .collect();
        s += &format!(
            r#"<path class="band" d="{}Z" fill="{BAND}" fill-opacity="0.6" stroke="none"><title>80% band over the curve's bootstrap draws</title></path>"#,
            d.join("")
        );
        let line: Vec<String> = points
            .iter()
            .map(|p| format!("{:.1},{:.1}", x(p.spend), y(p.value)))
            .collect();
        s += &format!(
            r#"<polyline class="curve" points="{}" fill="none" stroke="{CURVE}" stroke-width="2"/>"#,
            line.join(" ")
        );
    }
    // Axes.
    s += &format!(
        r##"<path d="M{left:.1} {top:.1}V{bottom:.1}H{right:.1}" fill="none" stroke="#555"/>"##
    );
    s += &format!(
        r##"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="middle" fill="#333">spend per {period}</text>"##,
        (left + right) / 2.0,
        bottom + 28.0
    );
    let (ly, lx) = ((top + bottom) / 2.0, 14.0);
    s += &format!(
        r##"<text x="{lx:.1}" y="{ly:.1}" font-size="11" text-anchor="middle" fill="#333" transform="rotate(-90 {lx:.1} {ly:.1})">{objective} per {period}</text>"##
    );
    // The recommended spend's 80% interval, then the two points.
    let (px, py) = (x(planned.0), y(planned.1));
    if let (Some(lo), Some(hi)) = (row.spend_p10, row.spend_p90) {
        s += &format!(
            r#"<path class="interval" d="M{:.1} {py:.1}H{:.1}M{:.1} {:.1}V{:.1}M{:.1} {:.1}V{:.1}" stroke="{RECOMMENDED}" stroke-width="1.5"><title>80% interval of the recommended spend: {} to {}</title></path>"#,
            x(lo),
            x(hi),
            x(lo),
            py - 4.0,
            py + 4.0,
            x(hi),
            py - 4.0,
            py + 4.0,
            fixed(finite(lo), 2),
            fixed(finite(hi), 2)
        );
    }
    s += &format!(
        r#"<circle class="today" cx="{:.1}" cy="{:.1}" r="4.5" fill="{TODAY}"><title>today: spend {} a {period}, {objective} {}</title></circle>"#,
        x(today.0),
        y(today.1),
        fixed(today.0, 2),
        fixed(today.1, 2)
    );
    s += &format!(
        r##"<path class="recommended" d="M{px:.1} {:.1}L{:.1} {py:.1}L{px:.1} {:.1}L{:.1} {py:.1}Z" fill="{RECOMMENDED}" stroke="#fff" stroke-width="0.8"><title>recommended: spend {} a {period}, {objective} {}{}</title></path>"##,
        py - 6.0,
        px + 6.0,
        py + 6.0,
        px - 6.0,
        fixed(planned.0, 2),
        fixed(planned.1, 2),
        if row.outside_range {
            " (outside the range the curve was fitted on)"
        } else {
            ""
        }
    );
    s += &legend(left, bottom + 44.0);
    s + "</svg>"
}

/// The legend, in two rows from `(x0, y0)`.
fn legend(x0: f64, y0: f64) -> String {
    let text = |x: f64, y: f64, label: &str| {
        format!(
            r##"<text x="{x:.1}" y="{:.1}" font-size="10" fill="#333">{label}</text>"##,
            y + 4.0
        )
    };
    let mut s = r#"<g class="legend">"#.to_string();
    s += &format!(
        r#"<line x1="{x0:.1}" x2="{:.1}" y1="{y0:.1}" y2="{y0:.1}" stroke="{CURVE}" stroke-width="2"/>"#,
        x0 + 16.0
    );
    s += &text(x0 + 20.0, y0, "fitted curve");
    s += &format!(
        r#"<rect x="{:.1}" y="{:.1}" width="14" height="9" fill="{BAND}" fill-opacity="0.6"/>"#,
        x0 + 92.0,
        y0 - 4.5
    );
    s += &text(x0 + 110.0, y0, "80% band");
    s += &format!(
        r##"<rect x="{:.1}" y="{:.1}" width="14" height="9" fill="{OBSERVED}" stroke="#bbb" stroke-width="0.5"/>"##,
        x0 + 166.0,
        y0 - 4.5
    );
    s += &text(x0 + 184.0, y0, "observed spend");
    let y1 = y0 + 17.0;
    s += &format!(
        r#"<circle cx="{:.1}" cy="{y1:.1}" r="4" fill="{TODAY}"/>"#,
        x0 + 6.0
    );
    s += &text(x0 + 20.0, y1, "today");
    let dx = x0 + 98.0;
    s += &format!(
        r#"<path d="M{:.1} {y1:.1}H{:.1}M{dx:.1} {:.1}L{:.1} {y1:.1}L{dx:.1} {:.1}L{:.1} {y1:.1}Z" stroke="{RECOMMENDED}" stroke-width="1.5" fill="{RECOMMENDED}"/>"#,
        dx - 10.0,
        dx + 10.0,
        y1 - 5.0,
        dx + 5.0,
        y1 + 5.0,
        dx - 5.0
    );
    s += &text(dx + 14.0, y1, "recommended (80% interval)");
    s + "</g>"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(channel: &str) -> FittedRow {
        FittedRow {
            channel: channel.to_string(),
            current_spend: 100.0,
            recommended_spend: 120.0,
            change: 20.0,
            change_pct: Some(0.2),
            value_before: 50.0,
            value_after: 55.0,
            marginal_roas_before: Some(0.3),
            marginal_roas_after: Some(0.2),
            bound: String::new(),
            fitted_min: Some(40.0),
            fitted_max: Some(150.0),
            spend_p10: Some(105.0),
            spend_p90: Some(130.0),
            prob_rise: Some(0.9),
            outside_range: false,
            assumed_spend: None,
            curve: "hill".into(),
            value_per_exposure: Some(1.0),
            route: "logs".into(),
            frequency: String::new(),
        }
    }

    /// `g(x) = 80 (1 − e^(−x/100))` on 0..300, the band ±10%.
    fn points(channel: &str) -> Vec<CurvePoint> {
        (0..=30)
            .map(|i| {
                let x = 10.0 * i as f64;
                let v = 80.0 * (1.0 - (-x / 100.0).exp());
                CurvePoint {
                    channel: channel.to_string(),
                    spend: x,
                    value: v,
                    value_p10: 0.9 * v,
                    value_p90: 1.1 * v,
                    in_fitted_range: (40.0..=150.0).contains(&x),
                }
            })
            .collect()
    }

    /// The `(x, y)` of a mark drawn with `class` (its first coordinates).
    fn mark(svg: &str, class: &str) -> (f64, f64) {
        let at = svg
            .find(&format!("class=\"{class}\""))
            .unwrap_or_else(|| panic!("no {class} in {svg}"));
        let rest = &svg[at..];
        let rest = &rest[..rest.find('>').unwrap()];
        let attr = |name: &str| -> Option<f64> {
            let i = rest.find(&format!(" {name}=\""))? + name.len() + 3;
            rest[i..].split('"').next()?.parse().ok()
        };
        if let (Some(cx), Some(cy)) = (attr("cx"), attr("cy")) {
            return (cx, cy);
        }
        // A path: its first point after `M`.
        let d = &rest[rest.find(" d=\"M").unwrap() + 5..];
        let mut nums = d
            .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
            .filter(|t| !t.is_empty())
            .map(|t| t.parse::<f64>().unwrap());
        (nums.next().unwrap(), nums.next().unwrap())
    }

    fn inside((x, y): (f64, f64)) -> bool {
        let (l, t, r, b) = PLOT;
        (l..=r).contains(&x) && (t..=b).contains(&y)
    }

    /// A hostile channel name is escaped everywhere it appears; the band, the observed
    /// range, today and the recommended point are drawn, inside the plot area, at
    /// their places on the axes (x to a round 300, y to a round 100).
    #[test]
    fn a_chart_marks_today_and_the_plan_on_the_curve_and_its_band() {
        let hostile = "<script>&|";
        let svg = channel_chart(&row(hostile), &points(hostile), "week", "value");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(!svg.contains("<script>"), "{svg}");
        assert!(svg.contains("&lt;script&gt;&amp;|"), "{svg}");
        for class in [
            "band",
            "curve",
            "observed",
            "today",
            "recommended",
            "interval",
        ] {
            assert!(svg.contains(&format!("class=\"{class}\"")), "{class}");
        }
        let (l, t, r, b) = PLOT;
        let x = |v: f64| l + (r - l) * v / 300.0;
        let y = |v: f64| b - (b - t) * v / 100.0;
        let today = mark(&svg, "today");
        assert!(inside(today));
        assert!((today.0 - x(100.0)).abs() < 0.1 && (today.1 - y(50.0)).abs() < 0.1);
        // The diamond's first point is 6 above the recommended point.
        let planned = mark(&svg, "recommended");
        assert!((planned.0 - x(120.0)).abs() < 0.1 && (planned.1 + 6.0 - y(55.0)).abs() < 0.1);
        assert!(inside((planned.0, planned.1 + 6.0)));
        // The band starts at the upper edge of its first point (0, 0) and the observed
        // range at spend 40.
        assert!(inside(mark(&svg, "band")));
        assert!((mark(&svg, "interval").0 - x(105.0)).abs() < 0.1);
        assert!(svg.contains(&format!("x=\"{:.1}\"", x(40.0))));
        for label in [
            "spend per week",
            "value per week",
            "fitted curve",
            "80% band",
            "today",
        ] {
            assert!(svg.contains(label), "{label}");
        }
    }

    /// Nothing a plan can hold draws outside the plot: spend past the grid, values past
    /// the band, non-finite numbers.
    #[test]
    fn marks_stay_in_the_plot_area_whatever_the_numbers() {
        let mut r = row("a");
        r.recommended_spend = 1e12;
        r.value_after = f64::NAN;
        r.current_spend = -5.0;
        r.spend_p90 = Some(f64::INFINITY);
        let svg = channel_chart(&r, &points("a"), "day", "conversions");
        assert!(inside(mark(&svg, "today")));
        let planned = mark(&svg, "recommended");
        assert!(inside((planned.0, planned.1 + 6.0)), "{svg}");
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
        assert!(svg.contains("conversions per day"));
        // No curve at all still draws a chart.
        let empty = channel_chart(&row("a"), &[], "week", "value");
        assert!(!empty.contains("class=\"band\"") && empty.contains("class=\"today\""));
    }
}
