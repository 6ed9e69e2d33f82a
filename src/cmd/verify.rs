//! `clearance verify PATH...`: reports, line by line, any item of a
//! manifest changed, added or removed since it was issued. Exit 0 when every
//! manifest is intact, 1 when any is not (or cannot be read).

use std::path::PathBuf;

use anyhow::Result;

use crate::manifest::verify;

use super::Outcome;

/// Runs `verify` on files and folders.
pub fn run(paths: &[PathBuf]) -> Result<Outcome> {
    let files = verify::collect(paths)?;
    let mut outcome = Outcome::Success;
    for file in files {
        match verify::verify_file(&file) {
            Ok(v) if v.intact() => {
                let scope = if v.index == verify::IndexCheck::Absent {
                    " (internal consistency only: no index.csv beside it to compare the digest with)"
                } else {
                    ""
                };
                println!(
                    "{}: intact — batch {}, {} lines{scope}",
                    v.path.display(),
                    v.batch,
                    v.lines
                );
            }
            Ok(v) => {
                outcome = Outcome::DataError;
                println!(
                    "{}: CHANGED since issue — batch {}",
                    v.path.display(),
                    v.batch
                );
                for f in &v.findings {
                    println!("  {f}");
                }
            }
            Err(e) => {
                outcome = Outcome::DataError;
                eprintln!("error: {e:#}");
            }
        }
    }
    Ok(outcome)
}
