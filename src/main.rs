//! The `pathcredit` command: parse arguments, run, turn errors into an exit code.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::args::expand_column_flags(std::env::args_os());
    let parsed = cli::Cli::parse_from(args);
    let command = parsed.command_name();
    match cli::run(parsed) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if cli::output::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {}", cli::flags::render(&err, command));
            ExitCode::FAILURE
        }
    }
}
