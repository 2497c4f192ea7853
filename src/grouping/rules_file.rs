//! The user's channel rules file.
//!
//! CSV with the header `field,match,pattern,channel`, one rule a row, tried in file
//! order before GA4's default channel group (the first rule that matches gives the
//! channel). Lines starting with `#` are comments.
//!
//! * `field`: one of [`Field::name`]'s names — `utm_source`, `utm_medium`,
//!   `utm_campaign`, `referrer_host`, `gclid`, `msclkid`, `fbclid`, `channel`, and the
//!   derived `source`, `medium`, `source_category` (see [`super`]).
//! * `match`: `exact`, `prefix`, `list` (values separated by `|`) or `regex` (matches
//!   anywhere; RE2 syntax).
//! * `pattern`: compared with the field's lower-cased value, so `exact`, `prefix` and
//!   `list` patterns are lower-cased when read.
//! * `channel`: the channel the rule gives, as written.
//!
//! ```text
//! field,match,pattern,channel
//! utm_campaign,prefix,brand_,Paid Search Brand
//! referrer_host,list,news.ycombinator.com|lobste.rs,Community
//! utm_medium,regex,^(cpc|ppc)$,Paid Search
//! ```
//!
//! A bad rule is an error naming the file, line and column, and what was expected.

use std::io::Read;

use crate::error::{Error, Location, Result};

use super::{Cond, Field, Match, Rule, compile, fold};

const HEADER: [&str; 4] = ["field", "match", "pattern", "channel"];

/// Reads the rules of `input` (named `name` in errors).
pub fn read_rules(input: impl Read, name: &str) -> Result<Vec<Rule>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .comment(Some(b'#'))
        .from_reader(input);
    let mut rules = Vec::new();
    let mut header_seen = false;
    let mut record = csv::StringRecord::new();
    loop {
        let more = reader.read_record(&mut record).map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            Error::bad_value(
                Location::line(name, line, None, None),
                format!("not readable as CSV ({e}); expected field,match,pattern,channel"),
            )
        })?;
        if !more {
            break;
        }
        let line = record.position().map_or(0, |p| p.line());
        let at =
            |col: usize| Location::line(name, line, Some(col + 1), Some(HEADER[col].to_string()));
        let fields: Vec<&str> = record.iter().map(str::trim).collect();
        if !header_seen {
            header_seen = true;
            if fields != HEADER {
                return Err(Error::bad_value(
                    Location::line(name, line, None, None),
                    format!(
                        "the header is `{}`; expected `{}`",
                        fields.join(","),
                        HEADER.join(",")
                    ),
                ));
            }
            continue;
        }
        if fields.len() != 4 {
            return Err(Error::bad_value(
                Location::line(name, line, None, None),
                format!(
                    "{} fields; expected 4: field,match,pattern,channel",
                    fields.len()
                ),
            ));
        }
        let field = Field::parse(&fields[0].to_lowercase()).ok_or_else(|| {
            let names: Vec<&str> = Field::ALL.iter().map(|f| f.name()).collect();
            Error::bad_value(
                at(0),
                format!("`{}`; expected one of {}", fields[0], names.join(", ")),
            )
        })?;
        let pattern = fields[2];
        if let Some(c) = pattern.chars().find(|c| crate::text::is_hidden(*c)) {
            return Err(Error::bad_value(
                at(2),
                format!(
                    "holds the character {}; expected visible text",
                    crate::text::escape_char(c)
                ),
            ));
        }
        if pattern.is_empty() {
            return Err(Error::bad_value(
                at(2),
                "empty; expected the text the rule matches",
            ));
        }
        let m = match fields[1].to_lowercase().as_str() {
            "exact" => Match::Exact(fold(pattern)),
            "prefix" => Match::Prefix(fold(pattern)),
            "list" => {
                let values: Vec<String> = pattern.split('|').map(fold).collect();
                if values.iter().any(String::is_empty) {
                    return Err(Error::bad_value(
                        at(2),
                        format!(
                            "`{pattern}` holds an empty value; expected values separated by `|`"
                        ),
                    ));
                }
                Match::List(values)
            }
            "regex" => {
                compile(pattern).map_err(|e| Error::bad_value(at(2), e.to_string()))?;
                Match::Regex(pattern.to_string())
            }
            other => {
                return Err(Error::bad_value(
                    at(1),
                    format!("`{other}`; expected exact, prefix, list or regex"),
                ));
            }
        };
        let channel = fields[3];
        if channel.is_empty() {
            return Err(Error::bad_value(
                at(3),
                "empty; expected the channel the rule gives",
            ));
        }
        if let Some(c) = channel.chars().find(|c| crate::text::is_hidden(*c)) {
            return Err(Error::bad_value(
                at(3),
                format!(
                    "holds the character {}; expected a channel name",
                    crate::text::escape_char(c)
                ),
            ));
        }
        rules.push(Rule {
            when: Cond::Test(field, m),
            channel: channel.to_string(),
        });
    }
    if !header_seen {
        return Err(Error::bad_value(
            Location::line(name, 1, None, None),
            "empty; expected the header field,match,pattern,channel",
        ));
    }
    Ok(rules)
}
