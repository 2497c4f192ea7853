//! Names from the data made safe for where they are shown: a terminal, a Markdown
//! table, a spreadsheet cell. Data is hostile: a channel name is whatever a UTM
//! parameter said.
//!
//! * **For a person** ([`escape_hidden`], [`for_terminal`]): control characters (C0,
//!   DEL, C1: a terminal runs `ESC ]0;…BEL` as a command) and invisible format
//!   characters (zero-width spaces and joiners, bidirectional overrides, the byte-order
//!   mark, line and paragraph separators: two names differing only by them print
//!   alike) are shown as `\u{1b}`.
//! * **Markdown** ([`markdown_cell`], [`markdown_text`]): `&` and `<` become entities (no
//!   raw HTML reaches a renderer), `\`, `[`, `]`, `` ` `` and `|` are backslash-escaped (no
//!   link, image, code span or extra table column), and hidden characters are shown
//!   escaped (a newline cannot end a table row).
//! * **Spreadsheets** ([`spreadsheet_cell`]): a text cell that begins with `=`, `+`,
//!   `-`, `@`, a tab or a carriage return is read as a formula by Excel, LibreOffice and
//!   Google Sheets; OWASP's "CSV Injection" guidance is to prefix such a cell with a
//!   single quote, which spreadsheets show as text. Done in outputs meant for people;
//!   data outputs keep the bytes and warn instead ([`formula_like`]).

use std::borrow::Cow;

/// True for a character that must not reach a person unescaped: a control character
/// or an invisible format character.
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{ad}'
                | '\u{61c}'
                | '\u{180e}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{206f}'
                | '\u{feff}'
                | '\u{fff9}'..='\u{fffb}'
        )
}

/// A character as `\u{1b}`.
pub fn escape_char(c: char) -> String {
    format!("\\u{{{:x}}}", c as u32)
}

/// `text` with every hidden character ([`is_hidden`]) shown as `\u{…}`; borrowed when
/// there is none.
pub fn escape_hidden(text: &str) -> Cow<'_, str> {
    escape_hidden_but(text, |_| false)
}

/// A message for a terminal: [`escape_hidden`], but line ends stay (messages have
/// several lines; names never reach one unescaped, see [`escape_hidden`]).
pub fn for_terminal(text: &str) -> Cow<'_, str> {
    escape_hidden_but(text, |c| c == '\n')
}

