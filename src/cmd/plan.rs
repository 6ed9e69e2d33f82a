//! `clearance plan`: the main job. Reads every register, decides one
//! disposition per holding, proves that rows in equal rows out, and writes
//! the run folder: plan.xlsx, decisions.csv, decisions.parquet and
//! skipped.csv (SPEC §1 step 3, §5, §6).
//!
//! A partial clearance plan is worse than none: if any input cannot be
//! read, or the reconciliation does not balance, nothing is written. The
//! run folder is built beside its destination and renamed into place, so it
//! appears complete or not at all; an existing one is replaced only with
//! `--force`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use polars::prelude::{Column, DataFrame, ParquetWriter};

use crate::config::PlanConfig;
use crate::ingest::{self, Ingested, SkippedRow};
use crate::output::plan_workbook::{self, PlanReport, Reconciled};
use crate::output::{self, write_atomically};
use crate::plan;
use crate::policy::Disposition;

use super::Outcome;

/// Runs `plan`.
pub fn run(config: &PlanConfig) -> Result<Outcome> {
    let input = &config.input;
    if config.out.exists() && !config.force {
        eprintln!(
            "error: {} already exists; use --force to replace it, or --out to choose another folder",
            config.out.display()
        );
        return Ok(Outcome::DataError);
    }
    let ingested = ingest::ingest(&input.files, &input.policy.vocabulary, &input.limits);
    if !ingested.errors.is_empty() {
        for error in &ingested.errors {
            eprintln!("error: {error}");
        }
        eprintln!(
            "plan stopped: {} of {} inputs could not be read; nothing was written.",
            ingested.errors.len(),
            input.files.len()
        );
        return Ok(Outcome::DataError);
    }
    let decisions = plan::plan(
        &ingested.table,
        &input.policy.plan,
        config.as_of,
        input.lang,
    )
    .context("planning")?;
    let reconciliation = reconcile(&ingested, &decisions)?;
    let unbalanced: Vec<&Reconciled> = reconciliation.iter().filter(|r| !r.balances()).collect();
    if !unbalanced.is_empty() {
        for r in unbalanced {
            eprintln!(
                "error: {} [{}]: {} data rows read but {} decided + {} rejected",
                r.file, r.sheet, r.read, r.decided, r.rejected
            );
        }
        eprintln!("plan stopped: the reconciliation does not balance; nothing was written.");
        return Ok(Outcome::DataError);
    }
    let report = PlanReport {
        decisions: &decisions,
        files: &ingested.files,
        skipped: &ingested.skipped,
        reconciliation: &reconciliation,
        policy: &input.policy,
        as_of: config.as_of,
        lang: input.lang,
    };
    let lists = crate::manifest::ListOptions {
        unit: input.policy.plan.unit_name.clone(),
        as_of: config.as_of,
        lang: input.lang,
        redact_titles: config.redact_titles,
        split_by_department: config.split_by_department,
    };
    write_run_folder(&config.out, &report, &lists)?;
    print!("{}", summary(config, &decisions)?);
    Ok(Outcome::Success)
}

/// Counts rows in and out per source file and sheet.
pub fn reconcile(ingested: &Ingested, decisions: &DataFrame) -> Result<Vec<Reconciled>> {
    let files = decisions.column("source_file")?.str()?;
    let sheets = decisions.column("source_sheet")?.str()?;
    let disposition = decisions.column("disposition")?.str()?;
    let mut out_counts: BTreeMap<(&str, &str), (u64, u64)> = BTreeMap::new();
    for ((f, s), d) in files.iter().zip(sheets.iter()).zip(disposition.iter()) {
        let slot = out_counts
            .entry((f.unwrap_or(""), s.unwrap_or("")))
            .or_default();
        if d == Some(Disposition::Rejected.code()) {
            slot.1 += 1;
        } else {
            slot.0 += 1;
        }
    }
    let mut out = Vec::new();
    for file in &ingested.files {
        for sheet in &file.sheets {
            if sheet.header_rows.is_none() {
                continue;
            }
            let (decided, rejected) = out_counts
                .remove(&(file.path.as_str(), sheet.sheet.as_str()))
                .unwrap_or_default();
            out.push(Reconciled {
                file: file.path.clone(),
                sheet: sheet.sheet.clone(),
                read: sheet.data_rows,
                decided,
                rejected,
                skipped: sheet.skipped_rows,
            });
        }
    }
    // Rows from a source no sheet report knows of cannot be accounted for.
    for ((file, sheet), (decided, rejected)) in out_counts {
        out.push(Reconciled {
            file: file.to_string(),
            sheet: sheet.to_string(),
            read: 0,
            decided,
            rejected,
            skipped: 0,
        });
    }
    Ok(out)
}

