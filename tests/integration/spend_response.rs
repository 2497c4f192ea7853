//! The spend-response world (issue 30, part 6): seeded weekly spend, exposures bought on
//! each channel's reach curve, the true response curves, and the spend read back as a
//! series (part 1).

use std::collections::BTreeMap;

use pathcredit::ReadOptions;
use pathcredit::csv_input::Records;
use pathcredit::decide::read_spend_series;
use pathcredit::simulate::{
    CURVE_POINTS, CURVE_SPAN, MEAN_CONVERSION_VALUE, Scenario, SimParams, SimSummary, TruthWork,
    write_curves, write_truth,
};
use pathcredit::time::{DAY, days_from_civil, parse_timestamp};

use crate::common::pathcredit;

/// A simulated spend world and every file it writes.
struct World {
    scenario: Scenario,
    summary: SimSummary,
    events: Vec<u8>,
    identities: Vec<u8>,
    spend: Vec<u8>,
    truth: Vec<u8>,
    curves: Vec<u8>,
}

fn world(units: usize, seed: u64) -> World {
    let scenario = Scenario::preset("spend_response", 8).unwrap();
    let params = SimParams {
        units,
        scenario: scenario.clone(),
        seed,
        truth: TruthWork::default(),
    };
    let (mut events, mut identities, mut spend) = (Vec::new(), Vec::new(), Vec::new());
    let summary = params
        .run(&mut events, &mut identities, &mut spend)
        .unwrap();
    let (mut truth, mut curves) = (Vec::new(), Vec::new());
    write_truth(&summary, &mut truth).unwrap();
    write_curves(&summary, &mut curves).unwrap();
    World {
        scenario,
        summary,
        events,
        identities,
        spend,
        truth,
        curves,
    }
}

/// `curves.csv` per channel: (spend, exposures, incremental conversions, value) rows.
fn curves(w: &World) -> BTreeMap<String, Vec<[f64; 4]>> {
    let text = std::str::from_utf8(&w.curves).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("channel,spend,exposures,incremental_conversions,incremental_value")
    );
    let mut out: BTreeMap<String, Vec<[f64; 4]>> = BTreeMap::new();
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        let v = |i: usize| f[i].parse::<f64>().unwrap();
        out.entry(f[0].to_string())
            .or_default()
            .push([v(1), v(2), v(3), v(4)]);
    }
    out
}

/// Paid exposures in `events.csv` per channel and week (from 2026-01-01), with each
/// exposure's day and fraction of the day.
fn exposures(w: &World) -> BTreeMap<String, Vec<(usize, f64)>> {
    let start = days_from_civil(2026, 1, 1) * DAY;
    let paid: Vec<&str> = w
        .scenario
        .channels
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    let mut out: BTreeMap<String, Vec<(usize, f64)>> = BTreeMap::new();
    for line in std::str::from_utf8(&w.events).unwrap().lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if f[2] != "touch" || !paid.contains(&f[3]) {
            continue;
        }
        let t = parse_timestamp(f[0]).unwrap() - start;
        let day = t.div_euclid(DAY) as usize;
        let frac = t.rem_euclid(DAY) as f64 / (DAY - 1) as f64;
        out.entry(f[3].to_string()).or_default().push((day, frac));
    }
    out
}

/// `E(x)` read off the channel's curve, linearly between its grid points (the curve is
/// concave and its grid fine: the interpolation is within 0.2% of `E(x)`).
fn curve_exposures(points: &[[f64; 4]], x: f64) -> f64 {
    let at = points
        .windows(2)
        .find(|p| p[0][0] <= x && x <= p[1][0])
        .unwrap_or_else(|| panic!("{x} is beyond the curve"));
    let (a, b) = (at[0], at[1]);
    a[1] + (b[1] - a[1]) * (x - a[0]) / (b[0] - a[0])
}

#[test]
fn the_spend_world_is_seeded_and_deterministic() {
    let a = world(3_000, 5);
    let b = world(3_000, 5);
    assert_eq!(a.events, b.events);
    assert_eq!(a.identities, b.identities);
    assert_eq!(a.spend, b.spend);
    assert_eq!(a.truth, b.truth);
    assert_eq!(a.curves, b.curves);
    assert_eq!(a.summary, b.summary);
    let c = world(3_000, 6);
    assert_ne!(a.spend, c.spend);
    assert_ne!(a.events, c.events);
}

