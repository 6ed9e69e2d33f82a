//! `clearance policy check` and `clearance policy init`: the policy file an
//! office edits instead of the program.
//!
//! This command takes the raw subcommand: it has no flags to validate
//! beyond its file name, and the policy itself is what it checks.

use anyhow::{Context, Result, bail};

use crate::cli::PolicyCommand;
use crate::policy::{DEFAULT_POLICY, Policy};

use super::Outcome;

/// Runs `policy check` or `policy init`.
pub fn run(command: PolicyCommand) -> Result<Outcome> {
    match command {
        PolicyCommand::Check { file } => {
            let policy = Policy::load(&file)?;
            for warning in &policy.plan.warnings {
                println!("warning: {}: {warning}", file.display());
            }
            for notice in &policy.plan.notices {
                println!("note: {}: {notice}", file.display());
            }
            let cases: usize = policy.plan.rules.iter().map(|r| r.cases.len()).sum();
            println!(
                "{}: ok — {} aliases' fields, {} rules ({} cases), {} schedule entries{}",
                file.display(),
                crate::fields::Field::ALL.len(),
                policy.plan.rules.len(),
                cases,
                policy.plan.schedule.len(),
                if policy.plan.warnings.is_empty() {
                    String::new()
                } else {
                    format!(", {} warnings", policy.plan.warnings.len())
                }
            );
            Ok(if policy.plan.warnings.is_empty() {
                Outcome::Success
            } else {
                Outcome::DataError
            })
        }
        PolicyCommand::Init { path, force } => {
            if path.exists() && !force {
                bail!("{} exists; use --force to overwrite it", path.display());
            }
            crate::output::write_atomically(&path, |f| {
                Ok(std::io::Write::write_all(f, DEFAULT_POLICY.as_bytes())?)
            })
            .with_context(|| format!("writing {}", path.display()))?;
            println!("wrote the default policy to {}", path.display());
            Ok(Outcome::Success)
        }
    }
}
