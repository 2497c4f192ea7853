//! Number formatting shared by the renderers: fixed decimals, never a negative zero.

/// `v` with `decimals` decimals; `-0.00` is written `0.00`.
pub fn fixed(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

/// A signed amount (`+1.50`, `-2.00`, `0.00`).
pub fn signed(v: f64, decimals: usize) -> String {
    let s = fixed(v, decimals);
    if s.starts_with('-') || s.chars().all(|c| c == '0' || c == '.') {
        s
    } else {
        format!("+{s}")
    }
}

/// A count: a whole number when it is one (`126`), else two decimals (`12.50`).
pub fn count(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        fixed(v.round(), 0)
    } else {
        fixed(v, 2)
    }
}

/// Attributed conversions: one decimal (credit is a share of conversions, not a count).
pub fn credit(v: f64) -> String {
    fixed(v, 1)
}

/// A fraction as a percentage with one decimal (`0.1234` → `12.3%`).
pub fn percent(v: f64) -> String {
    format!("{}%", fixed(100.0 * v, 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_negative_zero_and_signs() {
        assert_eq!(fixed(-0.0001, 2), "0.00");
        assert_eq!(fixed(-1.5, 1), "-1.5");
        assert_eq!(signed(1.5, 2), "+1.50");
        assert_eq!(signed(-0.001, 2), "0.00");
        assert_eq!(percent(0.1234), "12.3%");
        assert_eq!(count(126.0), "126");
        assert_eq!(count(12.5), "12.50");
    }
}
