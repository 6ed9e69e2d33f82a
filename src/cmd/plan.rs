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
use crate::history::LedgerIndex;
use crate::history::previous::{PreviousHolding, PreviousRun, read_previous};
use crate::ingest::{self, SkippedRow};
use crate::output::plan_workbook::{self, PlanReport};
use crate::output::{self, write_atomically};
use crate::plan;
use crate::policy::Disposition;
use crate::progress::Progress;
use crate::run_folder::{self, Reconciled, RunInfo, RunInput};

use super::Outcome;

/// Runs `plan`.
pub fn run(config: &PlanConfig) -> Result<Outcome> {
    let input = &config.input;
    if let Err(e) = run_folder::check_destination(&config.out, config.force) {
        eprintln!("error: {e:#}");
        return Ok(Outcome::DataError);
    }
    let history = match History::load(config) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("error: {e:#}");
            eprintln!("plan stopped; nothing was written.");
            return Ok(Outcome::DataError);
        }
    };
    let progress = Progress::new(input.quiet, input.lang);
    progress.reading(input.files.len());
    let ingested = ingest::ingest(&input.files, &input.policy.vocabulary, &input.limits);
    if !ingested.errors.is_empty() {
        progress.finish();
        report_unread(&ingested, input.files.len());
        return Ok(Outcome::DataError);
    }
    progress.stage("决定处置……", "deciding…");
    let decisions = plan::plan(
        &ingested.table,
        &input.policy.plan,
        config.as_of,
        input.lang,
        &history.ledger,
    )
    .context("planning")?;
    let missing = match &history.previous {
        Some(previous) => Some(
            crate::history::previous::missing(previous, &decisions, &history.ledger)
                .context("comparing with the previous run")?,
        ),
        None => None,
    };
    let reconciliation = run_folder::reconcile(&ingested, &decisions)?;
    if !reconciliation.iter().all(Reconciled::balances) {
        progress.finish();
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
        missing: missing.as_deref(),
    };
    let lists = list_options(config, &ingested);
    let run = run_info(config, &ingested.files);
    progress.stage(
        "写出计划、清单和销毁清单……",
        "writing the plan, manifests and lists…",
    );
    let built = run_folder::build(&config.out, |dir| {
        run.write(dir)?;
        write_outputs(dir, &report, &lists)
    });
    progress.finish();
    built?;
    print!(
        "{}",
        summary(
            config,
            &decisions,
            &reconciliation,
            &history,
            missing.as_deref()
        )?
    );
    Ok(Outcome::Success)
}

/// What earlier years left for this plan: the ledger (indexed) and last
/// year's run.
struct History {
    ledger: LedgerIndex,
    /// The ledger's file, entries and last hash, for the summary.
    ledger_note: Option<String>,
    previous: Option<PreviousRun>,
}

impl History {
    /// Reads the ledger (refusing one whose chain is broken: what it
    /// records decides holdings) and last year's run folder.
    fn load(config: &PlanConfig) -> Result<History> {
        let mut history = History {
            ledger: LedgerIndex::default(),
            ledger_note: None,
            previous: None,
        };
        if let Some(path) = &config.ledger {
            let (index, note) = crate::history::load_ledger(path)?;
            history.ledger = index;
            history.ledger_note = Some(note);
        }
        if let Some(dir) = &config.previous {
            history.previous = Some(
                read_previous(dir)
                    .with_context(|| format!("reading the previous run {}", dir.display()))?,
            );
        }
        Ok(history)
    }
}