fn escape_hidden_but(text: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(|c| is_hidden(c) && !keep(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_hidden(c) && !keep(c) {
            out.push_str(&escape_char(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Text for Markdown prose: see the module doc. Sentences of the library's own may
/// hold `` `code` ``; use this on the names put into them, or [`markdown_prose`] on a
/// whole sentence.
pub fn markdown_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '\\' | '[' | ']' | '`' | '|' | '*' => {
                out.push('\\');
                out.push(c);
            }
            c if is_hidden(c) => out.push_str(&escape_char(c)),
            c => out.push(c),
        }
    }
    out
}

/// A cell of a Markdown table: [`markdown_text`] (which escapes `|` too).
pub fn markdown_cell(text: &str) -> String {
    markdown_text(text)
}

/// A sentence of the library's (which may set names in `` `backquotes` `` as code) for
/// Markdown: outside code spans as [`markdown_text`] but keeping the backquotes; inside
/// them (shown literally), `|` and hidden characters escaped.
pub fn markdown_prose(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 0 {
            out.push_str(&markdown_text(part));
        } else {
            // A code span shows its text literally (CommonMark): tags in it are inert,
            // an entity would show as typed.
            let inner: String = part
                .chars()
                .map(|c| match c {
                    c if is_hidden(c) => escape_char(c),
                    '|' => "\\|".to_string(),
                    c => c.to_string(),
                })
                .collect();
            out.push('`');
            out.push_str(&inner);
            out.push('`');
        }
    }
    out
}

/// True when a spreadsheet would read `text` as a formula: it begins with `=`, `+`,
/// `-`, `@`, a tab or a carriage return (OWASP, "CSV Injection") and is not a number.
pub fn formula_like(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r']) && text.trim().parse::<f64>().is_err()
}

/// A text cell for a spreadsheet a person opens: prefixed with `'` when it would read
/// as a formula ([`formula_like`]).
pub fn spreadsheet_cell(text: &str) -> Cow<'_, str> {
    if formula_like(text) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// A warning for a data output (written byte for byte) whose names a spreadsheet would
/// read as formulas ([`formula_like`]), naming up to five of them; `None` when none is.
pub fn formula_warning<'a>(what: &str, names: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let mut risky: Vec<&str> = names.into_iter().filter(|n| formula_like(n)).collect();
    if risky.is_empty() {
        return None;
    }
    risky.sort_unstable();
    risky.dedup();
    let shown: Vec<String> = risky
        .iter()
        .take(5)
        .map(|n| format!("`{}`", escape_hidden(n)))
        .collect();
    let more = match risky.len() {
        n if n > 5 => format!(" and {} more", n - 5),
        _ => String::new(),
    };
    Some(format!(
        "warning: {what} {}{more} begin{} with `=`, `+`, `-`, `@` or a tab: a spreadsheet \
         opening this output would read {} as a formula (the output keeps the names exactly; \
         the report's tables quote them)",
        shown.join(", "),
        if risky.len() == 1 { "s" } else { "" },
        if risky.len() == 1 { "it" } else { "them" },
    ))
}

/// A warning naming the names that differ only by hidden characters ([`is_hidden`]:
/// `email` and `email\u{200b}` print alike in a spreadsheet or a chart, yet are counted
/// as two channels), each group shown escaped, up to five groups; `None` when there is
/// none.
pub fn lookalike_warning<'a>(
    what: &str,
    names: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let mut by_visible: std::collections::BTreeMap<String, Vec<&str>> = Default::default();
    for name in names {
        if !name.chars().any(is_hidden) && !by_visible.contains_key(name) {
            by_visible.insert(name.to_string(), vec![name]);
            continue;
        }
        let visible: String = name.chars().filter(|&c| !is_hidden(c)).collect();
        let group = by_visible.entry(visible).or_default();
        if !group.contains(&name) {
            group.push(name);
        }
    }
    let groups: Vec<String> = by_visible
        .values_mut()
        .filter(|g| g.len() > 1)
        .map(|g| {
            g.sort_unstable();
            let shown: Vec<String> = g
                .iter()
                .map(|n| format!("`{}`", escape_hidden(n)))
                .collect();
            shown.join(" and ")
        })
        .collect();
    if groups.is_empty() {
        return None;
    }
    let more = match groups.len() {
        n if n > 5 => format!(" and {} more", n - 5),
        _ => String::new(),
    };
    Some(format!(
        "warning: {what} names that differ only by invisible characters (shown as \\u{{…}}) \
         are counted apart but print alike: {}{more}; clean the names at the source if they \
         are one {what}",
        groups.into_iter().take(5).collect::<Vec<_>>().join("; ")
    ))
}

/// Every warning about the names of an output a person reads ([`formula_warning`],
/// [`lookalike_warning`]).
pub fn name_warnings<'a>(what: &str, names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let names: Vec<&str> = names.into_iter().collect();
    formula_warning(what, names.iter().copied())
        .into_iter()
        .chain(lookalike_warning(what, names.iter().copied()))
        .collect()
}