/// Writes skipped.csv.
fn write_skipped(path: &Path, skipped: &[SkippedRow]) -> Result<()> {
    let mut df = DataFrame::new(
        skipped.len(),
        vec![
            Column::new(
                "source_file".into(),
                skipped.iter().map(|s| s.file.as_str()).collect::<Vec<_>>(),
            ),
            Column::new(
                "source_sheet".into(),
                skipped.iter().map(|s| s.sheet.as_str()).collect::<Vec<_>>(),
            ),
            Column::new(
                "source_row".into(),
                skipped.iter().map(|s| s.row).collect::<Vec<_>>(),
            ),
            Column::new(
                "reason".into(),
                skipped
                    .iter()
                    .map(|s| s.reason.as_str())
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "rows".into(),
                skipped.iter().map(|s| s.rows).collect::<Vec<_>>(),
            ),
        ],
    )?;
    output::write_csv_atomically(&mut df, path)
}

/// Builds the run folder beside `out` and renames it into place.
fn write_run_folder(
    out: &Path,
    report: &PlanReport<'_>,
    lists: &crate::manifest::ListOptions,
) -> Result<()> {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    let staging = tempfile::Builder::new()
        .prefix(".clearance-run-")
        .tempdir_in(parent)
        .with_context(|| format!("creating a temporary folder in {}", parent.display()))?;
    let dir = staging.path();
    // The tables and the workbook are written at the same time: the
    // workbook is the slow part, and the machine has cores to spare.
    // The plan workbook is the slowest file; everything else is written on
    // the other core meanwhile.
    std::thread::scope(|scope| -> Result<()> {
        let others = scope.spawn(|| -> Result<()> {
            let mut decisions = report.decisions.clone();
            output::write_csv_atomically(&mut decisions, &dir.join("decisions.csv"))?;
            write_atomically(&dir.join("decisions.parquet"), |f| {
                ParquetWriter::new(f).finish(&mut decisions)?;
                Ok(())
            })?;
            write_skipped(&dir.join("skipped.csv"), report.skipped)?;
            crate::manifest::write_manifests(&dir.join("manifests"), report.decisions, lists)?;
            crate::manifest::write_lists(&dir.join("lists"), report.decisions, lists)?;
            Ok(())
        });
        let workbook = plan_workbook::write(&dir.join("plan.xlsx"), report);
        let others = others
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        workbook.and(others)
    })?;
    // Swap the finished folder in; an old one (with --force) goes only
    // after the new one is in place.
    let old = if out.exists() {
        let old = parent.join(format!(
            ".clearance-old-{}",
            out.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        ));
        if old.exists() {
            std::fs::remove_dir_all(&old).with_context(|| format!("removing {}", old.display()))?;
        }
        std::fs::rename(out, &old)
            .with_context(|| format!("moving the old {} aside", out.display()))?;
        Some(old)
    } else {
        None
    };
    for sub in [dir.to_path_buf(), dir.join("manifests"), dir.join("lists")] {
        output::set_readable(&sub, true)?;
    }
    let staged = staging.keep();
    std::fs::rename(&staged, out)
        .with_context(|| format!("moving the run folder to {}", out.display()))?;
    if let Some(old) = old {
        std::fs::remove_dir_all(&old).with_context(|| format!("removing {}", old.display()))?;
    }
    Ok(())
}

