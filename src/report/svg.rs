//! Inline SVG charts for the HTML report, drawn from numbers alone (no script, no
//! network): grouped bars with error bars, diverging bars, and a heatmap.

use crate::report::colours::series_colour;
use crate::report::numbers::fixed;

/// Escapes text for HTML and SVG: the markup characters as entities, and control and
/// invisible characters shown as `\u{…}` ([`crate::text::escape_hidden`]).
pub fn escape(s: &str) -> String {
    crate::text::escape_hidden(s)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One series of a bar chart.
pub struct Series<'a> {
    /// Legend name.
    pub name: &'a str,
    /// One value per category.
    pub values: Vec<f64>,
    /// Error bars (low, high) per category, when known (`None` for a category without
    /// one, e.g. a bar that sums several channels).
    pub errors: Option<Vec<Option<(f64, f64)>>>,
}

/// A "nice" axis maximum at or above `max`.
pub(crate) fn nice_max(max: f64) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let magnitude = 10f64.powf(max.log10().floor());
    [1.0, 1.2, 1.6, 2.0, 2.4, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|&m| m >= max)
        .unwrap_or(10.0 * magnitude)
}

/// The largest value a chart must show: every bar and the top of every error bar (0 for
/// none), the axis is scaled to it.
fn largest_value(series: &[Series]) -> f64 {
    series
        .iter()
        .flat_map(|s| {
            s.values
                .iter()
                .copied()
                .chain(s.errors.iter().flatten().flatten().map(|(_, hi)| *hi))
        })
        .fold(0.0, f64::max)
}

/// How many grid steps divide an axis ending at `max` (a [`nice_max`]) into round
/// steps: 5 for 1, 5, 10 (× 10ⁿ), 3 for 3 and 6, else 4.
pub(crate) fn divisions(max: f64) -> usize {
    if max <= 0.0 || !max.is_finite() {
        return 4;
    }
    let mantissa = max / 10f64.powf(max.log10().floor());
    let is = |m: f64| (mantissa - m).abs() < 1e-9;
    if is(1.0) || is(5.0) || is(10.0) {
        5
    } else if is(3.0) || is(6.0) {
        3
    } else {
        4
    }
}

/// Grouped vertical bars: categories along x, one bar per series in each group.
/// `as_percent` labels the axis in percent of 1.
pub fn grouped_bars(
    label: &str,
    categories: &[String],
    series: &[Series<'_>],
    as_percent: bool,
) -> String {
    let (left, bottom) = (56.0, 70.0);
    let bar = if series.len() > 6 { 7.0 } else { 12.0 };
    let group = bar * series.len().max(1) as f64 + 14.0;
    let width = (left + 20.0 + group * categories.len() as f64).max(480.0);
    // Legend keys, wrapped into rows that fit the width.
    let mut keys = Vec::new();
    let (mut lx, mut ly) = (left, 12.0);
    for ser in series {
        let w = 24.0 + 6.5 * ser.name.chars().count() as f64;
        if lx + w > width - 10.0 && lx > left {
            lx = left;
            ly += 16.0;
        }
        keys.push((lx, ly));
        lx += w;
    }
    let top = ly + 28.0;
    let plot_h = 220.0;
    let height = top + plot_h + bottom;
    let max = largest_value(series);
    let ymax = nice_max(max);
    let y = |v: f64| top + plot_h * (1.0 - (v / ymax).clamp(0.0, 1.0));
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{}" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}">"#,
        escape(label)
    );
    let n = divisions(ymax);
    for k in 0..=n {
        let v = ymax * k as f64 / n as f64;
        let text = if as_percent {
            format!("{}%", fixed(100.0 * v, if ymax < 0.05 { 1 } else { 0 }))
        } else {
            fixed(v, if ymax < 10.0 { 1 } else { 0 })
        };
        s += &format!(
            r##"<line x1="{left}" x2="{:.1}" y1="{:.1}" y2="{:.1}" stroke="#e3e3e3"/><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end" fill="#555">{text}</text>"##,
            width - 10.0,
            y(v),
            y(v),
            left - 6.0,
            y(v) + 4.0
        );
    }
    for (ci, cat) in categories.iter().enumerate() {
        let x0 = left + 10.0 + group * ci as f64;
        for (si, ser) in series.iter().enumerate() {
            let v = ser.values.get(ci).copied().unwrap_or(0.0).max(0.0);
            let x = x0 + bar * si as f64;
            s += &format!(
                r#"<rect x="{x:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{}"><title>{} · {}: {}</title></rect>"#,
                y(v),
                bar - 1.0,
                top + plot_h - y(v),
                series_colour(ser.name),
                escape(ser.name),
                escape(cat),
                if as_percent {
                    format!("{}%", fixed(100.0 * v, 1))
                } else {
                    fixed(v, 2)
                }
            );
            if let Some((lo, hi)) = ser
                .errors
                .as_ref()
                .and_then(|e| e.get(ci).copied().flatten())
            {
                let cx = x + (bar - 1.0) / 2.0;
                s += &format!(
                    r##"<path d="M{cx:.1} {:.1}V{:.1}M{:.1} {:.1}h{:.1}M{:.1} {:.1}h{:.1}" stroke="#222" stroke-width="1"/>"##,
                    y(lo),
                    y(hi),
                    cx - 2.5,
                    y(lo),
                    5.0,
                    cx - 2.5,
                    y(hi),
                    5.0
                );
            }
        }
        let lx = x0 + group / 2.0 - 7.0;
        let ly = top + plot_h + 12.0;
        s += &format!(
            r##"<text x="{lx:.1}" y="{ly:.1}" font-size="11" fill="#333" text-anchor="end" transform="rotate(-35 {lx:.1} {ly:.1})">{}</text>"##,
            escape(cat)
        );
    }
    for (ser, (kx, ky)) in series.iter().zip(&keys) {
        s += &format!(
            r##"<rect x="{kx:.1}" y="{ky:.1}" width="10" height="10" fill="{}"/><text x="{:.1}" y="{:.1}" font-size="11" fill="#333">{}</text>"##,
            series_colour(ser.name),
            kx + 14.0,
            ky + 9.0,
            escape(ser.name)
        );
    }
    s + "</svg>"
}

