//! `clearance ledger verify|show`: checks the ledger's hash chain (exit 0
//! when intact, 1 with every finding when not) or lists its entries.

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::cli::LedgerCommand;
use crate::ledger::{self, DEFAULT_LEDGER, Entry};

use super::Outcome;

/// Runs `ledger verify` or `ledger show`.
pub fn run(command: LedgerCommand) -> Result<Outcome> {
    let or_default = |file: Option<PathBuf>| file.unwrap_or_else(|| PathBuf::from(DEFAULT_LEDGER));
    match command {
        LedgerCommand::Verify { file } => verify(&or_default(file)),
        LedgerCommand::Show { file } => show(&or_default(file)),
    }
}

/// Prints "FILE: N entries, chain intact" (and the last entry, to note
/// elsewhere), or every finding.
fn verify(path: &Path) -> Result<Outcome> {
    let v = ledger::verify(path)?;
    let entries = plural(v.entries, "entry", "entries");
    if v.intact() {
        println!("{}: {entries}, chain intact", path.display());
        if let Some((seq, hash)) = &v.last {
            println!("  last entry: seq {seq}, hash {hash}");
        }
        return Ok(Outcome::Success);
    }
    println!(
        "{}: {entries}, CHAIN BROKEN — {}:",
        path.display(),
        plural(v.findings.len(), "problem", "problems")
    );
    for finding in &v.findings {
        println!("  {finding}");
    }
    Ok(Outcome::DataError)
}

/// Prints one line per entry: seq, kind, batch, date, site, items, the
/// first 12 hex digits of its hash.
fn show(path: &Path) -> Result<Outcome> {
    if !path.exists() {
        // `read` takes an absent file for an empty ledger; a person asking
        // to see one more likely mistyped its name.
        return Err(ledger::LedgerError::Missing {
            path: path.to_path_buf(),
        }
        .into());
    }
    let entries = match ledger::read(path) {
        Ok(entries) => entries,
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!(
                "`clearance ledger verify {}` names every problem",
                path.display()
            );
            return Ok(Outcome::DataError);
        }
    };
    if entries.is_empty() {
        println!("{}: no entries", path.display());
    }
    for line in table(&entries) {
        println!("{line}");
    }
    Ok(Outcome::Success)
}

/// The lines `show` prints, columns aligned.
fn table(entries: &[Entry]) -> Vec<String> {
    let width = |f: &dyn Fn(&Entry) -> usize| entries.iter().map(f).max().unwrap_or(0);
    let seq_w = width(&|e| e.seq.to_string().len());
    let kind_w = width(&|e| e.kind.code().len());
    let batch_w = width(&|e| display_width(&e.batch));
    let date_w = width(&|e| display_width(&e.date));
    let site_w = width(&|e| display_width(&e.site));
    let items_w = width(&|e| items(e).len());
    entries
        .iter()
        .map(|e| {
            format!(
                "{:>seq_w$}  {:<kind_w$}  {}  {}  {}  {:<items_w$}  {}",
                e.seq,
                e.kind.code(),
                pad(&e.batch, batch_w),
                pad(&e.date, date_w),
                pad(&e.site, site_w),
                items(e),
                e.hash.get(..12).unwrap_or(&e.hash),
            )
        })
        .collect()
}

/// "3 items", "1 item".
fn items(e: &Entry) -> String {
    plural(e.items.len(), "item", "items")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Text padded with spaces to `width` terminal columns.
fn pad(text: &str, width: usize) -> String {
    let fill = width.saturating_sub(display_width(text));
    format!("{text}{}", " ".repeat(fill))
}

/// Terminal columns of text: CJK and full-width characters take two.
fn display_width(text: &str) -> usize {
    text.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0x303E
            | 0x3041..=0x33FF
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xA000..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6
            | 0x20000..=0x3FFFD => 2,
            _ => 1,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_text_takes_two_columns() {
        assert_eq!(display_width("本单位销毁点"), 12);
        assert_eq!(display_width("Site A"), 6);
        assert_eq!(pad("机要室", 8), "机要室  ");
    }
}
