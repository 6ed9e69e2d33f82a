//! `clearance completions` and `clearance man`: shell completions and
//! manual pages, generated from the same clap definitions as `--help`, so
//! that they never disagree with it.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use clap::CommandFactory;

use crate::cli::Cli;

use super::Outcome;

/// Prints the completion script for `shell`.
pub fn completions(shell: clap_complete::Shell) -> Result<Outcome> {
    let mut command = Cli::command();
    clap_complete::generate(shell, &mut command, "clearance", &mut std::io::stdout());
    Ok(Outcome::Success)
}

/// Prints the manual page, or writes `clearance.1` and one page per
/// command (`clearance-plan.1` …) into `out`.
pub fn man(out: Option<&Path>) -> Result<Outcome> {
    let command = Cli::command();
    match out {
        None => {
            let mut bytes = Vec::new();
            clap_mangen::Man::new(command).render(&mut bytes)?;
            std::io::stdout().write_all(&bytes)?;
        }
        Some(dir) => {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            clap_mangen::generate_to(command, dir)
                .with_context(|| format!("writing the manual pages into {}", dir.display()))?;
            println!("wrote the manual pages into {}", dir.display());
        }
    }
    Ok(Outcome::Success)
}
