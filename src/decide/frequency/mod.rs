//! Frequency effects: whether a person's second and later exposures to a channel within
//! a period are worth as much as the first, measured from the logs, and the value of a
//! period's exposures once they are.
//!
//! When spend rises, the extra exposures fall partly on people already reached
//! (frequency) and partly on new people (reach). A fitted plan valuing every exposure
//! alike (`v_c = credit_c / exposures_c`) overstates the return of more spend when the
//! third exposure of a person in a week is worth less than the first. Three pieces, one
//! file each:
//!
//! * [`ranks`]: each channel's exposures split by rank within person and period (1st,
//!   2nd, 3rd+), period by period;
//! * [`reach`]: the reach/frequency relation fitted across the periods (negative
//!   binomial: people reached `R₁(E)` and reached twice `R₂(E)` by `E` exposures);
//! * [`value`]: the relative value `ρ_g` of an exposure of each rank group, estimated
//!   within persons (fixed effects) from their conversions, with intervals and a Wald
//!   test of "every rank worth the first".
//!
//! **The value of a period's exposures.** Where a frequency effect is shown, a period
//! with `E` exposures is worth its *effective exposures*
//! `F(E) = R₁(E) + ρ₂ R₂(E) + ρ₃ (E − R₁(E) − R₂(E))` (with two groups
//! `R₁ + ρ₂ (E − R₁)`) first exposures: the expected number of exposures of each rank
//! under the reach model, each weighed by its relative value. The model's credit keeps
//! its level: one effective exposure is worth `u_c = credit_c / (n_c · s_c)`, `n_c` the
//! channel's exposures and `s_c = Σ_p F(E_p) / Σ_p E_p` its effective share over the
//! periods, so that the value at the observed exposures is the credit, and only its
//! split between reach and frequency, hence its response to more spend, changes. The
//! value of rank `k` is `v_k = ρ_k u_c` and a period's value is
//! `Σ_k v_k · E[exposures of rank k | E] = Σ_k v_k · E[people with ≥ k exposures | E]`.
//! Where none is shown (the Wald test does not reject, too few repeated exposures, or no
//! first-exposure effect to compare with), every exposure keeps the value `credit_c/n_c`
//! and the plan says so.
//!
//! **Several channels, one family of tests.** Each channel with repeats enough gets a
//! Wald test; the tests are judged together by Holm's step-down procedure (Holm 1979,
//! "A simple sequentially rejective multiple test procedure", *Scand. J. Statist.*
//! 6:65), so that the chance of showing an effect in any channel that has none stays at
//! most [`ALPHA`]: with the `m` p-values sorted, `p̃_(j) = max_{k ≤ j} min(1, (m − k + 1)
//! p_(k))`, and a channel's effect is shown only when its adjusted `p̃ < ALPHA`.

use std::collections::BTreeMap;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use statrs::distribution::{ContinuousCDF, Normal};

use crate::journeys::PersonDays;

pub mod ranks;
pub mod reach;
pub mod value;

pub use ranks::RankSplit;
pub use reach::ReachModel;
pub use value::RankValue;

/// Exposures of a rank group needed to estimate its value apart (over the periods).
pub const MIN_RANK_EXPOSURES: f64 = 500.0;

/// Significance level of the Wald test.
pub const ALPHA: f64 = 0.05;

/// A channel's frequency effect as measured.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FrequencyEffect {
    /// The channel.
    pub channel: String,
    /// Exposures of rank 1, 2 and 3+ within person and period, over the periods.
    pub exposures_by_rank: [f64; 3],
    /// Rank groups estimated apart (1: none; 2: 1st, 2nd+; 3: 1st, 2nd, 3rd+).
    pub groups: usize,
    /// `ρ_g`: value of an exposure of each group relative to a first (1 for the first,
    /// and for groups not estimated).
    pub relative: [f64; 3],
    /// Standard errors of `ρ_g` (0 for the first).
    pub relative_se: [f64; 3],
    /// The Wald test's p-value (none when not computed).
    pub p_value: Option<f64>,
    /// The p-value adjusted by Holm's procedure over every channel tested (see the
    /// module docs); what the test is judged by.
    pub p_adjusted: Option<f64>,
    /// True when the effect is shown and the plan values exposures by rank.
    pub shown: bool,
    /// The reach model fitted to the periods.
    pub reach: Option<ReachModel>,
    /// Why the effect is shown or not, in a sentence.
    pub why: String,
    /// The covariance of `(ρ_2, ρ_3)` (for the draws).
    #[serde(skip)]
    pub cov: [[f64; 3]; 3],
}