/// Horizontal grouped bars, one group per category (top to bottom, in the given
/// order) and one bar per series, the value written at the end of each bar; a marker
/// (⚠) after a series' legend entry when `warned` says so.
pub fn horizontal_bars(
    label: &str,
    categories: &[String],
    series: &[Series<'_>],
    warned: &[bool],
    as_percent: bool,
) -> String {
    let left = 10.0
        + 7.0
            * categories
                .iter()
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(4) as f64;
    let (width, bar) = (660.0, 9.0);
    let legend_rows = series.len().div_ceil(3);
    let top = 14.0 + 16.0 * legend_rows as f64;
    let group = bar * series.len().max(1) as f64 + 8.0;
    let height = top + group * categories.len() as f64 + 24.0;
    let plot = width - left - 70.0;
    let max = largest_value(series);
    let xmax = nice_max(max);
    let x = |v: f64| left + plot * (v / xmax).clamp(0.0, 1.0);
    let show = |v: f64| {
        if as_percent {
            format!("{}%", fixed(100.0 * v, 1))
        } else {
            fixed(v, 1)
        }
    };
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{}" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}">"#,
        escape(label)
    );
    for (si, ser) in series.iter().enumerate() {
        let (kx, ky) = (left + 200.0 * (si % 3) as f64, 4.0 + 16.0 * (si / 3) as f64);
        let mark = if warned.get(si).copied().unwrap_or(false) {
            " ⚠"
        } else {
            ""
        };
        s += &format!(
            r##"<rect x="{kx:.1}" y="{ky:.1}" width="10" height="10" fill="{}"/><text x="{:.1}" y="{:.1}" font-size="11" fill="#333">{}{mark}</text>"##,
            series_colour(ser.name),
            kx + 14.0,
            ky + 9.0,
            escape(ser.name)
        );
    }
    let n = divisions(xmax);
    // Axis labels drop a trailing ".0" (bar labels keep one decimal).
    let tick = |v: f64| {
        let t = show(v);
        t.replace(".0%", "%").trim_end_matches(".0").to_string()
    };
    for k in 0..=n {
        let v = xmax * k as f64 / n as f64;
        s += &format!(
            r##"<line x1="{:.1}" x2="{:.1}" y1="{top:.1}" y2="{:.1}" stroke="#e3e3e3"/><text x="{:.1}" y="{:.1}" font-size="10" text-anchor="middle" fill="#666">{}</text>"##,
            x(v),
            x(v),
            height - 18.0,
            x(v),
            height - 6.0,
            tick(v)
        );
    }
    for (ci, cat) in categories.iter().enumerate() {
        let y0 = top + group * ci as f64 + 4.0;
        s += &format!(
            r##"<text x="{:.1}" y="{:.1}" font-size="12" text-anchor="end" fill="#222">{}</text>"##,
            left - 6.0,
            y0 + group / 2.0,
            escape(cat)
        );
        for (si, ser) in series.iter().enumerate() {
            let v = ser.values.get(ci).copied().unwrap_or(0.0).max(0.0);
            let y = y0 + bar * si as f64;
            s += &format!(
                r#"<rect x="{left:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" fill="{}"><title>{} · {}: {}</title></rect>"#,
                x(v) - left,
                bar - 1.0,
                series_colour(ser.name),
                escape(ser.name),
                escape(cat),
                show(v)
            );
            if let Some((lo, hi)) = ser
                .errors
                .as_ref()
                .and_then(|e| e.get(ci).copied().flatten())
            {
                let cy = y + (bar - 1.0) / 2.0;
                s += &format!(
                    r##"<path d="M{:.1} {cy:.1}H{:.1}" stroke="#222" stroke-width="1"/>"##,
                    x(lo),
                    x(hi)
                );
            }
            s += &format!(
                r##"<text x="{:.1}" y="{:.1}" font-size="9" fill="#444">{}</text>"##,
                x(v) + 3.0,
                y + bar - 1.5,
                show(v)
            );
        }
    }
    s + "</svg>"
}

