//! Names interned on a second thread while the reading thread parses.
//!
//! Interning millions of user ids into one [`Dictionary`] waits on memory for every row,
//! even with [`Dictionary::intern_many`] overlapping the waits, about as long as parsing
//! the row takes. [`intern_alongside`] runs a reader on the calling thread and interns the
//! names it pushes on another, a batch at a time in push order, so ids are numbered
//! exactly as one thread would number them and the output stays byte for byte the same.

use std::sync::mpsc;

use crate::channel::{ChannelId, Dictionary};

/// Names pushed by the reader, handed to the interner a batch at a time.
pub(crate) struct NamePipe {
    batch: Names,
    to_interner: mpsc::SyncSender<Names>,
    returned: mpsc::Receiver<Names>,
}

/// Names in one arena, in the order pushed: what a reading thread hands to another.
#[derive(Clone, Debug, Default)]
pub(crate) struct Names {
    bytes: String,
    ends: Vec<usize>,
}

impl Names {
    pub fn push(&mut self, name: &str) {
        self.bytes.push_str(name);
        self.ends.push(self.bytes.len());
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Drops the names pushed after the first `len`.
    pub fn truncate(&mut self, len: usize) {
        self.ends.truncate(len);
        self.bytes.truncate(self.ends.last().copied().unwrap_or(0));
    }

    pub fn clear(&mut self) {
        self.truncate(0);
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts.zip(&self.ends).map(|(a, &b)| &self.bytes[a..b])
    }
}

/// Names per batch: large enough that a hand-over costs nothing per row, small enough
/// to stay in cache.
const BATCH_LEN: usize = 4096;

impl NamePipe {
    /// Queues `name`; its id is the next in the list [`intern_alongside`] returns.
    pub fn push(&mut self, name: &str) {
        self.batch.push(name);
        if self.batch.len() >= BATCH_LEN {
            let next = self.returned.try_recv().unwrap_or_default();
            // The interner stops only when this side hangs up, so the send succeeds.
            let _ = self
                .to_interner
                .send(std::mem::replace(&mut self.batch, next));
        }
    }
}

/// Runs `read` on this thread, interning every name it pushes into `ids` on a second
/// thread; returns what `read` returned and the ids of the pushed names, in push order.
pub(crate) fn intern_alongside<T, E>(
    ids: &mut Dictionary,
    read: impl FnOnce(&mut NamePipe) -> Result<T, E>,
) -> Result<(T, Vec<ChannelId>), E> {
    std::thread::scope(|scope| {
        let (to_interner, batches) = mpsc::sync_channel::<Names>(4);
        let (give_back, returned) = mpsc::channel::<Names>();
        let interner = scope.spawn(move || {
            let mut interned = Vec::new();
            for mut batch in batches {
                ids.intern_many(batch.iter(), &mut interned);
                batch.clear();
                // The reader may be done; a batch nobody takes back is dropped.
                let _ = give_back.send(batch);
            }
            interned
        });
        let mut pipe = NamePipe {
            batch: Names::default(),
            to_interner,
            returned,
        };
        let result = read(&mut pipe);
        let NamePipe {
            batch, to_interner, ..
        } = pipe;
        if !batch.is_empty() {
            let _ = to_interner.send(batch);
        }
        drop(to_interner);
        let interned = interner.join().expect("interning does not panic");
        result.map(|value| (value, interned))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ids come back in push order and equal one-thread interning, across batches.
    #[test]
    fn ids_equal_interning_on_one_thread() {
        let names: Vec<String> = (0..10_000)
            .map(|i| format!("u{}", (i * 7919) % 3000))
            .collect();
        let mut alone = Dictionary::new();
        let want: Vec<ChannelId> = names.iter().map(|n| alone.intern(n)).collect();
        let mut ids = Dictionary::new();
        let ((), got) = intern_alongside(&mut ids, |pipe| {
            names.iter().for_each(|n| pipe.push(n));
            Ok::<_, ()>(())
        })
        .unwrap();
        assert_eq!(got, want);
        assert_eq!(ids, alone);
    }

    /// A reader that fails still stops the interner, and its error comes back.
    #[test]
    fn a_failing_reader_returns_its_error() {
        let mut ids = Dictionary::new();
        let r = intern_alongside(&mut ids, |pipe| {
            (0..5000).for_each(|i| pipe.push(&i.to_string()));
            Err::<(), _>("bad row")
        });
        assert_eq!(r.unwrap_err(), "bad row");
    }
}
