//! Closed sets of named choices (a level, a game, a solver…): [`Choice`] lists the names
//! once, and parsing, display, error messages and the command line's value lists derive
//! from them. Above both [`crate::param`] (the names of settings) and [`crate::error`].

use crate::error::{Error, Result};
use crate::param::Param;

/// A closed set of named choices (a level, a game, a solver…): the names are listed
/// once, here, and parsing, display and the command line's value lists derive from
/// them.
pub trait Choice: Sized + Copy + 'static {
    /// The parameter the choice sets (named in parse errors).
    const PARAM: Param;
    /// Every choice, in the order help lists them.
    const ALL: &'static [Self];
    /// The choice's name.
    fn name(self) -> &'static str;

    /// Parses a name (surrounding spaces ignored).
    fn parse_choice(text: &str) -> Result<Self> {
        let text = text.trim();
        Self::ALL
            .iter()
            .copied()
            .find(|c| c.name() == text)
            .ok_or_else(|| {
                Error::param(
                    Self::PARAM,
                    format!("`{text}`: expected {}", Self::expected()),
                )
            })
    }

    /// The names, as a message lists them: "a, b or c".
    fn expected() -> String {
        let names: Vec<&str> = Self::ALL.iter().map(|c| c.name()).collect();
        match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            Some((last, _)) => last.to_string(),
            None => String::new(),
        }
    }
}

/// Implements `FromStr` and `Display` of a [`Choice`] from its names.
macro_rules! choice_str {
    ($t:ty) => {
        impl std::str::FromStr for $t {
            type Err = $crate::error::Error;
            fn from_str(s: &str) -> $crate::error::Result<Self> {
                <$t as $crate::choice::Choice>::parse_choice(s)
            }
        }
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str($crate::choice::Choice::name(*self))
            }
        }
    };
}
pub(crate) use choice_str;
