//! Turning credit into decisions: models side by side, return on spend, a budget plan,
//! and a check against rule-based reports from other tools.
//!
//! * [`compare`]: every model per channel, with each data-driven model's difference
//!   from last touch;
//! * [`path_facts`]: top converting paths, journey lengths, time to conversion;
//! * [`spend`] and [`roi`]: CPA and ROAS per channel and model;
//! * [`spend_series`]: spend per channel and day or week, for response curves;
//! * [`credit_series`]: attributed conversions per channel and period, for response
//!   curves without logs (the weaker aggregate route of a fitted plan);
//! * [`budget`]: a reallocation that keeps total spend fixed, within bounds;
//! * [`response`]: budget from measured response: fitted curves, optimal plans and
//!   their uncertainty;
//! * [`crosscheck`](mod@crosscheck): a rule-based report from another tool against our
//!   recomputation (the `validate` subcommand).

pub mod at_risk;
pub mod budget;
pub mod compare;
pub mod credit_series;
pub mod crosscheck;
pub mod fitted_curves;
pub mod fitted_plan;
pub mod frequency;
pub mod path_facts;
pub mod response;
pub mod roi;
pub mod spend;
pub mod spend_series;

pub use budget::{BudgetParams, Plan, PlanRow, Response, ResponseKind, default_plan_credit};
pub use compare::{CompareRow, Comparison, data_driven};
pub use credit_series::{CreditSeries, read_credit_series};
pub use crosscheck::{
    CrossCheck, crosscheck, crosscheck_model, crosscheck_run, read_report, read_report_records,
};
pub use fitted_plan::{FittedPlan, FittedPlanParams, FittedRow, fitted_plan};
pub use path_facts::PathFacts;
pub use roi::{RoiRow, RoiTable};
pub use spend::{Spend, read_spend, read_spend_records};
pub use spend_series::{SpendSeries, read_spend_series};
