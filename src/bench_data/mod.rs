//! Seeded synthetic data for benchmarks and scale tests: path summaries
//! ([`PathSynth`]) and raw event logs with identity edges ([`EventSynth`]).
//!
//! Both have realistic shape (short paths dominate, conversion rates of a few percent,
//! people on several devices) but no causal meaning: they measure speed, not accuracy.
//! Streams are ChaCha8 from a seed, so a seed gives the same data on every machine.

mod events;
mod paths;

pub use events::{EventSynth, EventSynthCounts};
pub use paths::PathSynth;
