//! Settling a plan in whole cents: the concave (diminishing) and linear allocations.

pub(super) struct Line {
    pub(super) channel: String,
    pub(super) s: i64,
    pub(super) lo: i64,
    pub(super) hi: i64,
    pub(super) lo_bound: &'static str,
    pub(super) hi_bound: &'static str,
    pub(super) value: f64,
}

pub(super) fn cents(x: f64) -> i64 {
    (x * 100.0).round() as i64
}

/// Concave response: bisection on the marginal return λ, then whole cents.
pub(super) fn allocate_concave(lines: &[Line], total: i64, b: f64) -> Vec<i64> {
    let at = |lambda: f64| -> Vec<f64> {
        lines
            .iter()
            .map(|l| {
                let ideal = if l.s == 0 || l.value <= 0.0 {
                    0.0
                } else {
                    // Spend in cents; ROAS per cent — the scale cancels in the ratio.
                    let roas = l.value / l.s as f64;
                    l.s as f64 * (b * roas / lambda).powf(1.0 / (1.0 - b))
                };
                ideal.clamp(l.lo as f64, l.hi as f64)
            })
            .collect()
    };
    let sum = |v: &[f64]| v.iter().sum::<f64>();
    let target = total as f64;
    // Σ x(λ) is non-increasing in λ; bracket in log space.
    let (mut lo, mut hi) = (-80.0f64, 80.0f64);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if sum(&at(mid.exp())) > target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let real = at((0.5 * (lo + hi)).exp());
    settle_cents(lines, &real, total)
}

/// Rounds a real allocation to cents and settles the remainder one cent at a time on the
/// channels whose rounding moved them furthest the other way (ties by name order).
fn settle_cents(lines: &[Line], real: &[f64], total: i64) -> Vec<i64> {
    let mut x: Vec<i64> = real
        .iter()
        .zip(lines)
        .map(|(&r, l)| (r.round() as i64).clamp(l.lo, l.hi))
        .collect();
    let mut residual = total - x.iter().sum::<i64>();
    // Bulk first, in proportion to each channel's room in the needed direction, so the
    // cent-by-cent pass below only settles rounding (at most one cent per channel).
    let room: Vec<i64> = x
        .iter()
        .zip(lines)
        .map(|(&xi, l)| if residual > 0 { l.hi - xi } else { xi - l.lo })
        .collect();
    let total_room: i64 = room.iter().sum();
    if residual.abs() > lines.len() as i64 && total_room > 0 {
        let wanted = residual.abs() as i128;
        for (xi, r) in x.iter_mut().zip(&room) {
            let step = (wanted * *r as i128 / total_room as i128) as i64;
            *xi += step * residual.signum();
        }
        residual = total - x.iter().sum::<i64>();
    }
    while residual != 0 {
        let step = residual.signum();
        let pick = (0..lines.len())
            .filter(|&i| {
                if step > 0 {
                    x[i] < lines[i].hi
                } else {
                    x[i] > lines[i].lo
                }
            })
            .max_by(|&i, &j| {
                let ei = (real[i] - x[i] as f64) * step as f64;
                let ej = (real[j] - x[j] as f64) * step as f64;
                ei.total_cmp(&ej).then(j.cmp(&i))
            })
            .expect("feasible bounds leave room");
        x[pick] += step;
        residual -= step;
    }
    x
}

/// Linear response: start from current spend (inside the bounds), then move money from
/// the lowest to the highest ROAS channel while that raises the total.
pub(super) fn allocate_linear(lines: &[Line], total: i64) -> Vec<i64> {
    let roas: Vec<f64> = lines
        .iter()
        .map(|l| if l.s == 0 { 0.0 } else { l.value / l.s as f64 })
        .collect();
    let mut x: Vec<i64> = lines.iter().map(|l| l.s.clamp(l.lo, l.hi)).collect();
    // Order: ascending ROAS, ties by name (the lines are sorted by name).
    let mut order: Vec<usize> = (0..lines.len()).collect();
    order.sort_by(|&a, &b| roas[a].total_cmp(&roas[b]).then(a.cmp(&b)));
    // First restore the total if clamping moved it.
    let mut residual = total - x.iter().sum::<i64>();
    if residual > 0 {
        for &i in order.iter().rev() {
            let add = residual.min(lines[i].hi - x[i]);
            x[i] += add;
            residual -= add;
        }
    } else if residual < 0 {
        for &i in &order {
            let take = (-residual).min(x[i] - lines[i].lo);
            x[i] -= take;
            residual += take;
        }
    }
    // Then move from low to high ROAS.
    let (mut d, mut r) = (0usize, order.len().saturating_sub(1));
    while d < r {
        let (donor, receiver) = (order[d], order[r]);
        if roas[donor] >= roas[receiver] {
            break;
        }
        let amount = (x[donor] - lines[donor].lo).min(lines[receiver].hi - x[receiver]);
        x[donor] -= amount;
        x[receiver] += amount;
        if x[donor] == lines[donor].lo {
            d += 1;
        }
        if x[receiver] == lines[receiver].hi {
            r -= 1;
        }
    }
    x
}
