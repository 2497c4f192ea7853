//! How a grouping field's value (and a rules file's pattern) is compared: the same text
//! in the journey builder and in the SQL of every engine.
//!
//! `fold(s)`: `s` trimmed of white space (the Unicode `White_Space` property, as
//! [`str::trim`]), then each character lower-cased on its own (Unicode's simple
//! mapping, no context), with `İ` (U+0130) read as `i` and the final sigma `ς` as `σ`.
//! The engines' own `lower` disagree exactly there: DuckDB maps `İ` to `i` and never
//! writes `ς`; Java's (Spark) writes `i̇` and applies the final-sigma rule; and their
//! `trim` takes spaces only (Spark) or spaces and no-break spaces (DuckDB). The SQL
//! spells this function out ([`crate::sql`]: `Dialect::fold`), so a UTM value such as
//! `EMAİL`, `\tEmail` or `ΟΔΟΣ` groups the same everywhere.

/// The characters [`fold`] trims (Unicode's `White_Space` property), as a character
/// class body both RE2 (DuckDB) and `java.util.regex` (Spark) read.
pub const WHITE_SPACE_CLASS: &str =
    r"\t\n\x{0B}\f\r \x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}";

/// `text` as the grouping compares it (see the module docs).
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        match c {
            '\u{130}' => out.push('i'),
            'ς' => out.push('σ'),
            _ => out.extend(c.to_lowercase().map(|l| if l == 'ς' { 'σ' } else { l })),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_as_every_engine_will() {
        assert_eq!(fold("\u{a0}\tEMAİL\u{3000}\n"), "email");
        assert_eq!(fold("ΟΔΟΣ"), "οδοσ");
        assert_eq!(fold("Οδός"), "οδόσ");
        assert_eq!(fold(" BÜCHER-Straẞe "), "bücher-straße");
        assert_eq!(fold("Google"), "google");
        assert_eq!(fold(" \t "), "");
    }

    #[test]
    fn the_class_lists_exactly_the_white_space_trim_takes() {
        // Expand the class's escapes and ranges and compare with char::is_whitespace
        // over the Basic Multilingual Plane.
        let mut listed = vec![
            '\t', '\n', '\u{0B}', '\u{0C}', '\r', ' ', '\u{85}', '\u{A0}',
        ];
        listed.push('\u{1680}');
        listed.extend('\u{2000}'..='\u{200A}');
        listed.extend(['\u{2028}', '\u{2029}', '\u{202F}', '\u{205F}', '\u{3000}']);
        let all: Vec<char> = (0..=0xFFFFu32)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
            .collect();
        assert_eq!(listed, all);
        for c in &all {
            assert_eq!(fold(&format!("{c}x{c}")), "x");
        }
        assert!(WHITE_SPACE_CLASS.contains(r"\x{2000}-\x{200A}"));
    }
}
