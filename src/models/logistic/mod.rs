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
//!   `--logistic-bags B` refits on B seeded subsamples of rows (and optionally of
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
pub mod diagnostics;
pub mod features;
pub mod fit;
mod model_game;
mod newton;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

use crate::channel::Dictionary;
use crate::credit::Credit;
use crate::error::{Error, Result};
use crate::holdout::Scored;
use crate::holdout::split::held_out_count;
use crate::journeys::{Journeys, PathTable};
use crate::models::{Attribution, JourneyAttribution};
use crate::param::Param;

pub use credit::CreditMethod;
pub use diagnostics::{CalibrationBin, Diagnostics};
pub use features::{FeatureSpec, RECENCY_BUCKETS, TouchLite};
pub use fit::{AlphaScore, Coefficients, Engine, SolverChoice};
pub use model_game::ModelGame;

use credit::{Units, split};
use fit::Design;

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
}

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
        let mut design = Design::new(spec);
        let mut row = Vec::new();
        let mut scratch = Vec::new();
        for u in 0..units.len() {
            spec.sparse(units.touches(u), |_| true, &mut scratch, &mut row);
            design.push(&row, units.conversions[u], units.nulls[u]);
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
                p: fit::probability(design.logit(u, &diag_fit)),
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

/// One bag's coefficients and credit.
#[derive(Clone, Debug)]
struct Bag {
    coef: Coefficients,
    conversions: Vec<f64>,
}

/// A fitted logistic model, its diagnostics and its credit.
#[derive(Clone, Debug)]
pub struct FittedLogistic {
    design: Design,
    spec: FeatureSpec,
    channels: Dictionary,
    names: Vec<String>,
    coef: Coefficients,
    cv: Vec<AlphaScore>,
    engine: Engine,
    sampling_rate: f64,
    case_sampling_rate: f64,
    diagnostics: Diagnostics,
    credit_method: CreditMethod,
    conversions: Vec<f64>,
    value: Vec<f64>,
    total_conversions: f64,
    total_value: f64,
    bags: Vec<Bag>,
    bag_rows: f64,
    bag_features: f64,
    notes: Vec<String>,
}

/// One coefficient with its bagged spread.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CoefficientRow {
    /// Feature name (`(intercept)` for the intercept).
    pub feature: String,
    /// Coefficient of the final fit (log-odds).
    pub coefficient: f64,
    /// Mean over bags.
    pub bag_mean: Option<f64>,
    /// Standard deviation over bags.
    pub bag_sd: Option<f64>,
    /// 2.5th percentile over bags.
    pub lo: Option<f64>,
    /// 97.5th percentile over bags.
    pub hi: Option<f64>,
}

/// Everything `--logistic-details` writes.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LogisticDetails {
    /// The feature layout.
    pub features: FeatureSpec,
    /// Coefficients, intercept first.
    pub coefficients: Vec<CoefficientRow>,
    /// L2 strength α (a N(0, 1/α) prior on each coefficient).
    pub alpha: f64,
    /// The cross-validation table (empty when α was given).
    pub cross_validation: Vec<AlphaScore>,
    /// Rows of the final fit.
    pub rows: usize,
    /// The optimiser that fitted the model.
    pub solver: Engine,
    /// Rate at which non-conversions were kept (1: one row per journey).
    pub control_sampling_rate: f64,
    /// Rate at which conversions were kept.
    pub case_sampling_rate: f64,
    /// Whether the final fit converged.
    pub converged: bool,
    /// Largest component of its mean gradient.
    pub mean_gradient: f64,
    /// Held-out diagnostics.
    pub diagnostics: Diagnostics,
    /// How predictions became credit.
    pub credit_method: CreditMethod,
    /// Bags, with the row and feature shares each saw.
    pub bags: usize,
    /// Share of rows per bag.
    pub bag_rows: f64,
    /// Share of features per bag.
    pub bag_features: f64,
    /// Per channel: credit and its bagged spread.
    pub credit: Vec<BaggedCredit>,
    /// Remarks.
    pub notes: Vec<String>,
}

/// A channel's credit with its bagged spread.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BaggedCredit {
    /// The channel.
    pub channel: String,
    /// Attributed conversions.
    pub conversions: f64,
    /// Mean over bags.
    pub bag_mean: Option<f64>,
    /// Standard deviation over bags.
    pub bag_sd: Option<f64>,
}

/// Mean, standard deviation and 2.5/97.5 percentiles of `xs` (None with < 2 values).
fn spread(mut xs: Vec<f64>) -> Option<(f64, f64, f64, f64)> {
    if xs.len() < 2 {
        return None;
    }
    xs.sort_by(f64::total_cmp);
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let q = |p: f64| {
        let pos = p * (n - 1.0);
        let (i, f) = (pos.floor() as usize, pos.fract());
        xs[i] + f * (xs[(i + 1).min(xs.len() - 1)] - xs[i])
    };
    Some((mean, sd, q(0.025), q(0.975)))
}

