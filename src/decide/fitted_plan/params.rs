//! The settings of a fitted plan, with their defaults and the checks that need no data.

use crate::decide::budget::BudgetParams;
use crate::error::{Error, Result};
use crate::param::Param;

/// Bootstrap draws of the curves by default.
pub const DEFAULT_DRAWS: usize = 200;

/// Settings of a fitted plan.
#[derive(Clone, Debug, PartialEq)]
pub struct FittedPlanParams {
    /// Bounds (`max_shift`, floors, caps) as in an assumed-response plan.
    pub budget: BudgetParams,
    /// Bootstrap draws of every curve (default [`DEFAULT_DRAWS`]).
    pub draws: usize,
    /// Seed of the draws and of the fits' folds.
    pub seed: u64,
    /// Keep every channel's spend inside the range its curve was fitted on.
    pub stay_in_range: bool,
    /// Today's spend is the mean over the last this many periods (default: all).
    pub current_periods: Option<usize>,
    /// Fit to geometrically adstocked spend (carryover from one period to the next),
    /// the decay chosen per channel by held-out error with 0 (none) among the choices
    /// (default on). Measured (`benches/budget`): on a world whose spend is delivered
    /// over up to four weeks, the plan off left 71% of the available gain (±30%), on
    /// 13%; on worlds without carryover it chose none, or changed the gain left by
    /// at most 1.2 points.
    pub adstock: bool,
    /// A new total spend per period (default: today's total), channels held at today's
    /// spend included.
    pub total: Option<f64>,
    /// Instead of a total, spend on every channel until its marginal return falls to
    /// this (within its bounds).
    pub target_mroas: Option<f64>,
    /// Measure frequency effects and value exposures by rank where the data show them
    /// (the log route, default on; [`crate::decide::frequency`]).
    pub frequency: bool,
}

impl Default for FittedPlanParams {
    fn default() -> Self {
        FittedPlanParams {
            budget: BudgetParams::default(),
            draws: DEFAULT_DRAWS,
            seed: 42,
            stay_in_range: false,
            current_periods: None,
            adstock: true,
            total: None,
            target_mroas: None,
            frequency: true,
        }
    }
}

impl FittedPlanParams {
    /// Checks the settings that need no data (bounds, draws, a total or a target, not
    /// both); both routes call it before reading their inputs.
    pub fn validate(&self) -> Result<()> {
        self.budget.validate()?;
        if self.draws == 0 {
            return Err(Error::param(
                Param::Bootstrap,
                "`draws` must be at least 1 (200 give stable 80% intervals)",
            ));
        }
        if self.total.is_some() && self.target_mroas.is_some() {
            return Err(Error::param(
                Param::Spend,
                "give a new total or a target marginal return, not both",
            ));
        }
        Ok(())
    }
}
