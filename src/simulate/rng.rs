//! Counter-based random numbers: every draw is a hash of (seed, person, day, purpose).
//!
//! The same person on the same day draws the same number for the same purpose in every
//! counterfactual world, which is what makes ground truth by common random numbers
//! exact in its coupling, and lets people be simulated in any order or in parallel.
//! The mixer is SplitMix64's finaliser (Steele, Lea & Flood 2014).

/// What a draw is for (each purpose its own stream).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub(crate) enum Purpose {
    Intent = 1,
    Exposure = 2,
    Organic = 3,
    Direct = 4,
    Conversion = 5,
    Value = 6,
    TimeOfDay = 7,
    Device = 8,
    Login = 9,
    Account = 10,
    Campaign = 11,
    Holdout = 12,
    Retarget = 13,
    Drift = 14,
    Spend = 15,
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A stream of draws for one seed.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Draws {
    seed: u64,
}

impl Draws {
    pub fn new(seed: u64) -> Self {
        Self {
            seed: mix(seed ^ 0x7061_7468_6372_6564),
        }
    }

    /// 64 random bits for (person, day, purpose, index).
    pub fn bits(&self, person: u64, day: u64, purpose: Purpose, index: u64) -> u64 {
        let a = mix(self.seed ^ person.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let b = mix(a ^ day.wrapping_mul(0xc2b2_ae3d_27d4_eb4f) ^ (purpose as u64) << 56);
        mix(b ^ index.wrapping_mul(0x1656_67b1_9e37_79f9))
    }

    /// A uniform number in [0, 1).
    pub fn uniform(&self, person: u64, day: u64, purpose: Purpose, index: u64) -> f64 {
        (self.bits(person, day, purpose, index) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A standard normal (Box–Muller on two uniforms).
    pub fn normal(&self, person: u64, purpose: Purpose, index: u64) -> f64 {
        let u1 = self
            .uniform(person, 0, purpose, 2 * index)
            .max(f64::MIN_POSITIVE);
        let u2 = self.uniform(person, 0, purpose, 2 * index + 1);
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// A standard normal draw for (person, day, purpose, index); its uniforms use
    /// indices from 100 up, clear of the small indices of `uniform` at the same key.
    pub fn normal_at(&self, person: u64, day: u64, purpose: Purpose, index: u64) -> f64 {
        let u1 = self
            .uniform(person, day, purpose, 100 + 2 * index)
            .max(f64::MIN_POSITIVE);
        let u2 = self.uniform(person, day, purpose, 101 + 2 * index);
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_are_uniform_and_distinct_per_purpose() {
        let d = Draws::new(7);
        let n = 100_000;
        let mean: f64 = (0..n)
            .map(|i| d.uniform(i, 3, Purpose::Exposure, 0))
            .sum::<f64>()
            / n as f64;
        assert!((mean - 0.5).abs() < 0.01, "{mean}");
        assert_ne!(
            d.bits(1, 2, Purpose::Organic, 0),
            d.bits(1, 2, Purpose::Direct, 0)
        );
        assert_eq!(
            d.bits(1, 2, Purpose::Organic, 0),
            Draws::new(7).bits(1, 2, Purpose::Organic, 0)
        );
    }
}
