//! Decision regret in the truth: each model's budget plans valued under a world's true
//! response curves ([`TrueCurves`]).
//!
//! For every model the plan `pathcredit budget` would make from its credit is made twice
//! over the same spend series and bounds: under the assumed response (value ∝
//! `spend^b` around today's spend, [`crate::decide::Plan`]) and, when the events are
//! given, under the response fitted from them ([`fitted_plan`](mod@crate::decide::fitted_plan)). Each is
//! scored by the share of the available gain it leaves
//! ([`TrueCurves::gain_left`]): today's spend `s_c` is the mean spend per period (over
//! the last `current_periods` periods, as the fitted plan takes it), and the true optimum
//! keeps today's total and the plan's bounds. Unlike
//! [`decision_regret`](crate::evaluate::regret::decision_regret), which values every plan
//! under the planner's own assumed response, this sees a plan that the truth punishes.

use std::collections::BTreeMap;

use crate::credit::Credit;
use crate::decide::budget::{BudgetParams, Plan, Response};
use crate::decide::fitted_plan::{FittedPlanParams, fitted_plan, today_spend};
use crate::decide::spend::Spend;
use crate::decide::spend_series::SpendSeries;
use crate::error::Result;
use crate::evaluate::true_response::{TrueCurves, plan_bounds};
use crate::journeys::ExposureSeries;

/// What scoring a plan in the truth needs: the true curves, the spend series the plans
/// start from, the events' exposures (for fitted plans), and the plans' settings.
#[derive(Clone, Debug)]
pub struct DecisionTruth {
    curves: TrueCurves,
    series: SpendSeries,
    exposures: Option<ExposureSeries>,
    params: FittedPlanParams,
    today: BTreeMap<String, f64>,
    optimum: BTreeMap<String, f64>,
    /// Per model, the channels its warnings put at risk, which its plans respect
    /// ([`BudgetParams::at_risk`]); the true optimum does not.
    at_risk: BTreeMap<String, Vec<crate::models::CreditRisk>>,
}

/// The share of the available gain each of a model's plans leaves (none when a plan
/// cannot be made, or today's spend is already optimal).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct GainLeft {
    /// The plan under the assumed response.
    pub assumed: Option<f64>,
    /// The plan under the fitted response (with the events).
    pub fitted: Option<f64>,
}

impl DecisionTruth {
    /// The truth's optimum for `series` under `params` (its `budget` bounds and
    /// `current_periods`; `budget.response` is the assumed response of the assumed
    /// plans). With `exposures`, fitted plans are scored too.
    pub fn new(
        curves: TrueCurves,
        series: SpendSeries,
        exposures: Option<ExposureSeries>,
        params: FittedPlanParams,
    ) -> Result<DecisionTruth> {
        params.budget.validate()?;
        let today = today_spend(&series, params.current_periods);
        let bounds = plan_bounds(&today, &params.budget)?;
        let optimum = curves.optimum(&bounds, today.values().sum())?;
        Ok(DecisionTruth {
            curves,
            series,
            exposures,
            params,
            today,
            optimum,
            at_risk: BTreeMap::new(),
        })
    }

    /// Each model's plans respect the channels its warnings put at risk (read from its
    /// details: [`crate::models::credit_risk::read_credit_risks`]), as `budget` does.
    pub fn with_at_risk(
        mut self,
        at_risk: BTreeMap<String, Vec<crate::models::CreditRisk>>,
    ) -> DecisionTruth {
        self.at_risk = at_risk;
        self
    }

    /// The gain that the plans from `credit` leave (made as `pathcredit budget` makes
    /// them: from its value when it carries value, else its conversions).
    pub fn gain_left(&self, credit: &Credit) -> Result<GainLeft> {
        if credit.total_conversions <= 0.0 && credit.total_value <= 0.0 {
            return Ok(GainLeft::default());
        }
        let spend = Spend {
            dimension: "channel".into(),
            period: None,
            by_key: self.today.clone(),
            report: Default::default(),
        };
        let mut budget = self.params.budget.clone();
        if let Some(risks) = self.at_risk.get(&credit.model) {
            budget.at_risk = risks.clone();
        }
        let assumed = Plan::new(credit, &spend, &budget)?;
        let assumed: BTreeMap<String, f64> = assumed
            .rows
            .into_iter()
            .map(|r| (r.channel, r.recommended_spend))
            .collect();
        let left =
            |plan: &BTreeMap<String, f64>| self.curves.gain_left(&self.today, &self.optimum, plan);
        let fitted = match &self.exposures {
            Some(exposures) => {
                let mut params = self.params.clone();
                params.budget.at_risk = budget.at_risk.clone();
                // The fitted plan carries its own assumed plan beside it, always at b = 0.5.
                params.budget.response = Response::Diminishing { elasticity: 0.5 };
                let plan = fitted_plan(credit, &self.series, exposures, &params)?;
                let spend: BTreeMap<String, f64> = plan
                    .rows
                    .into_iter()
                    .map(|r| (r.channel, r.recommended_spend))
                    .collect();
                left(&spend)
            }
            None => None,
        };
        Ok(GainLeft {
            assumed: left(&assumed),
            fitted,
        })
    }

    /// The bounds and response of the plans.
    pub fn budget(&self) -> &BudgetParams {
        &self.params.budget
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluate::regret::credit_of;

    /// Hand-derived: two channels with true curves of slope 2 then 1 (`a`) and 1.5 then
    /// 0.5 (`b`), kinked at spend 100 (as in the optimum test of
    /// [`crate::evaluate::true_response`]), but `a` steeper past the kink (1.8): the truth
    /// wants `a` 150, `b` 50 under ±50% (G 365 against today's 350). A linear response
    /// moves everything towards the better-credited channel up to its bound. Credit
    /// 9 : 1 for `a` gives a 150, b 50: optimal, nothing left. Credit 1 : 9 gives a 50,
    /// b 150: G = 100 + 175 = 275, leaving (365 − 275) / 15 = 6.
    #[test]
    fn assumed_plans_scored_by_hand() {
        let curves = TrueCurves::new(
            [
                (
                    "a".to_string(),
                    vec![(0.0, 0.0), (100.0, 200.0), (200.0, 380.0)],
                ),
                (
                    "b".to_string(),
                    vec![(0.0, 0.0), (100.0, 150.0), (200.0, 200.0)],
                ),
            ]
            .into(),
            "curves",
        )
        .unwrap();
        let series = SpendSeries::new(
            "channel",
            1,
            0,
            [
                ("a".to_string(), vec![100.0, 100.0]),
                ("b".to_string(), vec![100.0, 100.0]),
            ]
            .into(),
        )
        .unwrap();
        let params = FittedPlanParams {
            budget: BudgetParams {
                max_shift: 0.5,
                response: Response::Linear,
                ..BudgetParams::default()
            },
            ..FittedPlanParams::default()
        };
        let truth = DecisionTruth::new(curves, series, None, params).unwrap();
        let credit = |a: f64, b: f64| {
            credit_of(
                "m",
                [("a".to_string(), a), ("b".to_string(), b)].into_iter(),
            )
        };
        let got = truth.gain_left(&credit(9.0, 1.0)).unwrap();
        assert_eq!(got.assumed, Some(0.0));
        assert_eq!(got.fitted, None);
        let got = truth.gain_left(&credit(1.0, 9.0)).unwrap();
        assert!((got.assumed.unwrap() - 6.0).abs() < 1e-9, "{got:?}");
        assert_eq!(
            truth.gain_left(&credit(0.0, 0.0)).unwrap(),
            GainLeft::default()
        );
    }
}
