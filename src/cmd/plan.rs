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
use crate::ingest::{self, SkippedRow};
use crate::output::plan_workbook::{self, PlanReport};
use crate::output::{self, write_atomically};
use crate::plan;
use crate::policy::Disposition;
use crate::run_folder::{self, Reconciled};

use super::Outcome;

/// Runs `plan`.
pub fn run(config: &PlanConfig) -> Result<Outcome> {
    let input = &config.input;
    if let Err(e) = run_folder::check_destination(&config.out, config.force) {
        eprintln!("error: {e:#}");
        return Ok(Outcome::DataError);
    }
    let ingested = ingest::ingest(&input.files, &input.policy.vocabulary, &input.limits);
    if !ingested.errors.is_empty() {
        report_unread(&ingested, input.files.len());
        return Ok(Outcome::DataError);
    }
    let decisions = plan::plan(
        &ingested.table,
        &input.policy.plan,
        config.as_of,
        input.lang,
    )
    .context("planning")?;
    let reconciliation = run_folder::reconcile(&ingested, &decisions)?;
    if !reconciliation.iter().all(Reconciled::balances) {
        report_unbalanced(&reconciliation);
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
    let lists = list_options(config, &ingested);
    run_folder::build(&config.out, |dir| write_outputs(dir, &report, &lists))?;
    print!("{}", summary(config, &decisions, &reconciliation)?);
    Ok(Outcome::Success)
}

/// Says which inputs could not be read, and that nothing was written.
fn report_unread(ingested: &ingest::Ingested, inputs: usize) {
    for error in &ingested.errors {
        eprintln!("error: {error}");
    }
    eprintln!(
        "plan stopped: {} of {} inputs could not be read; nothing was written.",
        ingested.errors.len(),
        inputs
    );
}

/// Says which sheets do not balance, and that nothing was written.
fn report_unbalanced(reconciliation: &[Reconciled]) {
    for r in reconciliation.iter().filter(|r| !r.balances()) {
        eprintln!(
            "error: {} [{}]: {} non-empty rows counted; {} above the header + {} header + {} data + {} skipped + {} not read; {} data rows read but {} decided + {} rejected",
            r.file,
            r.sheet,
            r.counted,
            r.above_header,
            r.header,
            r.read,
            r.skipped,
            r.not_read,
            r.read,
            r.decided,
            r.rejected
        );
    }
    eprintln!("plan stopped: the reconciliation does not balance; nothing was written.");
}

/// What the manifests and lists are written with.
fn list_options(config: &PlanConfig, ingested: &ingest::Ingested) -> crate::manifest::ListOptions {
    crate::manifest::ListOptions {
        unit: config.input.policy.plan.unit_name.clone(),
        as_of: config.as_of,
        lang: config.input.lang,
        redact_titles: config.redact_titles,
        split_by_department: config.split_by_department,
        title_key: crate::manifest::title_key(&ingested.files),
    }
}

/// Writes skipped.csv.
fn write_skipped(path: &Path, skipped: &[SkippedRow]) -> Result<()> {
    let df = DataFrame::new(
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
    output::write_csv_atomically(&df, path)
}

/// Writes every file of the run folder into `dir`. The plan workbook is the
/// slowest file; everything else is written on the other core meanwhile.
fn write_outputs(
    dir: &Path,
    report: &PlanReport<'_>,
    lists: &crate::manifest::ListOptions,
) -> Result<()> {
    std::thread::scope(|scope| -> Result<()> {
        let others = scope.spawn(|| -> Result<()> {
            output::write_csv_atomically(report.decisions, &dir.join("decisions.csv"))?;
            let mut decisions = report.decisions.clone();
            write_atomically(&dir.join("decisions.parquet"), |f| {
                ParquetWriter::new(f).finish(&mut decisions)?;
                Ok(())
            })?;
            write_skipped(&dir.join("skipped.csv"), report.skipped)?;
            crate::manifest::write_manifests(&dir.join("manifests"), report.decisions, lists)?;
            crate::lists::write_lists(&dir.join("lists"), report.decisions, lists)?;
            Ok(())
        });
        let workbook =
            plan_workbook::write(&dir.join("plan.xlsx"), report).context("writing plan.xlsx");
        let others = others
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        workbook.and(others)
    })
}

/// The lines printed after a plan.
fn summary(
    config: &PlanConfig,
    decisions: &DataFrame,
    reconciliation: &[Reconciled],
) -> Result<String> {
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
    write_counts(&mut out, &by_disposition, &by_anomaly);
    write_notes(&mut out, config, reconciliation);
    let _ = writeln!(
        out,
        "wrote {} (plan.xlsx, decisions.csv, decisions.parquet, skipped.csv, manifests/, lists/)",
        config.out.display()
    );
    Ok(out)
}

/// The summary's counts: holdings by disposition and by anomaly, and a
/// warning when copies are missing.
fn write_counts(
    out: &mut String,
    by_disposition: &BTreeMap<&str, u64>,
    by_anomaly: &BTreeMap<&str, u64>,
) {
    for d in Disposition::ALL {
        if let Some(n) = by_disposition.get(d.code()) {
            let _ = writeln!(out, "  {:<9} {n}", d.code());
        }
    }
    if !by_anomaly.is_empty() {
        let list: Vec<String> = by_anomaly.iter().map(|(c, n)| format!("{c} {n}")).collect();
        let _ = writeln!(out, "  anomalies: {}", list.join(", "));
    }
    if let Some(n) = by_anomaly.get(crate::domain::Anomaly::LossSuspected.code()) {
        let _ = writeln!(
            out,
            "  ! {n} holding(s) with copies missing: report them at once (see the anomalies sheet)"
        );
    }
}

/// The summary's notes: each sheet's, the policy's notices, and a warning
/// when the retention schedule is the shipped example.
fn write_notes(out: &mut String, config: &PlanConfig, reconciliation: &[Reconciled]) {
    for r in reconciliation {
        let sheet = if r.sheet.is_empty() {
            r.file.clone()
        } else {
            format!("{} [{}]", r.file, r.sheet)
        };
        for note in &r.notes {
            let _ = writeln!(out, "  ! {sheet}: {note}");
        }
    }
    for notice in &config.input.policy.plan.notices {
        let _ = writeln!(out, "  note: {notice}");
    }
    if config.input.policy.plan.example_schedule {
        let _ = writeln!(
            out,
            "  ! the retention schedule is the shipped example, not your office's approved 归档范围和保管期限表: replace [schedule] in your policy"
        );
    }
}
