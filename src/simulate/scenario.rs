//! Scenario presets: which channels exist and how they act.

use serde::Serialize;

use crate::choice::{Choice, choice_str};
use crate::error::{Error, Result};
use crate::param::Param;
use crate::simulate::rng::{Draws, Purpose};

/// How one paid channel reaches people and what it does to them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ChannelSpec {
    /// Channel name as it appears in events.
    pub name: String,
    /// Mean daily exposure probability.
    pub exposure_rate: f64,
    /// Targeting on intent: exposure ∝ intent^κ (0: random).
    pub targeting: f64,
    /// Lift of the conversion hazard per unit of recent exposure.
    pub lift: f64,
    /// Lift of the organic-search visit rate per unit of recent exposure.
    pub upstream: f64,
    /// Half-life of the exposure's effects, in days.
    pub half_life_days: f64,
    /// Spend per exposure.
    pub cost: f64,
    /// Retargeting: probability of an exposure the day after the person's own
    /// organic-search visit (0: none). Such exposure follows behaviour, not a fixed trait.
    pub retarget: f64,
    /// Flat carryover: the effect of an exposure stays whole for this many days, then
    /// ends (0: it decays with `half_life_days` instead).
    pub flat_days: u32,
    /// The most a channel that follows the current intent multiplies its exposure rate
    /// by (in-market ramps), `f64::INFINITY` for no cap.
    pub follow_cap: f64,
}

impl ChannelSpec {
    /// Whether the channel has no effect at all (a placebo).
    pub fn is_placebo(&self) -> bool {
        self.lift == 0.0 && self.upstream == 0.0
    }

    /// The channel's role, for the truth file.
    pub fn role(&self) -> &'static str {
        match (self.lift > 0.0, self.upstream > 0.0) {
            (false, false) => "placebo",
            (false, true) => "upstream",
            (true, false) => "direct",
            (true, true) => "direct+upstream",
        }
    }
}

/// When an exposure starts to act.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Onset {
    /// From the moment of the touch, for the rest of its day and after (default).
    #[default]
    AtTouch,
    /// From the next day on: nothing on the day of the exposure.
    NextDay,
}

/// How a channel's effect scales with the person.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EffectScale {
    /// Relative to the person's own propensity: `base · q · (1 + lift · r)` (default).
    #[default]
    Relative,
    /// Of a fixed size whatever the person's intent: `base · (q + lift · r)`.
    Absolute,
}

/// An in-market ramp: intent rises before a purchase.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Ramp {
    /// Share of units that go in market during the period.
    pub share: f64,
    /// The intent multiplier reached at the end of the ramp.
    pub max: f64,
    /// Shortest and longest ramp, in days.
    pub days: (u32, u32),
}

/// A complete scenario.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Scenario {
    /// Preset name.
    pub name: String,
    /// Paid channels (the players of the truth).
    pub channels: Vec<ChannelSpec>,
    /// Pairwise synergies: extra hazard lift `s · r_a · r_b`.
    pub synergy: Vec<(usize, usize, f64)>,
    /// Base daily conversion hazard of a person with intent 1.
    pub base_hazard: f64,
    /// Spread of intent (σ of the lognormal; intent has mean 1).
    pub intent_sigma: f64,
    /// Daily organic-search visit rate at intent 1.
    pub organic_rate: f64,
    /// Hazard lift per unit of recent organic-search visits.
    pub organic_lift: f64,
    /// Daily direct visit rate at intent 1 (no effect).
    pub direct_rate: f64,
    /// Days simulated.
    pub days: u32,
    /// B2B accounts: contacts per account are 1 to this (0: consumers, one per unit).
    pub max_contacts: usize,
    /// Channels (indices) measured by a randomised holdout experiment.
    pub experiments: Vec<usize>,
    /// Share of units held out of each experiment's channel.
    pub holdout_share: f64,
    /// Daily σ of a random walk of log-intent (0: intent is a fixed trait).
    pub drift: f64,
    /// Daily probability of an in-market burst (intent ×3 for 7 days).
    pub bursts: f64,
    /// The form of the conversion hazard.
    pub hazard: HazardForm,
    /// When an exposure starts to act.
    pub onset: Onset,
    /// How effects scale with the person's intent.
    pub scale: EffectScale,
    /// An in-market ramp of intent before purchase (`None`: none).
    pub ramp: Option<Ramp>,
    /// What a conversion does to the unit's intent: multiplied by this (0.5 halves it,
    /// 1 leaves it unchanged: repeat conversions that change nothing).
    pub satiation: f64,
    /// Spend that buys each paid channel's exposures period by period (`None`: every
    /// channel exposes at its fixed `exposure_rate`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spend: Option<SpendPlan>,
}

