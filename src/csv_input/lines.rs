//! Physical line numbers for CSV records.
//!
//! The `csv` crate's record positions count lines in its own way (a CRLF file comes out
//! one line low per blank line it skips, a CR-only file is all "line 1"). Errors must
//! name the line an editor shows, so [`LineCounter`] wraps the input, notes where every
//! line starts as bytes pass through, and turns a record's byte offset into its physical
//! line: `\n`, `\r\n` and a lone `\r` each end one line.
//!
//! Memory stays small: only the line starts of the bytes read ahead of the record being
//! parsed are kept; starts behind it are counted and dropped.

use std::collections::VecDeque;
use std::io::{self, Read};

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
        }
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
        Ok(n)
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
