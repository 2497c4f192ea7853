//! Spend and budget-plan flags, shared by `budget`, `report` and `evaluate`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::Args;

use pathcredit::ReadOptions;
use pathcredit::csv_input::open_file;
use pathcredit::decide::{BudgetParams, Response, Spend, read_spend};

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

    /// Response of attributed value to spend: `diminishing` (value ∝ spend^elasticity)
    /// or `linear`.
    #[arg(long, value_name = "RESPONSE", default_value = "diminishing", value_parser = ["diminishing", "linear"])]
    pub response: String,

    /// Elasticity b of the diminishing response (0 < b < 1).
    #[arg(long, value_name = "B", default_value_t = 0.5)]
    pub elasticity: f64,

    /// Minimum spend of a channel, CHANNEL=AMOUNT. Repeatable.
    #[arg(long = "floor", value_name = "CHANNEL=AMOUNT")]
    pub floors: Vec<String>,

    /// Maximum spend of a channel, CHANNEL=AMOUNT. Repeatable.
    #[arg(long = "cap", value_name = "CHANNEL=AMOUNT")]
    pub caps: Vec<String>,
}

fn amounts(flag: &str, pairs: &[String]) -> anyhow::Result<BTreeMap<String, f64>> {
    pairs
        .iter()
        .map(|pair| {
            let (channel, amount) = pair.split_once('=').ok_or_else(|| {
                anyhow::anyhow!("{flag} `{pair}`: expected CHANNEL=AMOUNT, e.g. {flag} display=500")
            })?;
            let value: f64 = amount
                .trim()
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite() && *v >= 0.0)
                .ok_or_else(|| {
                    anyhow::anyhow!("{flag} `{pair}`: `{amount}` is not an amount ≥ 0")
                })?;
            Ok((channel.trim().to_string(), value))
        })
        .collect()
}

impl BudgetArgs {
    /// The plan parameters (checked).
    pub fn params(&self) -> anyhow::Result<BudgetParams> {
        if !(0.0..=1.0).contains(&self.max_shift) {
            anyhow::bail!(
                "--max-shift {}: expected a fraction between 0 and 1",
                self.max_shift
            );
        }
        let response = match self.response.as_str() {
            "linear" => Response::Linear,
            _ => {
                if !(self.elasticity > 0.0 && self.elasticity < 1.0) {
                    anyhow::bail!(
                        "--elasticity {}: expected a number above 0 and below 1 (or --response linear)",
                        self.elasticity
                    );
                }
                Response::Diminishing {
                    elasticity: self.elasticity,
                }
            }
        };
        Ok(BudgetParams {
            max_shift: self.max_shift,
            floors: amounts("--floor", &self.floors)?,
            caps: amounts("--cap", &self.caps)?,
            response,
        })
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
}
