//! The `pathcredit` command: parse arguments, run, turn errors into an exit code.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    cli::output::init();
    let args = cli::args::expand_column_flags(std::env::args_os());
    let parsed = cli::Cli::parse_from(args);
    let command = parsed.command_name();
    match cli::run(parsed) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) if cli::output::broken_pipe_seen() => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {}", cli::flags::render(&err, command));
            ExitCode::FAILURE
        }
    }
}
