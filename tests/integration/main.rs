//! pathcredit's integration tests: one binary, one module per concern.

mod aggregates;
mod bad_input;
mod bad_input_corpus;
mod causal;
mod cli_golden;
mod common;
mod decide;
mod fuzz_readers;
mod hostile_names;
mod journey_builder;
mod limits;
mod logistic;
mod markov;
mod outputs;
mod properties;
mod readme;
mod shapley;
mod simulate;
mod tables;
