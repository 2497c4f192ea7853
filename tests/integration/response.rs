//! Budget from measured response (issue 30): curve fits, plans and their uncertainty.
//!
//! * known answers: a closed-form optimum on two concave channels, a grid optimum
//!   equal to brute force over every grid allocation on S-curves;
//! * properties (proptest): a plan is never worse than today's allocation, and does
//!   not depend on the order of the channels;
//! * fits: parameters of a known Hill curve recovered within 3 standard errors, the
//!   right form chosen on clean data of each, clear errors on data that cannot carry
//!   a curve;
//! * uncertainty: probabilities and intervals of a bootstrap plan, the fitted-range
//!   flag and `stay_in_range`.

use pathcredit::Error;
use pathcredit::decide::response::{
    Binding, Channel, ChannelDraws, Curve, CurveForm, FitParams, Method, OptimizeParams, Target,
    UncertaintyParams, bootstrap_fit, value_of,
};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = rng.r#gen::<f64>().max(1e-300);
    let u2: f64 = rng.r#gen();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

/// `periods` points of `truth` at spends uniform on `[lo, hi]`, plus normal noise of
/// standard deviation `sd`, seeded.
fn sample(truth: Curve, periods: usize, lo: f64, hi: f64, sd: f64, seed: u64) -> Vec<(f64, f64)> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..periods)
        .map(|_| {
            let x = lo + (hi - lo) * rng.r#gen::<f64>();
            let y = truth.value(x) + sd * normal(&mut rng);
            (x, y.max(0.0))
        })
        .collect()
}

/// Two exponential curves under a fixed total, hand-derived. Inside the bounds the KKT
/// conditions equalise the marginals:
/// `a1/k1 e^(−x1/k1) = a2/k2 e^(−x2/k2)` with `x2 = B − x1`; taking logarithms,
/// `ln(a1/k1) − x1/k1 = ln(a2/k2) − (B − x1)/k2`, so
/// `x1 = (ln(a1 k2 / (a2 k1)) + B/k2) · k1 k2 / (k1 + k2)`.
/// With `a1 = 100, k1 = 20, a2 = 150, k2 = 30, B = 50`: `ln(3000/3000) = 0`, so
/// `x1 = (50/30) · 600/50 = 20`, `x2 = 30`, and `λ = 5 e^(−1)` for both.
/// With `x1 ≤ 15` the cap binds: `x1 = 15`, `x2 = 35`, `λ = g2'(35) = 5 e^(−35/30)`, and
/// the cap's shadow price is `g1'(15) − λ = 5 e^(−3/4) − 5 e^(−7/6)`.
#[test]
fn two_exponentials_under_a_fixed_total_match_the_closed_form() {
    let g1 = Curve::Exponential { a: 100.0, k: 20.0 };
    let g2 = Curve::Exponential { a: 150.0, k: 30.0 };
    let plan = OptimizeParams::default()
        .solve(
            &[
                Channel::new("one", g1, 0.0, 50.0),
                Channel::new("two", g2, 0.0, 50.0),
            ],
            Target::Total(50.0),
            None,
        )
        .unwrap();
    assert_eq!(plan.method, Method::Kkt);
    assert!((plan.channels[0].spend - 20.0).abs() < 1e-9, "{plan:?}");
    assert!((plan.channels[1].spend - 30.0).abs() < 1e-9);
    let lambda = 5.0 * (-1.0f64).exp();
    assert!((plan.lambda.unwrap() - lambda).abs() < 1e-9);
    assert!(plan.channels.iter().all(|c| c.binding == Binding::Free));
    assert_eq!(plan.grid_error_bound, 0.0);

    let capped = OptimizeParams::default()
        .solve(
            &[
                Channel::new("one", g1, 0.0, 15.0),
                Channel::new("two", g2, 0.0, 50.0),
            ],
            Target::Total(50.0),
            None,
        )
        .unwrap();
    assert!((capped.channels[0].spend - 15.0).abs() < 1e-9);
    assert!((capped.channels[1].spend - 35.0).abs() < 1e-9);
    let lambda = 5.0 * (-35.0f64 / 30.0).exp();
    assert!((capped.lambda.unwrap() - lambda).abs() < 1e-9);
    assert_eq!(capped.channels[0].binding, Binding::Hi);
    let shadow = 5.0 * (-0.75f64).exp() - lambda;
    assert!((capped.channels[0].shadow_price.unwrap() - shadow).abs() < 1e-9);
    assert_eq!(capped.channels[1].binding, Binding::Free);
}

