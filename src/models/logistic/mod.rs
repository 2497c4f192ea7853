//! Logistic regression over touchpoint features: a conversion model, turned into credit.
//!
//! `P(conversion | journey) = σ(β₀ + βᵀx)` with the features `x` of `features.rs`
//! (counts, presence, first and last touch, length, recency, optional interactions),
//! fitted by linfa-logistic with an L2 penalty and an intercept (see `fit.rs` for how
//! journey counts become rows, and for the orientation fix). Then:
//!
//! * **Regularisation** by seeded k-fold cross-validation on log-loss (5 folds, at most
//!   6,000 rows, grid in `fit::ALPHA_GRID`). linfa's loss is a *sum* with penalty
//!   `α/2 ‖w‖²`, i.e. a N(0, 1/α) prior on each coefficient; the chosen α is used as
//!   such by every fit, so the prior's weight relative to the data shrinks as data grow
//!   (duplicating every journey equals halving α).
//! * **Diagnostics** on a seeded held-out share (20%): AUC, log-loss (next to the
//!   constant model's), calibration by decile, conversions per feature, convergence.
//! * **Bagging** (Shao & Li 2011, "Data-driven multi-touch attribution models", KDD):
//!   `logistic_bags B` refits on B seeded subsamples of rows (and optionally of
//!   features) and reports the mean and spread of every coefficient and of credit; with
//!   two or more bags the credit's interval columns hold the bags' 2.5–97.5 percentiles.
//! * **Credit** (`credit.rs`): per converting journey, the Shapley value of
//!   `p̂(journey restricted to S) − p̂(no channel)` over its own channels (default), or
//!   the drop-one difference.
//!
//! This is not the model of tools that credit channels by `|coefficient|` without an
//! intercept (which measures how the scale of a feature, not a channel's effect, and
//! can invert rankings): coefficients here are log-odds, reported with signs and
//! intervals, and credit comes from the model's predictions.

pub mod credit;
pub mod design;
pub mod diagnostics;
pub mod features;
pub mod fit;
mod fitted;
mod model_game;
mod newton;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::channel::Dictionary;
use crate::credit::Credit;
use crate::error::{Error, Result};
use crate::holdout::Scored;
use crate::holdout::split::held_out_count;
use crate::journeys::{Journeys, PathTable};
use crate::models::{Attribution, JourneyAttribution};
use crate::param::Param;

pub use credit::CreditMethod;
pub use design::Coefficients;
pub use diagnostics::{CalibrationBin, Diagnostics};
pub use features::{FeatureSpec, RECENCY_BUCKETS, TouchLite};
pub use fit::{AlphaScore, Engine, SolverChoice};
pub use fitted::{BaggedCredit, CoefficientRow, FittedLogistic, LogisticDetails};
pub use model_game::ModelGame;

use fitted::Bag;

use credit::{Units, split};
use design::Design;

/// Logistic model parameters, with documented defaults.
#[derive(Clone, Debug, PartialEq)]
pub struct LogisticParams {
    alpha: Option<f64>,
    folds: usize,
    interactions: bool,
    credit: CreditMethod,
    bags: usize,
    bag_rows: f64,
    bag_features: f64,
    holdout: f64,
    seed: u64,
    solver: SolverChoice,
    memory_limit: Option<u64>,
    max_work: f64,
}

/// The default bound on the logistic fits' work (see [`LogisticParams::max_work`]):
/// about ten minutes of one core.
pub const DEFAULT_MAX_WORK: f64 = 1e12;

/// Newton steps a fit is assumed to take in the work estimate (warm starts along the
/// α grid converge in a few).
const STEPS_PER_FIT: f64 = 4.0;

/// Floating-point operations a second of one core in the Cholesky solve, measured:
/// 300 channels (1,201 features, 32 fits) took 50 s on a 2-core AMD EPYC.
const OPERATIONS_PER_SECOND: f64 = 1.5e9;

impl Default for LogisticParams {
    /// α by 5-fold cross-validation, no interactions, Shapley credit, no bags, 20%
    /// held out, seed 42.
    fn default() -> Self {
        Self {
            alpha: None,
            folds: 5,
            interactions: false,
            credit: CreditMethod::Shapley,
            bags: 0,
            bag_rows: 0.5,
            bag_features: 1.0,
            holdout: 0.2,
            seed: 42,
            solver: SolverChoice::Newton,
            memory_limit: None,
            max_work: DEFAULT_MAX_WORK,
        }
    }
}

impl LogisticParams {
    /// A fixed L2 strength α for every fit; `None` (the default) chooses it by
    /// cross-validation.
    pub fn alpha(mut self, alpha: Option<f64>) -> Self {
        self.alpha = alpha;
        self
    }

