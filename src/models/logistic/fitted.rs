//! A fitted logistic model: its coefficients (with bagged spread), held-out
//! diagnostics, credit, details and feature matrix.

use serde::Serialize;

use crate::channel::Dictionary;
use crate::credit::Credit;
use crate::error::{Error, Result};

use super::design::{self, Design};
use super::{AlphaScore, Coefficients, CreditMethod, Diagnostics, Engine, FeatureSpec, ModelGame};

/// One bag's coefficients and credit.
#[derive(Clone, Debug)]
pub(super) struct Bag {
    pub(super) coef: Coefficients,
    pub(super) conversions: Vec<f64>,
}

/// A fitted logistic model, its diagnostics and its credit.
#[derive(Clone, Debug)]
pub struct FittedLogistic {
    pub(super) design: Design,
    pub(super) spec: FeatureSpec,
    pub(super) channels: Dictionary,
    pub(super) names: Vec<String>,
    pub(super) coef: Coefficients,
    pub(super) cv: Vec<AlphaScore>,
    pub(super) engine: Engine,
    pub(super) sampling_rate: f64,
    pub(super) case_sampling_rate: f64,
    pub(super) diagnostics: Diagnostics,
    pub(super) credit_method: CreditMethod,
    pub(super) conversions: Vec<f64>,
    pub(super) value: Vec<f64>,
    pub(super) total_conversions: f64,
    pub(super) total_value: f64,
    pub(super) bags: Vec<Bag>,
    pub(super) bag_rows: f64,
    pub(super) bag_features: f64,
    pub(super) notes: Vec<String>,
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

/// The logistic model's details.
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
            record[2] = format!(
                "{:.12}",
                design::probability(self.design.logit(u, &self.coef))
            );
            for (i, v) in self.design.row(u) {
                record[3 + i] = crate::journeys::format_exact(v);
            }
            w.write_record(&record).map_err(err)?;
        }
        w.flush().map_err(Error::Write)
    }

    /// The model as a game on channel subsets (for `shapley_game model`).
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

    /// The logistic model's details.
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
