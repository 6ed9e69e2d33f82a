//! `clearance validate`: show how each register was understood before
//! anything is planned (SPEC §1 step 2).
//!
//! Prints, per sheet, the header found, each column's field, the row counts
//! and the first problems; `--out` also writes `validation.xlsx` with every
//! problem and `canonical.csv`, every row as it was read. Problems in cells are findings, not failures: the command fails
//! (exit 1) only when a file cannot be read, and then writes nothing.

use std::fmt::Write as _;

use anyhow::Result;

use crate::config::ValidateConfig;
use crate::ingest::{self, ColumnTarget, Ingested, Problem, Severity, SheetReport};
use crate::output::{
    self,
    validation::{self, RejectedRow},
};
use crate::text::column_letters;

use super::Outcome;

/// Runs `validate`; prints the report to stdout and errors to stderr.
pub fn run(config: &ValidateConfig) -> Result<Outcome> {
    let input = &config.input;
    let progress = crate::progress::Progress::new(input.quiet, input.lang);
    progress.reading(input.files.len());
    let ingested = ingest::ingest(&input.files, &input.policy.vocabulary, &input.limits);
    progress.finish();
    let rejected = validation::rejected_rows(&ingested)?;
    print!("{}", render(&ingested, &rejected, config.show));
    for error in &ingested.errors {
        eprintln!("error: {error}");
    }
    if !ingested.errors.is_empty() {
        eprintln!(
            "{} of {} files could not be read; nothing was written.",
            ingested.errors.len(),
            input.files.len()
        );
        return Ok(Outcome::DataError);
    }
    if let Some(dir) = &config.out {
        let path = dir.join("validation.xlsx");
        validation::write(&path, &ingested, &rejected, input.lang)?;
        let csv = dir.join("canonical.csv");
        let table = ingested.table;
        output::write_csv_atomically(&table, &csv)?;
        println!("wrote {} and {}", path.display(), csv.display());
    }
    Ok(Outcome::Success)
}

/// The text report, one block per file and sheet, and a summary line.
pub fn render(ingested: &Ingested, rejected: &[RejectedRow], show: usize) -> String {
    let mut out = String::new();
    for file in &ingested.files {
        let _ = writeln!(
            out,
            "{} ({}, {} bytes, sha256 {})",
            file.path,
            file.format.name(),
            file.size,
            &file.sha256[..16]
        );
        for sheet in &file.sheets {
            let in_sheet = |f: &str, s: &str| f == file.path && s == sheet.sheet;
            let found = Found {
                problems: ingested
                    .problems
                    .iter()
                    .filter(|p| in_sheet(&p.file, &p.sheet))
                    .collect(),
                rejected: rejected
                    .iter()
                    .filter(|r| in_sheet(&r.file, &r.sheet))
                    .collect(),
            };
            render_sheet(&mut out, sheet, &found, show);
        }
    }
    render_summary(&mut out, ingested, rejected);
    out
}

/// The problems and rejected rows of one sheet.
struct Found<'a> {
    problems: Vec<&'a Problem>,
    rejected: Vec<&'a RejectedRow>,
}

/// One sheet's block: its header and columns, its row counts and notes,
/// and the first `show` problems and rejected rows.
fn render_sheet(out: &mut String, sheet: &SheetReport, found: &Found<'_>, show: usize) {
    let label = if sheet.sheet.is_empty() {
        String::from("  (csv)")
    } else {
        format!("  sheet \"{}\"", sheet.sheet)
    };
    let Some((first, last)) = sheet.header_rows else {
        render_unread(out, &label, sheet);
        return;
    };
    let rows = if first == last {
        format!("row {first}")
    } else {
        format!("rows {first}–{last}")
    };
    let _ = writeln!(out, "{label}: header at {rows}");
    render_columns(out, sheet);
    render_counts(out, sheet);
    render_problems(out, &found.problems, show);
    if !found.rejected.is_empty() {
        let _ = writeln!(
            out,
            "    rejected ({} of {}):",
            found.rejected.len().min(show),
            found.rejected.len()
        );
        for r in found.rejected.iter().take(show) {
            let _ = writeln!(out, "      row {:<7} {}", r.row, r.reason);
        }
    }
}

