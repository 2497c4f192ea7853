//! Spend and budget-plan flags, shared by `budget`, `report` and `evaluate`.

use std::path::PathBuf;

use clap::Args;

use pathcredit::ReadOptions;
use pathcredit::csv_input::open_file;
use pathcredit::decide::{
    BudgetParams, Response, ResponseKind, Spend, SpendSeries, read_spend, read_spend_series,
};
use pathcredit::models::CreditRisk;
use pathcredit::param::Param;

use crate::cli::flags::choice;

/// Where spend comes from and how a budget plan is bounded.
#[derive(Debug, Args)]
#[command(next_help_heading = "Spend and budget")]
pub struct BudgetArgs {
    /// Spend file: `channel,spend` (optionally `campaign` and `period` columns; rows add up).
    #[arg(long, value_name = "FILE")]
    pub spend: Option<PathBuf>,

    /// Only spend rows whose `period` column equals this.
    #[arg(long, value_name = "PERIOD")]
    pub period: Option<String>,

    /// Largest move of any channel's spend, as a fraction of it.
    #[arg(long, value_name = "FRACTION", default_value_t = 0.25)]
    pub max_shift: f64,

    /// Response of attributed value to spend: `diminishing` (value ∝ spend^elasticity,
    /// an assumption), `linear`, or `fitted` (curves measured from the events and a
    /// spend series with a `period` column, or, in `budget`, weaker, from
    /// `--credit-series` and the spend series alone; in `evaluate`, with --true-curves).
    #[arg(long, value_name = "RESPONSE", default_value = "diminishing", value_parser = choice::<ResponseKind>())]
    pub response: ResponseKind,

    /// Elasticity b of the diminishing response (0 < b < 1).
    #[arg(long, value_name = "B", default_value_t = 0.5)]
    pub elasticity: f64,

    /// Minimum spend of a channel, CHANNEL=AMOUNT. Repeatable.
    #[arg(long = "floor", value_name = "CHANNEL=AMOUNT")]
    pub floors: Vec<String>,

    /// Maximum spend of a channel, CHANNEL=AMOUNT. Repeatable.
    #[arg(long = "cap", value_name = "CHANNEL=AMOUNT")]
    pub caps: Vec<String>,

    /// Move a channel on its credit even where the model's own warnings say that credit
    /// may be wrong in a known direction. By default (with the model's details: `budget
    /// --details`, `evaluate --details`, the report's own run) a channel whose credit may
    /// be too low is not cut below today's spend, and one whose credit may be too high is
    /// not raised above it.
    #[arg(long)]
    pub move_at_risk: bool,
}

impl BudgetArgs {
    /// The plan parameters (checked by `BudgetParams::validate`).
    pub fn params(&self) -> pathcredit::Result<BudgetParams> {
        self.bounded(self.response.with_elasticity(self.elasticity)?)
    }

    /// The parameters of the plan under an assumed response: as [`BudgetArgs::params`],
    /// except that with `fitted` (a measured response, planned elsewhere) the plan beside
    /// it assumes the diminishing response with --elasticity.
    pub fn assumed_params(&self) -> pathcredit::Result<BudgetParams> {
        self.bounded(match self.response {
            ResponseKind::Fitted => Response::Diminishing {
                elasticity: self.elasticity,
            },
            kind => kind.with_elasticity(self.elasticity)?,
        })
    }

    /// The bounds of these flags with `response` (checked).
    fn bounded(&self, response: Response) -> pathcredit::Result<BudgetParams> {
        let params = BudgetParams {
            max_shift: self.max_shift,
            floors: BudgetParams::parse_amounts(Param::Floor, &self.floors)?,
            caps: BudgetParams::parse_amounts(Param::Cap, &self.caps)?,
            response,
            move_at_risk: self.move_at_risk,
            ..BudgetParams::default()
        };
        params.validate()?;
        Ok(params)
    }

    /// The channels at risk that a plan from a model with `risks` respects: none with
    /// --move-at-risk.
    pub fn at_risk(&self, risks: Option<&Vec<CreditRisk>>) -> Vec<CreditRisk> {
        match (self.move_at_risk, risks) {
            (false, Some(r)) => r.clone(),
            _ => Vec::new(),
        }
    }

    /// Reads the spend file, keyed by `dimension`, if one was given.
    pub fn read_spend(&self, dimension: &str, read: &ReadOptions) -> anyhow::Result<Option<Spend>> {
        let Some(path) = &self.spend else {
            return Ok(None);
        };
        // Column remapping (--col) belongs to the main input, not to the spend file.
        let opts = ReadOptions::default().skip_bad_rows(read.skip_bad_rows);
        Ok(Some(read_spend(
            open_file(path)?,
            &path.display().to_string(),
            dimension,
            self.period.as_deref(),
            &opts,
        )?))
    }

    /// Reads the spend file as a series (spend per `dimension`, channel or campaign, and
    /// period, for a plan from fitted response), if one was given.
    pub fn read_spend_series(
        &self,
        read: &ReadOptions,
        dimension: &str,
    ) -> anyhow::Result<Option<SpendSeries>> {
        let Some(path) = &self.spend else {
            return Ok(None);
        };
        let opts = ReadOptions::default().skip_bad_rows(read.skip_bad_rows);
        Ok(Some(read_spend_series(
            pathcredit::csv_input::Records::csv(open_file(path)?),
            &path.display().to_string(),
            dimension,
            &opts,
        )?))
    }
}