/// CSV rendered by `render`, rewritten for spreadsheets a person opens: every text cell
/// that would read as a formula is prefixed with `'` ([`spreadsheet_cell`]); numbers
/// and every other cell are kept.
pub fn csv_for_spreadsheets(
    out: &mut dyn std::io::Write,
    render: impl FnOnce(&mut dyn std::io::Write) -> crate::error::Result<()>,
) -> crate::error::Result<()> {
    use crate::error::Error;
    let mut bytes = Vec::new();
    render(&mut bytes)?;
    let err = |e: csv::Error| Error::Write(std::io::Error::other(e));
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes.as_slice());
    let mut writer = csv::Writer::from_writer(out);
    let mut record = csv::ByteRecord::new();
    while reader.read_byte_record(&mut record).map_err(err)? {
        let cells: Vec<Vec<u8>> = record
            .iter()
            .map(|cell| match std::str::from_utf8(cell) {
                Ok(text) => spreadsheet_cell(text).into_owned().into_bytes(),
                Err(_) => cell.to_vec(),
            })
            .collect();
        writer.write_record(&cells).map_err(err)?;
    }
    writer.flush().map_err(Error::Write)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_escapes_are_shown_not_run() {
        let title = "a\u{1b}]0;owned\u{7}b\u{1b}[2J";
        assert_eq!(escape_hidden(title), "a\\u{1b}]0;owned\\u{7}b\\u{1b}[2J");
        assert_eq!(for_terminal("line\nnext\r"), "line\nnext\\u{d}");
        assert_eq!(escape_hidden("paid\u{200b}search"), "paid\\u{200b}search");
        assert_eq!(escape_hidden("\u{202e}fdp.exe"), "\\u{202e}fdp.exe");
        assert!(matches!(escape_hidden("plain é 中"), Cow::Borrowed(_)));
        assert!(!is_hidden(' ') && !is_hidden('é'));
    }

    #[test]
    fn names_differing_only_by_invisible_characters_are_named_escaped() {
        let w =
            lookalike_warning("channel", ["email", "search", "email\u{200b}", "email"]).unwrap();
        assert_eq!(
            w,
            "warning: channel names that differ only by invisible characters (shown as \
             \\u{…}) are counted apart but print alike: `email` and `email\\u{200b}`; clean \
             the names at the source if they are one channel"
        );
        // Hidden characters in a name with no twin are not a warning.
        assert!(lookalike_warning("channel", ["email\u{200b}", "search"]).is_none());
        assert_eq!(name_warnings("channel", ["=x", "a", "a\u{feff}"]).len(), 2);
    }

    #[test]
    fn markdown_cells_cannot_hold_html_links_or_columns() {
        assert_eq!(
            markdown_cell("<script>alert(1)</script>"),
            "&lt;script>alert(1)&lt;/script>"
        );
        assert_eq!(
            markdown_cell("<img src=x onerror=alert(1)>"),
            "&lt;img src=x onerror=alert(1)>"
        );
        assert_eq!(markdown_cell("a|b & c"), "a\\|b &amp; c");
        assert_eq!(markdown_cell("[x](javascript:y)"), "\\[x\\](javascript:y)");
        assert_eq!(markdown_cell("two\nlines"), "two\\u{a}lines");
        // A trailing backslash cannot escape the column separator after it.
        assert_eq!(markdown_cell("end\\"), "end\\\\");
        assert_eq!(markdown_cell("`code`"), "\\`code\\`");
    }

    #[test]
    fn prose_keeps_its_code_spans_and_escapes_the_rest() {
        assert_eq!(
            markdown_prose("channel `<b>` has <i>"),
            "channel `<b>` has &lt;i>"
        );
        assert_eq!(markdown_prose("see `a|b`"), "see `a\\|b`");
    }

    #[test]
    fn report_tables_quote_formulas_and_keep_the_rest() {
        let mut out = Vec::new();
        csv_for_spreadsheets(&mut out, |w| {
            w.write_all(b"channel,share\n=HYPERLINK(\"http://x\"),-0.25\n\"@a,b\",0.5\nplain,1\n")
                .map_err(crate::error::Error::Write)
        })
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "channel,share\n\"'=HYPERLINK(\"\"http://x\"\")\",-0.25\n\"'@a,b\",0.5\nplain,1\n"
        );
        let w = formula_warning("channel", ["=x", "ok", "+y", "=x"]).unwrap();
        assert!(w.contains("`+y`, `=x` begin with"), "{w}");
        assert!(formula_warning("channel", ["ok", "-1"]).is_none());
    }

    #[test]
    fn formulas_are_neutralised_numbers_are_not() {
        for f in [
            "=1+2",
            "+cmd",
            "-2+3|x",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "=HYPERLINK(\"x\")",
        ] {
            assert!(formula_like(f), "{f:?}");
            assert_eq!(spreadsheet_cell(f), format!("'{f}"));
        }
        for n in ["-1", "-0.25", "+3", "paid_search", "a=b", ""] {
            assert!(!formula_like(n), "{n:?}");
            assert_eq!(spreadsheet_cell(n), n);
        }
    }
}
