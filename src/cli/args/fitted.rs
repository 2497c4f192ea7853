//! Flags of a plan from measured response (`--response fitted`), shared by `budget` and
//! `report`.

use clap::Args;

use pathcredit::decide::{BudgetParams, FittedPlanParams};

/// How a plan from fitted response curves is drawn and bounded.
#[derive(Debug, Args)]
#[command(next_help_heading = "Fitted response (--response fitted)")]
pub struct FittedPlanArgs {
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
    /// Fit to geometrically adstocked spend, the carryover from one period to the next
    /// chosen per channel by held-out error (0 among the choices): the default; the
    /// flag is kept for scripts that name it.
    #[arg(long)]
    pub adstock: bool,
    /// Fit each period's exposures to that period's spend alone (no carryover between
    /// periods).
    #[arg(long, conflicts_with = "adstock")]
    pub no_adstock: bool,
    /// A new total spend per period to plan (default: today's total).
    #[arg(long = "budget", value_name = "TOTAL", conflicts_with = "target_mroas")]
    pub total: Option<f64>,
    /// Instead of a total, spend on each channel until its marginal return falls to X
    /// (within its bounds).
    #[arg(long, value_name = "X")]
    pub target_mroas: Option<f64>,
    /// Value every exposure of a channel alike, even where a person's repeated exposures
    /// within a period are shown to be worth less (or more) than the first.
    #[arg(long)]
    pub no_frequency: bool,
}

impl FittedPlanArgs {
    /// The plan's settings, bounded by `budget` (its response is not used: the curves
    /// are measured), its draws seeded by `seed`.
    pub fn params(&self, budget: BudgetParams, seed: u64) -> FittedPlanParams {
        FittedPlanParams {
            budget,
            draws: self.draws,
            seed,
            stay_in_range: self.stay_in_range,
            current_periods: self.current_periods,
            adstock: !self.no_adstock,
            total: self.total,
            target_mroas: self.target_mroas,
            frequency: !self.no_frequency,
        }
    }

    /// The flags given that only a fitted response uses (`--draws` aside, which has a
    /// default), for a message when the response is assumed.
    pub fn given(&self) -> Vec<&'static str> {
        [
            (self.current_periods.is_some(), "--current-periods"),
            (self.stay_in_range, "--stay-in-range"),
            (self.adstock, "--adstock"),
            (self.no_adstock, "--no-adstock"),
            (self.total.is_some(), "--budget"),
            (self.target_mroas.is_some(), "--target-mroas"),
            (self.no_frequency, "--no-frequency"),
        ]
        .into_iter()
        .filter_map(|(given, flag)| given.then_some(flag))
        .collect()
    }
}