/// Horizontal bars around zero (e.g. budget change per channel): green up, red down.
pub fn diverging_bars(label: &str, labels: &[String], values: &[f64]) -> String {
    // Channel names, then room for a negative bar's label, the bars, a positive label.
    let (left, gutter, row, width) = (150.0, 64.0, 24.0, 700.0);
    let height = 30.0 + row * labels.len() as f64;
    let max = values.iter().map(|v| v.abs()).fold(0.0, f64::max);
    let half = (width - left - 2.0 * gutter) / 2.0;
    let scale = if max > 0.0 { half / max } else { 0.0 };
    let zero = left + gutter + half;
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{}" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}">"#,
        escape(label)
    );
    s += &format!(
        r##"<line x1="{zero:.1}" x2="{zero:.1}" y1="6" y2="{:.1}" stroke="#888"/>"##,
        height - 6.0
    );
    for (i, (l, v)) in labels.iter().zip(values).enumerate() {
        let y = 12.0 + row * i as f64;
        let w = v.abs() * scale;
        let x = if *v >= 0.0 { zero } else { zero - w };
        let (colour, anchor) = if *v >= 0.0 {
            ("#228833", "start")
        } else {
            ("#cc3311", "end")
        };
        s += &format!(
            r##"<text x="{:.1}" y="{:.1}" font-size="12" text-anchor="end" fill="#333">{}</text><rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{:.1}" fill="{colour}"><title>{}: {}</title></rect><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="{anchor}" fill="#333">{}</text>"##,
            left - 8.0,
            y + 12.0,
            escape(l),
            row - 8.0,
            escape(l),
            fixed(*v, 2),
            if *v >= 0.0 { x + w + 4.0 } else { x - 4.0 },
            y + 12.0,
            crate::report::numbers::signed(*v, 2)
        );
    }
    s + "</svg>"
}

/// The heatmap colour of a value in [0, 1] (white to dark blue).
fn heat(v: f64) -> (u8, u8, u8) {
    let t = v.clamp(0.0, 1.0).sqrt();
    (
        (255.0 - t * (255.0 - 8.0)) as u8,
        (255.0 - t * (255.0 - 48.0)) as u8,
        (255.0 - t * (255.0 - 107.0)) as u8,
    )
}

