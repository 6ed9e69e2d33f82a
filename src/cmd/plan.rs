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
use polars::prelude::{Column, DataFrame};

use crate::config::{Lang, PlanConfig};
use crate::domain::Anomaly;
use crate::history::LedgerIndex;
use crate::history::previous::{PreviousHolding, PreviousRun, read_previous};
use crate::ingest::{self, SkippedRow};
use crate::labels::{self, Counted};
use crate::output;
use crate::output::jobs::Job;
use crate::output::plan_workbook::{self, PlanReport};
use crate::plan;
use crate::policy::Disposition;
use crate::progress::Progress;
use crate::run_folder::{self, Reconciled, RunInfo, RunInput};

use super::Outcome;
use super::summary::{
    Summary, commands, join, registers_attention, registers_command, registers_read, sheet_name,
};

/// Runs `plan`.
pub fn run(config: &PlanConfig) -> Result<Outcome> {
    let input = &config.input;
    if let Err(e) = run_folder::check_destination(&config.out, config.force) {
        eprintln!("error: {e:#}");
        return Ok(Outcome::DataError);
    }
    let Some(history) = History::load_or_report(config) else {
        return Ok(Outcome::DataError);
    };
    let progress = Progress::new(input.quiet, input.lang);
    progress.reading(input.files.len());
    let ingested = ingest::ingest(&input.files, &input.policy.vocabulary, &input.limits);
    if !ingested.errors.is_empty() {
        progress.finish();
        report_unread(config, &ingested);
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
        report_unbalanced(&reconciliation, input.lang);
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
    progress.stage(
        "写出计划、清单和销毁清单……",
        "writing the plan, manifests and lists…",
    );
    let built = write_run_folder(config, &ingested, &report);
    progress.finish();
    built?;
    summary(config, &decisions, &ingested, &history, missing.as_deref())?.print();
    Ok(Outcome::Success)
}

/// What earlier years left for this plan: the ledger (indexed) and last
/// year's run.
struct History {
    ledger: LedgerIndex,
    /// The ledger read, for the summary.
    ledger_note: Option<LedgerNote>,
    previous: Option<PreviousRun>,
}

/// What the summary says of the ledger read: its file, entries and last
/// entry.
struct LedgerNote {
    path: std::path::PathBuf,
    entries: usize,
    last: Option<(u64, String)>,
}

/// Writes the run folder: run.json and every output of the plan.
fn write_run_folder(
    config: &PlanConfig,
    ingested: &ingest::Ingested,
    report: &PlanReport<'_>,
) -> Result<()> {
    let lists = list_options(config, ingested);
    let run = run_info(config, &ingested.files);
    run_folder::build(&config.out, |dir| {
        run.write(dir)?;
        write_outputs(dir, report, &lists)
    })
}

impl History {
    /// [`History::load`], saying why not and that nothing was written
    /// when it cannot be read.
    fn load_or_report(config: &PlanConfig) -> Option<History> {
        match History::load(config) {
            Ok(h) => Some(h),
            Err(e) => {
                eprintln!("error: {e:#}");
                eprintln!(
                    "{}",
                    config.input.lang.pick(
                        "计划中止；未写出任何文件。",
                        "plan stopped; nothing was written."
                    )
                );
                None
            }
        }
    }

    /// Reads the ledger (refusing one whose chain is broken: what it
    /// records decides holdings) and last year's run folder.
    fn load(config: &PlanConfig) -> Result<History> {
        let mut history = History {
            ledger: LedgerIndex::default(),
            ledger_note: None,
            previous: None,
        };
        if let Some(path) = &config.ledger {
            let (index, check) = crate::history::load_ledger(path)?;
            history.ledger = index;
            history.ledger_note = Some(LedgerNote {
                path: path.clone(),
                entries: check.entries,
                last: check.last,
            });
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
        policy_sha256: crate::text::hex(&sha),
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

/// Says which inputs could not be read, and that nothing was written;
/// the summary names the command that shows why.
fn report_unread(config: &PlanConfig, ingested: &ingest::Ingested) {
    let lang = config.input.lang;
    for error in &ingested.errors {
        eprintln!("error: {error}");
    }
    let (unread, inputs) = (ingested.errors.len(), config.input.files.len());
    eprintln!(
        "{}",
        match lang {
            Lang::Zh =>
                format!("计划中止：{inputs} 个登记簿中有 {unread} 个无法读取；未写出任何文件。"),
            Lang::En => format!(
                "plan stopped: {unread} of {inputs} inputs could not be read; nothing was written."
            ),
        }
    );
    let mut s = Summary::new(lang);
    s.read(registers_read(&ingested.files, unread, lang));
    for error in &ingested.errors {
        s.attention(error.to_string());
    }
    s.next(
        registers_command("validate", &config.input),
        vec![
            lang.pick(
                "看清每个登记簿是怎样读取的；改正无法读取的文件后再计划",
                "to see how each register is read; plan again once the unreadable files are fixed",
            )
            .to_string(),
        ],
    );
    s.print();
}

/// Says which sheets do not balance, and that nothing was written.
fn report_unbalanced(reconciliation: &[Reconciled], lang: Lang) {
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
    eprintln!(
        "{}",
        lang.pick(
            "计划中止：行数核对不上；未写出任何文件。",
            "plan stopped: the reconciliation does not balance; nothing was written."
        )
    );
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

/// Writes every file of the run folder into `dir`, on every core: the
/// files are independent, so each is a job (each printed list its own),
/// and each worker takes the next job as it finishes one, the longest
/// first by an estimate of its cost, so that the cores finish at about the
/// same time. An error is the first job's in this order, whatever finished
/// first. The lists' index is written once every list is.
fn write_outputs(
    dir: &Path,
    report: &PlanReport<'_>,
    lists: &crate::manifest::ListOptions,
) -> Result<()> {
    let planned = crate::lists::PlannedLists::new(&dir.join("lists"), report.decisions, lists)?;
    let rows = report.decisions.height();
    let destroyed = crate::codes::Codes::of(report.decisions, "disposition")?
        .iter()
        .filter(|d| *d == Some(crate::domain::Disposition::Destroy.code()))
        .count();
    // (estimated microseconds, job), from the files' times at 1M rows.
    let mut jobs: Vec<(usize, Job<'_>)> = vec![
        (
            rows * 11,
            Box::new(|| plan_workbook::write(&dir.join("plan.xlsx"), report)),
        ),
        (
            destroyed * 27,
            Box::new(|| {
                crate::manifest::write_manifests(&dir.join("manifests"), report.decisions, lists)
                    .map(drop)
            }),
        ),
        (
            rows,
            Box::new(|| output::write_csv_atomically(report.decisions, &dir.join("decisions.csv"))),
        ),
        (
            rows,
            Box::new(|| {
                output::write_parquet_atomically(report.decisions, &dir.join("decisions.parquet"))
            }),
        ),
        (
            0,
            Box::new(|| {
                write_skipped(&dir.join("skipped.csv"), report.skipped)?;
                match report.missing {
                    Some(missing) => write_missing(&dir.join("missing.csv"), missing),
                    None => Ok(()),
                }
            }),
        ),
    ];
    let planned_ref = &planned;
    for k in 0..planned.len() {
        jobs.push((
            planned.lines(k) * 14,
            Box::new(move || planned_ref.write(k)),
        ));
    }
    // Stable: jobs of equal cost keep their order.
    jobs.sort_by_key(|(cost, _)| std::cmp::Reverse(*cost));
    let jobs: Vec<Job<'_>> = jobs.into_iter().map(|(_, job)| job).collect();
    output::jobs::run_on_every_core(&jobs)?;
    drop(jobs);
    planned.finish().map(drop)
}

/// What is printed after a plan: holdings gone missing since last year
/// first (they are to be reported at once), then the summary — what was
/// read, the holdings by disposition, the run folder, what needs
/// attention and the command to run next.
fn summary(
    config: &PlanConfig,
    decisions: &DataFrame,
    ingested: &ingest::Ingested,
    history: &History,
    missing: Option<&[PreviousHolding]>,
) -> Result<Summary> {
    let lang = config.input.lang;
    let disposition = crate::codes::Codes::of(decisions, "disposition")?;
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
    let mut s = Summary::new(lang);
    report_missing(s.report(), history, missing, lang);
    s.read(registers_read(&ingested.files, 0, lang));
    read_history(&mut s, history);
    s.decided_as_of(config.as_of);
    for d in Disposition::ALL {
        if let Some(n) = by_disposition.get(d.code()) {
            s.decided(labels::disposition(d, lang), *n, Counted::Holding);
        }
    }
    let outputs = Outputs::of(&config.out);
    written(&mut s, config, &outputs, history.previous.is_some());
    let missing = missing.map_or(0, |m| m.len() as u64);
    attention(
        &mut s,
        config,
        ingested,
        history,
        missing,
        (&by_disposition, &by_anomaly),
    );
    next(&mut s, config, &outputs);
    Ok(s)
}

/// What the run folder holds: the draft manifests' batches and the lists'
/// files, read back from their indexes.
struct Outputs {
    /// Destruction batches drafted.
    batches: u64,
    /// Return and transfer lists with something to hand over: (file,
    /// destination unknown).
    handovers: Vec<(String, bool)>,
    /// Every list file.
    lists: u64,
}

impl Outputs {
    /// Reads the indexes of the run folder `out`.
    fn of(out: &Path) -> Outputs {
        let rows = |path: &Path| -> Vec<csv::StringRecord> {
            csv::Reader::from_path(path)
                .map(|mut r| r.records().flatten().collect())
                .unwrap_or_default()
        };
        let batches: std::collections::BTreeSet<String> =
            rows(&out.join("manifests").join(crate::manifest::INDEX_FILE))
                .iter()
                .filter_map(|r| r.get(1).map(str::to_string))
                .collect();
        let lists = rows(&out.join("lists").join(crate::manifest::INDEX_FILE));
        let handovers = lists
            .iter()
            .filter(|r| r.get(4).is_some_and(|n| n != "0"))
            .map(|r| {
                (
                    r.get(0).unwrap_or_default().to_string(),
                    r.get(3) == Some(crate::plan::derive::UNKNOWN_DESTINATION),
                )
            })
            .collect();
        let list_files = std::fs::read_dir(out.join("lists"))
            .map(|d| {
                d.flatten()
                    .filter(|e| e.path().extension().is_some_and(|x| x == "xlsx"))
                    .count() as u64
            })
            .unwrap_or(0);
        Outputs {
            batches: batches.len() as u64,
            handovers,
            lists: list_files,
        }
    }
}

/// The ledger and last year's run, as read.
fn read_history(s: &mut Summary, history: &History) {
    let lang = s.lang();
    if let Some(note) = &history.ledger_note {
        let (path, n) = (
            note.path.display(),
            labels::count(note.entries as u64, Counted::Entry, lang),
        );
        s.read(match (lang, &note.last) {
            (Lang::Zh, Some((seq, hash))) => {
                format!("台账 {path}：{n}，最后一条为第 {seq} 条（{hash}）")
            }
            (Lang::Zh, None) => format!("台账 {path}：{n}"),
            (Lang::En, Some((seq, hash))) => {
                format!("the ledger {path}: {n}, the last {seq} ({hash})")
            }
            (Lang::En, None) => format!("the ledger {path}: {n}"),
        });
    }
    if let Some(previous) = &history.previous {
        s.read(match lang {
            Lang::Zh => format!(
                "上次运行 {}（基准日期 {}）：在册 {} 件",
                previous.dir.display(),
                previous.as_of,
                previous.held.len()
            ),
            Lang::En => format!(
                "the previous run {} (as of {}): {} held",
                previous.dir.display(),
                previous.as_of,
                labels::count(previous.held.len() as u64, Counted::Holding, lang)
            ),
        });
    }
}

/// The run folder and what it holds.
fn written(s: &mut Summary, config: &PlanConfig, outputs: &Outputs, missing: bool) {
    let lang = s.lang();
    let mut files = vec![
        "plan.xlsx",
        "decisions.csv",
        "decisions.parquet",
        "skipped.csv",
    ];
    if missing {
        files.push("missing.csv");
    }
    files.push("run.json");
    let files: Vec<String> = files.into_iter().map(str::to_string).collect();
    s.written(match lang {
        Lang::Zh => format!("{}（{}）", config.out.display(), join(&files, lang)),
        Lang::En => format!("{} ({})", config.out.display(), join(&files, lang)),
    });
    let manifests = config.out.join("manifests");
    s.written(match lang {
        Lang::Zh => format!(
            "{}：送审销毁清单 {} 批",
            manifests.display(),
            outputs.batches
        ),
        Lang::En => format!(
            "{}: draft destruction manifests, {}",
            manifests.display(),
            labels::count(outputs.batches, Counted::Batch, lang)
        ),
    });
    let lists = config.out.join("lists");
    s.written(match lang {
        Lang::Zh => format!(
            "{}：清退、移交、收回和鉴定清单 {} 份",
            lists.display(),
            outputs.lists
        ),
        Lang::En => format!(
            "{}: return, transfer, recall and appraisal lists, {}",
            lists.display(),
            labels::count(outputs.lists, Counted::File, lang)
        ),
    });
}

/// What needs attention after a plan, most urgent first: holdings gone
/// missing or lost, holdings to decide or get back, the other anomalies,
/// then the registers, the history and the policy.
fn attention(
    s: &mut Summary,
    config: &PlanConfig,
    ingested: &ingest::Ingested,
    history: &History,
    missing: u64,
    (by_disposition, by_anomaly): (&BTreeMap<&str, u64>, &BTreeMap<&str, u64>),
) {
    let lang = s.lang();
    let anomaly = |a: Anomaly| by_anomaly.get(a.code()).copied().unwrap_or(0);
    urgent_attention(s, missing, anomaly(Anomaly::LossSuspected));
    dispositions_attention(s, by_disposition);
    other_anomalies_attention(s, &anomaly);
    for line in registers_attention(&ingested.files, lang) {
        s.attention(line);
    }
    history_attention(s, history);
    let note = lang.pick(labels::NOTE.0, labels::NOTE.1);
    for notice in &config.input.policy.plan.notices {
        s.attention(format!("{note}{notice}"));
    }
    if config.input.policy.plan.example_schedule {
        s.attention(super::policy::example_schedule_warning(lang));
    }
}

/// Holdings to report at once: `missing` gone since last year, `lost`
/// with fewer copies on hand than registered.
fn urgent_attention(s: &mut Summary, missing: u64, lost: u64) {
    let lang = s.lang();
    if missing > 0 {
        s.attention(match lang {
            Lang::Zh => format!(
                "{missing} 件{}：去年在册，今年各登记簿均无，台账亦无记录 — 须立即报告（missing.csv，plan.xlsx 的“缺失”工作表）",
                labels::anomaly_name(Anomaly::Missing, lang)
            ),
            Lang::En => format!(
                "{} MISSING: held last year, in no register now and not in the ledger — report at once (missing.csv, the Missing sheet of plan.xlsx)",
                labels::count(missing, Counted::Holding, lang)
            ),
        });
    }
    if lost > 0 {
        s.attention(match lang {
            Lang::Zh => format!(
                "{lost} 件{}（现存份数少于登记份数）：须立即报告（见 plan.xlsx 的“异常”工作表）",
                labels::anomaly_name(Anomaly::LossSuspected, lang)
            ),
            Lang::En => format!(
                "{} LOSS_SUSPECTED (fewer copies on hand than registered): report them at once (the Anomalies sheet of plan.xlsx)",
                labels::count(lost, Counted::Holding, lang)
            ),
        });
    }
}

/// Holdings a person must act on before anything else: REVIEW (decide
/// each) and RECALL (get them back).
fn dispositions_attention(s: &mut Summary, by_disposition: &BTreeMap<&str, u64>) {
    let lang = s.lang();
    for (d, zh, en) in [
        (
            Disposition::Review,
            "须逐件人工决定，理由见 plan.xlsx 的“待审核”工作表",
            "decide each by hand; the REVIEW sheet of plan.xlsx gives each one's reason",
        ),
        (
            Disposition::Recall,
            "先收回（收回清单）",
            "get them back first (the recall list)",
        ),
    ] {
        let n = by_disposition.get(d.code()).copied().unwrap_or(0);
        if n > 0 {
            s.attention(match lang {
                Lang::Zh => format!("{n} 件{}：{zh}", labels::disposition(d, lang)),
                Lang::En => format!(
                    "{} {}: {en}",
                    labels::count(n, Counted::Holding, lang),
                    d.code()
                ),
            });
        }
    }
}

/// The anomalies other than losses, by name and count, on one line.
fn other_anomalies_attention(s: &mut Summary, anomaly: &dyn Fn(Anomaly) -> u64) {
    let lang = s.lang();
    let others: Vec<String> = Anomaly::ALL
        .into_iter()
        .filter(|a| !matches!(a, Anomaly::Missing | Anomaly::LossSuspected))
        .filter_map(|a| {
            let n = anomaly(a);
            (n > 0).then(|| match lang {
                Lang::Zh => format!("{} {n} 件", labels::anomaly_name(a, lang)),
                Lang::En => format!("{} {n}", a.code()),
            })
        })
        .collect();
    if !others.is_empty() {
        s.attention(match lang {
            Lang::Zh => format!(
                "其他异常：{}（见 plan.xlsx 的“异常”工作表）",
                join(&others, lang)
            ),
            Lang::En => format!(
                "other anomalies: {} (the Anomalies sheet of plan.xlsx)",
                join(&others, lang)
            ),
        });
    }
}

/// Notes on the ledger and last year's run: what could not be matched,
/// and what a comparison without the ledger cannot tell.
fn history_attention(s: &mut Summary, history: &History) {
    let lang = s.lang();
    if history.ledger_note.is_some() && history.ledger.unmatchable > 0 {
        let n = history.ledger.unmatchable;
        s.attention(match lang {
            Lang::Zh => format!(
                "台账中有 {n} 项既无文件编号也无标题指纹（早期版本所记），无法与在册文件对应"
            ),
            Lang::En => format!(
                "{n} ledger item(s) have neither a doc_id nor a title key (recorded by an earlier version) and cannot be matched to a holding"
            ),
        });
    }
    let Some(previous) = &history.previous else {
        return;
    };
    if previous.unmatchable > 0 {
        let n = previous.unmatchable;
        s.attention(match lang {
            Lang::Zh => format!("上次运行中有 {n} 件既无文件编号也无标题，无法查找"),
            Lang::En => format!(
                "{n} holding(s) of the previous run have neither a doc_id nor a title and could not be looked for"
            ),
        });
    }
    if history.ledger_note.is_none() {
        s.attention(lang.pick(
            "没有给出 --ledger：此后已销毁、清退或移交的文件无法与缺失的文件区分",
            "without --ledger, holdings destroyed, returned or transferred since cannot be told from missing ones",
        ));
    }
}

/// The command to run next: the review of the draft manifests once the
/// committee has filled them in; else the first handover to confirm; else
/// where the clearance stands.
fn next(s: &mut Summary, config: &PlanConfig, outputs: &Outputs) {
    let lang = s.lang();
    if outputs.batches > 0 {
        let manifests = config.out.join("manifests");
        s.next(
            commands::review(commands::REVIEWED, &config.out),
            vec![match lang {
                Lang::Zh => format!(
                    "先由委员会在 {} 的 {} 批送审清单中填写审核意见（逐行，或整批），审核后的副本放入 reviewed/，可先用 clearance verify reviewed/ 核对",
                    manifests.display(),
                    outputs.batches
                ),
                Lang::En => format!(
                    "first the committee fills in the review columns of the {} draft {} in {} (line by line, or the whole batch); put the reviewed copies in reviewed/ and check them with clearance verify reviewed/",
                    outputs.batches,
                    if outputs.batches == 1 { "batch" } else { "batches" },
                    manifests.display()
                ),
            }],
        );
    } else if let Some((file, unknown)) = outputs.handovers.first() {
        let path = config.out.join("lists").join(file);
        s.next(
            commands::confirm_handover(&path, *unknown, lang),
            vec![lang.pick("交接之后", "after the handover").to_string()],
        );
    } else {
        s.next(commands::status(&config.out), Vec::new());
    }
}

/// Holdings gone missing since last year, first of all: each one named.
fn report_missing(
    out: &mut String,
    history: &History,
    missing: Option<&[PreviousHolding]>,
    lang: Lang,
) {
    let (Some(previous), Some(missing)) = (&history.previous, missing) else {
        return;
    };
    let (dir, as_of) = (previous.dir.display(), &previous.as_of);
    if missing.is_empty() {
        let _ = match lang {
            Lang::Zh => writeln!(
                out,
                "与 {dir}（基准日期 {as_of}）相比：当时在册的文件，现在都在登记簿或台账中"
            ),
            Lang::En => writeln!(
                out,
                "compared with {dir} (as of {as_of}): every holding held then is in a register now or in the ledger"
            ),
        };
        return;
    }
    let n = missing.len();
    let _ = match lang {
        Lang::Zh => writeln!(
            out,
            "!! 缺失：{n} 件在 {dir}（基准日期 {as_of}）中在册的文件，现在不在任何登记簿中，台账也没有记录 — 须立即报告（missing.csv，plan.xlsx 的“缺失”工作表）："
        ),
        Lang::En => writeln!(
            out,
            "!! MISSING: {n} holding(s) held in {dir} (as of {as_of}) are in no register now and no ledger entry explains it — report at once (missing.csv, the Missing sheet):"
        ),
    };
    for h in missing.iter().take(20) {
        let was = labels::disposition_code(&h.disposition, lang);
        let source = sheet_name(&h.source_file, &h.source_sheet);
        let _ = match lang {
            Lang::Zh => writeln!(
                out,
                "   {}  {}  {}  （原为{was}，{source} 第 {} 行）",
                h.doc_id, h.title, h.department, h.source_row
            ),
            Lang::En => writeln!(
                out,
                "   {}  {}  {}  (was {was}, {source} row {})",
                h.doc_id, h.title, h.department, h.source_row
            ),
        };
    }
    if n > 20 {
        let _ = match lang {
            Lang::Zh => writeln!(out, "   …… 另有 {} 件，见 missing.csv", n - 20),
            Lang::En => writeln!(out, "   … and {} more in missing.csv", n - 20),
        };
    }
}
