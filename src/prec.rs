//! Numerical tolerances and output precision, in one place.
//!
//! Tests use these constants rather than literals, so a tolerance is changed (and
//! justified) once.

/// Relative tolerance within which an additive model's credit must sum to the observed
/// total conversions and value.
pub const SUM_REL_TOL: f64 = 1e-9;

/// Relative tolerance within which the journeys into a state and out of it must agree in
/// transition counts (the same fractional counts, summed in another order, differ by
/// rounding only).
pub const BALANCE_REL_TOL: f64 = 1e-9;

/// Absolute tolerance for comparisons with hand-derived known answers given as exact
/// fractions.
pub const EXACT_TOL: f64 = 1e-12;

/// Decimal places of floats in CSV and Markdown output (fixed, so output is byte-stable).
pub const OUTPUT_DECIMALS: usize = 6;

/// True when `a` and `b` agree within `rel` relative to the larger magnitude (or
/// `rel` absolutely when both are smaller than 1).
pub fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()).max(1.0)
}

/// `x` with fixed [`OUTPUT_DECIMALS`] decimals, never `-0.000000`.
pub fn fixed(x: f64) -> String {
    let s = format!("{:.*}", OUTPUT_DECIMALS, x);
    if s.starts_with('-') && s[1..].bytes().all(|b| b == b'0' || b == b'.') {
        s[1..].to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_is_stable_and_never_negative_zero() {
        assert_eq!(fixed(1.0 / 3.0), "0.333333");
        assert_eq!(fixed(-1e-12), "0.000000");
        assert_eq!(fixed(-0.5), "-0.500000");
        assert_eq!(fixed(12000.0), "12000.000000");
    }

    #[test]
    fn close_is_relative_above_one() {
        assert!(close(1e9, 1e9 + 0.5, 1e-9));
        assert!(!close(1.0, 1.0 + 1e-6, 1e-9));
    }
}
