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
use crate::error::{Error, Result};
use crate::journeys::PathTable;
use crate::param::{Choice, Param, choice_str};

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

/// Chains of at most this many `state × state` cells count their transitions in one
/// dense array (32 MB); larger ones sort their steps by state ([`count_by_state`]).
const DENSE_CELLS: usize = 1 << 22;

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

/// Which states a transition enters.
fn entered_states(n: usize, col: &[u32]) -> Vec<bool> {
    let mut entered = vec![false; n];
    for &t in col {
        entered[t as usize] = true;
    }
    entered
}

/// CSR rows of the transition counts of `sequences` (each entered from start, state 0),
/// each weighted by its row's weight, summed in an `n × n` array. Every count is summed
/// in row order.
fn count_dense<'a>(
    n: usize,
    sequences: impl Iterator<Item = &'a [u32]>,
    weights: &[f64],
) -> (Vec<usize>, Vec<u32>, Vec<f64>) {
    let mut counts = vec![0.0; n * n];
    for (seq, &w) in sequences.zip(weights) {
        let mut from = 0;
        for &to in seq {
            counts[from * n + to as usize] += w;
            from = to as usize;
        }
    }
    csr_of_dense(n, &counts)
}

/// CSR rows of an `n × n` array of counts: the positive counts, self-loops left out.
fn csr_of_dense(n: usize, counts: &[f64]) -> (Vec<usize>, Vec<u32>, Vec<f64>) {
    let mut row_ptr = vec![0usize; n + 1];
    let (mut col, mut count) = (Vec::new(), Vec::new());
    for from in 0..n {
        for to in 0..n {
            let c = counts[from * n + to];
            if c > 0.0 && from != to {
                col.push(to as u32);
                count.push(c);
            }
        }
        row_ptr[from + 1] = col.len();
    }
    (row_ptr, col, count)
}

