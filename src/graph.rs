//! Strongly connected components of a directed graph (a Markov chain's transient
//! states, the states of transition counts).
//!
//! Tarjan's algorithm (R. Tarjan, "Depth-first search and linear graph algorithms",
//! SIAM J. Computing 1(2), 1972), written with an explicit stack so a chain of a million
//! states in a row cannot overflow the call stack. Tarjan emits a component only after
//! every component reachable from it, so the emission order is the order in which the
//! absorption system can be solved: each component needs values only from components
//! emitted before it.

/// The components of the graph with `n` nodes and CSR edges (`row_ptr`, `col`), in
/// reverse topological order (a component before every component that reaches it).
/// Within a component, states are in ascending id order.
pub(crate) fn components(n: usize, row_ptr: &[usize], col: &[u32]) -> Vec<Vec<u32>> {
    const UNSEEN: u32 = u32::MAX;
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0u32; n];
    let mut on_stack = vec![false; n];
    let mut stack: Vec<u32> = Vec::new();
    // Depth-first frames: (node, next edge to look at).
    let mut frames: Vec<(u32, usize)> = Vec::new();
    let mut next_index = 0u32;
    let mut out = Vec::new();
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        frames.push((root as u32, row_ptr[root]));
        index[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root as u32);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut edge)) = frames.last_mut() {
            let v = v as usize;
            if *edge < row_ptr[v + 1] {
                let w = col[*edge] as usize;
                *edge += 1;
                if index[w] == UNSEEN {
                    index[w] = next_index;
                    low[w] = next_index;
                    next_index += 1;
                    stack.push(w as u32);
                    on_stack[w] = true;
                    frames.push((w as u32, row_ptr[w]));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            frames.pop();
            if let Some(&(parent, _)) = frames.last() {
                let parent = parent as usize;
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut component = Vec::new();
                loop {
                    let w = stack.pop().expect("v is on the stack");
                    on_stack[w as usize] = false;
                    component.push(w);
                    if w as usize == v {
                        break;
                    }
                }
                component.sort_unstable();
                out.push(component);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csr(n: usize, edges: &[(u32, u32)]) -> (Vec<usize>, Vec<u32>) {
        let mut row_ptr = vec![0; n + 1];
        let mut sorted = edges.to_vec();
        sorted.sort();
        for &(a, _) in &sorted {
            row_ptr[a as usize + 1] += 1;
        }
        for i in 0..n {
            row_ptr[i + 1] += row_ptr[i];
        }
        (row_ptr, sorted.into_iter().map(|e| e.1).collect())
    }

    #[test]
    fn components_come_sinks_first() {
        // 0 → 1 ⇄ 2 → 3, 0 → 4 → 3, 3 ⇄ 5.
        let (row_ptr, col) = csr(
            6,
            &[
                (0, 1),
                (1, 2),
                (2, 1),
                (2, 3),
                (0, 4),
                (4, 3),
                (3, 5),
                (5, 3),
            ],
        );
        let comps = components(6, &row_ptr, &col);
        assert_eq!(comps, vec![vec![3, 5], vec![1, 2], vec![4], vec![0]]);
    }

    #[test]
    fn a_million_states_in_a_row_do_not_overflow_the_stack() {
        let n = 1_000_000;
        let edges: Vec<(u32, u32)> = (0..n as u32 - 1).map(|i| (i, i + 1)).collect();
        let (row_ptr, col) = csr(n, &edges);
        let comps = components(n, &row_ptr, &col);
        assert_eq!(comps.len(), n);
        assert_eq!(comps[0], vec![n as u32 - 1]);
    }
}
