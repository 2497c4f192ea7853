//! Plain decimal numbers read without the general float parser.
//!
//! Counts and money in attribution files are short decimals (`12`, `1933898.64`). A
//! decimal of at most 15 digits, `m` read as an integer with `k` of them after the
//! point, is `m / 10^k`; `m` (below 2^53) and `10^k` (k ≤ 15 < 22) are exact doubles, and
//! an IEEE division is correctly rounded, so `m as f64 / 10^k as f64` is the double
//! nearest the decimal: what `str::parse::<f64>` returns (Clinger, "How to read floating
//! point numbers accurately", PLDI 1990, the fast path). Anything else (signs,
//! exponents, more digits) is left to the general parser.

/// Powers of ten that are exact doubles, up to the 15 digits [`plain_decimal`] reads.
const POWERS: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// Most digits read here: below 10^15 every integer is an exact double.
const MAX_DIGITS: usize = 15;

/// The value of `text` when it is digits with at most one point among them (at least
/// one digit, at most 15): exactly `text.parse::<f64>()`. `None` for any other text.
pub(crate) fn plain_decimal(text: &str) -> Option<f64> {
    let bytes = text.as_bytes();
    if bytes.is_empty() || bytes.len() > MAX_DIGITS + 1 {
        return None;
    }
    let (mut mantissa, mut digits, mut point) = (0u64, 0usize, None);
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(b - b'0');
                digits += 1;
            }
            b'.' if point.is_none() => point = Some(i),
            _ => return None,
        }
    }
    if digits == 0 || digits > MAX_DIGITS {
        return None;
    }
    let after_point = point.map_or(0, |p| bytes.len() - 1 - p);
    Some(mantissa as f64 / POWERS[after_point])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Hand-picked texts: what the general parser reads, or left to it.
    #[test]
    fn reads_short_decimals_as_the_float_parser_does() {
        for text in [
            "0",
            "7",
            "007",
            "12",
            "1933898.64",
            "0.1",
            ".5",
            "5.",
            "0.00000000000001",
            "999999999999999",
            "99999999999999.9",
            "123456789.012345",
            "1.7976931348623",
        ] {
            assert_eq!(
                plain_decimal(text),
                Some(text.parse::<f64>().unwrap()),
                "{text}"
            );
        }
        for text in [
            "",
            ".",
            "-1",
            "+1",
            "1e5",
            "1.2.3",
            " 1",
            "1 ",
            "nan",
            "inf",
            "1,5",
            "1234567890123456",
            "0.1234567890123456",
            "١",
        ] {
            assert_eq!(plain_decimal(text), None, "{text}");
        }
    }

    proptest! {
        /// Any digits with or without a point read bit for bit as `str::parse` reads
        /// them, or are left to it (more than 15 digits).
        #[test]
        fn equals_the_float_parser_bit_for_bit(
            digits in "[0-9]{1,17}",
            point in proptest::option::of(0usize..18),
        ) {
            let mut text = digits.clone();
            if let Some(p) = point {
                text.insert(p.min(text.len()), '.');
            }
            let want = text.parse::<f64>().unwrap();
            match plain_decimal(&text) {
                Some(got) => prop_assert_eq!(got.to_bits(), want.to_bits(), "{}", text),
                None => prop_assert!(digits.len() > MAX_DIGITS, "{}", text),
            }
        }
    }
}
