//! The fitted model as a game on channel subsets, for `shapley_game model`.
//!
//! `v(S) = p̂(a journey touching exactly the channels in S)`: each channel of `S` touched
//! once, with the order-dependent features (`first:`, `last:`) at their expectation over
//! the orders of `S` (`1/|S|` each) and no recency. `v(∅)` is the prediction for a
//! journey with no touch. Marginal contributions are differences of probabilities, so
//! they lie in `(−1, 1)`.

use crate::models::logistic::design::{Coefficients, probability};
use crate::models::logistic::features::FeatureSpec;
use crate::models::shapley::Game;

/// The model game.
#[derive(Clone, Debug)]
pub struct ModelGame {
    spec: FeatureSpec,
    coef: Coefficients,
}

impl ModelGame {
    /// The game of a fitted model.
    pub(crate) fn new(spec: FeatureSpec, coef: Coefficients) -> Self {
        Self { spec, coef }
    }
}

impl Game for ModelGame {
    fn players(&self) -> usize {
        self.spec.channels
    }

    fn value(&self, members: &[bool]) -> f64 {
        let mut row = Vec::with_capacity(4 * members.len() + 1);
        self.spec.prototype(members, &mut row);
        probability(
            self.coef.intercept
                + row
                    .iter()
                    .map(|&(i, v)| self.coef.weights[i] * v)
                    .sum::<f64>(),
        )
    }

    fn marginal_range(&self) -> Option<f64> {
        Some(2.0)
    }
}