/// Spend is weekly, read back as a series of 26 weeks from 2026-01-01 that the events
/// cover; each channel's spend varies within ±60% of its base week by week, and the
/// channels with dark weeks have some (spend 0), the others none.
#[test]
fn weekly_spend_varies_within_sixty_percent_with_dark_weeks() {
    let units = 5_000;
    let w = world(units, 7);
    let text = std::str::from_utf8(&w.spend).unwrap();
    assert!(text.starts_with("channel,period,spend\npaid_search,2026-01-01,"));
    assert_eq!(
        text.lines().count(),
        1 + 8 * 26,
        "one row per channel and week"
    );
    let series = read_spend_series(
        Records::csv(&w.spend[..]),
        "spend.csv",
        "channel",
        &ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(series.step_days, 7);
    assert_eq!(series.len(), 26);
    assert_eq!(series.period_label(0), "2026-01-01");
    assert_eq!(series.period_label(25), "2026-06-25");
    let start = days_from_civil(2026, 1, 1) * DAY;
    series
        .check_within(start, start + 182 * DAY - 1, "events.csv")
        .unwrap();
    let plan = w.scenario.spend.as_ref().unwrap();
    let mut dark_channels = 0;
    for (spec, curve) in w.scenario.channels.iter().zip(&plan.channels) {
        let weeks = &series.by_key[&spec.name];
        let base = curve.base_spend * units as f64;
        let lit: Vec<f64> = weeks.iter().copied().filter(|x| *x > 0.0).collect();
        for x in &lit {
            assert!(
                (0.4 * base - 0.01..=1.6 * base + 0.01).contains(x),
                "{}: {x} vs base {base}",
                spec.name
            );
        }
        let (lo, hi) = lit
            .iter()
            .fold((f64::MAX, 0.0f64), |(l, h), x| (l.min(*x), h.max(*x)));
        assert!(hi / lo > 2.0, "{}: spend varies ({lo}–{hi})", spec.name);
        let dark = weeks.len() - lit.len();
        if curve.dark_share > 0.0 {
            assert!(dark >= 1, "{} has dark weeks", spec.name);
            dark_channels += 1;
        } else {
            assert_eq!(dark, 0, "{}", spec.name);
        }
    }
    assert_eq!(dark_channels, 2);
}

/// The exposures each week shows in `events.csv` follow the reach curve of
/// `curves.csv` at that week's spend: none in a dark week, and elsewhere a binomial
/// count around `E(x)` (variance about `E(x)`): every week within 4.5 standard errors,
/// the sum of squared z-scores within 3.5 of its standard deviations of the number of
/// weeks, and all weeks together within 2% of the curve's total.
#[test]
fn weekly_exposures_follow_the_reach_curve() {
    let w = world(20_000, 3);
    let curves = curves(&w);
    let seen = exposures(&w);
    let series = read_spend_series(
        Records::csv(&w.spend[..]),
        "spend.csv",
        "channel",
        &ReadOptions::default(),
    )
    .unwrap();
    let (mut chi2, mut cells, mut observed, mut expected) = (0.0, 0.0, 0.0, 0.0);
    for (channel, weeks) in &series.by_key {
        let mut counts = vec![0.0; 26];
        for &(day, _) in &seen[channel] {
            counts[day / 7] += 1.0;
        }
        for (x, n) in weeks.iter().zip(&counts) {
            if *x == 0.0 {
                assert_eq!(*n, 0.0, "{channel}: a dark week has no exposures");
                continue;
            }
            let e = curve_exposures(&curves[channel], *x);
            let z = (n - e) / e.sqrt();
            assert!(z.abs() < 4.5, "{channel}: {n} exposures at {x} vs {e}");
            chi2 += z * z;
            cells += 1.0;
            observed += n;
            expected += e;
        }
    }
    assert!(
        (chi2 - cells).abs() < 3.5 * (2.0 * cells).sqrt(),
        "χ² {chi2} over {cells} weeks"
    );
    assert!(
        (observed / expected - 1.0).abs() < 0.02,
        "{observed} vs {expected}"
    );
}

/// Each channel's curve: 61 spends from 0 to 3× its mean weekly spend; exposures rise
/// from 0, ever more slowly (concave), and level off (the last step buys less than half
/// the first); conversions are `v` per exposure and value 160 per conversion; and the
/// curve's exposures are the channel's `E(x)`.
#[test]
fn curves_are_monotone_and_saturating() {
    let w = world(5_000, 7);
    let curves = curves(&w);
    assert_eq!(curves.len(), 8);
    for r in &w.summary.response {
        let points = &curves[&r.channel];
        assert_eq!(points.len(), CURVE_POINTS);
        assert_eq!(points[0], [0.0; 4]);
        let top = points[CURVE_POINTS - 1][0];
        assert!(
            (top - CURVE_SPAN * r.mean_spend).abs() < 0.01,
            "{}",
            r.channel
        );
        let v = r.conversions_per_exposure;
        assert!(v > 0.0, "{}", r.channel);
        let steps: Vec<f64> = points.windows(2).map(|p| p[1][1] - p[0][1]).collect();
        for (i, s) in steps.iter().enumerate() {
            assert!(*s > 0.0, "{}: exposures rise", r.channel);
            if i > 0 {
                assert!(*s < steps[i - 1] + 1e-3, "{}: concave at {i}", r.channel);
            }
        }
        assert!(
            steps[CURVE_POINTS - 2] < 0.5 * steps[0],
            "{}: saturates ({} then {})",
            r.channel,
            steps[0],
            steps[CURVE_POINTS - 2]
        );
        for p in points {
            assert!(p[1] < r.max_exposures);
            assert!((p[1] - r.exposures_at(p[0])).abs() < 1e-4);
            assert!((p[2] - v * p[1]).abs() < 1e-5 * (1.0 + p[2]));
            assert!((p[3] - MEAN_CONVERSION_VALUE * p[2]).abs() < 1e-3 * (1.0 + p[3]));
        }
        let conversions: Vec<f64> = points.iter().map(|p| p[2]).collect();
        assert!(conversions.windows(2).all(|c| c[1] > c[0]));
    }
}

/// Known answer for the conversions an exposure buys, `v`: to first order in the daily
/// hazard (conversions rare, intent of mean 1, exposure at random), an exposure at a
/// fraction `f` through day `d` of `D` adds `base_hazard · lift · ((1 − f) + Σ_(k=1)^(D−1−d)
/// δ^k)` expected conversions, `δ = 2^(−1/h)` (hand-derived from the hazard in
/// `world.rs`). Summed over the channel's exposures in `events.csv`, it gives the
/// channel's `v · n_c` within 4%: the exact value is a little lower (each exposure's term
/// is discounted by `e^(−H_d)`, about 1%), and the intent of the exposed people varies
/// around its mean.
#[test]
fn conversions_per_exposure_match_the_first_order_answer() {
    let w = world(40_000, 11);
    let seen = exposures(&w);
    let days = f64::from(w.scenario.days);
    for (spec, r) in w.scenario.channels.iter().zip(&w.summary.response) {
        let delta = (-1.0 / spec.half_life_days).exp2();
        let weight: f64 = seen[&spec.name]
            .iter()
            .map(|&(d, f)| {
                let after = days - 1.0 - d as f64;
                (1.0 - f) + delta * (1.0 - delta.powf(after)) / (1.0 - delta)
            })
            .sum();
        let first_order = w.scenario.base_hazard * spec.lift * weight;
        let exact = r.conversions_per_exposure * r.exposures as f64;
        assert_eq!(r.exposures as usize, seen[&spec.name].len());
        let ratio = exact / first_order;
        assert!((0.96..1.02).contains(&ratio), "{}: {ratio}", spec.name);
    }
    // The realised incremental conversions of the truth agree with the expected ones
    // within their noise (Poisson-like: a flip per changed conversion).
    for (t, r) in w.summary.truth.iter().zip(&w.summary.response) {
        let expected = r.conversions_per_exposure * r.exposures as f64;
        let z = (t.incremental_conversions - expected) / expected.sqrt();
        assert!(
            z.abs() < 4.0,
            "{}: {} vs {expected}",
            t.channel,
            t.incremental_conversions
        );
    }
}

/// `simulate --scenario spend_response` writes curves.csv beside the weekly spend; a
/// scenario without a spend plan writes none; a number of days that is not whole weeks
/// is refused.
#[test]
fn the_cli_writes_curves_for_the_spend_world_only() {
    let dir = tempfile::tempdir().unwrap();
    let run = |scenario: &str, out: &str| {
        pathcredit()
            .args(["simulate", "-q", "--users", "500", "--channels", "3"])
            .args(["--scenario", scenario, "--out-dir"])
            .arg(dir.path().join(out))
            .assert()
            .success();
    };
    run("spend_response", "spend");
    let curves = std::fs::read_to_string(dir.path().join("spend/curves.csv")).unwrap();
    assert!(curves.starts_with(
        "channel,spend,exposures,incremental_conversions,incremental_value\n\
         paid_search,0.00,0.0000,0.000000,0.0000\n"
    ));
    assert_eq!(curves.lines().count(), 1 + 3 * CURVE_POINTS);
    let spend = std::fs::read_to_string(dir.path().join("spend/spend.csv")).unwrap();
    assert!(spend.starts_with("channel,period,spend\n"));
    run("direct", "direct");
    assert!(!dir.path().join("direct/curves.csv").exists());
    let out = pathcredit()
        .args([
            "simulate",
            "-q",
            "--scenario",
            "spend_response",
            "--days",
            "180",
        ])
        .arg("--out-dir")
        .arg(dir.path().join("bad"))
        .assert()
        .failure();
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        err.contains("180: the scenario spends by periods of 7 days; expected a multiple of 7"),
        "{err}"
    );
}
