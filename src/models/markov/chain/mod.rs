//! The Markov chain of a path table: states, transition counts, absorbing weights.
//!
//! States are `start` (id 0), the channel states, and the two absorbing states
//! `conversion` and `null` (kept as per-state weights, not ids). Every path of the
//! table contributes its weight `w = conversions + nulls` to `start → s₁` and to each
//! `sᵢ → sᵢ₊₁`, and its last state sends `conversions` to conversion, `nulls` to null
//! and its value to the conversion value of that state.
//!
//! Order-k states ([`StateConvention`]):
//! * `Windows` (default, ChannelAttribution's convention): the windows of k consecutive
//!   raw touches; a path shorter than k is a single state (the whole path).
//! * `Padded`: the last k touches at each step, with `(start)` filling the positions
//!   before the first touch.
//!
//! In both, consecutive identical states are collapsed (self-loops dropped), which
//! leaves absorption probabilities unchanged at order 1 (a self-loop only rescales a
//! state's other transitions).

use rustc_hash::FxHashMap;

use crate::channel::ChannelId;
use crate::choice::{Choice, choice_str};
use crate::error::{Error, Result};
use crate::journeys::PathTable;
use crate::param::Param;

mod count;
use count::{DENSE_CELLS, count_by_state, count_dense, csr_of_dense, entered_states};

/// How order-k states are formed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StateConvention {
    /// Windows of k consecutive touches; shorter paths are one state (ChannelAttribution).
    #[default]
    Windows,
    /// The last k touches with `(start)` padding.
    Padded,
}

impl Choice for StateConvention {
    const PARAM: Param = Param::MarkovStates;
    const ALL: &'static [Self] = &[StateConvention::Windows, StateConvention::Padded];
    fn name(self) -> &'static str {
        match self {
            StateConvention::Windows => "windows",
            StateConvention::Padded => "padded",
        }
    }
}

choice_str!(StateConvention);

/// Slots of a packed state key: 16 bits per position, up to 4 positions.
const EMPTY: u64 = 0xFFFF;
const PAD: u64 = 0xFFFE;
/// The most channels a chain can have (ids must leave room for EMPTY and PAD).
pub(crate) const MAX_CHANNELS: usize = 0xFFFE;
/// The highest supported order.
pub const MAX_ORDER: usize = 4;

/// Memory a chain state costs while the model is fitted, roughly (measured: 406 MB peak
/// for the whole run at 796,871 states, order 4 on 300,000 paths × 50 channels, two
/// passes of eight removals in flight at 136 bytes per state each).
const BYTES_PER_STATE: u64 = 520;

fn pack(slots: impl Iterator<Item = u64>) -> u64 {
    let mut key = 0u64;
    let mut n = 0;
    for s in slots {
        key |= s << (16 * n);
        n += 1;
    }
    for i in n..4 {
        key |= EMPTY << (16 * i);
    }
    key
}

/// Fails when a chain of `states` states needs more memory than allowed.
pub(crate) fn check_memory(states: usize, order: usize, limit: Option<u64>) -> Result<()> {
    crate::memory::check(
        "markov",
        &format!("the order-{order} chain of {states} states"),
        states as u64 * BYTES_PER_STATE,
        limit,
        "use a lower `markov_order` or fewer channels (a path transform)",
    )
}

/// The chain: transient states (0 = start) with CSR transitions and absorbing weights.
#[derive(Clone, Debug)]
pub(crate) struct Chain {
    /// Packed key of each state (start: all EMPTY).
    pub keys: Vec<u64>,
    /// CSR of transitions between transient states (self-loops removed).
    pub row_ptr: Vec<usize>,
    pub col: Vec<u32>,
    pub count: Vec<f64>,
    /// Weight into conversion, into null, and conversion value, per state.
    pub conv: Vec<f64>,
    pub null: Vec<f64>,
    pub value: Vec<f64>,
    /// Total outgoing weight per state (transient + absorbing).
    pub out: Vec<f64>,
    /// Rows of the table left out because they carry no weight (0 conversions, 0 nulls).
    pub weightless_rows: u64,
}

