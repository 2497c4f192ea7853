//! Reading one CSV input on every core, with rows merged in their order.
//!
//! A file of plain rows (no quote character, no carriage return) can be cut at any line
//! break into parts that parse on their own. [`ParallelCsv`] reads the input in blocks of
//! [`BLOCK_BYTES`] cut at their last line break, parses the blocks on worker threads
//! with the reader's own row logic (a [`CsvSource`] whose lines are numbered from the
//! block's first line, so every value, error and line number is the one a single
//! thread finds), and hands the parsed parts to an [`InOrder`] merger in input order.
//!
//! From the first block holding a quote or a carriage return on (a quoted value may span
//! lines there, and lone `\r`s end lines), and for in-memory tables, the rest is read by
//! one thread while the merger works on another. Either way the merged result is the
//! one reading every row in order would give, byte for byte.
//!
//! Parsing may depend on state carried from earlier rows (the running totals that guard
//! against overflow). Workers parse from [`InOrder::Start::default`]; the merger says,
//! per part, whether that start could have changed anything ([`InOrder::needs_start`]),
//! and such a block is parsed again, in order, from the true start.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use std::sync::{Mutex, mpsc};

use crate::csv_input::{CsvSource, ReadReport, Records, Row};
use crate::error::{Error, Result};

/// Bytes per block: large enough that handing a block over costs nothing per row,
/// small enough that blocks in flight stay a few megabytes. Unit tests use tiny blocks,
/// so every reader's tests cross many block boundaries (and lines longer than a block).
const BLOCK_BYTES: usize = if cfg!(test) { 64 } else { 1 << 21 };

/// Rows [`parse_in_parts`] gathers into one part before emitting it (in one-thread
/// reading this is the hand-over to the merger).
const PART_ROWS: usize = 16_384;

/// Merges parsed parts in input order.
pub(crate) trait InOrder: Send {
    /// What a parser emits: the result of some consecutive rows.
    type Part: Send;
    /// What parsing carries from earlier rows.
    type Start: Default + Send;
    /// The start for the next rows in order.
    fn start(&self) -> Self::Start;
    /// True when `part`, parsed from the default start, might have come out differently
    /// from [`InOrder::start`]: it is then parsed again from there.
    fn needs_start(&self, part: &Self::Part) -> bool;
    /// Adds the next part in order.
    fn merge(&mut self, part: Self::Part);
}

/// True when a running total of non-negative values at `total`, plus values summing to
/// `tried` (from zero), might overflow: the sum is not finite or within a wide margin of
/// the largest number. Below the margin the order of the additions cannot make any
/// running total overflow (rounding moves a sum by far less than a factor 4), so a
/// part parsed from a zero total needs no second reading.
pub(crate) fn might_overflow(total: f64, tried: f64) -> bool {
    let sum = total + tried;
    !sum.is_finite() || sum > f64::MAX / 4.0
}

/// The running total after a part: a part parsed from the true total (a nonzero start)
/// carries the total itself; one parsed from zero carries its own sum, added on.
pub(crate) fn total_after(so_far: f64, part_start: f64, part_total: f64) -> f64 {
    if part_start == 0.0 {
        so_far + part_total
    } else {
        part_total
    }
}

/// What the shared row loop ([`parse_in_parts`]) needs of a part.
pub(crate) trait RowsPart: Sized {
    /// The part's report (rows read, skipped rows).
    fn report(&mut self) -> &mut ReadReport;
    /// An empty part for the rows after this one, its running totals carried on.
    fn next(&self) -> Self;
}