    /// Cross-validation folds (default 5).
    pub fn folds(mut self, folds: usize) -> Self {
        self.folds = folds;
        self
    }

    /// Adds pairwise presence interactions.
    pub fn interactions(mut self, on: bool) -> Self {
        self.interactions = on;
        self
    }

    /// How predictions become credit (default Shapley).
    pub fn credit(mut self, method: CreditMethod) -> Self {
        self.credit = method;
        self
    }

    /// Bags, with the share of rows and of features each bag sees (defaults 0, 0.5, 1).
    pub fn bags(mut self, bags: usize, rows: f64, features: f64) -> Self {
        self.bags = bags;
        self.bag_rows = rows;
        self.bag_features = features;
        self
    }

    /// Share of journeys held out for diagnostics (default 0.2).
    pub fn holdout(mut self, share: f64) -> Self {
        self.holdout = share;
        self
    }

    /// The most memory a fit may take (default `None`: what the machine has available);
    /// a fit that needs more is refused with what it needs before its design is built.
    pub fn memory_limit(mut self, bytes: Option<u64>) -> Self {
        self.memory_limit = bytes;
        self
    }

    /// Sets the most work the fits may take, in floating-point operations (default
    /// [`DEFAULT_MAX_WORK`], about ten minutes of one core). Newton's method solves a
    /// dense `(p + 1)²` system at every step, `(p + 1)³ / 3` operations, so the work grows
    /// with the cube of the features (4 a channel): 300 channels fit in under a minute,
    /// 3,000 would take most of a day. Above the bound the fit is refused up front with
    /// the estimate, and the default model set leaves the model out.
    pub fn max_work(mut self, operations: f64) -> Self {
        self.max_work = operations;
        self
    }

    /// Floating-point operations of the fits over `features` features: the fits (one,
    /// or `folds · |α grid|` cross-validation fits and the final one, the held-out
    /// diagnostics' and one a bag) times [`STEPS_PER_FIT`] Newton steps of
    /// `(p + 1)³ / 3` each. linfa's quasi-Newton solver has no dense solve: 0.
    fn fit_work(&self, features: usize) -> f64 {
        if self.solver.engine() != fit::Engine::Newton {
            return 0.0;
        }
        let cross_validation = if self.alpha.is_some() {
            0
        } else {
            self.folds * fit::ALPHA_GRID.len()
        };
        let fits = (cross_validation + 2 + self.bags) as f64;
        let dim = features as f64 + 1.0;
        fits * STEPS_PER_FIT * dim * dim * dim / 3.0
    }

    /// Bytes a fit of `units` rows over `features` features needs at its peak. Newton:
    /// every chunk of [`newton::CHUNK`] rows accumulates a dense `(p + 1)²` Hessian and
    /// all are held until summed, with the sum and its Cholesky copy:
    /// `(⌈units / CHUNK⌉ + 2) · (p + 1)² · 8`. linfa-logistic: a dense design of one row
    /// per journey (at most [`fit::MAX_EXPANDED_ROWS`]), `journeys · p · 8`.
    fn fit_bytes(&self, units: usize, journeys: f64, features: usize) -> u64 {
        let dim = features as f64 + 1.0;
        let bytes = match self.solver.engine() {
            fit::Engine::Newton => (units.div_ceil(newton::CHUNK) as f64 + 2.0) * dim * dim * 8.0,
            fit::Engine::Linfa => {
                journeys.min(fit::MAX_EXPANDED_ROWS as f64) * features as f64 * 8.0
            }
        };
        if bytes >= u64::MAX as f64 {
            u64::MAX
        } else {
            bytes as u64
        }
    }

    /// Seed of every random choice (default 42).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The optimiser (default: the exact weighted Newton solver; linfa-logistic on request).
    pub fn solver(mut self, solver: SolverChoice) -> Self {
        self.solver = solver;
        self
    }

    /// Checks the parameters.
    pub fn validate(&self) -> Result<()> {
        if self.alpha.is_some_and(|a| !(a.is_finite() && a >= 0.0)) {
            return Err(Error::param(
                Param::LogisticAlpha,
                "must be a non-negative number",
            ));
        }
        if self.folds < 2 {
            return Err(Error::param(Param::LogisticFolds, "needs at least 2 folds"));
        }
        if self.max_work.is_nan() || self.max_work < 1.0 {
            return Err(Error::param(
                Param::LogisticMaxWork,
                "must be at least 1 (floating-point operations)",
            ));
        }
        if !(self.holdout > 0.0 && self.holdout < 1.0) {
            return Err(Error::param(
                Param::LogisticHoldout,
                "must be between 0 and 1 (exclusive)",
            ));
        }
        for (flag, v) in [
            (Param::LogisticBagRows, self.bag_rows),
            (Param::LogisticBagFeatures, self.bag_features),
        ] {
            if !(v > 0.0 && v <= 1.0) {
                return Err(Error::param(flag, "must be in (0, 1]"));
            }
        }
        Ok(())
    }

