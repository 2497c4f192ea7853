//! One chunk of simulated people at a time: each person's events drawn and written, and
//! their part of the exact truth (the coalition values and the response curves).

use std::io::Write;

use crate::models::shapley::shapley_from_table;
use crate::time::{DAY, Millis, format_timestamp};

use super::rng::Purpose;
use super::world::{Engine, Happening, TouchChannel};
use super::*;

/// Everything one chunk of units produced.
#[derive(Default)]
pub(super) struct ChunkOut {
    pub(super) events: Vec<u8>,
    pub(super) identities: Vec<u8>,
    pub(super) rows: u64,
    pub(super) edges: u64,
    pub(super) exposures: Vec<u64>,
    pub(super) conversions: f64,
    pub(super) none: f64,
    pub(super) delta: Vec<f64>,
    pub(super) shapley: Vec<f64>,
    /// Per channel, `Σ_u E[conv_u(all) − conv_u(all ∖ c)]` (with a spend plan only).
    pub(super) expected_delta: Vec<f64>,
    /// Per channel, its exposures' summed frequency weights (with frequency decay only).
    pub(super) weighted: Vec<f64>,
    /// Per experiment: units, Σ conversions, Σ conversions², treated then held out.
    pub(super) experiments: Vec<[f64; 6]>,
}

impl ChunkOut {
    /// Nothing yet, for `channels` channels and `experiments` experiments.
    pub(super) fn zeroed(channels: usize, experiments: usize) -> Self {
        ChunkOut {
            exposures: vec![0; channels],
            delta: vec![0.0; channels],
            shapley: vec![0.0; channels],
            expected_delta: vec![0.0; channels],
            weighted: vec![0.0; channels],
            experiments: vec![[0.0; 6]; experiments],
            ..ChunkOut::default()
        }
    }
}

impl SimParams {
    pub(super) fn chunk(&self, engine: &Engine<'_>, units: std::ops::Range<usize>) -> ChunkOut {
        let n = self.scenario.channels.len();
        let all = if n == 64 { u64::MAX } else { (1u64 << n) - 1 };
        let mut out = ChunkOut::zeroed(n, self.scenario.experiments.len());
        let mut happenings = Vec::new();
        // With a spend plan, the observed life records its hazard for the response.
        let mut probe = engine.spend.as_ref().map(|_| world::Probe {
            channels: engine.channels_separate(),
            ..world::Probe::default()
        });
        for unit in units {
            let mut draws = engine.prepare(unit as u64);
            // Units held out of an experiment never see its channel.
            let mut held = 0u64;
            for &c in &self.scenario.experiments {
                if engine
                    .draws
                    .uniform(unit as u64, 0, Purpose::Holdout, c as u64)
                    < self.scenario.holdout_share
                {
                    held |= 1 << c;
                }
            }
            draws.reach &= !held;
            let active = all & !held;
            happenings.clear();
            let conv = match probe.as_mut() {
                None => engine.run(&draws, active, Some(&mut |h| happenings.push(h))),
                Some(p) => engine.run_probed(&draws, active, Some(&mut |h| happenings.push(h)), p),
            };
            out.conversions += f64::from(conv);
            for (e, &c) in out.experiments.iter_mut().zip(&self.scenario.experiments) {
                let at = if held >> c & 1 == 1 { 3 } else { 0 };
                let y = f64::from(conv);
                e[at] += 1.0;
                e[at + 1] += y;
                e[at + 2] += y * y;
            }
            for h in &happenings {
                if let Happening::Touch {
                    channel: TouchChannel::Paid(c),
                    ..
                } = h
                {
                    out.exposures[*c] += 1;
                }
            }
            if let Some(schedule) = &engine.spend {
                response::add_weights(schedule, engine.start(), &happenings, &mut out.weighted);
            }
            self.write_unit(engine, unit as u64, &happenings, &mut out);
            self.truth_of_unit(engine, &draws, f64::from(conv), &mut out);
            if let Some(p) = &probe {
                Self::response_of_unit(engine, &draws, active, p, &mut out);
            }
        }
        out
    }

