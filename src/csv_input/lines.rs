//! Physical line numbers for CSV records.
//!
//! The `csv` crate's record positions count lines in its own way (a CRLF file comes out
//! one line low per blank line it skips, a CR-only file is all "line 1"). Errors must
//! name the line an editor shows, so [`LineCounter`] wraps the input, notes where every
//! line starts as bytes pass through, and turns a record's byte offset into its physical
//! line: `\n`, `\r\n` and a lone `\r` each end one line.
//!
//! Memory stays small: only the line starts of the bytes read ahead of the record being
//! parsed are kept; starts behind it are counted and dropped. A line, or a run of lines
//! without a complete record (a quoted value spanning lines, blank lines), is bounded by
//! [`MAX_LINE_BYTES`]: past it reading fails with [`TooLong`], naming the line, so an
//! input without line breaks (`/dev/zero`) fails after 64 MiB instead of filling memory.

use std::collections::VecDeque;
use std::io::{self, Read};

/// The most bytes one line, or one record spanning lines, may hold (64 MiB).
pub const MAX_LINE_BYTES: u64 = 64 << 20;

/// The most lines one record may span, blank lines before it included (the start of
/// each is kept until the record ends: 16 MiB at most).
pub const MAX_RECORD_LINES: usize = 1 << 20;

/// The error a [`LineCounter`] reports when a line or a record passes its bound.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TooLong {
    /// The line that is too long, or where the too long record starts.
    pub line: u64,
    /// What passed its bound.
    pub what: Bound,
}

/// The bound a [`TooLong`] line or record passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Bound {
    /// One line held more than this many bytes.
    LineBytes(u64),
    /// One record (over several lines) held more than this many bytes.
    RecordBytes(u64),
    /// One record spanned more than this many lines.
    RecordLines(usize),
}

impl std::fmt::Display for TooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let line = self.line;
        let bytes = crate::memory::describe;
        match self.what {
            Bound::LineBytes(limit) => write!(
                f,
                "line {line} is longer than {} (the most one line may hold); expected CSV \
                 rows, each ending in a line break",
                bytes(limit)
            ),
            Bound::RecordBytes(limit) => write!(
                f,
                "the record starting at line {line} runs on for more than {} without ending \
                 (a quoted value left open, or blank lines); expected CSV rows of at most that",
                bytes(limit)
            ),
            Bound::RecordLines(limit) => write!(
                f,
                "the record starting at line {line} runs on for more than {limit} lines \
                 without ending (a quoted value left open, or blank lines); expected CSV \
                 rows of at most that"
            ),
        }
    }
}

impl std::error::Error for TooLong {}

/// An input reader that knows where each line starts.
pub(crate) struct LineCounter<R> {
    inner: R,
    /// Bytes passed through so far.
    offset: u64,
    /// Finished lines not yet dropped, in order: (start byte, byte of its line break).
    lines: VecDeque<(u64, u64)>,
    /// The number of the first line in `lines` (or of the current line when empty).
    first: u64,
    /// Where the current (unfinished) line starts.
    line_start: u64,
    /// The previous byte was `\r` (a `\n` right after it ends no new line).
    after_cr: bool,
    /// The input reported its end.
    eof: bool,
    /// Where the record being read starts (after the last complete one).
    record_start: u64,
    /// The most bytes a line or a record may hold.
    limit: u64,
    /// The most lines a record may span.
    max_lines: usize,
}

impl<R: Read> LineCounter<R> {
    pub fn new(inner: R) -> Self {
        Self::starting_at(inner, 1)
    }

    /// A counter whose first byte starts physical line `line` (a part of a file).
    pub fn starting_at(inner: R, line: u64) -> Self {
        Self {
            inner,
            offset: 0,
            lines: VecDeque::new(),
            first: line,
            line_start: 0,
            after_cr: false,
            eof: false,
            record_start: 0,
            limit: MAX_LINE_BYTES,
            max_lines: MAX_RECORD_LINES,
        }
    }

    /// The counter with other bounds on lines and records (tests use small ones).
    #[cfg(test)]
    pub fn with_limits(mut self, bytes: u64, lines: usize) -> Self {
        self.limit = bytes;
        self.max_lines = lines;
        self
    }

    /// A record ended at byte `byte`: the next starts there (the bound on a record's
    /// bytes counts from here).
    pub fn record_ends(&mut self, byte: u64) {
        self.record_start = self.record_start.max(byte);
    }

    /// True when `byte` is the end of the input (which has been reached).
    pub fn is_end(&self, byte: u64) -> bool {
        self.eof && byte == self.offset
    }

    /// The start of the line after the `i`-th kept line.
    fn next_start(&self, i: usize) -> u64 {
        self.lines.get(i + 1).map_or(self.line_start, |l| l.0)
    }

    /// Forgets the lines that end before `byte`; the caller promises never to ask about
    /// an earlier offset again.
    pub fn forget_before(&mut self, byte: u64) {
        while !self.lines.is_empty() && self.next_start(0) <= byte {
            self.lines.pop_front();
            self.first += 1;
        }
    }

    /// The 1-based physical line of a record whose position is `byte` (at or after the
    /// last offset given to [`LineCounter::forget_before`]). A record's position may be
    /// the start of blank lines the CSV reader skips: they are stepped over.
    pub fn line_of(&self, byte: u64) -> u64 {
        let n = self.lines.len();
        // The line holding `byte` (`n`: the current, unfinished line).
        let mut i = (0..n).find(|&i| self.next_start(i) > byte).unwrap_or(n);
        // A position inside a line break (the `\n` of a `\r\n`) or at the start of
        // blank lines: the record starts on the next line that has content.
        if i < n && (byte >= self.lines[i].1 || self.lines[i].0 == byte) {
            if byte >= self.lines[i].1 {
                i += 1;
            }
            while i < n && self.lines[i].0 == self.lines[i].1 {
                i += 1;
            }
        }
        self.first + i as u64
    }

