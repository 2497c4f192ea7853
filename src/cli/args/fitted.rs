//! Flags of a response fitted from the events and a spend series (`--response fitted`),
//! shared by `budget` and `evaluate`.

use std::path::PathBuf;

use clap::Args;

use pathcredit::decide::{BudgetParams, FittedPlanParams};

/// How a fitted response is measured and its plan's uncertainty drawn.
#[derive(Debug, Args)]
#[command(next_help_heading = "Fitted response (--response fitted)")]
pub struct FittedResponseArgs {
    /// The events the credit came from: every touch per channel and period is counted
    /// as an exposure, the first factor of each channel's fitted response.
    #[arg(long, value_name = "FILE")]
    pub events: Option<PathBuf>,
    /// Bootstrap draws of every curve (periods resampled), for the plan's intervals.
    #[arg(long, value_name = "N", default_value_t = pathcredit::decide::fitted_plan::DEFAULT_DRAWS)]
    pub draws: usize,
    /// Today's spend is the mean over the last K periods of the spend series (default:
    /// all of them).
    #[arg(long, value_name = "K")]
    pub current_periods: Option<usize>,
    /// Keep every channel's spend inside the range its curve was fitted on.
    #[arg(long)]
    pub stay_in_range: bool,
    /// Fit to geometrically adstocked spend (carryover from one period to the next).
    #[arg(long)]
    pub adstock: bool,
    /// Seed of the draws and the fits' folds.
    #[arg(long, value_name = "N", default_value_t = 42)]
    pub seed: u64,
}

impl FittedResponseArgs {
    /// The settings of a fitted plan within `budget`'s bounds, at today's total.
    pub fn params(&self, budget: BudgetParams) -> FittedPlanParams {
        FittedPlanParams {
            budget,
            draws: self.draws,
            seed: self.seed,
            stay_in_range: self.stay_in_range,
            current_periods: self.current_periods,
            adstock: self.adstock,
            total: None,
            target_mroas: None,
        }
    }
}