/// Spend over time: each paid channel's spend varies week by week, and what a week's
/// spend buys is a saturating reach curve ([`ReachCurve`]). The `spend_response` preset.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SpendPlan {
    /// Days of a period (7: weeks). The simulated days are whole periods.
    pub period_days: u32,
    /// The most a period's spend departs from the channel's base, as a share (0.6: a
    /// period's spend is the base times `1 + 0.6 (2U − 1)`, `U` uniform, so within ±60%).
    pub variation: f64,
    /// One curve per paid channel, in the scenario's channel order.
    pub channels: Vec<ReachCurve>,
}

/// What a paid channel's spend buys: with spend `s` per person in a period, every person
/// is exposed on each day of the period with probability
/// `rate(s) = max_rate · (1 − e^(−s/saturation))`, independently (random exposure), so the
/// expected exposures of a period of `D` days among `N` people, bought by a total spend
/// `x = N s`, are `E(x) = D · N · max_rate · (1 − e^(−x / (N · saturation)))`: concave,
/// from 0 at no spend up to `D · N · max_rate`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReachCurve {
    /// The daily exposure probability spend approaches without bound.
    pub max_rate: f64,
    /// The spend per person and period at which the rate reaches `1 − 1/e` (63%) of
    /// `max_rate`.
    pub saturation: f64,
    /// The channel's base spend per person and period.
    pub base_spend: f64,
    /// The probability that a period is dark (no spend at all); 0 for a channel that is
    /// always on. A channel with dark periods has at least one.
    pub dark_share: f64,
    /// Frequency decay `ρ`: a person's `j`-th exposure to the channel within a period
    /// adds `ρ^(j−1)` to its recent exposure `r_c` (the first 1, the second `ρ`, …), so a
    /// repeated exposure is worth `ρ^(j−1)` of the first; 1 (the default) makes every
    /// exposure alike. Exposures are ranked by day, then in the order drawn.
    #[serde(skip_serializing_if = "is_one")]
    pub frequency_decay: f64,
}

fn is_one(x: &f64) -> bool {
    *x == 1.0
}

impl ReachCurve {
    /// The daily exposure probability bought by a spend of `per_person` per person and
    /// period.
    pub fn daily_rate(&self, per_person: f64) -> f64 {
        if per_person <= 0.0 {
            return 0.0;
        }
        -self.max_rate * (-per_person / self.saturation).exp_m1()
    }

    /// The expected summed weight `Σ_j ρ^(j−1)` of one person's exposures in a period of
    /// `days` days, each day exposed with probability `p` independently:
    /// `N ~ Binomial(D, p)` and `E[Σ_(j≤N) ρ^(j−1)] = E[(1 − ρ^N)/(1 − ρ)] =
    /// (1 − (1 − p (1 − ρ))^D)/(1 − ρ)` by the binomial's probability generating function
    /// `E[ρ^N] = (1 − p + p ρ)^D`; `D p` when `ρ = 1`.
    pub fn weighted_per_person(&self, p: f64, days: f64) -> f64 {
        let rho = self.frequency_decay;
        if rho == 1.0 {
            return days * p;
        }
        (1.0 - (1.0 - p * (1.0 - rho)).powf(days)) / (1.0 - rho)
    }
}

