//! Small dense linear algebra shared by the models: Cholesky solves and inverses of
//! symmetric positive definite matrices (the logistic and self-controlled Newton
//! solvers) and LU factorisations with partial pivoting (the Markov chain's small cyclic
//! parts). Matrices are stored row-major.

/// Solves `(A + μI) x = b` by Cholesky for a symmetric `n × n` matrix `A`; `None` when
/// `A + μI` is not positive definite.
pub fn cholesky_solve(a: &[f64], n: usize, mu: f64, b: &[f64]) -> Option<Vec<f64>> {
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let mut s = a[i * n + j] + if i == j { mu } else { 0.0 };
            for k in 0..j {
                s -= l[i * n + k] * l[j * n + k];
            }
            if i == j {
                if s <= 0.0 {
                    return None;
                }
                l[i * n + i] = s.sqrt();
            } else {
                l[i * n + j] = s / l[j * n + j];
            }
        }
    }
    let mut y = vec![0.0; n];
    for i in 0..n {
        let s: f64 = (0..i).map(|k| l[i * n + k] * y[k]).sum();
        y[i] = (b[i] - s) / l[i * n + i];
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        let s: f64 = (i + 1..n).map(|k| l[k * n + i] * x[k]).sum();
        x[i] = (y[i] - s) / l[i * n + i];
    }
    Some(x)
}

/// Inverse of a symmetric positive definite `n × n` matrix, column by column.
pub fn spd_inverse(a: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut inv = vec![0.0; n * n];
    for j in 0..n {
        let mut e = vec![0.0; n];
        e[j] = 1.0;
        let x = cholesky_solve(a, n, 0.0, &e)?;
        for i in 0..n {
            inv[i * n + j] = x[i];
        }
    }
    Some(inv)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_and_inverts_a_known_matrix() {
        // A = [[4, 2], [2, 3]]: det 8, inverse [[3, -2], [-2, 4]] / 8.
        let a = [4.0, 2.0, 2.0, 3.0];
        let x = cholesky_solve(&a, 2, 0.0, &[2.0, 1.0]).unwrap();
        assert!((x[0] - 0.5).abs() < 1e-15 && x[1].abs() < 1e-15, "{x:?}");
        let inv = spd_inverse(&a, 2).unwrap();
        for (got, want) in inv.iter().zip([0.375, -0.25, -0.25, 0.5]) {
            assert!((got - want).abs() < 1e-15);
        }
        assert!(cholesky_solve(&[1.0, 2.0, 2.0, 1.0], 2, 0.0, &[1.0, 1.0]).is_none());
    }
}

/// The LU factorisation with partial pivoting of a square matrix: `P A = L U`, with
/// `L` (unit lower) and `U` stored in one row-major array (Golub & Van Loan, *Matrix
/// Computations*, 4th ed., algorithm 3.4.1).
#[derive(Clone, Debug)]
pub struct Lu {
    n: usize,
    lu: Vec<f64>,
    pivots: Vec<usize>,
}

impl Lu {
    /// Factorises the row-major `n × n` matrix `a`; `None` when it is singular (a zero
    /// pivot).
    pub fn factor(mut a: Vec<f64>, n: usize) -> Option<Lu> {
        assert_eq!(a.len(), n * n);
        let mut pivots = Vec::with_capacity(n);
        for k in 0..n {
            let p = (k..n)
                .max_by(|&i, &j| a[i * n + k].abs().total_cmp(&a[j * n + k].abs()))
                .expect("k < n");
            if a[p * n + k] == 0.0 {
                return None;
            }
            if p != k {
                for j in 0..n {
                    a.swap(k * n + j, p * n + j);
                }
            }
            pivots.push(p);
            let pivot = a[k * n + k];
            let (top, rest) = a.split_at_mut((k + 1) * n);
            let row_k = &top[k * n..];
            for row in rest.chunks_exact_mut(n) {
                let factor = row[k] / pivot;
                row[k] = factor;
                if factor != 0.0 {
                    for j in k + 1..n {
                        row[j] -= factor * row_k[j];
                    }
                }
            }
        }
        Some(Lu { n, lu: a, pivots })
    }

    /// Solves `A x = b` in place.
    pub fn solve(&self, b: &mut [f64]) {
        let n = self.n;
        for (k, &p) in self.pivots.iter().enumerate() {
            b.swap(k, p);
        }
        for i in 0..n {
            let row = &self.lu[i * n..i * n + i];
            let s: f64 = row.iter().zip(&b[..i]).map(|(l, y)| l * y).sum();
            b[i] -= s;
        }
        for i in (0..n).rev() {
            let row = &self.lu[i * n..(i + 1) * n];
            let s: f64 = row[i + 1..]
                .iter()
                .zip(&b[i + 1..])
                .map(|(u, x)| u * x)
                .sum();
            b[i] = (b[i] - s) / row[i];
        }
    }
}

#[cfg(test)]
mod lu_tests {
    use super::*;

    #[test]
    fn lu_solves_a_system_that_needs_pivoting() {
        // A = [[0, 2, 1], [1, 1, 0], [2, 0, 3]] (a zero first pivot), x = [1, 2, 3]:
        // b = A x = [7, 3, 11].
        let a = vec![0.0, 2.0, 1.0, 1.0, 1.0, 0.0, 2.0, 0.0, 3.0];
        let lu = Lu::factor(a, 3).unwrap();
        let mut b = vec![7.0, 3.0, 11.0];
        lu.solve(&mut b);
        for (x, want) in b.iter().zip([1.0, 2.0, 3.0]) {
            assert!((x - want).abs() < 1e-14, "{b:?}");
        }
        assert!(Lu::factor(vec![1.0, 2.0, 2.0, 4.0], 2).is_none());
    }
}
