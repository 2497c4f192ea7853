//! Counting a chain's transitions into CSR rows: in one dense array for small chains,
//! by a stable counting sort of the steps for large ones; every count summed in row order.
/// Chains of at most this many `state × state` cells count their transitions in one
/// dense array (32 MB); larger ones sort their steps by state ([`count_by_state`]).
pub(super) const DENSE_CELLS: usize = 1 << 22;

/// Which states a transition enters.
pub(super) fn entered_states(n: usize, col: &[u32]) -> Vec<bool> {
    let mut entered = vec![false; n];
    for &t in col {
        entered[t as usize] = true;
    }
    entered
}

/// CSR rows of the transition counts of `sequences` (each entered from start, state 0),
/// each weighted by its row's weight, summed in an `n × n` array. Every count is summed
/// in row order.
pub(super) fn count_dense<'a>(
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
pub(super) fn csr_of_dense(n: usize, counts: &[f64]) -> (Vec<usize>, Vec<u32>, Vec<f64>) {
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
pub(super) fn count_by_state<'a>(
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