impl SpendPlan {
    /// The total spend of each channel (outer) in each of `periods` periods (inner) for
    /// `units` people, in whole cents, drawn from `seed`: the base per person times
    /// `units`, varied by up to ±`variation`, or 0 in a dark period.
    pub fn spend(&self, seed: u64, periods: usize, units: usize) -> Vec<Vec<f64>> {
        let draws = Draws::new(seed);
        self.channels
            .iter()
            .enumerate()
            .map(|(c, curve)| {
                let u = |period: usize, index: u64| {
                    draws.uniform(c as u64, period as u64, Purpose::Spend, index)
                };
                let mut dark: Vec<bool> =
                    (0..periods).map(|p| u(p, 1) < curve.dark_share).collect();
                if curve.dark_share > 0.0 && periods > 1 && !dark.contains(&true) {
                    let least = (0..periods)
                        .min_by(|&a, &b| u(a, 1).total_cmp(&u(b, 1)))
                        .expect("a period");
                    dark[least] = true;
                }
                (0..periods)
                    .map(|p| {
                        if dark[p] {
                            return 0.0;
                        }
                        let factor = 1.0 + self.variation * (2.0 * u(p, 0) - 1.0);
                        (curve.base_spend * factor * units as f64 * 100.0).round() / 100.0
                    })
                    .collect()
            })
            .collect()
    }
}

/// How exposures combine in the conversion hazard.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HazardForm {
    /// `base · q · (1 + Σ lift_c r_c + …)` (default).
    #[default]
    Additive,
    /// `base · q · Π (1 + lift_c)^(r_c) · (1 + organic_lift)^(r_org)`: log-linear.
    Multiplicative,
}

impl Choice for HazardForm {
    const PARAM: Param = Param::Hazard;
    const ALL: &'static [Self] = &[HazardForm::Additive, HazardForm::Multiplicative];
    fn name(self) -> &'static str {
        match self {
            HazardForm::Additive => "additive",
            HazardForm::Multiplicative => "multiplicative",
        }
    }
}

choice_str!(HazardForm);

/// Names of paid channels, in order; beyond them `c11`, `c12`, ….
const PAID: [&str; 10] = [
    "paid_search",
    "display",
    "paid_social",
    "email",
    "video",
    "affiliate",
    "push",
    "partner",
    "podcast",
    "sponsorship",
];

/// The scenario presets and what each tests.
pub const SCENARIOS: [(&str, &str); 15] = [
    (
        "direct",
        "random exposure; every channel lifts conversion directly, with effects of different sizes",
    ),
    (
        "upstream",
        "display, social and video only raise later organic-search visits (which convert); the rest act directly",
    ),
    (
        "targeting",
        "every other channel targeted on intent (selection bias), the rest random; one pair in synergy",
    ),
    (
        "placebo",
        "random exposure, but the last quarter of the channels have no effect and are targeted on intent",
    ),
    (
        "b2b",
        "accounts of 1-5 contacts, stage milestones, closed-won conversions; mild targeting",
    ),
    (
        "drift",
        "intent drifts day to day with in-market bursts; every other channel targets the current intent",
    ),
    (
        "retargeting",
        "the last two channels expose people the day after their own organic-search visit; the last is a placebo",
    ),
    (
        "absolute",
        "random exposure; each channel adds a fixed amount to the hazard, whatever the person's intent",
    ),
    (
        "next_day",
        "random exposure; every effect starts the day after the exposure, never on its day",
    ),
    (
        "carryover",
        "90 days; half the channels act flat for 30-60 days after an exposure, the rest decay within days",
    ),
    (
        "in_market",
        "90 days; half the people go in market (intent rises up to 12x over 10-30 days); half the channels follow the current intent (up to 9x)",
    ),
    (
        "placebo_in_market",
        "as in_market, but the last two channels have no effect and are shown mostly to people in market",
    ),
    (
        "repeat",
        "random exposure; people convert again and again, and a conversion changes nothing",
    ),
    (
        "spend_response",
        "26 weeks; each channel's weekly spend varies (±60%, some dark weeks) and buys exposures on a saturating reach curve; writes curves.csv",
    ),
    (
        "spend_frequency",
        "as spend_response, but people see a channel several times a week and a repeated exposure within the week is worth less (per channel: 0.3, 1, 0.5, 0.7 of the one before)",
    ),
];

fn name(i: usize) -> String {
    PAID.get(i)
        .map_or_else(|| format!("c{:02}", i + 1), |n| n.to_string())
}

impl Scenario {
    /// Whether every effect is non-negative (lifts, upstream effects, synergies and the
    /// organic lift): then removing channels can only lower a unit's hazard.
    pub fn effects_non_negative(&self) -> bool {
        self.channels
            .iter()
            .all(|c| c.lift >= 0.0 && c.upstream >= 0.0)
            && self.synergy.iter().all(|s| s.2 >= 0.0)
            && self.organic_lift >= 0.0
    }