impl FrequencyEffect {
    /// `F(E)` under relative values `rel` (see the module docs); `E` itself without a
    /// reach model.
    pub fn effective(&self, e: f64, rel: &[f64; 3]) -> f64 {
        let Some(m) = self.reach else {
            return e;
        };
        let (r1, r2) = (m.reach(e).min(e), m.repeat(e));
        match self.groups {
            3 => r1 + rel[1] * r2.min(e - r1) + rel[2] * (e - r1 - r2).max(0.0),
            2 => r1 + rel[1] * (e - r1),
            _ => e,
        }
    }

    /// `draws` relative values drawn from the estimate's normal approximation (seeded),
    /// each clamped at 0.
    pub fn draws(&self, draws: usize, seed: u64) -> Vec<[f64; 3]> {
        use rand::Rng;
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let normal = Normal::standard();
        let mut z = || normal.inverse_cdf(rng.gen_range(f64::EPSILON..1.0));
        // Cholesky of the 2×2 block of (ρ_2, ρ_3).
        let (a, b, c) = (self.cov[1][1], self.cov[1][2], self.cov[2][2]);
        let l11 = a.max(0.0).sqrt();
        let l21 = if l11 > 0.0 { b / l11 } else { 0.0 };
        let l22 = (c - l21 * l21).max(0.0).sqrt();
        (0..draws)
            .map(|_| {
                let (z1, z2) = (z(), z());
                let mut r = self.relative;
                r[1] = (r[1] + l11 * z1).max(0.0);
                if self.groups == 3 {
                    r[2] = (r[2] + l21 * z1 + l22 * z2).max(0.0);
                } else {
                    r[2] = r[1];
                }
                r
            })
            .collect()
    }

    /// A note for the plan: the effect and its size, or why every exposure keeps one
    /// value.
    pub fn note(&self) -> String {
        format!("Frequency, `{}`: {}", self.channel, self.why)
    }