/// A target marginal return `m`, hand-derived: exponential `(a/k) e^(−x/k) = m` gives
/// `x = k ln(a/(k m))` = 20 ln 5; Hill with `s = 1`, `a k / (x + k)² = m`, gives
/// `x = √(a k / m) − k` = √2000 − 20.
#[test]
fn a_target_marginal_return_matches_the_closed_form() {
    let plan = OptimizeParams::default()
        .solve(
            &[
                Channel::new(
                    "exp",
                    Curve::Exponential { a: 100.0, k: 20.0 },
                    0.0,
                    f64::INFINITY,
                ),
                Channel::new(
                    "hill",
                    Curve::Hill {
                        a: 100.0,
                        k: 20.0,
                        s: 1.0,
                    },
                    0.0,
                    f64::INFINITY,
                ),
            ],
            Target::Marginal(1.0),
            None,
        )
        .unwrap();
    assert!((plan.channels[0].spend - 20.0 * 5f64.ln()).abs() < 1e-9);
    assert!((plan.channels[1].spend - (2000f64.sqrt() - 20.0)).abs() < 1e-9);
    assert!(
        plan.channels
            .iter()
            .all(|c| (c.marginal - 1.0).abs() < 1e-9)
    );
}

/// Two S-curves (Hill, s = 2.5) and a concave channel on a coarse grid: the plan equals
/// the best of every grid allocation. Bounds `lo = (1, 2, 0)`, `hi = (19, 14, 24)`,
/// total 30 and 20 grid steps: 27 to place in steps of 1.5, so channel spans of 12, 8
/// and 16 steps, and 18 steps in all.
#[test]
fn s_curve_grid_plan_equals_brute_force() {
    let curves = [
        Curve::Hill {
            a: 40.0,
            k: 8.0,
            s: 2.5,
        },
        Curve::Hill {
            a: 25.0,
            k: 5.0,
            s: 2.5,
        },
        Curve::Exponential { a: 20.0, k: 6.0 },
    ];
    let (lo, hi) = ([1.0, 2.0, 0.0], [19.0, 14.0, 24.0]);
    let channels: Vec<Channel> = (0..3)
        .map(|c| Channel::new(format!("c{c}"), curves[c], lo[c], hi[c]))
        .collect();
    let plan = OptimizeParams::default()
        .grid_steps(20)
        .solve(&channels, Target::Total(30.0), None)
        .unwrap();
    assert_eq!(plan.method, Method::Grid);
    assert_eq!(plan.grid_step, Some(1.5));
    let mut best = (f64::NEG_INFINITY, [0.0; 3]);
    for j1 in 0..=12 {
        for j2 in 0..=8 {
            let j3 = 18 - j1 - j2;
            if !(0..=16).contains(&j3) {
                continue;
            }
            let x = [
                lo[0] + 1.5 * j1 as f64,
                lo[1] + 1.5 * j2 as f64,
                lo[2] + 1.5 * j3 as f64,
            ];
            let v = value_of(&channels, &x);
            if v > best.0 {
                best = (v, x);
            }
        }
    }
    assert!(
        (plan.value - best.0).abs() < 1e-9,
        "{} vs {best:?}",
        plan.value
    );
    for c in 0..3 {
        assert!(
            (plan.channels[c].spend - best.1[c]).abs() < 1e-9,
            "{plan:?}"
        );
    }
    // The true optimum (a fine search) is within the plan's error bound.
    let mut fine = f64::NEG_INFINITY;
    for i in 0..=1800 {
        for j in 0..=1200 {
            let x = [lo[0] + 0.01 * i as f64, lo[1] + 0.01 * j as f64, 0.0];
            let x3 = 30.0 - x[0] - x[1];
            if (0.0..=24.0).contains(&x3) {
                fine = fine.max(value_of(&channels, &[x[0], x[1], x3]));
            }
        }
    }
    assert!(fine >= plan.value - 1e-9);
    assert!(
        fine - plan.value <= plan.grid_error_bound,
        "{fine} {plan:?}"
    );
}

