//! The log route per campaign: a campaign's exposures, spend and credit make its curve
//! exactly as a channel's do (campaigns that mirror the channels get the channels' plan,
//! the hand-derived optimum of [`super::tests::world`]), and a credit or exposures of the
//! wrong dimension are refused with what to give.

use super::tests::world;
use super::*;
use crate::journeys::ExposureSeries;

/// `name` as the campaign that mirrors channel `name`.
fn campaign(name: &str) -> String {
    format!("{name}_spring")
}

fn mirrored<T: Clone>(by_channel: &BTreeMap<String, T>) -> BTreeMap<String, T> {
    by_channel
        .iter()
        .map(|(k, v)| (campaign(k), v.clone()))
        .collect()
}

/// [`world`] per campaign: one campaign per channel, with the channel's spend, credit and
/// exposures; both campaigns run under one channel `x`, whose counts (their sum) must
/// not be what a campaign's curve is fitted to.
fn campaign_world() -> (Credit, SpendSeries, ExposureSeries) {
    let (mut credit, spend, exposures) = world();
    credit.dimension = "campaign".into();
    for c in &mut credit.channels {
        c.channel = campaign(&c.channel);
    }
    let spend = SpendSeries::new(
        "campaign",
        spend.step_days,
        spend.periods[0],
        mirrored(&spend.by_key),
    )
    .unwrap();
    let summed: Vec<u64> = (0..exposures.days)
        .map(|d| exposures.by_channel.values().map(|v| v[d]).sum())
        .collect();
    let exposures = ExposureSeries {
        by_campaign: mirrored(&exposures.by_channel),
        by_channel: BTreeMap::from([("x".to_string(), summed)]),
        ..exposures
    };
    (credit, spend, exposures)
}

fn params() -> FittedPlanParams {
    let mut params = FittedPlanParams {
        draws: 20,
        ..FittedPlanParams::default()
    };
    params.budget.max_shift = 1.0;
    params
}

#[test]
fn campaigns_mirroring_the_channels_get_the_channels_plan() {
    let (credit, spend, exposures) = world();
    let by_channel = fitted_plan(&credit, &spend, &exposures, &params()).unwrap();
    let (credit, spend, exposures) = campaign_world();
    let by_campaign = fitted_plan(&credit, &spend, &exposures, &params()).unwrap();
    assert_eq!(by_channel.rows.len(), by_campaign.rows.len());
    for (a, b) in by_channel.rows.iter().zip(&by_campaign.rows) {
        assert_eq!(campaign(&a.channel), b.channel);
        assert_eq!(a.recommended_spend, b.recommended_spend, "{b:?}");
        assert_eq!(
            (a.value_before, a.value_after),
            (b.value_before, b.value_after)
        );
        assert_eq!((a.spend_p10, a.spend_p90), (b.spend_p10, b.spend_p90));
        assert_eq!(a.value_per_exposure, b.value_per_exposure);
    }
    // The hand-derived optimum: 133.33 to a's campaign, 66.67 to b's.
    assert!((by_campaign.rows[0].recommended_spend - 400.0 / 3.0).abs() < 0.5);
    assert!(
        by_campaign
            .notes
            .iter()
            .any(|n| n.contains("Frequency effects are measured per channel")),
        "{:?}",
        by_campaign.notes
    );
}

#[test]
fn a_dimension_mismatch_or_no_campaigns_is_refused_with_what_to_give() {
    let (channel_credit, _, _) = world();
    let (credit, spend, exposures) = campaign_world();
    let err = fitted_plan(&channel_credit, &spend, &exposures, &params())
        .unwrap_err()
        .to_string();
    assert!(err.contains("credit per campaign"), "{err}");
    let without = ExposureSeries {
        by_campaign: BTreeMap::new(),
        ..exposures
    };
    let err = fitted_plan(&credit, &spend, &without, &params())
        .unwrap_err()
        .to_string();
    assert!(err.contains("no `campaign` column"), "{err}");
    let content = SpendSeries::new("content", 7, spend.periods[0], spend.by_key.clone()).unwrap();
    let err = fitted_plan(&credit, &content, &without, &params())
        .unwrap_err()
        .to_string();
    assert!(err.contains("per channel or per campaign"), "{err}");
}