    /// The plan's short description (`2nd 0.31±0.08, 3rd+ 0.05±0.04`, or `none shown`).
    pub fn summary(&self) -> String {
        if !self.shown {
            return "none shown".into();
        }
        let names = ["1st", "2nd", "3rd+"];
        let last = if self.groups == 2 { "2nd+" } else { names[2] };
        (1..self.groups)
            .map(|g| {
                let name = if g + 1 == self.groups { last } else { names[g] };
                format!("{name} {:.2}±{:.2}", self.relative[g], self.relative_se[g])
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Each of `channels`' frequency effect from the people's touches and conversions over
/// `periods` periods of `step_days` days from `start_day` (see the module docs).
pub fn frequency_effects(
    persons: &PersonDays,
    channels: &[String],
    start_day: i64,
    step_days: i64,
    periods: usize,
) -> BTreeMap<String, FrequencyEffect> {
    let empty: Vec<(u32, i64)> = Vec::new();
    let mut design = Vec::new();
    let mut splits = Vec::new();
    for c in channels {
        let touches = persons.touches.get(c).unwrap_or(&empty);
        let counts = ranks::person_periods(touches, start_day, step_days, periods);
        let split = RankSplit::of(&counts, periods);
        let by_rank = split.by_rank();
        let groups = if by_rank[2] >= MIN_RANK_EXPOSURES {
            3
        } else if by_rank[1] + by_rank[2] >= MIN_RANK_EXPOSURES {
            2
        } else {
            1
        };
        design.push((groups, counts));
        splits.push(split);
    }
    let conversions: Vec<(u32, i32)> = persons
        .conversions
        .iter()
        .filter_map(|&(i, day)| {
            let p = (day - start_day).div_euclid(step_days);
            (0..periods as i64).contains(&p).then_some((i, p as i32))
        })
        .collect();
    let values = value::rank_values(&design, &conversions, periods);
    let raw: Vec<Option<f64>> = (0..channels.len())
        .map(|i| {
            let v = values.as_ref()?;
            (design[i].0 > 1)
                .then(|| v[i].wald().map(|w| w.2))
                .flatten()
        })
        .collect();
    let adjusted = holm(&raw);
    let tested = raw.iter().flatten().count();
    channels
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let split = &splits[i];
            let groups = design[i].0;
            let by_rank = split.by_rank();
            let mut effect = FrequencyEffect {
                channel: c.clone(),
                exposures_by_rank: by_rank,
                groups,
                relative: [1.0; 3],
                relative_se: [0.0; 3],
                p_value: None,
                p_adjusted: None,
                shown: false,
                reach: ReachModel::fit(split),
                why: String::new(),
                cov: [[0.0; 3]; 3],
            };
            let repeats = by_rank[1] + by_rank[2];
            let share = 100.0 * repeats / (by_rank.iter().sum::<f64>()).max(1.0);
            effect.why = match (&values, groups) {
                (_, 1) => format!(
                    "too few repeated exposures within a person and period ({repeats:.0}, \
                     {share:.1}% of its exposures; {MIN_RANK_EXPOSURES:.0} needed) to value \
                     them apart: every exposure keeps the same value"
                ),
                (None, _) => "the within-person design is singular: every exposure keeps the \
                              same value"
                    .into(),
                (Some(v), _) => judge(&mut effect, &v[i], share, adjusted[i], tested),
            };
            (c.clone(), effect)
        })
        .collect()
}

/// Holm's step-down adjustment of the p-values present (see the module docs); `None`
/// where no test was made.
pub fn holm(p: &[Option<f64>]) -> Vec<Option<f64>> {
    let mut order: Vec<usize> = (0..p.len()).filter(|&i| p[i].is_some()).collect();
    order.sort_by(|&a, &b| p[a].partial_cmp(&p[b]).unwrap_or(std::cmp::Ordering::Equal));
    let m = order.len();
    let mut out = vec![None; p.len()];
    let mut running = 0.0_f64;
    for (k, &i) in order.iter().enumerate() {
        let scaled = ((m - k) as f64 * p[i].unwrap_or(1.0)).min(1.0);
        running = running.max(scaled);
        out[i] = Some(running);
    }
    out
}

/// Fills `effect` from its estimate and says whether the effect is shown: the Wald
/// test judged by its Holm-adjusted p-value `adjusted` over `tested` channels.
fn judge(
    effect: &mut FrequencyEffect,
    v: &RankValue,
    share: f64,
    adjusted: Option<f64>,
    tested: usize,
) -> String {
    let se1 = v.cov[0][0].max(0.0).sqrt();
    let (rel, cov) = v.relative();
    effect.cov = cov;
    for g in 1..v.groups {
        effect.relative[g] = rel[g];
        effect.relative_se[g] = cov[g][g].max(0.0).sqrt();
    }
    if v.groups == 2 {
        effect.relative[2] = effect.relative[1];
        effect.relative_se[2] = effect.relative_se[1];
    }
    let wald = v.wald();
    effect.p_value = wald.map(|w| w.2);
    effect.p_adjusted = adjusted;
    let names = ["1st", "2nd", "3rd+"];
    let sizes: Vec<String> = (1..v.groups)
        .map(|g| {
            let name = if v.groups == 2 { "2nd+" } else { names[g] };
            let (r, s) = (effect.relative[g], effect.relative_se[g]);
            format!(
                "a {name} exposure is worth {r:.2} [{:.2}, {:.2}] of a 1st",
                r - value::Z_975 * s,
                r + value::Z_975 * s
            )
        })
        .collect();
    let first_shown = v.theta[0] > value::Z_975 * se1;
    let differs = adjusted.is_some_and(|p| p < ALPHA);
    effect.shown = first_shown && differs;
    let test = match (wald, adjusted) {
        (Some((w, df, p)), Some(a)) if tested > 1 => format!(
            " (Wald χ²({df}) = {w:.2}, p = {p:.3}; {a:.3} after Holm's correction for \
             {tested} channels tested)"
        ),
        (Some((w, df, p)), _) => format!(" (Wald χ²({df}) = {w:.2}, p = {p:.3})"),
        _ => String::new(),
    };
    if effect.shown {
        for g in 1..3 {
            effect.relative[g] = effect.relative[g].max(0.0);
        }
        format!(
            "{}{test}; {share:.1}% of its exposures are repeats within a person and period: \
             its curve values a period's exposures by rank under its reach model",
            sizes.join(", ")
        )
    } else if !first_shown {
        effect.relative = [1.0; 3];
        format!(
            "its 1st exposure's own effect is not distinguishable from 0 within persons \
             ({:.2e} ± {:.2e}), so ranks cannot be compared: every exposure keeps the same \
             value",
            v.theta[0], se1
        )
    } else {
        effect.relative = [1.0; 3];
        format!(
            "no frequency effect distinguishable from constant: {}{test}; every exposure \
             keeps the same value",
            sizes.join(", ")
        )
    }
}

#[cfg(test)]
pub(crate) mod tests;
