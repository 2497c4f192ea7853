//! A channel's exposures split by their frequency rank within a person and period.
//!
//! The window is the spend series' period (a week, or a day): the plan moves spend per
//! period and the exposures curve `E(x)` counts a period's exposures, so the split that
//! composes with it is the one within the same period (ad platforms cap frequency per
//! day or week for the same reason). A person's exposures to channel `c` in period `p`
//! are ranked by time (by day, then in file order within a day): the first is the
//! person's *reach* exposure, the second and later *frequency* exposures. Per period:
//! `R₁` people reached (= exposures of rank 1), `R₂` people with at least two exposures
//! (= exposures of rank 2), and `E − R₁ − R₂` exposures of rank 3 or more.

/// A person's exposures to one channel in one period: `(person, period, count)`, the
/// period counted from the series' first (−1: the period before it, for carryover).
pub type PersonPeriod = (u32, i32, u32);

/// The person-period counts of one channel's touches (`(person, day)`, sorted), over
/// periods −1 to `periods − 1` of `step_days` days from `start_day`; touches outside
/// them are left out. Sorted by person, then period.
pub fn person_periods(
    touches: &[(u32, i64)],
    start_day: i64,
    step_days: i64,
    periods: usize,
) -> Vec<PersonPeriod> {
    let mut out: Vec<PersonPeriod> = Vec::new();
    for &(person, day) in touches {
        let p = (day - start_day).div_euclid(step_days);
        if p < -1 || p >= periods as i64 {
            continue;
        }
        let p = p as i32;
        match out.last_mut() {
            Some(last) if last.0 == person && last.1 == p => last.2 += 1,
            _ => out.push((person, p, 1)),
        }
    }
    out
}

/// Exposures per period split by rank: `exposures[p]`, `reach[p]` (`R₁`, people with
/// ≥ 1) and `repeat[p]` (`R₂`, people with ≥ 2), periods 0 to `periods − 1`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RankSplit {
    /// Exposures in each period.
    pub exposures: Vec<f64>,
    /// People reached at least once in each period.
    pub reach: Vec<f64>,
    /// People reached at least twice in each period.
    pub repeat: Vec<f64>,
}

impl RankSplit {
    /// The split of `counts` ([`person_periods`]) over `periods` periods.
    pub fn of(counts: &[PersonPeriod], periods: usize) -> RankSplit {
        let mut s = RankSplit {
            exposures: vec![0.0; periods],
            reach: vec![0.0; periods],
            repeat: vec![0.0; periods],
        };
        for &(_, p, n) in counts {
            if p < 0 {
                continue;
            }
            let p = p as usize;
            s.exposures[p] += f64::from(n);
            s.reach[p] += 1.0;
            if n >= 2 {
                s.repeat[p] += 1.0;
            }
        }
        s
    }

    /// Exposures of rank 1, 2 and 3 or more over all periods.
    pub fn by_rank(&self) -> [f64; 3] {
        let e: f64 = self.exposures.iter().sum();
        let r1: f64 = self.reach.iter().sum();
        let r2: f64 = self.repeat.iter().sum();
        [r1, r2, e - r1 - r2]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hand-counted: person 1 sees the channel three times in week 0 and once in week 1,
    /// person 2 twice in week 0; a touch the week before the series is period −1, one
    /// after it is left out.
    #[test]
    fn ranks_are_counted_within_person_and_period() {
        let touches = [
            (1, 100),
            (1, 101),
            (1, 101),
            (1, 108),
            (2, 95),
            (2, 102),
            (2, 106),
            (3, 200),
        ];
        let counts = person_periods(&touches, 100, 7, 2);
        assert_eq!(counts, [(1, 0, 3), (1, 1, 1), (2, -1, 1), (2, 0, 2)]);
        let split = RankSplit::of(&counts, 2);
        assert_eq!(split.exposures, [5.0, 1.0]);
        assert_eq!(split.reach, [2.0, 1.0]);
        assert_eq!(split.repeat, [2.0, 0.0]);
        assert_eq!(split.by_rank(), [3.0, 2.0, 1.0]);
    }
}
