//! The `clearance` binary: parses arguments, dispatches to a subcommand and
//! maps the result to an exit code (0 ok, 1 data or input error, 2 usage
//! error — clap exits with 2 on bad usage by itself).

use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;

use clearance::cli::{Cli, Command};
use clearance::cmd::{self, Outcome};
use clearance::config;

/// mimalloc instead of the system allocator: a plan allocates and frees
/// tens of millions of small values on two threads (Cargo.toml says what
/// it measured).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn run(cli: Cli) -> Result<Outcome> {
    let globals = config::Globals::new(cli.lang, cli.quiet);
    match cli.command {
        Command::Policy(command) => cmd::policy::run(&config::policy_config(command, globals)?),
        Command::Validate(args) => cmd::validate::run(&config::validate_config(args, globals)?),
        Command::Plan(args) => cmd::plan::run(&config::plan_config(args, globals)?),
        Command::Verify { paths } => cmd::verify::run(&config::verify_config(paths, globals)),
        Command::Review(args) => cmd::review::run(&config::review_config(args, globals)?),
        Command::Confirm(args) => cmd::confirm::run(&config::confirm_config(args, globals)?),
        Command::Status(args) => cmd::status::run(&config::status_config(args, globals)),
        Command::Ledger(command) => cmd::ledger::run(&config::ledger_config(command, globals)),
        Command::Explain(args) => cmd::explain::run(&config::explain_config(args, globals)?),
        Command::Diff(args) => cmd::diff::run(&config::diff_config(args, globals)),
        Command::Completions { shell } => cmd::help::completions(shell),
        Command::Man { out } => cmd::help::man(out.as_deref()),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // A temporary folder that cannot take a workbook's sheets makes the
    // workbook writer panic: that is an input error to report, not a fault.
    match clearance::output::guard_temp_folder(|| run(cli)).and_then(|done| done) {
        Ok(outcome) => ExitCode::from(outcome.code()),
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(Outcome::DataError.code())
        }
    }
}