    /// Adds unit `unit`'s incremental conversions and Shapley values over the channels
    /// that reach it.
    pub(super) fn truth_of_unit(
        &self,
        engine: &Engine<'_>,
        draws: &world::UnitDraws,
        conv_all: f64,
        out: &mut ChunkOut,
    ) {
        let unit = draws.unit;
        let reach = draws.reach;
        let members: Vec<usize> = (0..64).filter(|&c| reach >> c & 1 == 1).collect();
        let k = members.len();
        let mask_of = |sub: usize| {
            members
                .iter()
                .enumerate()
                .fold(0u64, |m, (i, &c)| m | (u64::from(sub >> i & 1 == 1) << c))
        };
        if k == 0 {
            out.none += conv_all;
            return;
        }
        // With every effect non-negative, a unit's hazard on each day can only fall as
        // channels are removed (by induction over the days: no conversion, no satiation),
        // so a unit that never converts with every channel never converts in any world:
        // it adds nothing to the truth, and its 2^k worlds need not be lived.
        if conv_all == 0.0 && self.scenario.effects_non_negative() {
            return;
        }
        if k <= self.truth.exact_reach {
            let mut table = vec![0.0; 1 << k];
            for (sub, v) in table.iter_mut().enumerate() {
                *v = if sub == (1 << k) - 1 {
                    conv_all
                } else {
                    f64::from(engine.run(draws, mask_of(sub), None))
                };
            }
            out.none += table[0];
            let full = (1 << k) - 1;
            for (i, &c) in members.iter().enumerate() {
                out.delta[c] += table[full] - table[full ^ (1 << i)];
            }
            for (i, phi) in shapley_from_table(&table, k).into_iter().enumerate() {
                out.shapley[members[i]] += phi;
            }
        } else {
            // A unit reached by many channels: Δ exactly, Shapley by random orders of its
            // own channels (seeded by the unit).
            out.none += f64::from(engine.run(draws, 0, None));
            let all = mask_of((1 << k) - 1);
            for &c in &members {
                out.delta[c] += conv_all - f64::from(engine.run(draws, all & !(1 << c), None));
            }
            let mut order: Vec<usize> = (0..k).collect();
            let orders = self.truth.permutations.max(1);
            for s in 0..orders {
                for i in (1..k).rev() {
                    let j = (engine.draws.bits(unit, s, Purpose::Account, i as u64)
                        % (i as u64 + 1)) as usize;
                    order.swap(i, j);
                }
                let mut mask = 0u64;
                let mut prev = f64::from(engine.run(draws, 0, None));
                for &i in &order {
                    mask |= 1 << members[i];
                    let v = f64::from(engine.run(draws, mask, None));
                    out.shapley[members[i]] += (v - prev) / orders as f64;
                    prev = v;
                }
            }
        }
    }

    /// Adds the unit's expected incremental conversions of each channel that reaches it,
    /// `E[conv(active) − conv(active ∖ c)]` over its conversion draws, `Σ_d (1 − e^(−H_d))`
    /// in each world. `probe` holds the observed life's daily hazards; when the channels'
    /// terms are separate ([`Engine::channels_separate`]) it holds each channel's part
    /// `A_dc` too, and the world without `c` has the hazards `H_d − A_dc`, so its
    /// difference is `Σ_d e^(−H_d) (e^(A_dc) − 1)` with no life lived again; otherwise
    /// each world without a channel is lived.
    pub(super) fn response_of_unit(
        engine: &Engine<'_>,
        draws: &world::UnitDraws,
        active: u64,
        probe: &world::Probe,
        out: &mut ChunkOut,
    ) {
        let reach = draws.reach & active;
        if reach == 0 {
            return;
        }
        let n = out.expected_delta.len();
        if probe.channels {
            for (h, parts) in probe.hazard.iter().zip(probe.by_channel.chunks(n)) {
                let survive = (-h).exp();
                for (c, (delta, part)) in out.expected_delta.iter_mut().zip(parts).enumerate() {
                    if reach >> c & 1 == 1 && *part > 0.0 {
                        *delta += survive * part.exp_m1();
                    }
                }
            }
            return;
        }
        let all = probe.expected();
        for (c, delta) in out.expected_delta.iter_mut().enumerate() {
            if reach >> c & 1 == 1 {
                *delta += all - engine.expected(draws, active & !(1 << c));
            }
        }
    }