impl Chain {
    /// Number of transient states (start included).
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// The channel ids in a state (empty for start; `(start)` padding left out).
    pub fn channels_of(&self, state: usize) -> impl Iterator<Item = ChannelId> + '_ {
        let key = self.keys[state];
        (0..4)
            .map(move |i| (key >> (16 * i)) & 0xFFFF)
            .filter(|&s| s != EMPTY && s != PAD)
            .map(|s| s as ChannelId)
    }

    /// The state's name: its channels joined by ` > ` (`(start)` for the start state and
    /// for padding).
    pub fn name(&self, state: usize, channels: &crate::channel::Dictionary) -> String {
        if state == 0 {
            return "(start)".to_string();
        }
        let key = self.keys[state];
        let parts: Vec<&str> = (0..4)
            .map(|i| (key >> (16 * i)) & 0xFFFF)
            .filter(|&s| s != EMPTY)
            .map(|s| {
                if s == PAD {
                    "(start)"
                } else {
                    channels.name(s as ChannelId)
                }
            })
            .collect();
        parts.join(" > ")
    }

    /// Builds the chain of order `order` from a path table; refuses (with the count)
    /// a chain of more than `max_states` states, or needing more memory than
    /// `memory_limit` (default: what is available), before its transitions are built.
    pub fn build(
        paths: &PathTable,
        order: usize,
        convention: StateConvention,
        max_states: usize,
        memory_limit: Option<u64>,
    ) -> Result<Chain> {
        // The order was checked by `MarkovParams::validate`.
        debug_assert!((1..=MAX_ORDER).contains(&order));
        if paths.channels().len() > MAX_CHANNELS {
            return Err(Error::unsupported(
                "markov",
                format!(
                    "at most {MAX_CHANNELS} channels are supported; the input has {}",
                    paths.channels().len()
                ),
            ));
        }
        if order == 1 && convention == StateConvention::Windows {
            return Self::build_first_order(paths, max_states, memory_limit);
        }
        // Pass 1: the state sequence of every weighted row, interned.
        let mut ids: FxHashMap<u64, u32> = FxHashMap::default();
        let mut keys = vec![pack(std::iter::empty())];
        let mut seq_offsets = vec![0usize];
        let mut seqs: Vec<u32> = Vec::with_capacity(paths.total_steps());
        let mut rows = Vec::with_capacity(paths.len());
        let mut weightless_rows = 0;
        for (i, row) in paths.rows().enumerate() {
            if row.conversions + row.nulls <= 0.0 {
                weightless_rows += 1;
                continue;
            }
            rows.push(i);
            let start = seqs.len();
            let mut push = |key: u64, seqs: &mut Vec<u32>| {
                let id = *ids.entry(key).or_insert_with(|| {
                    keys.push(key);
                    (keys.len() - 1) as u32
                });
                if seqs.len() == start || seqs[seqs.len() - 1] != id {
                    seqs.push(id);
                }
            };
            let p = row.path;
            match convention {
                StateConvention::Windows if p.len() < order => {
                    push(pack(p.iter().map(|&c| u64::from(c))), &mut seqs);
                }
                StateConvention::Windows => {
                    for w in p.windows(order) {
                        push(pack(w.iter().map(|&c| u64::from(c))), &mut seqs);
                    }
                }
                StateConvention::Padded => {
                    for end in 0..p.len() {
                        let slots = (0..order).map(|j| {
                            let back = order - 1 - j;
                            if back > end {
                                PAD
                            } else {
                                u64::from(p[end - back])
                            }
                        });
                        push(pack(slots), &mut seqs);
                    }
                }
            }
            seq_offsets.push(seqs.len());
        }
        let n = keys.len();
        refuse_beyond(n, order, max_states)?;
        check_memory(n, order, memory_limit)?;

        // Pass 2: transition counts and absorbing weights.
        let mut conv = vec![0.0; n];
        let mut null = vec![0.0; n];
        let mut value = vec![0.0; n];
        let sequences = || (0..rows.len()).map(|k| &seqs[seq_offsets[k]..seq_offsets[k + 1]]);
        let weights: Vec<f64> = rows
            .iter()
            .zip(sequences())
            .map(|(&i, seq)| {
                let row = paths.row(i);
                let last = seq[seq.len() - 1] as usize;
                conv[last] += row.conversions;
                null[last] += row.nulls;
                value[last] += row.value;
                row.conversions + row.nulls
            })
            .collect();
        let transitions = if n * n <= DENSE_CELLS {
            count_dense(n, sequences(), &weights)
        } else {
            count_by_state(n, sequences(), &weights)
        };
        let absorbed = Absorbed {
            conv,
            null,
            value,
            weightless_rows,
        };
        Self::assemble(keys, transitions, absorbed, paths)
    }

    /// [`Chain::build`] at order 1 with window states: a state per channel (its id + 1)
    /// whether it occurs or not, so no state is looked up; each row's steps (repeats of
    /// a channel merged) are counted as they are read into the `n × n` array, or, past
    /// [`DENSE_CELLS`], kept as state sequences for [`count_by_state`], as the general
    /// build does. Every sum runs over rows in order and steps in order, as the general
    /// build sums them, so the chain is the same, bit for bit.
    fn build_first_order(
        paths: &PathTable,
        max_states: usize,
        memory_limit: Option<u64>,
    ) -> Result<Chain> {
        let channels = paths.channels().len();
        let n = channels + 1;
        refuse_beyond(n, 1, max_states)?;
        check_memory(n, 1, memory_limit)?;
        let keys: Vec<u64> = std::iter::once(pack(std::iter::empty()))
            .chain((0..channels as u64).map(|c| pack(std::iter::once(c))))
            .collect();
        let mut absorbed = Absorbed {
            conv: vec![0.0; n],
            null: vec![0.0; n],
            value: vec![0.0; n],
            weightless_rows: 0,
        };
        let transitions = if n * n <= DENSE_CELLS {
            let mut counts = vec![0.0; n * n];
            walk_first_order(paths, &mut absorbed, |from, to, weight| {
                counts[from * n + to] += weight;
            });
            csr_of_dense(n, &counts)
        } else {
            // Each weighted row's states (its first step leaves the start) and weight.
            let (mut seqs, mut starts, mut weights) = (Vec::new(), Vec::new(), Vec::new());
            walk_first_order(paths, &mut absorbed, |from, to, weight| {
                if from == 0 {
                    starts.push(seqs.len());
                    weights.push(weight);
                }
                seqs.push(to as u32);
            });
            starts.push(seqs.len());
            let sequences = (0..weights.len()).map(|k| &seqs[starts[k]..starts[k + 1]]);
            count_by_state(n, sequences, &weights)
        };
        Self::assemble(keys, transitions, absorbed, paths)
    }

    /// The chain of `keys` with its transitions (CSR rows) and absorbing weights,
    /// checked: every entered state must have somewhere to go.
    fn assemble(
        keys: Vec<u64>,
        (row_ptr, col, count): (Vec<usize>, Vec<u32>, Vec<f64>),
        absorbed: Absorbed,
        paths: &PathTable,
    ) -> Result<Chain> {
        let n = keys.len();
        let Absorbed {
            conv,
            null,
            value,
            weightless_rows,
        } = absorbed;
        let mut out: Vec<f64> = (0..n).map(|s| conv[s] + null[s]).collect();
        for s in 0..n {
            out[s] += count[row_ptr[s]..row_ptr[s + 1]].iter().sum::<f64>();
        }
        let chain = Chain {
            keys,
            row_ptr,
            col,
            count,
            conv,
            null,
            value,
            out,
            weightless_rows,
        };
        chain.check(paths)?;
        Ok(chain)
    }

    /// The chain of order-k transition counts, with its channel dictionary (sorted by
    /// name, as a path table's). Self-loops are dropped, as [`Chain::build`] drops them,
    /// and so are moves of no journey. Counts that journeys cannot have made are refused
    /// ([`TransitionCounts::check`](crate::journeys::TransitionCounts::check)): among
    /// them, states that lead only to each other, which no solve could absorb.
    pub fn from_transitions(
        counts: &crate::journeys::TransitionCounts,
        max_states: usize,
        memory_limit: Option<u64>,
    ) -> Result<(Chain, crate::channel::Dictionary)> {
        use crate::journeys::aggregates::Target;
        counts.check().map_err(|problem| {
            Error::model(
                "markov",
                format!(
                    "the transition counts are not counts of journeys: {}",
                    problem.describe(counts)
                ),
            )
        })?;
        let (channels, remap) = counts.channels.clone().into_sorted();
        if channels.len() > MAX_CHANNELS {
            return Err(Error::unsupported(
                "markov",
                format!(
                    "at most {MAX_CHANNELS} channels are supported; the counts have {}",
                    channels.len()
                ),
            ));
        }
        let n = counts.states.len();
        let order = counts.order();
        if n > max_states {
            return Err(Error::unsupported(
                "markov",
                format!(
                    "the transition counts hold {n} states, more than `markov_max_states` ({max_states}); raise it"
                ),
            ));
        }
        check_memory(n, order, memory_limit)?;
        let keys: Vec<u64> = counts
            .states
            .iter()
            .map(|s| pack(s.iter().map(|&c| u64::from(remap[c as usize]))))
            .collect();
        let mut conv = vec![0.0; n];
        let mut null = vec![0.0; n];
        let mut value = vec![0.0; n];
        let mut row_ptr = vec![0usize; n + 1];
        let mut col = Vec::new();
        let mut count = Vec::new();
        // Moves are sorted by (from, target): rows come out in order.
        for (&(from, target), &(c, v)) in &counts.moves {
            let f = from as usize;
            match target {
                Target::State(to) if to != from && c > 0.0 => {
                    col.push(to);
                    count.push(c);
                    row_ptr[f + 1] += 1;
                }
                Target::State(_) => {}
                Target::Conversion => {
                    conv[f] += c;
                    value[f] += v;
                }
                Target::Null => null[f] += c,
            }
        }
        for s in 0..n {
            row_ptr[s + 1] += row_ptr[s];
        }
        let mut out: Vec<f64> = (0..n).map(|s| conv[s] + null[s]).collect();
        for s in 0..n {
            out[s] += count[row_ptr[s]..row_ptr[s + 1]].iter().sum::<f64>();
        }
        let chain = Chain {
            keys,
            row_ptr,
            col,
            count,
            conv,
            null,
            value,
            out,
            weightless_rows: 0,
        };
        Ok((chain, channels))
    }

    /// Every state that is entered must have outgoing mass.
    fn check(&self, paths: &PathTable) -> Result<()> {
        let entered = entered_states(self.len(), &self.col);
        for (s, _) in entered.iter().enumerate().skip(1).filter(|&(_, &e)| e) {
            if self.out[s] <= 0.0 {
                return Err(Error::model(
                    "markov",
                    format!(
                        "state `{}` has no outgoing transitions",
                        self.name(s, paths.channels())
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// Walks the weighted rows of `paths` as first-order chains (state = channel id + 1,
/// repeats of a channel merged), in row order: `step(from, to, weight)` for every
/// transition (a row's first from the start, state 0), and each row's end state takes
/// its conversions, nulls and value in `absorbed`; rows without weight are counted there.
fn walk_first_order(
    paths: &PathTable,
    absorbed: &mut Absorbed,
    mut step: impl FnMut(usize, usize, f64),
) {
    for row in paths.rows() {
        let weight = row.conversions + row.nulls;
        if weight <= 0.0 {
            absorbed.weightless_rows += 1;
            continue;
        }
        let mut from = 0;
        for &c in row.path {
            let to = c as usize + 1;
            if to != from {
                step(from, to, weight);
                from = to;
            }
        }
        absorbed.conv[from] += row.conversions;
        absorbed.null[from] += row.nulls;
        absorbed.value[from] += row.value;
    }
}

/// What the states pass to the absorbing states: each state's conversions, nulls and
/// conversion value, and the rows left out for carrying no weight.
struct Absorbed {
    conv: Vec<f64>,
    null: Vec<f64>,
    value: Vec<f64>,
    weightless_rows: u64,
}

/// Refuses a chain of `n` states of order `order` beyond `max_states`, with the count
/// and what it would take.
fn refuse_beyond(n: usize, order: usize, max_states: usize) -> Result<()> {
    if n <= max_states {
        return Ok(());
    }
    Err(Error::unsupported(
        "markov",
        format!(
            "order {order} makes {n} states on this input, more than `markov_max_states` \
             ({max_states}); a chain this size needs about {} MB and a long solve per \
             channel: use a lower `markov_order`, fewer channels (a path transform), or \
             raise `markov_max_states`",
            (n as u64 * BYTES_PER_STATE).div_ceil(1 << 20)
        ),
    ))
}

#[cfg(test)]
mod tests;