    /// Fits on journeys (recency features from their times).
    pub fn fit_journeys(&self, journeys: &Journeys) -> Result<FittedLogistic> {
        let mut units = Units::new();
        let has_times = journeys.has_conversion_times();
        for j in journeys.iter() {
            let end = match j.info.conversion_time {
                Some(t) => t,
                None => j.touches.last().map_or(0, |t| t.time),
            };
            let touches = j.touches.iter().map(|t| TouchLite {
                channel: t.channel,
                age: if has_times { (end - t.time).max(0) } else { 0 },
            });
            let (c, n) = if j.info.converted {
                (1.0, 0.0)
            } else {
                (0.0, 1.0)
            };
            units.push(touches, c, j.info.value, n);
        }
        self.fit_units(&units, journeys.channels(), has_times)
    }

    /// Fits on a path summary (no time features).
    pub fn fit_paths(&self, paths: &PathTable) -> Result<FittedLogistic> {
        let mut units = Units::new();
        for row in paths.rows() {
            let touches = row.path.iter().map(|&c| TouchLite { channel: c, age: 0 });
            units.push(touches, row.conversions, row.value, row.nulls);
        }
        self.fit_units(&units, paths.channels(), false)
    }

    fn fit_units(
        &self,
        units: &Units,
        channels: &Dictionary,
        recency: bool,
    ) -> Result<FittedLogistic> {
        self.validate()?;
        let spec = FeatureSpec {
            channels: channels.len(),
            recency,
            interactions: self.interactions,
        };
        let journeys: f64 = units.conversions.iter().chain(&units.nulls).sum();
        crate::memory::check(
            "logistic",
            &format!(
                "a fit over {} features ({} channels) on {} distinct rows",
                spec.len(),
                channels.len(),
                units.len()
            ),
            self.fit_bytes(units.len(), journeys, spec.len()),
            self.memory_limit,
            "credit fewer channels (merge rare ones with a path transform, or a coarser \
             `level`), or leave `logistic` out",
        )?;
        let work = self.fit_work(spec.len());
        if work > self.max_work {
            return Err(Error::unsupported(
                "logistic",
                format!(
                    "fits over {} features ({} channels) need about {work:.1e} floating-point \
                     operations, roughly {:.0} minutes on one core, more than \
                     `logistic_max_work` ({:.1e}): the work grows with the cube of the \
                     features; credit fewer channels (merge rare ones with a path transform, \
                     or a coarser `level`), or raise `logistic_max_work`",
                    spec.len(),
                    channels.len(),
                    work / OPERATIONS_PER_SECOND / 60.0,
                    self.max_work
                ),
            ));
        }
        let mut design = Design::new(spec);
        let mut row = Vec::new();
        let mut scratch = Vec::new();
        for u in 0..units.len() {
            spec.sparse(units.touches(u), |_| true, &mut scratch, &mut row);
            design.push(&row, units.conversions[u], units.nulls[u]);
        }
        let (converting, not_converting): (f64, f64) =
            (units.conversions.iter().sum(), units.nulls.iter().sum());
        if converting < 2.0 || not_converting < 2.0 {
            return Err(Error::unsupported(
                "logistic",
                format!(
                    "a conversion model needs converting and non-converting journeys, at least \
                     two of each, to fit and check itself; the input has {converting} converting \
                     and {not_converting} non-converting (a path summary carries the latter as \
                     `total_null`; journeys must be built with their non-converting journeys)"
                ),
            ));
        }
        let mut notes = Vec::new();
        if units
            .conversions
            .iter()
            .chain(&units.nulls)
            .any(|c| c.fract() != 0.0)
        {
            notes.push("linfa-logistic cannot weight rows: fractional counts were rounded to whole journeys for the fit".to_string());
        }

        let engine = self.solver.engine();

        // Held-out split of every unit's journeys.
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        let (mut train_pos, mut train_neg, mut test) = (Vec::new(), Vec::new(), Vec::new());
        for u in 0..design.len() {
            let tp = held_out_count(design.pos[u], self.holdout, &mut rng);
            let tn = held_out_count(design.neg[u], self.holdout, &mut rng);
            train_pos.push(design.pos[u] - tp);
            train_neg.push(design.neg[u] - tn);
            if tp + tn > 0.0 {
                test.push((u, tp, tn));
            }
        }
        let cv = match self.alpha {
            Some(_) => Vec::new(),
            None => {
                let rows = fit::expand(&train_pos, &train_neg, self.seed ^ 1);
                fit::cross_validate(&design, &rows, self.folds, self.seed, engine)?
            }
        };
        let alpha = match self.alpha {
            Some(a) => a,
            None => {
                cv.iter()
                    .min_by(|a, b| a.log_loss.total_cmp(&b.log_loss))
                    .expect("cross-validation scored at least one alpha")
                    .alpha
            }
        };

        // Diagnostic fit on the training part, scored on the held-out part.
        let (diag_fit, _, _) = fit::fit_counts(
            engine,
            &design,
            (&train_pos, &train_neg),
            alpha,
            None,
            self.seed ^ 1,
            None,
        )?;
        let scored: Vec<Scored> = test
            .iter()
            .map(|&(u, tp, tn)| Scored {
                p: design::probability(design.logit(u, &diag_fit)),
                positives: tp,
                negatives: tn,
            })
            .collect();
        let train_journeys = train_pos.iter().sum::<f64>() + train_neg.iter().sum::<f64>();
        let p0 = train_pos.iter().sum::<f64>() / train_journeys.max(1.0);
        let diagnostics = diagnostics::diagnose(
            &scored,
            p0,
            self.holdout,
            train_journeys,
            design.pos.iter().sum(),
            spec.len(),
        );

        // The final fit on all journeys, and its credit.
        let (coef, case_rate, control_rate) = fit::fit_counts(
            engine,
            &design,
            (&design.pos, &design.neg),
            alpha,
            Some(&diag_fit),
            self.seed ^ 2,
            None,
        )?;
        if !coef.converged {
            notes.push(format!(
                "the fit did not converge (largest mean gradient {:.2e}); treat coefficients with care",
                coef.mean_gradient
            ));
        }
        if let Some(w) = &diagnostics.sparsity_warning {
            notes.push(format!("WARNING: {w}"));
        }
        let credit = split(units, &spec, &coef, self.credit, self.seed);
        if credit.non_positive_journeys > 0 {
            notes.push(format!(
                "{} converting journeys had no positive contribution and were split equally over their channels",
                credit.non_positive_journeys
            ));
        }
        let bags = self.bag(&design, units, engine, alpha)?;
        Ok(FittedLogistic {
            design,
            spec,
            channels: channels.clone(),
            names: spec.names(|i| channels.name(i as u32).to_string()),
            coef,
            cv,
            engine,
            sampling_rate: control_rate,
            case_sampling_rate: case_rate,
            diagnostics,
            credit_method: self.credit,
            conversions: credit.conversions,
            value: credit.value,
            total_conversions: units.conversions.iter().sum(),
            total_value: units.value.iter().sum(),
            bags,
            bag_rows: self.bag_rows,
            bag_features: self.bag_features,
            notes,
        })
    }