/// A heatmap of values in [0, 1] (white to dark blue), rows × columns, labelled, each
/// cell with its value, and a colour legend.
pub fn heatmap(label: &str, rows: &[String], cols: &[String], values: &[Vec<f64>]) -> String {
    let cell = 30.0;
    let left = 10.0 + 7.0 * rows.iter().map(|r| r.chars().count()).max().unwrap_or(4) as f64;
    let top = 10.0 + 6.5 * cols.iter().map(|c| c.chars().count()).max().unwrap_or(4) as f64;
    let width = left + cell * cols.len() as f64 + 10.0;
    let legend_top = top + cell * rows.len() as f64 + 14.0;
    let height = legend_top + 34.0;
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{}" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}">"#,
        escape(label)
    );
    for (j, c) in cols.iter().enumerate() {
        let x = left + cell * j as f64 + cell / 2.0;
        s += &format!(
            r##"<text x="{x:.1}" y="{:.1}" font-size="11" fill="#333" transform="rotate(-60 {x:.1} {:.1})">{}</text>"##,
            top - 4.0,
            top - 4.0,
            escape(c)
        );
    }
    for (i, r) in rows.iter().enumerate() {
        let y = top + cell * i as f64;
        s += &format!(
            r##"<text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end" fill="#333">{}</text>"##,
            left - 4.0,
            y + cell / 2.0 + 4.0,
            escape(r)
        );
        for (j, v) in values[i].iter().enumerate() {
            let (r8, g8, b8) = heat(*v);
            let x = left + cell * j as f64;
            s += &format!(
                r##"<rect x="{x:.1}" y="{y:.1}" width="{cell:.1}" height="{cell:.1}" fill="#{r8:02x}{g8:02x}{b8:02x}" stroke="#fff"><title>{} → {}: {}</title></rect>"##,
                escape(r),
                escape(&cols[j]),
                fixed(*v, 3)
            );
            if *v >= 0.005 {
                s += &format!(
                    r##"<text x="{:.1}" y="{:.1}" font-size="9" text-anchor="middle" fill="{}">{}</text>"##,
                    x + cell / 2.0,
                    y + cell / 2.0 + 3.0,
                    if *v > 0.3 { "#fff" } else { "#222" },
                    fixed(*v, 2).trim_start_matches('0')
                );
            }
        }
    }
    // The legend: a gradient of ten steps from 0 to 1.
    s += &format!(
        r##"<text x="{left:.1}" y="{:.1}" font-size="10" fill="#444">probability of the move</text>"##,
        legend_top - 2.0
    );
    for k in 0..10 {
        let (r8, g8, b8) = heat((k as f64 + 0.5) / 10.0);
        s += &format!(
            r##"<rect x="{:.1}" y="{:.1}" width="18" height="10" fill="#{r8:02x}{g8:02x}{b8:02x}"/>"##,
            left + 18.0 * k as f64,
            legend_top + 4.0
        );
    }
    s += &format!(
        r##"<text x="{left:.1}" y="{:.1}" font-size="10" fill="#444">0</text><text x="{:.1}" y="{:.1}" font-size="10" text-anchor="end" fill="#444">1</text>"##,
        legend_top + 26.0,
        left + 180.0,
        legend_top + 26.0
    );
    s + "</svg>"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_are_well_formed_and_escaped() {
        let cats = vec!["a<b".to_string(), "c".to_string()];
        let svg = grouped_bars(
            "x",
            &cats,
            &[Series {
                name: "m&n",
                values: vec![0.25, 0.75],
                errors: Some(vec![Some((0.2, 0.3)), Some((0.7, 0.8))]),
            }],
            true,
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("a&lt;b") && svg.contains("m&amp;n"));
        assert_eq!(
            svg.matches("<rect").count(),
            3,
            "two bars and one legend key"
        );
        let d = diverging_bars("d", &cats, &[5.0, -5.0]);
        assert_eq!(d.matches("<rect").count(), 2);
        let h = heatmap("h", &cats, &cats, &[vec![0.0, 1.0], vec![0.5, 0.5]]);
        assert!(h.contains("#ffffff") && h.contains("#08306b"));
    }

    #[test]
    fn axis_maxima_are_round() {
        assert_eq!(nice_max(0.37), 0.4);
        assert_eq!(nice_max(7.0), 8.0);
        assert_eq!(nice_max(52.0), 60.0);
        assert_eq!(nice_max(120.0), 120.0);
        assert_eq!(nice_max(130.0), 160.0);
        assert_eq!(nice_max(0.0), 1.0);
        // Steps of 0.1 (of 0.5), 20 (of 80), 2 (of 6), 0.3 (of 1.2).
        assert_eq!(divisions(0.5), 5);
        assert_eq!(divisions(80.0), 4);
        assert_eq!(divisions(6.0), 3);
        assert_eq!(divisions(1.2), 4);
    }
}