fn curve() -> impl Strategy<Value = Curve> {
    prop_oneof![
        (1.0..100.0f64, 1.0..50.0f64).prop_map(|(a, k)| Curve::Exponential { a, k }),
        (1.0..100.0f64, 1.0..50.0f64, 0.3..3.0f64).prop_map(|(a, k, s)| Curve::Hill { a, k, s }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Over random curves and bounds, with today's allocation feasible: the plan is
    /// never worse than today, spends the total within the bounds, and is the same
    /// (per channel) when the channels come in reverse order. The solver's own answer
    /// (no start given) is within its grid error bound of today's value, or above it.
    #[test]
    fn plans_beat_today_and_ignore_channel_order(
        spec in prop::collection::vec((curve(), 0.0..10.0f64, 0.0..40.0f64), 2..7),
        u in 0.0..1.0f64,
    ) {
        let channels: Vec<Channel> = spec
            .iter()
            .enumerate()
            .map(|(i, &(c, lo, span))| Channel::new(format!("c{i}"), c, lo, lo + span))
            .collect();
        let today: Vec<f64> = channels.iter().map(|c| c.lo + u * (c.hi - c.lo)).collect();
        let total: f64 = today.iter().sum();
        let params = OptimizeParams::default().grid_steps(400);
        let plan = params.solve(&channels, Target::Total(total), Some(&today)).unwrap();
        let scale = total.max(1.0);
        prop_assert!(plan.value >= value_of(&channels, &today));
        prop_assert!((plan.total_spend - total).abs() <= 1e-9 * scale);
        for (c, p) in channels.iter().zip(&plan.channels) {
            prop_assert!(p.spend >= c.lo - 1e-9 * scale && p.spend <= c.hi + 1e-9 * scale);
        }
        let own = params.solve(&channels, Target::Total(total), None).unwrap();
        prop_assert!(own.value >= value_of(&channels, &today) - own.grid_error_bound - 1e-9 * scale);

        let mut reversed = channels.clone();
        reversed.reverse();
        let mut today_rev = today.clone();
        today_rev.reverse();
        let back = params.solve(&reversed, Target::Total(total), Some(&today_rev)).unwrap();
        prop_assert!((back.value - plan.value).abs() <= 1e-9 * plan.value.abs().max(1.0));
        for (p, q) in plan.channels.iter().zip(back.channels.iter().rev()) {
            prop_assert_eq!(&p.channel, &q.channel);
            prop_assert!((p.spend - q.spend).abs() <= 1e-6 * scale, "{:?} vs {:?}", plan, back);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Under a target marginal return `m` the plan maximises `Σ g_c(x_c) − m Σ x_c`
    /// channel by channel: never below today's (the solver alone, no start given), and
    /// every free channel's marginal return is `m`.
    #[test]
    fn target_marginal_plans_beat_today(
        spec in prop::collection::vec((curve(), 0.0..10.0f64, 0.0..40.0f64), 1..6),
        u in 0.0..1.0f64,
        m in 0.05..5.0f64,
    ) {
        let channels: Vec<Channel> = spec
            .iter()
            .enumerate()
            .map(|(i, &(c, lo, span))| Channel::new(format!("c{i}"), c, lo, lo + span))
            .collect();
        let today: Vec<f64> = channels.iter().map(|c| c.lo + u * (c.hi - c.lo)).collect();
        let profit = |x: &[f64]| value_of(&channels, x) - m * x.iter().sum::<f64>();
        let plan = OptimizeParams::default().solve(&channels, Target::Marginal(m), None).unwrap();
        prop_assert_eq!(plan.method, Method::Kkt);
        prop_assert!(profit(&plan.spend()) >= profit(&today) - 1e-9 * profit(&today).abs().max(1.0));
        for p in &plan.channels {
            if p.binding == Binding::Free {
                prop_assert!((p.marginal - m).abs() <= 1e-6 * m, "{:?}", p);
            }
        }
    }
}

/// An S-curve whose lower bound lies past its inflection point is concave on its
/// bounds, so the plan is exact by equal marginal returns, and no point of a fine
/// search beats it. Hill `a = 100, k = 10, s = 3` inflects at `10 (1/2)^(1/3) ≈ 7.94`.
#[test]
fn an_s_curve_concave_on_its_bounds_is_planned_by_kkt() {
    let s_curve = Curve::Hill {
        a: 100.0,
        k: 10.0,
        s: 3.0,
    };
    let channels = [
        Channel::new("s", s_curve, 9.0, 40.0),
        Channel::new("e", Curve::Exponential { a: 60.0, k: 15.0 }, 0.0, 40.0),
    ];
    let plan = OptimizeParams::default()
        .solve(&channels, Target::Total(30.0), None)
        .unwrap();
    assert_eq!(plan.method, Method::Kkt);
    assert!(plan.channels.iter().all(|c| c.binding == Binding::Free));
    assert!((plan.channels[0].marginal - plan.channels[1].marginal).abs() < 1e-9);
    let best = (0..=21_000)
        .map(|i| 9.0 + i as f64 * 0.001)
        .map(|x| value_of(&channels, &[x, 30.0 - x]))
        .fold(f64::NEG_INFINITY, f64::max);
    assert!(plan.value >= best - 1e-12, "{} < {best}", plan.value);
    // Below the inflection point the same problem goes to the grid.
    let low = [Channel::new("s", s_curve, 0.0, 40.0), channels[1].clone()];
    let grid = OptimizeParams::default()
        .solve(&low, Target::Total(30.0), None)
        .unwrap();
    assert_eq!(grid.method, Method::Grid);
    assert!(grid.value >= plan.value - grid.grid_error_bound);
}

/// A Hill curve (a = 1000, k = 60, s = 1.6) measured over 104 weeks with normal noise
/// (sd 15, seeded): the fit chooses the Hill form and recovers each parameter within 3
/// of its standard errors.
#[test]
fn a_hill_fit_recovers_its_parameters_within_three_standard_errors() {
    let truth = (1000.0, 60.0, 1.6);
    let points = sample(
        Curve::Hill {
            a: truth.0,
            k: truth.1,
            s: truth.2,
        },
        104,
        5.0,
        200.0,
        15.0,
        3,
    );
    let fit = FitParams::default().fit(&points).unwrap();
    assert_eq!(fit.form, CurveForm::Hill);
    let Curve::Hill { a, k, s } = fit.fitted else {
        panic!("{fit:?}")
    };
    let se = fit.std_errors.unwrap();
    assert!((a - truth.0).abs() <= 3.0 * se.a, "a {a} ± {}", se.a);
    assert!((k - truth.1).abs() <= 3.0 * se.k, "k {k} ± {}", se.k);
    let se_s = se.s.unwrap();
    assert!((s - truth.2).abs() <= 3.0 * se_s, "s {s} ± {se_s}");
    // The errors are informative, not vacuous.
    assert!(se.a < 0.2 * a && se.k < 0.2 * k && se_s < 0.2 * s, "{se:?}");
    assert_eq!((fit.spend_min >= 5.0, fit.spend_max <= 200.0), (true, true));
    assert_eq!(fit.periods, 104);
    assert_eq!(fit.folds, 5);
}

/// On clean data of each form, the held-out error picks that form.
#[test]
fn the_form_is_chosen_right_on_clean_data() {
    let cases = [
        (
            Curve::Exponential { a: 500.0, k: 80.0 },
            CurveForm::Exponential,
        ),
        (
            Curve::Hill {
                a: 500.0,
                k: 80.0,
                s: 2.0,
            },
            CurveForm::Hill,
        ),
        (
            Curve::Hill {
                a: 500.0,
                k: 80.0,
                s: 0.7,
            },
            CurveForm::Hill,
        ),
    ];
    for (i, (truth, form)) in cases.into_iter().enumerate() {
        let points = sample(truth, 52, 5.0, 300.0, 0.0, 10 + i as u64);
        let fit = FitParams::default().fit(&points).unwrap();
        assert_eq!(fit.form, form, "{truth:?}: {:?}", fit.candidates);
        assert!(fit.held_out_error < 1e-3, "{fit:?}");
        for &x in &[10.0, 100.0, 250.0] {
            assert!((fit.curve.value(x) - truth.value(x)).abs() < 1e-3);
        }
    }
}

#[test]
fn data_that_cannot_carry_a_curve_is_refused_clearly() {
    let three = [
        (0.0, 1.0),
        (10.0, 5.0),
        (20.0, 8.0),
        (0.0, 0.0),
        (30.0, 9.0),
    ];
    let err = FitParams::default().fit(&three).unwrap_err();
    assert!(matches!(err, Error::Unsupported { .. }));
    assert_eq!(
        err.to_string(),
        "response curve: only 3 of 5 periods have spend > 0; a response curve needs at least 4"
    );
    let zero = [(0.0, 1.0); 8];
    let err = FitParams::default().fit(&zero).unwrap_err();
    assert_eq!(
        err.to_string(),
        "response curve: the spend is 0 in all 8 periods: a response curve needs periods \
         with spend (at least 4)"
    );
    let nan = [(1.0, 1.0), (2.0, f64::NAN), (3.0, 2.0), (4.0, 3.0)];
    let err = FitParams::default().fit(&nan).unwrap_err().to_string();
    assert!(
        err.contains("period 1 (0-based)") && err.contains("NaN"),
        "{err}"
    );
    let flat = [(1.0, 0.0), (2.0, 0.0), (3.0, 0.0), (4.0, 0.0)];
    assert!(FitParams::default().fit(&flat).is_err());
    assert!(bootstrap_fit(&three, 10, 1).is_err());
}

/// Three channels fitted and bootstrapped (200 draws): probabilities lie in [0, 1],
/// the 80% intervals are ordered, the run is reproducible, a recommendation beyond the
/// fitted spend is flagged, and `stay_in_range` keeps it inside.
#[test]
fn a_bootstrap_plan_reports_its_uncertainty_and_its_range() {
    let truths = [
        Curve::Hill {
            a: 900.0,
            k: 40.0,
            s: 0.9,
        },
        Curve::Exponential { a: 400.0, k: 80.0 },
        Curve::Hill {
            a: 300.0,
            k: 120.0,
            s: 1.0,
        },
    ];
    let today = [50.0, 60.0, 70.0];
    let channels: Vec<ChannelDraws> = truths
        .iter()
        .enumerate()
        .map(|(i, &t)| {
            let points = sample(t, 52, 0.7 * today[i], 1.3 * today[i], 5.0, 20 + i as u64);
            let boot = bootstrap_fit(&points, 200, 42).unwrap();
            ChannelDraws::from_bootstrap(format!("c{i}"), &boot, 1.0, today[i], 0.0, 400.0)
        })
        .collect();
    let total: f64 = today.iter().sum();
    let run = UncertaintyParams::default()
        .solve(&channels, Target::Total(total))
        .unwrap();
    assert_eq!(
        run,
        UncertaintyParams::default()
            .solve(&channels, Target::Total(total))
            .unwrap()
    );
    assert_eq!(run.draws, 200);
    assert!((0.0..=1.0).contains(&run.prob_beats_today));
    assert!(run.plan.value >= run.today_value);
    for c in &run.channels {
        assert!((0.0..=1.0).contains(&c.prob_rise));
        assert!(c.spend_p10 <= c.spend_p90);
        assert!(c.spend_p10 >= 0.0 && c.spend_p90 <= 400.0);
    }
    // The first channel (steep, high ceiling) gains far beyond its fitted spend; the
    // third (shallow) is cut below it.
    assert!(run.channels[0].recommended > run.channels[0].spend_max);
    assert!(run.channels[0].outside_range && run.channels[0].prob_rise > 0.9);
    assert!(
        run.notes.iter().any(|n| n.starts_with("`c0`")),
        "{:?}",
        run.notes
    );

    let inside = UncertaintyParams::default()
        .stay_in_range(true)
        .solve(&channels, Target::Total(total))
        .unwrap();
    for c in &inside.channels {
        assert!(!c.outside_range, "{c:?}");
        assert!(c.recommended >= c.spend_min - 1e-9 && c.recommended <= c.spend_max + 1e-9);
        assert!(c.spend_p10 >= c.spend_min - 1e-9 && c.spend_p90 <= c.spend_max + 1e-9);
    }
    assert!(inside.plan.value >= inside.today_value);
}
