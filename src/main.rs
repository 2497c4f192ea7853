//! The `pathcredit` command: parse arguments, run, turn errors into an exit code.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    // Before anything runs in parallel: at most one worker thread per core.
    pathcredit::threads::bound_global_pool();
    cli::output::init();
    let args = cli::args::expand_column_flags(std::env::args_os());
    let parsed = match cli::Cli::try_parse_args(args) {
        Ok(parsed) => parsed,
        // Usage errors echo what was typed: shown with control characters escaped.
        Err(e) if e.use_stderr() => {
            eprint!("{}", pathcredit::text::for_terminal(&e.to_string()));
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
        Err(e) => e.exit(),
    };
    let command = parsed.command_name();
    match cli::run(parsed) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) if cli::output::broken_pipe_seen() => ExitCode::SUCCESS,
        Err(err) => {
            let message = cli::flags::render(&err, command);
            eprintln!("error: {}", pathcredit::text::for_terminal(&message));
            ExitCode::FAILURE
        }
    }
}