    /// Runs a randomised holdout experiment on the paid channel `name` (written as a
    /// lift test); an error names the scenario's paid channels when it has no such one.
    pub fn experiment_on(&mut self, name: &str) -> Result<()> {
        let name = name.trim();
        let Some(c) = self.channels.iter().position(|c| c.name == name) else {
            let names: Vec<&str> = self.channels.iter().map(|c| c.name.as_str()).collect();
            return Err(crate::error::Error::param(
                crate::param::Param::Experiments,
                format!(
                    "`{name}` is not a paid channel of this scenario ({})",
                    names.join(", ")
                ),
            ));
        };
        if !self.experiments.contains(&c) {
            self.experiments.push(c);
        }
        Ok(())
    }

    /// The preset `name` with `channels` paid channels.
    pub fn preset(preset: &str, channels: usize) -> Result<Scenario> {
        if !(1..=64).contains(&channels) {
            return Err(Error::param(Param::Channels, "must be between 1 and 64"));
        }
        // Exposure rates and effect sizes vary independently across channels (a
        // multiplicative hash of the index), so that how often a channel is seen says
        // nothing about how well it works.
        let spread = |i: usize, salt: usize| ((i * 7 + salt * 3) % 5) as f64 / 4.0;
        let base = |i: usize, lift: f64| ChannelSpec {
            name: name(i),
            exposure_rate: 0.006 + 0.006 * spread(i, 1),
            targeting: 0.0,
            lift,
            upstream: 0.0,
            half_life_days: 3.0 + (i % 4) as f64,
            cost: 0.5 + (i % 3) as f64 * 0.4,
            retarget: 0.0,
            flat_days: 0,
            follow_cap: f64::INFINITY,
        };
        let effect = |i: usize| 0.2 + 1.0 * spread(i, 4);
        let mut scenario = Scenario {
            name: preset.to_string(),
            channels: (0..channels).map(|i| base(i, effect(i))).collect(),
            synergy: Vec::new(),
            base_hazard: 0.0012,
            intent_sigma: 0.8,
            organic_rate: 0.03,
            organic_lift: 1.5,
            direct_rate: 0.02,
            days: 60,
            max_contacts: 0,
            experiments: Vec::new(),
            holdout_share: 0.2,
            drift: 0.0,
            bursts: 0.0,
            hazard: HazardForm::Additive,
            onset: Onset::AtTouch,
            scale: EffectScale::Relative,
            ramp: None,
            satiation: 0.5,
            spend: None,
        };
        match preset {
            "direct" => {}
            "upstream" => {
                for c in scenario.channels.iter_mut() {
                    if matches!(c.name.as_str(), "display" | "paid_social" | "video") {
                        c.lift = 0.0;
                        c.upstream = 2.0;
                    }
                }
            }
            "targeting" => {
                // Every other channel is targeted on intent (retargeting-like), the others
                // reach people at random; one pair acts in synergy.
                for (i, c) in scenario.channels.iter_mut().enumerate() {
                    if i % 2 == 1 {
                        c.targeting = 2.0;
                    }
                }
                if channels >= 3 {
                    scenario.synergy.push((0, 2, 1.0));
                }
            }
            "placebo" => {
                // The last quarter of the channels do nothing, and are targeted on intent,
                // so they sit on converting journeys all the same.
                let placebos = channels.div_ceil(4);
                for (i, c) in scenario.channels.iter_mut().enumerate() {
                    if i >= channels - placebos {
                        c.lift = 0.0;
                        c.targeting = 2.0;
                    }
                }
            }
            "drift" => {
                // Time-varying confounding: intent moves within a person, and targeted
                // channels follow it; the hazard follows it too.
                scenario.drift = 0.15;
                scenario.bursts = 0.02;
                for (i, c) in scenario.channels.iter_mut().enumerate() {
                    if i % 2 == 1 {
                        c.targeting = 2.0;
                    }
                }
            }
            "retargeting" => {
                // Behaviour-triggered exposure: the day after an organic visit. One such
                // channel works, the last does nothing at all.
                let n = channels;
                for (i, c) in scenario.channels.iter_mut().enumerate() {
                    if n >= 2 && i >= n - 2 {
                        c.exposure_rate = 0.0;
                        c.retarget = 0.6;
                    }
                    if i == n - 1 {
                        c.lift = 0.0;
                    }
                }
            }
            "absolute" => {
                // Effects of a fixed size: a channel adds as much hazard to a person of low
                // intent as to one of high intent.
                scenario.scale = EffectScale::Absolute;
            }
            "next_day" => scenario.onset = Onset::NextDay,
            "carryover" => {
                scenario.days = 90;
                for (i, c) in scenario.channels.iter_mut().enumerate() {
                    if i % 2 == 0 {
                        c.flat_days = 30 + ((i * 11) % 31) as u32;
                        // The same total effect spread over the flat window.
                        c.lift /= 6.0;
                    } else {
                        c.half_life_days = 1.0 + (i % 3) as f64;
                    }
                }
            }
            "in_market" | "placebo_in_market" => {
                scenario.days = 90;
                scenario.ramp = Some(Ramp {
                    share: 0.5,
                    max: 12.0,
                    days: (10, 30),
                });
                // The hazard follows the ramp; the base is lower so that the ramp does not
                // make conversion near-certain.
                scenario.base_hazard = 0.0005;
                let n = channels;
                for (i, c) in scenario.channels.iter_mut().enumerate() {
                    if i % 2 == 1 {
                        c.targeting = 1.0;
                        c.follow_cap = 9.0;
                    }
                    if preset == "placebo_in_market" && n >= 3 && i >= n - 2 {
                        c.lift = 0.0;
                        c.targeting = 1.0;
                        c.follow_cap = 10.0;
                    }
                }
            }
            "repeat" => scenario.satiation = 1.0,
            "spend_response" | "spend_frequency" => {
                // 26 weeks of spend that varies week by week; random exposure and
                // additive effects, and conversions that change nothing, so that each
                // exposure adds its own term to the hazard.
                scenario.days = 182;
                scenario.satiation = 1.0;
                scenario.base_hazard = 0.0008;
                let curves: Vec<ReachCurve> = (0..channels)
                    .map(|i| {
                        // Base spend per person and week, and how far into saturation it
                        // is (base over saturation spend: 0.4 nearly linear, 3 flat).
                        let base = 0.02 + 0.01 * (i % 4) as f64;
                        let depth = [0.4, 0.8, 1.3, 2.0, 3.0][(i * 3 + 1) % 5];
                        ReachCurve {
                            max_rate: 0.002 + 0.003 * spread(i, 2),
                            saturation: base / depth,
                            base_spend: base,
                            dark_share: if i % 3 == 2 { 0.2 } else { 0.0 },
                            frequency_decay: 1.0,
                        }
                    })
                    .collect();
                let mut curves = curves;
                if preset == "spend_frequency" {
                    // Frequency: daily rates 20 times as high (up to 0.04–0.1 a day: a
                    // reached person sees the channel up to 1.1–1.4 times a week), each
                    // repeat within a week worth the channel's decay of the one before,
                    // and lifts 3.2 times as large, effects large enough to be measured
                    // rank by rank within persons (paid media then cause most
                    // conversions).
                    for (i, curve) in curves.iter_mut().enumerate() {
                        curve.max_rate *= 20.0;
                        curve.frequency_decay = [0.3, 1.0, 0.5, 0.7][i % 4];
                    }
                }
                let lift_scale = if preset == "spend_frequency" {
                    8.0
                } else {
                    2.5
                };
                for (c, curve) in scenario.channels.iter_mut().zip(&curves) {
                    // Paid media worth a fifth or so of the conversions.
                    c.lift *= lift_scale;
                    c.exposure_rate = curve.daily_rate(curve.base_spend);
                    c.cost = curve.base_spend / (7.0 * c.exposure_rate);
                }
                scenario.spend = Some(SpendPlan {
                    period_days: 7,
                    variation: 0.6,
                    channels: curves,
                });
            }
            "b2b" => {
                scenario.max_contacts = 5;
                scenario.base_hazard = 0.0008;
                for c in scenario.channels.iter_mut() {
                    c.targeting = 0.5;
                }
            }
            _ => {
                let names: Vec<&str> = SCENARIOS.iter().map(|s| s.0).collect();
                return Err(Error::param(
                    Param::Scenario,
                    format!("`{preset}`: expected one of {}", names.join(", ")),
                ));
            }
        }
        Ok(scenario)
    }
}
