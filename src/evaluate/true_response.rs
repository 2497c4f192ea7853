//! A world's true response to spend, and how much of the available gain a plan leaves.
//!
//! A simulation with a spend plan knows each channel's true response per period: the
//! incremental conversions `g_c(x)` that a spend `x` per period buys (`curves.csv` of
//! `pathcredit simulate --scenario spend_response`: `channel,spend,
//! incremental_conversions`, a grid of spends per channel). Between grid points `g_c` is
//! read linearly, and past the last point its last segment is extended.
//!
//! **The true optimum.** Given today's spend `s_c` and the bounds of a plan `[lo_c, hi_c]`
//! ([`BudgetParams::bounds`]), the best plan under the truth maximises `Σ_c g_c(x_c)` with
//! `Σ_c x_c = Σ_c s_c`. For concave `g_c` this is a fractional knapsack over the curves'
//! segments: every channel starts at `lo_c`, and the remaining total fills the segments
//! in order of falling slope (a concave curve's segments fall in slope along it, so each
//! channel is filled from `lo_c` upwards without gaps). The greedy is exact for
//! piecewise-linear concave curves (Dantzig 1957, the fractional knapsack). A curve that
//! is not concave is refused: the greedy would not be exact, and the simulator's curves
//! (saturating reach) are concave. Concavity is judged on the upper concave hull of the
//! grid points, up to the rounding of `curves.csv` (a point may lie below the hull by
//! `1e-6` of the curve's top, its last printed digit, and no more).
//!
//! **Gain left.** A plan `x` leaves `(G(x*) − G(x)) / (G(x*) − G(s))` of the available
//! gain, `G = Σ_c g_c`, `x*` the true optimum, `s` today's spend: 0 when the plan is
//! optimal, 1 when it is no better than today, above 1 when it is worse than today.

use std::collections::BTreeMap;

use crate::csv_input::{CsvSource, ReadOptions, ReadReport, Records};
use crate::decide::BudgetParams;
use crate::error::{Error, Result};

/// How far below its upper concave hull a point of a true curve may lie, as a share of
/// the curve's largest value: the rounding of `curves.csv`.
const CONCAVITY_SLACK: f64 = 1e-6;

/// Each channel's true response per period: `(spend, incremental conversions)` points,
/// spends ascending.
#[derive(Clone, Debug, PartialEq)]
pub struct TrueCurves {
    by_channel: BTreeMap<String, Vec<(f64, f64)>>,
}

impl TrueCurves {
    /// The curves of the given channels' points (each sorted by spend, at least two
    /// distinct spends, concave); an error naming the first channel that is not.
    pub fn new(by_channel: BTreeMap<String, Vec<(f64, f64)>>, name: &str) -> Result<TrueCurves> {
        for (channel, points) in &by_channel {
            let bad = |what: String| {
                Error::unsupported(
                    "true response curves",
                    format!("{name}: channel `{channel}`: {what}"),
                )
            };
            if points.len() < 2 {
                return Err(bad(format!(
                    "{} point(s); expected at least two spends per channel",
                    points.len()
                )));
            }
            if let Some(w) = points.windows(2).find(|w| w[1].0 <= w[0].0) {
                return Err(bad(format!(
                    "spend {} follows {}; expected the spends of a channel strictly ascending",
                    w[1].0, w[0].0
                )));
            }
            let top = points.iter().map(|p| p.1.abs()).fold(0.0, f64::max);
            let hull = upper_hull(points);
            for &(x, y) in points {
                let h = linear(&hull, x);
                if h - y > CONCAVITY_SLACK * top.max(f64::MIN_POSITIVE) {
                    return Err(bad(format!(
                        "not concave: at spend {x} the response {y} lies {} below the chord \
                         of its neighbours; the true optimum is exact for concave curves only",
                        h - y
                    )));
                }
            }
        }
        Ok(TrueCurves { by_channel })
    }

    /// The channels with a curve, sorted.
    pub fn channels(&self) -> impl Iterator<Item = &str> {
        self.by_channel.keys().map(String::as_str)
    }

    /// `g_c(x)`: the true incremental conversions per period of spend `x` on `channel`
    /// (none for a channel without a curve).
    pub fn value(&self, channel: &str, x: f64) -> Option<f64> {
        self.by_channel.get(channel).map(|p| linear(p, x))
    }

