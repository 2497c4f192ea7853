//! `markov_order auto`: choosing the order on held-out journeys.
//!
//! The journeys of every path row are split at random (seeded) into a training and a
//! held-out part: a row's whole conversions and nulls each go to the held-out part
//! one journey at a time with probability `holdout` (exactly binomially up to 1,000
//! journeys per row, by a normal approximation beyond; a fractional remainder goes to
//! one side as a whole), and the value follows the conversions. Orders 1 to 4 are fitted
//! on the training part. Each held-out journey is scored by the probability of
//! conversion given its path's final state `s` in the fitted chain,
//!
//! ```text
//! p̂(s) = (conversions leaving s + α p₀) / (journeys ending in s + α),   α = 1,
//! ```
//!
//! the observed rate at which journeys ending in `s` convert, shrunk towards the
//! overall training rate `p₀` (an m-estimate, so a state seen once does not predict
//! 0 or 1); a final state never seen as final in training gets `p₀`. The table reports
//! the held-out log-loss and AUC per order; the chosen order has the lowest log-loss
//! (ties go to the lower order).

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::channel::ChannelId;
use crate::error::{Error, Result};
use crate::holdout::split::held_out_count;
use crate::holdout::{Scored, auc, log_loss};
use crate::journeys::PathTable;
use crate::models::markov::chain::{Chain, MAX_ORDER, StateConvention};
use crate::param::Param;

/// Prior weight of the m-estimate.
const PRIOR_WEIGHT: f64 = 1.0;

/// One order's held-out scores.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OrderScore {
    /// The order.
    pub order: usize,
    /// Transient states of the chain fitted on the training part.
    pub states: usize,
    /// Journeys in the training part.
    pub train_journeys: f64,
    /// Journeys in the held-out part.
    pub test_journeys: f64,
    /// Held-out journeys whose final state was never a final state in training.
    pub unseen_final_states: f64,
    /// Held-out mean log-loss (lower is better).
    pub log_loss: Option<f64>,
    /// Held-out AUC.
    pub auc: Option<f64>,
    /// Whether this order was chosen.
    pub chosen: bool,
}

/// The training and held-out tables.
fn split(paths: &PathTable, share: f64, seed: u64) -> (PathTable, PathTable) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut train = PathTable::builder();
    let mut test = PathTable::builder();
    for name in paths.channels().names() {
        train.channels_mut().intern(name);
        test.channels_mut().intern(name);
    }
    for row in paths.rows() {
        let conv_test = held_out_count(row.conversions, share, &mut rng);
        let null_test = held_out_count(row.nulls, share, &mut rng);
        let value_test = if row.conversions > 0.0 {
            row.value * conv_test / row.conversions
        } else {
            0.0
        };
        let (conv_train, null_train) = (row.conversions - conv_test, row.nulls - null_test);
        if conv_train + null_train > 0.0 {
            train.push_ids(row.path, conv_train, row.value - value_test, null_train);
        }
        if conv_test + null_test > 0.0 {
            test.push_ids(row.path, conv_test, value_test, null_test);
        }
    }
    (train.finish(), test.finish())
}

/// The packed key of a path's final state (as [`Chain::build`] forms it).
fn final_state_key(
    path: &[ChannelId],
    order: usize,
    convention: StateConvention,
) -> Vec<Option<ChannelId>> {
    let take = order.min(path.len());
    let mut slots: Vec<Option<ChannelId>> =
        path[path.len() - take..].iter().map(|&c| Some(c)).collect();
    if convention == StateConvention::Padded && take < order {
        let mut padded = vec![None; order - take];
        padded.append(&mut slots);
        slots = padded;
    }
    slots
}

/// Scores orders 1..=4 on a seeded split.
pub(crate) fn score_orders(
    paths: &PathTable,
    convention: StateConvention,
    share: f64,
    seed: u64,
    max_states: usize,
    memory_limit: Option<u64>,
) -> Result<Vec<OrderScore>> {
    score(
        paths,
        1..=MAX_ORDER,
        convention,
        share,
        seed,
        max_states,
        memory_limit,
    )
}

