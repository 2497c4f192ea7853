//! The logistic model's design and solution: one sparse feature row per unit with its
//! outcome counts, the fitted coefficients oriented to `P(conversion)`, and the logistic
//! function. Below both solvers ([`super::fit`]'s linfa route and the Newton solver).

use serde::Serialize;

use crate::models::logistic::features::FeatureSpec;

/// A fit is converged when every component of the mean gradient is below this.
pub const CONVERGED_MEAN_GRADIENT: f64 = 1e-4;

/// The design: one sparse feature row per unit, with its outcome counts.
#[derive(Clone, Debug)]
pub(crate) struct Design {
    pub spec: FeatureSpec,
    offsets: Vec<usize>,
    index: Vec<u32>,
    value: Vec<f64>,
    /// Conversions of each unit.
    pub pos: Vec<f64>,
    /// Non-conversions of each unit.
    pub neg: Vec<f64>,
}

impl Design {
    pub fn new(spec: FeatureSpec) -> Self {
        Design {
            spec,
            offsets: vec![0],
            index: Vec::new(),
            value: Vec::new(),
            pos: Vec::new(),
            neg: Vec::new(),
        }
    }

    pub fn push(&mut self, row: &[(usize, f64)], pos: f64, neg: f64) {
        for &(i, v) in row {
            self.index.push(i as u32);
            self.value.push(v);
        }
        self.offsets.push(self.index.len());
        self.pos.push(pos);
        self.neg.push(neg);
    }

    pub fn len(&self) -> usize {
        self.pos.len()
    }

    pub fn row(&self, unit: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let r = self.offsets[unit]..self.offsets[unit + 1];
        self.index[r.clone()]
            .iter()
            .map(|&i| i as usize)
            .zip(self.value[r].iter().copied())
    }

    pub fn logit(&self, unit: usize, c: &Coefficients) -> f64 {
        c.intercept + self.row(unit).map(|(i, v)| c.weights[i] * v).sum::<f64>()
    }
}

/// Fitted coefficients, oriented to `P(conversion)`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Coefficients {
    /// Intercept.
    pub intercept: f64,
    /// One weight per feature.
    pub weights: Vec<f64>,
    /// The L2 strength used (on this fit's rows).
    pub alpha: f64,
    /// Rows the fit used.
    pub rows: usize,
    /// Largest component of the mean gradient of the penalised loss at the solution.
    pub mean_gradient: f64,
    /// Whether `mean_gradient` is below the convergence threshold.
    pub converged: bool,
}

fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// P(conversion) for a logit.
pub(crate) fn probability(logit: f64) -> f64 {
    sigmoid(logit)
}