    /// `G(x) = Σ_c g_c(x_c)` of a plan (channels without a curve add nothing).
    pub fn total(&self, plan: &BTreeMap<String, f64>) -> f64 {
        plan.iter().filter_map(|(c, &x)| self.value(c, x)).sum()
    }

    /// The true optimum (see the module docs): spend per channel within `bounds`
    /// (channel → `[lo, hi]`), summing to `total`. An error when a channel has no
    /// curve or the total does not fit the bounds.
    pub fn optimum(
        &self,
        bounds: &BTreeMap<String, (f64, f64)>,
        total: f64,
    ) -> Result<BTreeMap<String, f64>> {
        let mut plan: BTreeMap<String, f64> = BTreeMap::new();
        // (slope, channel, start, width) of every segment inside the bounds.
        let mut segments: Vec<(f64, &str, f64, f64)> = Vec::new();
        for (channel, &(lo, hi)) in bounds {
            let Some(points) = self.by_channel.get(channel) else {
                return Err(Error::unsupported(
                    "true response curves",
                    format!("the spend has channel `{channel}`, which has no true curve"),
                ));
            };
            plan.insert(channel.clone(), lo);
            let hull = upper_hull(points);
            let mut cuts: Vec<f64> = vec![lo];
            cuts.extend(hull.iter().map(|p| p.0).filter(|&x| x > lo && x < hi));
            cuts.push(hi);
            for w in cuts.windows(2) {
                let width = w[1] - w[0];
                if width > 0.0 {
                    let slope = (linear(&hull, w[1]) - linear(&hull, w[0])) / width;
                    segments.push((slope, channel.as_str(), w[0], width));
                }
            }
        }
        let floor: f64 = plan.values().sum();
        let room: f64 = segments.iter().map(|s| s.3).sum();
        let mut left = total - floor;
        let slack = 1e-9 * total.abs().max(1.0);
        if left < -slack || left > room + slack {
            return Err(Error::unsupported(
                "true optimum",
                format!(
                    "a total of {total} does not fit the bounds (from {floor} to {})",
                    floor + room
                ),
            ));
        }
        // Steepest first; ties in channel order, then along the curve.
        segments.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then(a.1.cmp(b.1))
                .then(a.2.total_cmp(&b.2))
        });
        for (_, channel, _, width) in segments {
            if left <= 0.0 {
                break;
            }
            let take = width.min(left);
            if let Some(x) = plan.get_mut(channel) {
                *x += take;
            }
            left -= take;
        }
        Ok(plan)
    }

    /// The share of the available gain that `plan` leaves (see the module docs), against
    /// `today` and the true `optimum`; none when today's spend is already optimal (no gain
    /// to leave).
    pub fn gain_left(
        &self,
        today: &BTreeMap<String, f64>,
        optimum: &BTreeMap<String, f64>,
        plan: &BTreeMap<String, f64>,
    ) -> Option<f64> {
        let (best, now) = (self.total(optimum), self.total(today));
        let gain = best - now;
        (gain > 1e-12 * best.abs().max(1e-12)).then(|| (best - self.total(plan)) / gain)
    }
}

/// `points` read linearly at `x`; past either end, the end segment extended.
fn linear(points: &[(f64, f64)], x: f64) -> f64 {
    let i = points
        .partition_point(|p| p.0 <= x)
        .clamp(1, points.len() - 1);
    let ((x0, y0), (x1, y1)) = (points[i - 1], points[i]);
    y0 + (y1 - y0) * (x - x0) / (x1 - x0)
}

/// The upper concave hull of points sorted by `x` (Andrew's monotone chain).
fn upper_hull(points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut hull: Vec<(f64, f64)> = Vec::with_capacity(points.len());
    for &p in points {
        while hull.len() >= 2 {
            let (a, b) = (hull[hull.len() - 2], hull[hull.len() - 1]);
            // Drop b when it lies on or below the chord from a to p.
            let cross = (b.0 - a.0) * (p.1 - a.1) - (b.1 - a.1) * (p.0 - a.0);
            if cross >= 0.0 {
                hull.pop();
            } else {
                break;
            }
        }
        hull.push(p);
    }
    hull
}

