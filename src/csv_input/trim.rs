//! Trimming field text quickly.

/// `name.trim()`, quicker for the usual names: ASCII whitespace is cut byte by byte, and
/// only when what is left starts or ends with a byte that `str::trim` might still cut (a
/// non-ASCII character or a vertical tab) is the full Unicode trim used instead.
pub(crate) fn trim(name: &str) -> &str {
    let cut = name.trim_ascii();
    let settled = |b: Option<&u8>| b.is_none_or(|&b| b.is_ascii() && !(b as char).is_whitespace());
    if settled(cut.as_bytes().first()) && settled(cut.as_bytes().last()) {
        cut
    } else {
        name.trim()
    }
}

#[cfg(test)]
mod tests {
    /// The quick trim equals `str::trim` on ASCII and Unicode whitespace at either end.
    #[test]
    fn trim_equals_the_unicode_trim() {
        for name in [
            " paid_search ",
            "email",
            "",
            "   ",
            "\t\r\n email\u{b}",
            "\u{b}",
            "\u{a0}direct\u{a0}",
            " \u{2003} video \u{3000} ",
            "é ",
            " ü",
            "a b",
        ] {
            assert_eq!(super::trim(name), name.trim(), "{name:?}");
        }
    }
}