/// The same CSR rows as [`count_dense`] for chains too large for an `n × n` array: the
/// steps are sorted by their from-state with a counting sort, which is stable, so each
/// state's steps keep row order and every count is summed in row order, as above.
fn count_by_state<'a>(
    n: usize,
    sequences: impl Iterator<Item = &'a [u32]> + Clone,
    weights: &[f64],
) -> (Vec<usize>, Vec<u32>, Vec<f64>) {
    // Where each state's steps begin.
    let mut first = vec![0usize; n + 1];
    for seq in sequences.clone() {
        first[1] += 1;
        for &s in &seq[..seq.len() - 1] {
            first[s as usize + 1] += 1;
        }
    }
    for s in 0..n {
        first[s + 1] += first[s];
    }
    // Each step as (to, row), grouped by from-state.
    let mut next = first.clone();
    let mut steps = vec![(0u32, 0u32); first[n]];
    for (k, seq) in sequences.enumerate() {
        let mut from = 0;
        for &to in seq {
            steps[next[from]] = (to, k as u32);
            next[from] += 1;
            from = to as usize;
        }
    }
    let mut row_ptr = Vec::with_capacity(n + 1);
    row_ptr.push(0);
    let (mut col, mut count) = (Vec::new(), Vec::new());
    let mut sum = vec![0.0; n];
    let mut seen = vec![false; n];
    let mut targets: Vec<u32> = Vec::new();
    for from in 0..n {
        for &(to, k) in &steps[first[from]..first[from + 1]] {
            if !seen[to as usize] {
                seen[to as usize] = true;
                targets.push(to);
            }
            sum[to as usize] += weights[k as usize];
        }
        targets.sort_unstable();
        for &to in &targets {
            if to as usize != from {
                col.push(to);
                count.push(sum[to as usize]);
            }
            sum[to as usize] = 0.0;
            seen[to as usize] = false;
        }
        targets.clear();
        row_ptr.push(col.len());
    }
    (row_ptr, col, count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    fn table(rows: &[(&[&str], f64, f64)]) -> PathTable {
        let mut b = PathTable::builder();
        for (p, c, n) in rows {
            b.push(p, *c, 0.0, *n);
        }
        b.finish()
    }

    fn state_names(paths: &PathTable, order: usize, conv: StateConvention) -> Vec<String> {
        let chain = Chain::build(paths, order, conv, usize::MAX, None).unwrap();
        (0..chain.len())
            .map(|s| chain.name(s, paths.channels()))
            .collect()
    }

    #[test]
    fn windows_convention_collapses_repeated_windows_and_keeps_short_paths_whole() {
        let t = table(&[(&["a", "a", "a", "b"], 1.0, 0.0), (&["c"], 0.0, 1.0)]);
        // a>a>a>b: windows (a,a) (a,a) (a,b) → collapsed (a,a) (a,b); c is one state.
        assert_eq!(
            state_names(&t, 2, StateConvention::Windows),
            ["(start)", "a > a", "a > b", "c"]
        );
        let chain = Chain::build(&t, 2, StateConvention::Windows, usize::MAX, None).unwrap();
        assert_eq!(chain.conv[2], 1.0);
        assert_eq!(chain.null[3], 1.0);
    }

    #[test]
    fn padded_convention_pads_with_start() {
        let t = table(&[(&["a", "b", "c"], 1.0, 0.0)]);
        assert_eq!(
            state_names(&t, 2, StateConvention::Padded),
            ["(start)", "(start) > a", "a > b", "b > c"]
        );
    }

    #[test]
    fn counts_weight_every_transition_by_conversions_plus_nulls() {
        let t = table(&[(&["a", "b"], 3.0, 1.0), (&["a", "c"], 1.0, 1.0)]);
        let chain = Chain::build(&t, 1, StateConvention::Windows, usize::MAX, None).unwrap();
        // states: start, a, b, c. start → a: 4 + 2.
        assert_eq!(&chain.col[chain.row_ptr[0]..chain.row_ptr[1]], &[1]);
        assert_eq!(chain.count[chain.row_ptr[0]], 6.0);
        assert_eq!(chain.out[1], 6.0);
        assert_eq!((chain.conv[2], chain.null[2]), (3.0, 1.0));
    }

    /// Each state's absorbing weights and transitions, by state key, bit for bit.
    fn by_key(chain: &Chain) -> BTreeMap<u64, (Vec<u64>, BTreeMap<u64, u64>)> {
        (0..chain.len())
            .map(|s| {
                let moves = (chain.row_ptr[s]..chain.row_ptr[s + 1])
                    .map(|k| (chain.keys[chain.col[k] as usize], chain.count[k].to_bits()))
                    .collect();
                let absorbed = [chain.conv[s], chain.null[s], chain.value[s]];
                (chain.keys[s], (absorbed.map(f64::to_bits).to_vec(), moves))
            })
            .collect()
    }

    proptest! {
        /// At order 1 a padded state is a window state: the first-order build (a state
        /// per channel, counted as rows are read) gives the chain the general build
        /// gives (states interned as met), bit for bit by state, once the states the
        /// general build never met are left out (each state's total outgoing weight to
        /// rounding: it adds the transitions in state order); fractional and zero
        /// weights, repeats.
        #[test]
        fn first_order_build_equals_the_general_build(
            rows in prop::collection::vec(
                (prop::collection::vec(0usize..5, 1..7), 0u32..4, 0u32..3, 0u32..9),
                1..40,
            ),
        ) {
            let names = ["a", "b", "c", "d", "e"];
            let mut b = PathTable::builder();
            for (path, conv, nulls, value) in &rows {
                let path: Vec<&str> = path.iter().map(|&c| names[c]).collect();
                b.push(&path, f64::from(*conv) / 3.0, f64::from(*value) / 7.0, f64::from(*nulls));
            }
            let t = b.finish();
            let first = Chain::build(&t, 1, StateConvention::Windows, usize::MAX, None);
            let general = Chain::build(&t, 1, StateConvention::Padded, usize::MAX, None);
            let (first, general) = match (first, general) {
                (Ok(f), Ok(g)) => (f, g),
                (f, g) => {
                    prop_assert_eq!(f.err().map(|e| e.to_string()), g.err().map(|e| e.to_string()));
                    return Ok(());
                }
            };
            prop_assert_eq!(first.weightless_rows, general.weightless_rows);
            let mut want = by_key(&first);
            // States the general build never met: every weight zero, no transition.
            want.retain(|key, (absorbed, moves)| {
                general.keys.contains(key) || !(absorbed.iter().all(|&w| w == 0) && moves.is_empty())
            });
            prop_assert_eq!(want, by_key(&general));
            // A state's total adds its transitions in state order, which differs.
            for (s, &key) in general.keys.iter().enumerate() {
                let f = first.keys.iter().position(|&k| k == key).unwrap();
                let (a, b) = (first.out[f], general.out[s]);
                prop_assert!((a - b).abs() <= 1e-12 * a.abs(), "{} {}", a, b);
            }
        }
    }

    /// Past the dense array's size (2,100 channels: 4.4M cells) the first-order build
    /// sorts its steps by state, and still gives the general build's chain, bit for bit
    /// by state; before, it would have asked for an array of every pair of channels.
    #[test]
    fn first_order_build_past_the_dense_size_equals_the_general_build() {
        let names: Vec<String> = (0..2100).map(|c| format!("c{c:04}")).collect();
        let mut b = PathTable::builder();
        for k in 0..3000usize {
            let path: Vec<&str> = (0..1 + k % 4)
                .map(|j| names[(k + j * 13) % 2100].as_str())
                .collect();
            b.push(&path, (k % 3) as f64 / 3.0, (k % 5) as f64, (k % 2) as f64);
        }
        let t = b.finish();
        assert!((t.channels().len() + 1).pow(2) > DENSE_CELLS);
        let first = Chain::build(&t, 1, StateConvention::Windows, usize::MAX, None).unwrap();
        let general = Chain::build(&t, 1, StateConvention::Padded, usize::MAX, None).unwrap();
        let mut want = by_key(&first);
        want.retain(|key, (absorbed, moves)| {
            general.keys.contains(key) || !(absorbed.iter().all(|&w| w == 0) && moves.is_empty())
        });
        assert_eq!(want, by_key(&general));
    }
}