    /// Writes a unit's events (and its identity edges) in the events format.
    pub(super) fn write_unit(
        &self,
        engine: &Engine<'_>,
        unit: u64,
        happenings: &[Happening],
        out: &mut ChunkOut,
    ) {
        let sc = &self.scenario;
        let b2b = sc.max_contacts > 0;
        let days = i64::from(sc.days);
        let contacts = engine.contacts(unit);
        for k in 0..contacts {
            let who = unit * 64 + k as u64;
            let person = if b2b {
                format!("u{unit}_{k}")
            } else {
                format!("u{unit}")
            };
            let devices: Vec<String> = (0..1 + engine.draws.bits(who, 0, Purpose::Device, 99) % 3)
                .map(|d| {
                    format!(
                        "{:012x}",
                        engine.draws.bits(who, 0, Purpose::Device, d) & 0xffff_ffff_ffff
                    )
                })
                .collect();
            // Logs in on a random day (30% never), and at its first conversion at the latest.
            let mut login = if engine.draws.uniform(who, 0, Purpose::Login, 0) < 0.7 {
                (engine.draws.uniform(who, 0, Purpose::Login, 1) * days as f64) as i64
            } else {
                i64::MAX
            };
            let day_of = |t: Millis| (t - engine.start()).div_euclid(DAY);
            for h in happenings {
                if let Happening::Conversion { contact, time, .. } = h
                    && *contact == k
                {
                    login = login.min(day_of(*time));
                }
            }
            let account = if b2b {
                format!("acct{unit}")
            } else {
                String::new()
            };
            for (e, h) in happenings.iter().enumerate() {
                let (contact, time) = match h {
                    Happening::Touch { contact, time, .. }
                    | Happening::Conversion { contact, time, .. }
                    | Happening::Milestone { contact, time, .. } => (*contact, *time),
                };
                if contact != k {
                    continue;
                }
                let logged_in = day_of(time) >= login;
                let user = match h {
                    Happening::Touch { .. } if !logged_in => {
                        &devices[(engine.draws.bits(who, e as u64, Purpose::Device, 7)
                            % devices.len() as u64) as usize]
                    }
                    _ => &person,
                };
                let (event, channel, campaign, value) = match h {
                    Happening::Touch { channel, .. } => {
                        let (name, campaign) = match channel {
                            TouchChannel::Paid(c) => {
                                let name = &sc.channels[*c].name;
                                let v = engine.draws.bits(who, e as u64, Purpose::Campaign, 0) % 2;
                                (
                                    name.as_str(),
                                    format!(
                                        "{name}_{}",
                                        ["prospecting", "retargeting"][v as usize]
                                    ),
                                )
                            }
                            TouchChannel::Organic => ("organic_search", String::new()),
                            TouchChannel::Direct => ("direct", String::new()),
                        };
                        ("touch", name, campaign, String::new())
                    }
                    Happening::Conversion { value, .. } => (
                        if b2b { "closed_won" } else { "conversion" },
                        "",
                        String::new(),
                        format!("{value:.2}"),
                    ),
                    Happening::Milestone { name, .. } => (*name, "", String::new(), String::new()),
                };
                let _ = writeln!(
                    out.events,
                    "{},{user},{event},{channel},{campaign},{value},{account}",
                    format_timestamp(time)
                );
                out.rows += 1;
            }
            if login != i64::MAX {
                for d in &devices {
                    let _ = writeln!(out.identities, "{d},{person}");
                    out.edges += 1;
                }
            }
        }
    }
}