/// Reads a world's true response curves: `channel,spend,incremental_conversions` (other
/// columns, such as `exposures` and `incremental_value`, are ignored), one row per
/// channel and spend, both non-negative. A malformed row is an error naming its line and column; a channel
/// whose spends do not ascend, with fewer than two points, or not concave, an error
/// naming the channel.
pub fn read_true_curves(input: Records<'_>, name: &str) -> Result<TrueCurves> {
    let opts = ReadOptions::default();
    let mut src = CsvSource::open(
        input,
        name,
        &["channel", "spend", "incremental_conversions"],
    )?;
    let channel = src.required("channel", &opts.columns)?;
    let spend = src.required("spend", &opts.columns)?;
    let conversions = src.required("incremental_conversions", &opts.columns)?;
    let mut report = ReadReport::new(name);
    let mut by_channel: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
    while let Some(row) = src.next_row()? {
        report.rows_read += 1;
        let c = row.non_empty(channel, "a channel name")?.to_string();
        let x = row.non_negative(spend, None)?;
        let y = row.non_negative(conversions, None)?;
        by_channel.entry(c).or_default().push((x, y));
    }
    report.check_usable()?;
    TrueCurves::new(by_channel, name)
}

/// The plan bounds of every channel of `today` under `params`
/// ([`BudgetParams::bounds`]).
pub fn plan_bounds(
    today: &BTreeMap<String, f64>,
    params: &BudgetParams,
) -> Result<BTreeMap<String, (f64, f64)>> {
    today
        .iter()
        .map(|(c, &s)| Ok((c.clone(), params.bounds(c, s)?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn curves(rows: &[(&str, &[(f64, f64)])]) -> Result<TrueCurves> {
        TrueCurves::new(
            rows.iter()
                .map(|(c, p)| (c.to_string(), p.to_vec()))
                .collect(),
            "curves.csv",
        )
    }

    fn plan(rows: &[(&str, f64)]) -> BTreeMap<String, f64> {
        rows.iter().map(|&(c, x)| (c.to_string(), x)).collect()
    }

    /// Hand-derived: `a` has slope 2 up to spend 100 then 1 (points (0,0), (100,200),
    /// (200,300)); `b` slope 1.5 up to 100 then 0.5 ((0,0), (100,150), (200,200)). Today
    /// 100 each, bounds ±50% ([50, 150] each), total 200. The segments in [50, 150]:
    /// a [50,100] slope 2, b [50,100] slope 1.5, a [100,150] slope 1, b [100,150] slope
    /// 0.5. From (50, 50), 100 is left: a's first 50 (slope 2), then b's first 50 (1.5):
    /// the optimum is (100, 100), today itself, and today leaves no gain. With a's upper
    /// segment steeper than b's lower one (a: (0,0),(100,200),(200,380), slope 1.8 past
    /// 100) the optimum is a 150, b 50: G = 200 + 90 + 75 = 365 against today's 350.
    #[test]
    fn optimum_by_hand() {
        let c = curves(&[
            ("a", &[(0.0, 0.0), (100.0, 200.0), (200.0, 300.0)]),
            ("b", &[(0.0, 0.0), (100.0, 150.0), (200.0, 200.0)]),
        ])
        .unwrap();
        let bounds: BTreeMap<String, (f64, f64)> =
            [("a".into(), (50.0, 150.0)), ("b".into(), (50.0, 150.0))].into();
        let today = plan(&[("a", 100.0), ("b", 100.0)]);
        let best = c.optimum(&bounds, 200.0).unwrap();
        assert_eq!(best, today);
        assert_eq!(c.gain_left(&today, &best, &today), None);

        let c = curves(&[
            ("a", &[(0.0, 0.0), (100.0, 200.0), (200.0, 380.0)]),
            ("b", &[(0.0, 0.0), (100.0, 150.0), (200.0, 200.0)]),
        ])
        .unwrap();
        let best = c.optimum(&bounds, 200.0).unwrap();
        assert_eq!(best, plan(&[("a", 150.0), ("b", 50.0)]));
        assert!((c.total(&best) - 365.0).abs() < 1e-9);
        assert!((c.total(&today) - 350.0).abs() < 1e-9);
        // Half way (a 125, b 75): G = 245 + 112.5 = 357.5, so it leaves
        // (365 − 357.5) / 15 = 0.5; the opposite move (a 75, b 125) G = 150 + 162.5 =
        // 312.5 leaves (365 − 312.5) / 15 = 3.5: worse than today.
        let half = plan(&[("a", 125.0), ("b", 75.0)]);
        assert!((c.gain_left(&today, &best, &half).unwrap() - 0.5).abs() < 1e-12);
        let wrong = plan(&[("a", 75.0), ("b", 125.0)]);
        assert!((c.gain_left(&today, &best, &wrong).unwrap() - 3.5).abs() < 1e-12);
        assert_eq!(c.gain_left(&today, &best, &best), Some(0.0));
    }

    /// Read linearly between points and extended past the last one.
    #[test]
    fn values_between_and_past_the_grid() {
        let c = curves(&[("a", &[(0.0, 0.0), (10.0, 5.0), (20.0, 8.0)])]).unwrap();
        assert_eq!(c.value("a", 5.0), Some(2.5));
        assert_eq!(c.value("a", 15.0), Some(6.5));
        assert_eq!(c.value("a", 30.0), Some(11.0));
        assert_eq!(c.value("b", 1.0), None);
    }

    /// The optimum against brute force on a 1-unit grid over random concave curves
    /// (breakpoints on whole spends, so the grid holds the exact optimum).
    #[test]
    fn optimum_equals_brute_force() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        for _ in 0..50 {
            let mut rows = BTreeMap::new();
            for c in ["a", "b", "c"] {
                let mut slope: f64 = rng.gen_range(1.0..3.0);
                let (mut x, mut y) = (0.0, 0.0);
                let mut pts = vec![(0.0, 0.0)];
                for _ in 0..4 {
                    let step = rng.gen_range(1..6) as f64;
                    x += step;
                    y += slope * step;
                    pts.push((x, y));
                    slope *= rng.gen_range(0.2..1.0);
                }
                rows.insert(c.to_string(), pts);
            }
            let c = TrueCurves::new(rows, "random").unwrap();
            let bounds: BTreeMap<String, (f64, f64)> = [
                ("a".into(), (1.0, 8.0)),
                ("b".into(), (0.0, 9.0)),
                ("c".into(), (2.0, 10.0)),
            ]
            .into();
            let total = 12.0;
            let best = c.total(&c.optimum(&bounds, total).unwrap());
            let mut brute = f64::NEG_INFINITY;
            for a in 1..=8 {
                for b in 0..=9 {
                    let cc = total as i32 - a - b;
                    if (2..=10).contains(&cc) {
                        let p = plan(&[("a", a as f64), ("b", b as f64), ("c", cc as f64)]);
                        brute = brute.max(c.total(&p));
                    }
                }
            }
            assert!((best - brute).abs() < 1e-9, "{best} vs {brute}");
        }
    }

    /// Refused: a convex bend, spends out of order, a single point, a channel of the
    /// spend without a curve, a total that does not fit.
    #[test]
    fn bad_curves_refused() {
        let convex = curves(&[("a", &[(0.0, 0.0), (10.0, 1.0), (20.0, 5.0)])]);
        assert!(convex.unwrap_err().to_string().contains("not concave"));
        let back = curves(&[("a", &[(0.0, 0.0), (10.0, 1.0), (5.0, 2.0)])]);
        assert!(back.unwrap_err().to_string().contains("strictly ascending"));
        let one = curves(&[("a", &[(0.0, 0.0)])]);
        assert!(one.unwrap_err().to_string().contains("at least two"));
        let c = curves(&[("a", &[(0.0, 0.0), (10.0, 5.0)])]).unwrap();
        let missing: BTreeMap<String, (f64, f64)> = [("zz".into(), (0.0, 1.0))].into();
        assert!(
            c.optimum(&missing, 1.0)
                .unwrap_err()
                .to_string()
                .contains("`zz`")
        );
        let tight: BTreeMap<String, (f64, f64)> = [("a".into(), (2.0, 4.0))].into();
        assert!(c.optimum(&tight, 9.0).is_err());
    }

    /// Rounding in the last printed digit is not a convex bend.
    #[test]
    fn rounding_is_not_a_bend() {
        let c = curves(&[(
            "a",
            &[
                (0.0, 0.0),
                (1.0, 10.0),
                (2.0, 15.0),
                (3.0, 15.000001),
                (4.0, 15.000003),
            ],
        )]);
        assert!(c.is_ok(), "{c:?}");
    }

    /// A located error for a response that is not a number.
    #[test]
    fn bad_row_located() {
        let text = "channel,spend,incremental_conversions\na,0,0\na,10,x\n";
        let e = read_true_curves(Records::csv(text.as_bytes()), "curves.csv").unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("curves.csv") && msg.contains("line 3"),
            "{msg}"
        );
    }
}
