//! Seeded splits of aggregated counts into a training and a held-out part.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// How many of `n` journeys (possibly fractional) go to the held-out part when each
/// goes there with probability `share`: exactly binomial up to 1,000 journeys, a
/// normal approximation (Box–Muller) beyond; a fractional remainder goes to one side
/// as a whole. Totals are preserved exactly.
pub fn held_out_count(n: f64, share: f64, rng: &mut ChaCha8Rng) -> f64 {
    let whole = n.floor();
    let mut k = if whole <= 1000.0 {
        (0..whole as u64).filter(|_| rng.gen_bool(share)).count() as f64
    } else {
        let (u1, u2): (f64, f64) = (rng.r#gen::<f64>().max(f64::MIN_POSITIVE), rng.r#gen());
        let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
        (whole * share + z * (whole * share * (1.0 - share)).sqrt())
            .round()
            .clamp(0.0, whole)
    };
    let remainder = n - whole;
    if remainder > 0.0 && rng.gen_bool(share) {
        k += remainder;
    }
    k
}