    /// A line break at byte `pos` ends the current line; the next starts at `pos + 1`.
    fn end_line(&mut self, pos: u64) {
        self.lines.push_back((self.line_start, pos));
        self.line_start = pos + 1;
    }
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.eof |= n == 0 && !buf.is_empty();
        let chunk = &buf[..n];
        let mut from = 0;
        while let Some(i) = memchr::memchr2(b'\n', b'\r', &chunk[from..]) {
            let at = from + i;
            let pos = self.offset + at as u64;
            let after_cr = if at == 0 {
                self.after_cr
            } else {
                chunk[at - 1] == b'\r'
            };
            if chunk[at] == b'\n' && after_cr {
                // The `\n` of a `\r\n`: the line ended at the `\r`; the next starts here.
                self.line_start = pos + 1;
            } else {
                self.end_line(pos);
            }
            from = at + 1;
        }
        if n > 0 {
            self.after_cr = chunk[n - 1] == b'\r';
        }
        self.offset += n as u64;
        let n_lines = self.lines.len();
        let what = if self.offset - self.line_start > self.limit {
            Bound::LineBytes(self.limit)
        } else if self.offset - self.record_start > self.limit {
            Bound::RecordBytes(self.limit)
        } else if n_lines > self.max_lines {
            Bound::RecordLines(self.max_lines)
        } else {
            return Ok(n);
        };
        let line = match what {
            Bound::LineBytes(_) => self.first + n_lines as u64,
            // The line holding the record's first byte (blank lines not stepped over).
            _ => {
                let i = (0..n_lines)
                    .find(|&i| self.next_start(i) > self.record_start)
                    .unwrap_or(n_lines);
                self.first + i as u64
            }
        };
        Err(io::Error::other(TooLong { line, what }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(text: &[u8], offsets: &[u64], chunk: usize) -> Vec<u64> {
        struct Chunked<'a>(&'a [u8], usize);
        impl Read for Chunked<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = self.0.len().min(self.1).min(buf.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut counter = LineCounter::new(Chunked(text, chunk));
        let mut sink = Vec::new();
        counter.read_to_end(&mut sink).unwrap();
        offsets
            .iter()
            .map(|&b| {
                let line = counter.line_of(b);
                counter.forget_before(b);
                line
            })
            .collect()
    }

    /// Reads `text` through a counter bounded at `limit` bytes, telling it where each
    /// record (here: each line with content) ends, as the CSV source does.
    fn read_bounded(text: &[u8], limit: u64, lines: usize) -> Result<(), TooLong> {
        let mut counter = LineCounter::new(text).with_limits(limit, lines);
        let mut buf = [0u8; 3];
        let mut at = 0u64;
        loop {
            match counter.read(&mut buf) {
                Ok(0) => return Ok(()),
                Ok(n) => {
                    for (i, &b) in buf[..n].iter().enumerate() {
                        let pos = at + i as u64;
                        if b == b'\n' && pos > 0 && text[pos as usize - 1] != b'\n' {
                            counter.forget_before(pos + 1);
                            counter.record_ends(pos + 1);
                        }
                    }
                    at += n as u64;
                }
                Err(e) => {
                    let inner = e.into_inner().unwrap();
                    return Err(*inner.downcast::<TooLong>().unwrap());
                }
            }
        }
    }

    /// A line past the bound fails naming it; many short lines pass; blank lines (or a
    /// quoted value spanning lines) running past the bound in bytes or in lines fail
    /// naming the line where the record they hold up starts.
    #[test]
    fn a_line_or_a_record_past_the_bound_fails_with_its_line() {
        let long = format!("h\nok\n{}\n", "x".repeat(40));
        let too_long = |line, what| Err(TooLong { line, what });
        assert_eq!(
            read_bounded(long.as_bytes(), 32, 8),
            too_long(3, Bound::LineBytes(32))
        );
        let short = "ab\n".repeat(100);
        assert_eq!(read_bounded(short.as_bytes(), 32, 8), Ok(()));
        let blank = format!("h\na\n{}", "\n".repeat(40));
        assert_eq!(
            read_bounded(blank.as_bytes(), 32, 100),
            too_long(3, Bound::RecordBytes(32))
        );
        let blank = format!("h\na\nb\n{}", "\n".repeat(20));
        assert_eq!(
            read_bounded(blank.as_bytes(), 1000, 8),
            too_long(4, Bound::RecordLines(8))
        );
        let message = TooLong {
            line: 1,
            what: Bound::LineBytes(MAX_LINE_BYTES),
        }
        .to_string();
        assert!(
            message.starts_with("line 1 is longer than 64.0 MiB"),
            "{message}"
        );
    }

    #[test]
    fn lf_crlf_and_cr_each_end_one_line_in_any_chunking() {
        for chunk in [1, 2, 3, 64] {
            // "h\n" "a\r\n" "\r\n" "b\r" "c\n": lines 1–5 start at 0, 2, 5, 7, 9.
            let text = b"h\na\r\n\r\nb\rc\n";
            assert_eq!(
                lines_of(text, &[0, 2, 5, 9], chunk),
                vec![1, 2, 4, 5],
                "chunk {chunk}"
            );
            // A record placed at the start of blank lines, or inside a line break, is on
            // the first line after them.
            let text = b"h\n\n\r\n\rb\n";
            assert_eq!(lines_of(text, &[2], chunk), vec![5], "chunk {chunk}");
            assert_eq!(lines_of(b"h\r\na\r\nb", &[4, 6], chunk), vec![3, 3]);
        }
    }
}
