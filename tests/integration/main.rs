//! pathcredit's integration tests: one binary, one module per concern.

mod bad_input;
mod causal;
mod cli_golden;
mod common;
mod decide;
mod journey_builder;
mod logistic;
mod markov;
mod outputs;
mod properties;
mod readme;
mod shapley;
mod simulate;
