//! Plain CSV text (no quotes) read line by line: each line's commas found eight bytes at
//! a time, valid UTF-8 checked once for the whole text.

use super::row::Data;

/// Plain CSV text read line by line.
pub(super) struct PlainLines<'a> {
    pub(super) bytes: &'a [u8],
    /// The whole text, when it is valid UTF-8 (checked once, not field by field: a
    /// field cut at commas and line breaks of valid text is valid text).
    pub(super) text: Option<&'a str>,
    /// True when the text holds no NUL byte.
    pub(super) nul_free: bool,
    /// Where the next line starts.
    pub(super) next: usize,
    /// Its line number.
    pub(super) line: u64,
    /// The fields of a line of text that is not valid UTF-8, checked field by field.
    pub(super) record: csv::ByteRecord,
    /// Where each field of a line of valid text ends, from the line's start.
    pub(super) ends: Vec<usize>,
}

impl PlainLines<'_> {
    /// The next record with its line number; blank lines are stepped over.
    pub(super) fn next_record(&mut self) -> Option<(u64, Data<'_>)> {
        let bytes = self.bytes;
        while bytes.get(self.next) == Some(&b'\n') {
            self.next += 1;
            self.line += 1;
        }
        if self.next >= bytes.len() {
            return None;
        }
        let start = self.next;
        let line = self.line;
        if let Some(text) = self.text {
            self.ends.clear();
            let len = split_line(&bytes[start..], &mut self.ends);
            let end = start + len;
            self.next = (end + 1).min(bytes.len());
            self.line += 1;
            self.ends.push(len);
            let data = Data::Plain {
                line: &text[start..end],
                ends: &self.ends,
                nul_free: self.nul_free,
            };
            return Some((line, data));
        }
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        self.next = (end + 1).min(bytes.len());
        self.line += 1;
        let fields = memchr::memchr_iter(b',', &bytes[start..end]);
        self.record.clear();
        let mut field = start;
        for comma in fields {
            self.record.push_field(&bytes[field..start + comma]);
            field = start + comma + 1;
        }
        self.record.push_field(&bytes[field..end]);
        let last = end + 1 >= bytes.len();
        let data = Data::Csv {
            record: &self.record,
            last,
        };
        Some((line, data))
    }
}

/// Splits the line at the start of `rest`: pushes where each comma is (from the line's
/// start) to `ends` and returns the line's length (up to its `\n`, or all of `rest`).
///
/// One pass over the line finds its commas and its end (lines are short: a vector search
/// started afresh for every field costs more), eight bytes at a time: in a word `w`,
/// the bytes equal to `b` are the zero bytes of `w ^ b·0x0101…`, and the zero bytes of
/// `x` are the bytes whose high bit is clear in `((x & 0x7f…) + 0x7f…) | x` (no carry
/// crosses a byte, so the mask is exact).
pub(super) fn split_line(rest: &[u8], ends: &mut Vec<usize>) -> usize {
    const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let zero_bytes = |x: u64| !(((x & LOW) + LOW) | x | LOW);
    let mut words = rest.chunks_exact(8);
    let mut at = 0;
    for word in words.by_ref() {
        let w = u64::from_le_bytes(word.try_into().expect("8 bytes"));
        let mut commas = zero_bytes(w ^ 0x2c2c_2c2c_2c2c_2c2c);
        let newlines = zero_bytes(w ^ 0x0a0a_0a0a_0a0a_0a0a);
        if newlines != 0 {
            // Only the commas before the line's end.
            let newline = newlines.trailing_zeros();
            commas &= (1u64 << newline) - 1;
            push_bytes(commas, at, ends);
            return at + (newline / 8) as usize;
        }
        push_bytes(commas, at, ends);
        at += 8;
    }
    for &b in words.remainder() {
        match b {
            b',' => ends.push(at),
            b'\n' => return at,
            _ => {}
        }
        at += 1;
    }
    at
}

/// Pushes `at + i` for each byte `i` of a word whose high bit is set in `mask`.
pub(super) fn push_bytes(mut mask: u64, at: usize, ends: &mut Vec<usize>) {
    while mask != 0 {
        ends.push(at + (mask.trailing_zeros() / 8) as usize);
        mask &= mask - 1;
    }
}