impl FittedLogistic {
    /// Final coefficients (oriented to P(conversion)).
    pub fn coefficients(&self) -> &Coefficients {
        &self.coef
    }

    /// Feature names in coefficient order.
    pub fn feature_names(&self) -> &[String] {
        &self.names
    }

    /// Held-out diagnostics.
    pub fn diagnostics(&self) -> &Diagnostics {
        &self.diagnostics
    }

    /// Writes the design as CSV for other tools: `conversions,non_conversions,
    /// p_pathcredit` and one column per feature, one row per journey (or path).
    pub fn write_features<W: std::io::Write>(&self, out: W) -> Result<()> {
        let mut w = csv::Writer::from_writer(out);
        let err = |e: csv::Error| Error::Write(std::io::Error::other(e));
        let mut header = vec![
            "conversions".to_string(),
            "non_conversions".to_string(),
            "p_pathcredit".to_string(),
        ];
        header.extend(self.names.iter().cloned());
        w.write_record(&header).map_err(err)?;
        let mut record = vec![String::new(); header.len()];
        for u in 0..self.design.len() {
            record.iter_mut().for_each(|c| {
                c.clear();
                c.push('0');
            });
            record[0] = crate::journeys::format_exact(self.design.pos[u]);
            record[1] = crate::journeys::format_exact(self.design.neg[u]);
            record[2] = format!("{:.12}", fit::probability(self.design.logit(u, &self.coef)));
            for (i, v) in self.design.row(u) {
                record[3 + i] = crate::journeys::format_exact(v);
            }
            w.write_record(&record).map_err(err)?;
        }
        w.flush().map_err(Error::Write)
    }

    /// The model as a game on channel subsets (for `--shapley-game model`).
    pub fn game(&self) -> ModelGame {
        ModelGame::new(self.spec, self.coef.clone())
    }

    /// The credit; with two or more bags, the interval columns hold the bags' 2.5–97.5
    /// percentiles.
    pub fn credit(&self) -> Credit {
        let mut credit = Credit::from_ids(
            "logistic",
            &self.channels,
            &self.conversions,
            &self.value,
            self.total_conversions,
            self.total_value,
        );
        for (c, row) in credit.channels.iter_mut().enumerate() {
            if let Some((_, _, lo, hi)) =
                spread(self.bags.iter().map(|b| b.conversions[c]).collect())
            {
                row.conversions_lo = Some(lo);
                row.conversions_hi = Some(hi);
            }
        }
        let d = &self.diagnostics;
        let mut notes = vec![format!(
            "logistic regression ({} features, α = {:.3}, {}), held-out AUC {}, credit by {:?}",
            self.names.len(),
            self.coef.alpha,
            if self.sampling_rate < 1.0 || self.case_sampling_rate < 1.0 {
                format!(
                    "case-control sample: conversions kept at {:.4}, non-conversions at {:.4}",
                    self.case_sampling_rate, self.sampling_rate
                )
            } else {
                "one row per journey".to_string()
            },
            d.auc.map_or("n/a".to_string(), |a| format!("{a:.3}")),
            self.credit_method
        )];
        notes.extend(self.notes.iter().cloned());
        credit.notes = notes;
        credit
    }

    /// Everything `--logistic-details` writes.
    pub fn details(&self) -> LogisticDetails {
        let coef_row = |feature: &str, value: f64, bag: Vec<f64>| {
            let s = spread(bag);
            CoefficientRow {
                feature: feature.to_string(),
                coefficient: value,
                bag_mean: s.map(|s| s.0),
                bag_sd: s.map(|s| s.1),
                lo: s.map(|s| s.2),
                hi: s.map(|s| s.3),
            }
        };
        let mut coefficients = vec![coef_row(
            "(intercept)",
            self.coef.intercept,
            self.bags.iter().map(|b| b.coef.intercept).collect(),
        )];
        for (j, name) in self.names.iter().enumerate() {
            coefficients.push(coef_row(
                name,
                self.coef.weights[j],
                self.bags.iter().map(|b| b.coef.weights[j]).collect(),
            ));
        }
        let credit = self
            .channels
            .names()
            .enumerate()
            .map(|(c, name)| {
                let s = spread(self.bags.iter().map(|b| b.conversions[c]).collect());
                BaggedCredit {
                    channel: name.to_string(),
                    conversions: self.conversions[c],
                    bag_mean: s.map(|s| s.0),
                    bag_sd: s.map(|s| s.1),
                }
            })
            .collect();
        LogisticDetails {
            features: self.spec,
            coefficients,
            alpha: self.coef.alpha,
            solver: self.engine,
            cross_validation: self.cv.clone(),
            rows: self.coef.rows,
            control_sampling_rate: self.sampling_rate,
            case_sampling_rate: self.case_sampling_rate,
            converged: self.coef.converged,
            mean_gradient: self.coef.mean_gradient,
            diagnostics: self.diagnostics.clone(),
            credit_method: self.credit_method,
            bags: self.bags.len(),
            bag_rows: self.bag_rows,
            bag_features: self.bag_features,
            credit,
            notes: self.notes.clone(),
        }
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
