//! Steady exposure on worlds drawn inside the tests: regulars with ten times the
//! baseline see `c0` nearly every day, everybody else now and then; `c1` is shown to
//! everybody at random. The model gives `c0` one effect relative to each baseline; the
//! regulars, always within its reach, cannot show whether that holds for them.

use super::steady::STEADY_SHARE;
use super::test_worlds::{World, count, draw};
use super::*;

/// Regulars: the units with frailty above `e^0.5` (a quarter of them).
fn regular(alpha: f64) -> bool {
    alpha > 0.5f64.exp()
}

/// How a touch raises the hazard on days 1–7 after it.
#[derive(Clone, Copy, Debug)]
enum Effect {
    /// By 0.004 a day for everybody, once however many touches (a tenth of the
    /// regulars' baseline, twice the others').
    Additive,
    /// By 1.5 times the unit's baseline, once however many touches (the model's form).
    Relative,
}

/// 8,000 units over 120 days; regulars have a baseline of 2% a day, the others 0.2%;
/// regulars see `c0` on a share `steady` of days, the others on 3%; `c1` on 3% of days
/// for everybody.
fn world(effect: Effect, steady: f64) -> World {
    let base = |alpha: f64| if regular(alpha) { 0.02 } else { 0.002 };
    World {
        units: 8000,
        days: 120,
        channels: 2,
        exposure: Box::new(move |c, _, _, alpha| match (c, regular(alpha)) {
            (0, true) => steady,
            _ => 0.03,
        }),
        hazard: Box::new(move |alpha, _, d, touches| {
            let b = base(alpha);
            match effect {
                Effect::Additive => {
                    b + 0.004
                        * touches
                            .iter()
                            .map(|t| count(t, d, 1, 7).min(1.0))
                            .sum::<f64>()
                }
                Effect::Relative => {
                    b * (1.0
                        + 1.5
                            * touches
                                .iter()
                                .map(|t| count(t, d, 1, 7).min(1.0))
                                .sum::<f64>())
                }
            }
        }),
        in_market_share: 0.0,
    }
}

fn fit(effect: Effect, steady: f64, seed: u64) -> FittedSelfControlled {
    SelfControlledParams::default()
        .lags(vec![(0, 0), (1, 3), (4, 7), (8, 14)])
        .pre_exposure(PreChoice::Off)
        .smoothing(Smoothing::Fixed(0.0))
        .intervals(false)
        .ignore(vec![])
        .fit(&draw(&world(effect, steady), seed))
        .unwrap()
}

/// The steady-exposure warnings of a fit.
fn steady_warnings(fitted: &FittedSelfControlled) -> Vec<&String> {
    fitted
        .notes
        .iter()
        .filter(|n| n.contains("credit comes from"))
        .collect()
}

/// Regulars see `c0` on 80% of days: nearly all of its credit comes from them, whatever
/// its effect, and the warning names it (and never `c1`). With an additive effect its
/// true credit is about 1,300 conversions (by hand: regulars' conversions ≈ 2,000 · 120 ·
/// 0.0245 ≈ 5,900, of which 0.004/0.0245 ≈ 16% are `c0`'s ≈ 960; the others' ≈ 330), and
/// the model, carrying the others' relative effect over to the regulars, gives it four
/// times that; fitted to the others alone it says about the same, so agreement is no
/// check. With an effect relative to the baseline, touch counts of the regulars (≈ 5 in
/// the week, against 1 for the others) meet an effect that does not grow with them, and
/// the two groups disagree, which marks its credit as possibly too low
/// (`credit_risks`; agreement marks nothing).
#[test]
fn steady_exposure_is_named_whatever_the_effect() {
    for seed in [3, 4] {
        for effect in [Effect::Additive, Effect::Relative] {
            let fitted = fit(effect, 0.8, seed);
            let d = fitted.details();
            let (c0, c1) = (&d.steady_exposure[0], &d.steady_exposure[1]);
            assert_eq!((c0.channel.as_str(), c1.channel.as_str()), ("c0", "c1"));
            assert!(c0.steady_credit_share > 0.9, "{seed} {effect:?}: {c0:?}");
            assert!(c0.steady_units > 1500, "{seed} {effect:?}: {c0:?}");
            assert_eq!((c1.steady_units, c1.credit_from_others), (0, None));
            // Shown more to the people who convert more, not around their conversions.
            assert!(
                d.exposure_shifts.iter().all(|s| !s.follows_state),
                "{seed} {effect:?}: {:?}",
                d.exposure_shifts
            );
            let warned = steady_warnings(&fitted);
            assert_eq!(warned.len(), 1, "{seed} {effect:?}: {:?}", fitted.notes);
            assert!(warned[0].starts_with("WARNING: 9") && warned[0].contains("`c0`'s credit"));
            let credit = fitted.shares().0[0];
            let others = c0.credit_from_others.expect("c0 is refitted");
            match effect {
                Effect::Additive => {
                    assert!(credit > 3000.0, "{seed}: {credit}");
                    assert!(
                        (others - credit).abs() < 0.15 * credit,
                        "{seed}: {others} vs {credit}"
                    );
                    assert!(warned[0].contains("about the same"), "{}", warned[0]);
                    // Agreement gives no direction: nothing for a plan to hold.
                    assert!(d.credit_risks.is_empty(), "{:?}", d.credit_risks);
                }
                Effect::Relative => {
                    assert!(others > 1.5 * credit, "{seed}: {others} vs {credit}");
                    assert!(
                        warned[0].contains("the two groups disagree"),
                        "{}",
                        warned[0]
                    );
                    // The others credit it more: its credit may be too low, and a plan
                    // made from it does not cut it.
                    assert_eq!(
                        d.credit_risks,
                        vec![
                            crate::models::CreditRisk::new(
                                "c0",
                                crate::models::RiskDirection::Low,
                                "steady exposure"
                            )
                            .alternative(others)
                        ]
                    );
                }
            }
        }
    }
}

/// Without regulars (everybody sees `c0` on 3% of days) nobody is steadily exposed and
/// nothing is said.
#[test]
fn exposure_with_time_free_of_it_is_not_warned_about() {
    for seed in [3, 4] {
        let fitted = fit(Effect::Additive, 0.03, seed);
        let d = fitted.details();
        for s in &d.steady_exposure {
            assert!(s.steady_credit_share < STEADY_SHARE / 5.0, "{seed}: {s:?}");
        }
        assert!(
            steady_warnings(&fitted).is_empty(),
            "{seed}: {:?}",
            fitted.notes
        );
    }
}