/// The lines printed after a plan.
fn summary(config: &PlanConfig, decisions: &DataFrame) -> Result<String> {
    let disposition = decisions.column("disposition")?.str()?;
    let anomalies = decisions.column("anomalies")?.str()?;
    let mut by_disposition: BTreeMap<&str, u64> = BTreeMap::new();
    for d in disposition.iter().flatten() {
        *by_disposition.entry(d).or_default() += 1;
    }
    let mut by_anomaly: BTreeMap<&str, u64> = BTreeMap::new();
    for codes in anomalies.iter().flatten() {
        for code in codes.split(';') {
            *by_anomaly.entry(code).or_default() += 1;
        }
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "plan as of {} for {} file(s): {} holdings",
        config.as_of,
        config.input.files.len(),
        decisions.height()
    );
    for d in Disposition::ALL {
        if let Some(n) = by_disposition.get(d.code()) {
            let _ = writeln!(out, "  {:<9} {n}", d.code());
        }
    }
    if !by_anomaly.is_empty() {
        let list: Vec<String> = by_anomaly.iter().map(|(c, n)| format!("{c} {n}")).collect();
        let _ = writeln!(out, "  anomalies: {}", list.join(", "));
    }
    if let Some(n) = by_anomaly.get("LOSS_SUSPECTED") {
        let _ = writeln!(
            out,
            "  ! {n} holding(s) with copies missing: report them at once (see the anomalies sheet)"
        );
    }
    let _ = writeln!(
        out,
        "wrote {} (plan.xlsx, decisions.csv, decisions.parquet, skipped.csv, manifests/, lists/)",
        config.out.display()
    );
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::guard::Format;
    use crate::ingest::{FileReport, SheetReport};

    fn ingested(data_rows: u64) -> Ingested {
        Ingested {
            table: DataFrame::empty(),
            files: vec![FileReport {
                path: "a.xlsx".into(),
                format: Format::Xlsx,
                sha256: String::new(),
                size: 0,
                sheets: vec![SheetReport {
                    sheet: "s".into(),
                    header_rows: Some((1, 1)),
                    data_rows,
                    skipped_rows: 4,
                    ..SheetReport::default()
                }],
            }],
            errors: Vec::new(),
            problems: Vec::new(),
            skipped: Vec::new(),
        }
    }

    fn decisions(dispositions: &[&str]) -> DataFrame {
        let n = dispositions.len();
        DataFrame::new(
            n,
            vec![
                Column::new("source_file".into(), vec!["a.xlsx"; n]),
                Column::new("source_sheet".into(), vec!["s"; n]),
                Column::new("disposition".into(), dispositions.to_vec()),
            ],
        )
        .unwrap()
    }

    #[test]
    fn reconciliation_balances_when_every_row_is_accounted_for() {
        let r = reconcile(&ingested(3), &decisions(&["DESTROY", "REJECTED", "KEEP"])).unwrap();
        assert_eq!(
            r,
            [Reconciled {
                file: "a.xlsx".into(),
                sheet: "s".into(),
                read: 3,
                decided: 2,
                rejected: 1,
                skipped: 4
            }]
        );
        assert!(r[0].balances());
    }

    #[test]
    fn reconciliation_fails_when_a_row_is_lost_or_invented() {
        let lost = reconcile(&ingested(4), &decisions(&["DESTROY", "REJECTED", "KEEP"])).unwrap();
        assert!(!lost[0].balances());
        let invented = reconcile(&ingested(1), &decisions(&["DESTROY", "KEEP"])).unwrap();
        assert!(!invented[0].balances());
        // Rows from a source no sheet report knows are unaccounted for.
        let mut stray = decisions(&["DESTROY"]);
        stray
            .with_column(Column::new("source_sheet".into(), ["other"]))
            .unwrap();
        let r = reconcile(&ingested(0), &stray).unwrap();
        assert!(r.iter().any(|x| x.sheet == "other" && !x.balances()));
    }
}
