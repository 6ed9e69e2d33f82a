//! `clearance diff`: what changed between two run folders (being written).

use anyhow::Result;

use crate::config::DiffConfig;

use super::Outcome;

/// Runs `diff`.
pub fn run(config: &DiffConfig) -> Result<Outcome> {
    anyhow::bail!(
        "diff {} {}: not written yet",
        config.old.display(),
        config.new.display()
    )
}