/// The run's description (run.json).
fn run_info(config: &PlanConfig, files: &[ingest::FileReport]) -> RunInfo {
    let policy = &config.input.policy;
    let sha = <sha2::Sha256 as sha2::Digest>::digest(policy.text.as_bytes());
    RunInfo {
        tool: format!("clearance {}", env!("CARGO_PKG_VERSION")),
        as_of: config.as_of.to_string(),
        unit: policy.plan.unit_name.clone(),
        policy: policy.origin.clone(),
        policy_sha256: ingest::hex(&sha),
        inputs: files
            .iter()
            .map(|f| RunInput {
                path: f.path.clone(),
                sha256: f.sha256.clone(),
                size: f.size,
            })
            .collect(),
        ledger: config.ledger.as_ref().map(|p| p.display().to_string()),
        previous: config.previous.as_ref().map(|p| p.display().to_string()),
    }
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

/// Writes missing.csv: last year's holdings no register holds now.
fn write_missing(path: &Path, missing: &[PreviousHolding]) -> Result<()> {
    let text = |f: fn(&PreviousHolding) -> &str| -> Vec<&str> { missing.iter().map(f).collect() };
    let df = DataFrame::new(
        missing.len(),
        vec![
            Column::new("doc_id".into(), text(|h| &h.doc_id)),
            Column::new("title".into(), text(|h| &h.title)),
            Column::new("classification".into(), text(|h| &h.classification)),
            Column::new("department".into(), text(|h| &h.department)),
            Column::new("holder".into(), text(|h| &h.holder)),
            Column::new("copies".into(), text(|h| &h.copies)),
            Column::new("previous_disposition".into(), text(|h| &h.disposition)),
            Column::new("previous_reason".into(), text(|h| &h.reason)),
            Column::new("previous_source_file".into(), text(|h| &h.source_file)),
            Column::new("previous_source_sheet".into(), text(|h| &h.source_sheet)),
            Column::new(
                "previous_source_row".into(),
                missing.iter().map(|h| h.source_row).collect::<Vec<_>>(),
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
            if let Some(missing) = report.missing {
                write_missing(&dir.join("missing.csv"), missing)?;
            }
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

/// The lines printed after a plan. Holdings gone missing since last year
/// come first: they are to be reported at once.
fn summary(
    config: &PlanConfig,
    decisions: &DataFrame,
    reconciliation: &[Reconciled],
    history: &History,
    missing: Option<&[PreviousHolding]>,
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
    write_missing_note(&mut out, history, missing);
    let _ = writeln!(
        out,
        "plan as of {} for {} file(s): {} holdings",
        config.as_of,
        config.input.files.len(),
        decisions.height()
    );
    write_counts(&mut out, &by_disposition, &by_anomaly);
    write_notes(&mut out, config, reconciliation);
    if let Some(note) = &history.ledger_note {
        let _ = writeln!(out, "  ledger {note}");
        if history.ledger.unmatchable > 0 {
            let _ = writeln!(
                out,
                "  note: {} ledger item(s) have no doc_id and cannot be matched to a holding",
                history.ledger.unmatchable
            );
        }
    }
    let _ = writeln!(
        out,
        "wrote {} (plan.xlsx, decisions.csv, decisions.parquet, skipped.csv, manifests/, lists/{})",
        config.out.display(),
        if missing.is_some() {
            ", missing.csv"
        } else {
            ""
        }
    );
    Ok(out)
}

/// The missing holdings, first of all: each one named.
fn write_missing_note(out: &mut String, history: &History, missing: Option<&[PreviousHolding]>) {
    let (Some(previous), Some(missing)) = (&history.previous, missing) else {
        return;
    };
    if missing.is_empty() {
        let _ = writeln!(
            out,
            "compared with {} (as of {}): every holding held then is in a register now or in the ledger",
            previous.dir.display(),
            previous.as_of
        );
    } else {
        let _ = writeln!(
            out,
            "!! MISSING: {} holding(s) held in {} (as of {}) are in no register now and no ledger entry explains it — report at once (missing.csv, the 缺失/Missing sheet):",
            missing.len(),
            previous.dir.display(),
            previous.as_of
        );
        for h in missing.iter().take(20) {
            let _ = writeln!(
                out,
                "   {}  {}  {}  (was {}, {} [{}] row {})",
                h.doc_id,
                h.title,
                h.department,
                h.disposition,
                h.source_file,
                h.source_sheet,
                h.source_row
            );
        }
        if missing.len() > 20 {
            let _ = writeln!(out, "   … and {} more in missing.csv", missing.len() - 20);
        }
    }
    if previous.unmatchable > 0 {
        let _ = writeln!(
            out,
            "  note: {} holding(s) of the previous run have neither a doc_id nor a title and could not be looked for",
            previous.unmatchable
        );
    }
    if history.ledger_note.is_none() {
        let _ = writeln!(
            out,
            "  note: without --ledger, holdings destroyed, returned or transferred since cannot be told from missing ones"
        );
    }
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
