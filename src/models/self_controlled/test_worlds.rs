//! Worlds drawn inside the self-controlled model's tests: per unit and day, exposure
//! probabilities and a conversion hazard given the unit's touches.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::channel::Dictionary;
use crate::journeys::{Timeline, Timelines};
use crate::time::DAY;

/// Daily conversion probability of a unit with frailty `alpha`, in market from `m`, on
/// day `d`, given its touch days per channel.
pub type Hazard = Box<dyn Fn(f64, Option<i64>, i64, &[Vec<i64>]) -> f64>;

/// A drawn world: per unit and day, each channel's exposure probability and the
/// hazard (given the unit's touches so far and to come) decide touches and conversions.
pub struct World {
    /// Units drawn.
    pub units: usize,
    /// Days of the study.
    pub days: i64,
    /// Channels, named `c0`, `c1`, ….
    pub channels: usize,
    /// Exposure probability of channel `c` on day `d` for a unit in market from `m`
    /// (`None`: never in market) with frailty `alpha`.
    pub exposure: Box<dyn Fn(usize, i64, Option<i64>, f64) -> f64>,
    /// Its conversion hazard.
    pub hazard: Hazard,
    /// Share of units that go in market at some day.
    pub in_market_share: f64,
}

/// Draws the world: touches at 01:00, conversions at 02:00; each unit's frailty `α` is
/// `e^u`, `u` uniform on (−1, 1).
pub fn draw(world: &World, seed: u64) -> Timelines {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut channels = Dictionary::new();
    for c in 0..world.channels {
        channels.intern(&format!("c{c}"));
    }
    let mut out = Timelines::new(channels, 0, world.days * DAY - 1);
    for i in 0..world.units {
        let alpha = (rng.r#gen::<f64>() * 2.0 - 1.0).exp();
        let market =
            (rng.r#gen::<f64>() < world.in_market_share).then(|| rng.gen_range(10..world.days - 5));
        let mut touch_days = vec![Vec::new(); world.channels];
        for d in 0..world.days {
            for (c, days) in touch_days.iter_mut().enumerate() {
                if rng.r#gen::<f64>() < (world.exposure)(c, d, market, alpha) {
                    days.push(d);
                }
            }
        }
        let mut conversions = Vec::new();
        for d in 0..world.days {
            if rng.r#gen::<f64>() < (world.hazard)(alpha, market, d, &touch_days) {
                conversions.push((d * DAY + 7_200_000, 10.0));
            }
        }
        let mut touches: Vec<(i64, u32)> = touch_days
            .iter()
            .enumerate()
            .flat_map(|(c, days)| days.iter().map(move |&d| (d * DAY + 3_600_000, c as u32)))
            .collect();
        touches.sort_unstable();
        out.push(Timeline {
            unit: format!("u{i:05}"),
            first: 0,
            touches,
            conversions,
        });
    }
    out.finish()
}

/// Touches of `days` at lags `lo..=hi` from day `d` (negative: touches to come).
pub fn count(days: &[i64], d: i64, lo: i64, hi: i64) -> f64 {
    days.iter()
        .filter(|&&s| (lo..=hi).contains(&(d - s)))
        .count() as f64
}