/// Held-out scores of the given orders on one seeded split (the best is marked chosen).
pub(crate) fn score(
    paths: &PathTable,
    orders: std::ops::RangeInclusive<usize>,
    convention: StateConvention,
    share: f64,
    seed: u64,
    max_states: usize,
    memory_limit: Option<u64>,
) -> Result<Vec<OrderScore>> {
    let (train, test) = split(paths, share, seed);
    // Channel ids differ between the two tables: map test ids to train ids by name.
    let to_train: Vec<Option<ChannelId>> = test
        .channels()
        .names()
        .map(|n| train.channels().id(n))
        .collect();
    let p0 = {
        let (c, n) = (train.total_conversions(), train.total_nulls());
        if c + n > 0.0 { c / (c + n) } else { 0.0 }
    };
    let mut table = Vec::new();
    let lowest = *orders.start();
    for order in orders {
        let chain = match Chain::build(&train, order, convention, max_states, memory_limit) {
            Ok(chain) => chain,
            // Higher orders have more states: the candidates end at the bound.
            Err(Error::Unsupported { .. }) if order > lowest => break,
            Err(e) => return Err(e),
        };
        let mut final_rate: FxHashMap<Vec<Option<ChannelId>>, f64> = FxHashMap::default();
        for s in 1..chain.len() {
            let ends = chain.conv[s] + chain.null[s];
            if ends > 0.0 {
                let key = state_slots(&chain, s, order, convention);
                final_rate.insert(
                    key,
                    (chain.conv[s] + PRIOR_WEIGHT * p0) / (ends + PRIOR_WEIGHT),
                );
            }
        }
        let mut scored = Vec::with_capacity(test.len());
        let mut unseen = 0.0;
        for row in test.rows() {
            let mapped: Option<Vec<ChannelId>> =
                row.path.iter().map(|&c| to_train[c as usize]).collect();
            let p = mapped
                .and_then(|path| {
                    final_rate
                        .get(&final_state_key(&path, order, convention))
                        .copied()
                })
                .unwrap_or_else(|| {
                    unseen += row.conversions + row.nulls;
                    p0
                });
            scored.push(Scored {
                p,
                positives: row.conversions,
                negatives: row.nulls,
            });
        }
        table.push(OrderScore {
            order,
            states: chain.len(),
            train_journeys: train.total_conversions() + train.total_nulls(),
            test_journeys: test.total_conversions() + test.total_nulls(),
            unseen_final_states: unseen,
            log_loss: log_loss(&scored),
            auc: auc(&scored),
            chosen: false,
        });
    }
    let best = best_order(&table);
    for row in &mut table {
        row.chosen = row.order == best;
    }
    Ok(table)
}

/// A chain state's positions as optional channel ids (`None` = `(start)` padding).
fn state_slots(
    chain: &Chain,
    s: usize,
    order: usize,
    convention: StateConvention,
) -> Vec<Option<ChannelId>> {
    let channels: Vec<ChannelId> = chain.channels_of(s).collect();
    let mut slots: Vec<Option<ChannelId>> = channels.iter().map(|&c| Some(c)).collect();
    if convention == StateConvention::Padded && slots.len() < order {
        let mut padded = vec![None; order - slots.len()];
        padded.append(&mut slots);
        slots = padded;
    }
    slots
}

/// Which order `markov_order auto` chose and why, in one sentence: the held-out
/// log-loss of every order scored, and the orders left unscored (their chain would
/// pass `markov_max_states`) or the lack of held-out journeys that made it order 1.
pub(crate) fn explain(table: &[OrderScore]) -> String {
    let chosen = best_order(table);
    let auto = Param::MarkovOrder.mention();
    let scored: Vec<String> = table
        .iter()
        .filter_map(|r| r.log_loss.map(|l| format!("order {}: {l:.4}", r.order)))
        .collect();
    let test = table.first().map_or(0.0, |r| r.test_journeys);
    let mut text = if scored.is_empty() {
        format!(
            "{auto} auto chose order {chosen}: no held-out journey could be scored \
             ({test} held out; {} share), so the lowest order",
            Param::MarkovHoldout.mention()
        )
    } else {
        format!(
            "{auto} auto chose order {chosen}, the lowest held-out log-loss on {test} \
             held-out journeys ({}; ties go to the lower order)",
            scored.join(", ")
        )
    };
    let last = table.last().map_or(0, |r| r.order);
    if last < MAX_ORDER {
        text += &format!(
            "; orders {} to {MAX_ORDER} were not scored: their chains would pass {}",
            last + 1,
            Param::MarkovMaxStates.mention()
        );
    }
    text
}

/// The order with the lowest held-out log-loss (the lower order on ties; order 1 when
/// nothing could be scored).
pub(crate) fn best_order(table: &[OrderScore]) -> usize {
    table
        .iter()
        .filter_map(|r| r.log_loss.map(|l| (l, r.order)))
        .min_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
        .map_or(1, |(_, order)| order)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_preserves_totals_and_is_seeded() {
        let mut b = PathTable::builder();
        b.push(&["a", "b"], 500.0, 5000.0, 4000.5);
        b.push(&["b"], 3.0, 30.0, 7.0);
        let t = b.finish();
        let (train, test) = split(&t, 0.2, 7);
        assert!((train.total_conversions() + test.total_conversions() - 503.0).abs() < 1e-9);
        assert!((train.total_nulls() + test.total_nulls() - 4007.5).abs() < 1e-9);
        assert!((train.total_value() + test.total_value() - 5030.0).abs() < 1e-6);
        let share = test.total_nulls() / 4007.5;
        assert!((share - 0.2).abs() < 0.03, "{share}");
        let (train2, _) = split(&t, 0.2, 7);
        assert_eq!(train, train2);
    }

    #[test]
    fn second_order_wins_when_the_outcome_depends_on_the_previous_channel() {
        // a > c converts, b > c does not: order 1 cannot tell the two c's apart.
        let mut b = PathTable::builder();
        b.push(&["a", "c"], 900.0, 0.0, 100.0);
        b.push(&["b", "c"], 100.0, 0.0, 900.0);
        let table = score_orders(
            &b.finish(),
            StateConvention::Windows,
            0.2,
            1,
            usize::MAX,
            None,
        )
        .unwrap();
        assert_eq!(best_order(&table), 2);
        assert!(table[1].auc.unwrap() > table[0].auc.unwrap());
    }
}