/// A sheet without a register header: why, and the rows left unread.
fn render_unread(out: &mut String, label: &str, sheet: &SheetReport) {
    let note = sheet.note.as_deref().unwrap_or("not read");
    if sheet.unread_rows > 0 {
        let _ = writeln!(
            out,
            "{label}: {note} — {} non-empty rows not read (add the column names to the policy's [aliases] if this is a register)",
            sheet.unread_rows
        );
    } else {
        let _ = writeln!(out, "{label}: {note}");
    }
}

/// Each column: its letter, its header and the field it was read into.
fn render_columns(out: &mut String, sheet: &SheetReport) {
    for c in &sheet.columns {
        let target = match &c.target {
            ColumnTarget::Field(f) => format!("→ {f}"),
            ColumnTarget::Kept(_) => match &c.note {
                Some(note) => format!("kept as is ({note})"),
                None => "kept as is".to_string(),
            },
        };
        let header = if c.header.is_empty() {
            "(no header)"
        } else {
            &c.header
        };
        let pad = 24usize.saturating_sub(output::display_width(header));
        let _ = writeln!(
            out,
            "    {:<4}{header}{:pad$} {target}",
            column_letters(c.index),
            ""
        );
    }
}

/// The sheet's row counts, its notes and the merged cells filled.
fn render_counts(out: &mut String, sheet: &SheetReport) {
    let _ = writeln!(
        out,
        "    {} data rows ({} rejected), {} skipped, {} above the header; {} non-empty rows counted, {}",
        sheet.data_rows,
        sheet.rejected_rows,
        sheet.skipped_rows,
        sheet.preamble_rows,
        sheet.nonempty_rows,
        if sheet.balances() {
            "all accounted for"
        } else {
            "NOT all accounted for"
        }
    );
    for note in &sheet.notes {
        let _ = writeln!(out, "    ! {note}");
    }
    if !sheet.merged_fills.is_empty() {
        let cols: Vec<String> = sheet
            .merged_fills
            .iter()
            .map(|(c, n)| format!("{} ×{n}", column_letters(*c)))
            .collect();
        let _ = writeln!(
            out,
            "    merged cells: {} blank cells took the value of a range merged down over them ({})",
            sheet.merged_fills.values().sum::<u64>(),
            cols.join(", ")
        );
    }
}

/// The first `show` problems of a sheet.
fn render_problems(out: &mut String, problems: &[&Problem], show: usize) {
    if problems.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "    problems ({} of {}):",
        problems.len().min(show),
        problems.len()
    );
    for p in problems.iter().take(show) {
        let effect = match p.severity {
            Severity::Review => "REVIEW",
            Severity::Anomaly => "anomaly",
        };
        let _ = writeln!(
            out,
            "      row {:<7} {}{} {:<18} \"{}\": {} [{}]",
            p.row,
            column_letters(p.column),
            p.row,
            p.field.key(),
            p.raw,
            p.message,
            effect
        );
        if !p.hint.is_empty() {
            let _ = writeln!(out, "        {}", p.hint);
        }
    }
}

/// The last line: files, data rows, rejected rows and problems.
fn render_summary(out: &mut String, ingested: &Ingested, rejected: &[RejectedRow]) {
    let data: u64 = ingested
        .files
        .iter()
        .flat_map(|f| &f.sheets)
        .map(|s| s.data_rows)
        .sum();
    let _ = writeln!(
        out,
        "{} files read, {} unreadable; {} data rows, {} rejected, {} problems.",
        ingested.files.len(),
        ingested.errors.len(),
        data,
        rejected.len(),
        ingested.problems.len()
    );
}
