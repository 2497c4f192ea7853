//! The uncertainty of the value of one exposure, carried into a fitted plan's draws.
//!
//! A channel's curve is `g_c(x) = v_c · E_c(x)`; the curve draws resample periods, which
//! covers `E_c` (spend → exposures) but not `v_c`, the model's credit per exposure. When
//! the credit carries a bootstrap interval (`attribute --bootstrap N`: the 2.5th and 97.5th
//! percentiles `[lo_c, hi_c]` of the channel's conversions over resampled persons), draw
//! `d` scales the channel's curve by `m_{c,d} = max(0, 1 + σ_c z_{c,d})`, `z ~ N(0, 1)`
//! (seeded; by the inverse normal CDF of a uniform draw), `σ_c = (hi_c − lo_c) / (2 · 1.96 · credit_c)`: the relative spread of the
//! interval read as a normal one, centred on the point credit. Channels are drawn
//! independently (the persons' bootstrap correlates them; the plan's spread per channel
//! is what this carries). Without an interval, `v_c` is taken as known, and the plan
//! says so.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use statrs::distribution::Normal;

use crate::credit::Credit;

/// The normal quantile of the 97.5th percentile.
const Z_975: f64 = 1.959_963_984_540_054;

/// The relative spread `σ_c` of `channel`'s credit from its bootstrap interval (none
/// without an interval, or with a point credit of 0).
pub fn relative_spread(credit: &Credit, channel: &str) -> Option<f64> {
    let c = credit.get(channel)?;
    let (lo, hi) = (c.conversions_lo?, c.conversions_hi?);
    (c.conversions > 0.0 && hi >= lo && lo.is_finite() && hi.is_finite())
        .then(|| (hi - lo) / (2.0 * Z_975 * c.conversions))
}

/// The value-per-exposure multiplier of each of `draws` draws (see the module docs),
/// seeded by `seed` and the channel's place `index` among the plan's channels.
pub fn value_multipliers(sigma: f64, draws: usize, seed: u64, index: usize) -> Vec<f64> {
    use rand::Rng;
    use statrs::distribution::ContinuousCDF;
    let mut rng = ChaCha8Rng::seed_from_u64(
        seed.wrapping_mul(0x9e37_79b9_7f4a_7c15)
            .wrapping_add(index as u64),
    );
    let normal = Normal::standard();
    (0..draws)
        .map(|_| {
            // An open-interval uniform through the inverse CDF: a standard normal draw.
            let u: f64 = rng.gen_range(f64::EPSILON..1.0);
            (1.0 + sigma * normal.inverse_cdf(u)).max(0.0)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credit::ChannelCredit;

    fn credit(conversions: f64, lo: Option<f64>, hi: Option<f64>) -> Credit {
        Credit {
            model: "m".into(),
            dimension: "channel".into(),
            additive: true,
            total_conversions: conversions,
            total_value: 0.0,
            channels: vec![ChannelCredit {
                channel: "a".into(),
                conversions,
                value: 0.0,
                share: 1.0,
                conversions_lo: lo,
                conversions_hi: hi,
                weighted_conversions: None,
            }],
            notes: vec![],
        }
    }

    /// Hand-derived: an interval [60.8, 139.2] around 100 is ±1.96 · 20, so σ = 0.2;
    /// none without an interval or with no credit.
    #[test]
    fn spread_from_the_interval() {
        let s = relative_spread(
            &credit(
                100.0,
                Some(100.0 - Z_975 * 20.0),
                Some(100.0 + Z_975 * 20.0),
            ),
            "a",
        );
        assert!((s.unwrap() - 0.2).abs() < 1e-12);
        assert_eq!(relative_spread(&credit(100.0, None, None), "a"), None);
        assert_eq!(
            relative_spread(&credit(0.0, Some(0.0), Some(1.0)), "a"),
            None
        );
        assert_eq!(
            relative_spread(&credit(1.0, Some(0.0), Some(1.0)), "b"),
            None
        );
    }

    /// The multipliers have mean 1 and standard deviation σ (40,000 draws: the mean
    /// within 4 standard errors), never fall below 0, and repeat with the seed.
    #[test]
    fn multipliers_centre_on_one() {
        let m = value_multipliers(0.2, 40_000, 42, 0);
        let n = m.len() as f64;
        let mean = m.iter().sum::<f64>() / n;
        let sd = (m.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n).sqrt();
        assert!((mean - 1.0).abs() < 4.0 * 0.2 / n.sqrt(), "{mean}");
        assert!((sd - 0.2).abs() < 0.01, "{sd}");
        assert_eq!(m, value_multipliers(0.2, 40_000, 42, 0));
        assert_ne!(m, value_multipliers(0.2, 40_000, 42, 1));
        assert!(value_multipliers(3.0, 1000, 1, 0).iter().all(|&x| x >= 0.0));
    }
}
