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
    }
}