    /// Refits on `bags` seeded subsamples of journeys (each kept with probability
    /// `bag_rows`) and of features (each kept with probability `bag_features`).
    fn bag(&self, design: &Design, units: &Units, engine: Engine, alpha: f64) -> Result<Vec<Bag>> {
        (0..self.bags)
            .into_par_iter()
            .map(|b| {
                let mut rng = ChaCha8Rng::seed_from_u64(self.seed.wrapping_add(1000 + b as u64));
                let (mut pos, mut neg) = (
                    Vec::with_capacity(design.len()),
                    Vec::with_capacity(design.len()),
                );
                for u in 0..design.len() {
                    pos.push(held_out_count(design.pos[u], self.bag_rows, &mut rng));
                    neg.push(held_out_count(design.neg[u], self.bag_rows, &mut rng));
                }
                let features: Vec<bool> = (0..design.spec.len())
                    .map(|_| rng.gen_bool(self.bag_features))
                    .collect();
                let mask = (self.bag_features < 1.0).then_some(features.as_slice());
                let (coef, _, _) = fit::fit_counts(
                    engine,
                    design,
                    (&pos, &neg),
                    alpha,
                    None,
                    self.seed ^ b as u64,
                    mask,
                )?;
                let credit = split(
                    units,
                    &design.spec,
                    &coef,
                    self.credit,
                    self.seed ^ b as u64,
                );
                Ok(Bag {
                    coef,
                    conversions: credit.conversions,
                })
            })
            .collect()
    }
}

impl Attribution for LogisticParams {
    fn attribute(&self, paths: &PathTable) -> Result<Credit> {
        Ok(self.fit_paths(paths)?.credit())
    }
}

impl JourneyAttribution for LogisticParams {
    fn attribute_journeys(&self, journeys: &Journeys) -> Result<Credit> {
        Ok(self.fit_journeys(journeys)?.credit())
    }
}
