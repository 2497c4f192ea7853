//! pathcredit's integration tests: one binary, one module per concern.

mod aggregates;
mod bad_input;
mod bad_input_corpus;
mod causal;
mod cli_golden;
mod column_roles;
mod common;
mod decide;
mod first_use;
mod fuzz_inputs;
mod fuzz_readers;
mod hostile_names;
mod journey_builder;
mod limits;
mod logistic;
mod markov;
mod messages;
mod outputs;
mod properties;
mod readme;
mod report_scale;
mod run_files;
mod shapley;
mod silent_results;
mod simulate;
mod tables;