/// The row loop every parallel reader shares: reads each row of `source` into `part` with
/// `row` (which, for a bad row, leaves the part as it was and returns the error), applies
/// the bad-row policy, and emits a part every [`PART_ROWS`] rows and at the end — also
/// after an error, so the merger sees what the part tried (its totals) before the error
/// ends the reading.
pub(crate) fn parse_in_parts<P: RowsPart>(
    source: &mut CsvSource<'_>,
    skip_bad_rows: bool,
    mut part: P,
    mut row: impl FnMut(&Row<'_>, &mut P) -> Result<()>,
    emit: &mut dyn FnMut(P),
) -> Result<()> {
    let end = (|| -> Result<()> {
        while let Some(r) = source.next_row()? {
            part.report().rows_read += 1;
            let read = row(&r, &mut part);
            part.report().keep_or_skip(read, skip_bad_rows)?;
            if part.report().rows_read == PART_ROWS as u64 {
                let next = part.next();
                emit(std::mem::replace(&mut part, next));
            }
        }
        Ok(())
    })();
    emit(part);
    end
}

/// A parser: reads every row of a source from a start, emitting parts in order; an
/// error ends it (after the parts before the failing row were emitted).
pub(crate) type Parse<'p, S, P> =
    dyn Fn(&mut CsvSource<'_>, &S, &mut dyn FnMut(P)) -> Result<()> + Sync + 'p;

/// A CSV input with its header read, ready to be read on every core.
pub(crate) struct ParallelCsv<'a> {
    /// The source holding the header (and, when read by one thread, every row).
    source: CsvSource<'a>,
    /// The stream after the header and its first line's number, when read in blocks.
    blocks: Option<(Box<dyn Read + 'a>, Vec<u8>, u64)>,
    name: String,
}

impl<'a> ParallelCsv<'a> {
    /// Opens records of either kind and reads the header (as [`CsvSource::open`]).
    pub fn open(records: Records<'a>, name: &str, expected: &[&str]) -> Result<Self> {
        let single = |records| -> Result<Self> {
            Ok(Self {
                source: CsvSource::open(records, name, expected)?,
                blocks: None,
                name: name.to_string(),
            })
        };
        let mut input = match records {
            Records::Csv(input) if threads() > 1 => input,
            other => return single(other),
        };
        let mut first = Vec::with_capacity(BLOCK_BYTES);
        fill(&mut input, &mut first, BLOCK_BYTES).map_err(|source| Error::Io {
            file: name.to_string(),
            source,
        })?;
        let header_end = memchr::memchr(b'\n', &first).filter(|&end| end > 0);
        let plain = memchr::memchr2(b'"', b'\r', &first).is_none();
        let (Some(end), true) = (header_end, plain) else {
            return single(Records::csv(Cursor::new(first).chain(input)));
        };
        let header = first[..=end].to_vec();
        first.drain(..=end);
        Ok(Self {
            source: CsvSource::open(Records::csv(Cursor::new(header)), name, expected)?,
            blocks: Some((input, first, 2)),
            name: name.to_string(),
        })
    }

    /// The source whose header names the columns (for [`CsvSource::required`] and
    /// [`CsvSource::optional`]).
    pub fn header(&self) -> &CsvSource<'a> {
        &self.source
    }

    /// Parses every row with `parse` and merges the parts in input order.
    pub fn read<M: InOrder>(
        self,
        parse: &Parse<'_, M::Start, M::Part>,
        merger: &mut M,
    ) -> Result<()> {
        let Some((input, carry, line)) = self.blocks else {
            let mut source = self.source;
            return read_on_one_thread(&mut source, parse, merger);
        };
        let headers = self.source.headers().to_vec();
        let name = self.name;
        let rest = read_blocks(input, carry, line, &name, &headers, parse, merger)?;
        match rest {
            None => Ok(()),
            Some((rest, line)) => {
                let mut source = CsvSource::continue_csv(rest, &name, headers, line);
                read_on_one_thread(&mut source, parse, merger)
            }
        }
    }
}

/// Worker threads: one per core, or fewer when `RAYON_NUM_THREADS` asks for fewer.
fn threads() -> usize {
    crate::threads::count()
}

/// Reads until `buf` holds `want` bytes or the input ends.
fn fill(input: &mut dyn Read, buf: &mut Vec<u8>, want: usize) -> std::io::Result<()> {
    while buf.len() < want {
        let n = Read::take(&mut *input, (want - buf.len()) as u64).read_to_end(buf)?;
        if n == 0 {
            break;
        }
    }
    Ok(())
}

/// Parses `source` on this thread while the parts are merged on another.
fn read_on_one_thread<M: InOrder>(
    source: &mut CsvSource<'_>,
    parse: &Parse<'_, M::Start, M::Part>,
    merger: &mut M,
) -> Result<()> {
    let start = merger.start();
    std::thread::scope(|scope| {
        let (to_merger, parts) = mpsc::sync_channel::<M::Part>(4);
        let merging = scope.spawn(move || parts.into_iter().for_each(|p| merger.merge(p)));
        // The merger stops only when this side hangs up, so every send succeeds.
        let read = parse(source, &start, &mut |part| {
            let _ = to_merger.send(part);
        });
        drop(to_merger);
        merging.join().expect("merging does not panic");
        read
    })
}

/// One block of plain rows: its number, bytes and first line.
struct Block {
    index: usize,
    bytes: Vec<u8>,
    line: u64,
}

/// A parsed block: its parts and how parsing ended.
struct Parsed<P> {
    block: Block,
    parts: Vec<P>,
    end: Result<()>,
}

/// Reads plain blocks, parses them on every core and merges them in order. Returns the
/// rest of the input (from the first block that is not plain) and its first line.
#[allow(clippy::type_complexity)]
fn read_blocks<'a, M: InOrder>(
    mut input: Box<dyn Read + 'a>,
    mut carry: Vec<u8>,
    mut line: u64,
    name: &str,
    headers: &[String],
    parse: &Parse<'_, M::Start, M::Part>,
    merger: &mut M,
) -> Result<Option<(Box<dyn Read + 'a>, u64)>> {
    let workers = threads();
    let parse_block = |block: &Block, start: &M::Start, emit: &mut dyn FnMut(M::Part)| {
        let mut source =
            CsvSource::continue_plain(&block.bytes, name, headers.to_vec(), block.line);
        parse(&mut source, start, emit)
    };
    let (to_workers, blocks) = mpsc::sync_channel::<Block>(workers);
    let blocks = Mutex::new(blocks);
    std::thread::scope(|scope| {
        let (to_merger, parsed) = mpsc::channel::<Parsed<M::Part>>();
        // The reader holds one permit per block not yet merged, so blocks waiting for
        // their turn never pile up.
        let (permits, permit_back) = mpsc::sync_channel::<()>(2 * workers + 2);
        for _ in 0..workers {
            let (blocks, to_merger) = (&blocks, to_merger.clone());
            scope.spawn(move || {
                // Once the merger has stopped (at an error), blocks are still taken, so
                // the reader never waits on a full queue, but no longer parsed.
                let mut merger_stopped = false;
                loop {
                    let next = blocks.lock().expect("no worker panics").recv();
                    let Ok(block) = next else { break };
                    if merger_stopped {
                        continue;
                    }
                    let mut parts = Vec::new();
                    let end = parse_block(&block, &M::Start::default(), &mut |p| parts.push(p));
                    merger_stopped = to_merger.send(Parsed { block, parts, end }).is_err();
                }
            });
        }
        drop(to_merger);
        let merging = scope.spawn(move || -> Result<()> {
            let mut waiting = BTreeMap::new();
            let mut next = 0;
            for p in parsed {
                waiting.insert(p.block.index, p);
                while let Some(Parsed { block, parts, end }) = waiting.remove(&next) {
                    if parts.iter().any(|p| merger.needs_start(p)) {
                        let start = merger.start();
                        parse_block(&block, &start, &mut |p| merger.merge(p))?;
                    } else {
                        parts.into_iter().for_each(|p| merger.merge(p));
                        end?;
                    }
                    next += 1;
                    let _ = permit_back.recv();
                }
            }
            Ok(())
        });
        // This thread reads: blocks of whole lines, until the input ends or a block is
        // not plain.
        let mut rest = None;
        let mut index = 0;
        let read = loop {
            if permits.send(()).is_err() {
                break Ok(()); // the merger stopped at an error
            }
            let mut bytes = Vec::with_capacity(BLOCK_BYTES + carry.len());
            bytes.append(&mut carry);
            if let Err(e) = fill(&mut input, &mut bytes, BLOCK_BYTES) {
                break Err(e);
            }
            let at_end = bytes.len() < BLOCK_BYTES;
            if !at_end {
                match memchr::memrchr(b'\n', &bytes) {
                    Some(end) => carry.extend_from_slice(&bytes[end + 1..]),
                    // A line longer than a block: leave the rest to one thread.
                    None => {
                        rest = Some(bytes);
                        break Ok(());
                    }
                }
                bytes.truncate(bytes.len() - carry.len());
            }
            if memchr::memchr2(b'"', b'\r', &bytes).is_some() {
                bytes.append(&mut carry);
                rest = Some(bytes);
                break Ok(());
            }
            let lines = memchr::memchr_iter(b'\n', &bytes).count() as u64;
            if !bytes.is_empty() {
                if to_workers.send(Block { index, bytes, line }).is_err() {
                    break Ok(());
                }
                index += 1;
            }
            line += lines;
            if at_end {
                break Ok(());
            }
        };
        drop(to_workers);
        drop(permits);
        merging.join().expect("merging does not panic")?;
        read.map_err(|source| Error::Io {
            file: name.to_string(),
            source,
        })?;
        Ok(rest.map(|bytes| -> (Box<dyn Read + 'a>, u64) {
            (Box::new(Cursor::new(bytes).chain(input)), line)
        }))
    })
}
