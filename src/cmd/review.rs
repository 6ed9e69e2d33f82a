//! `clearance review`: the committee's reviewed manifests read back, merged
//! per batch and turned into final manifests (SPEC §1 step 5).
//!
//! Nothing is written unless every reviewed copy is as issued, was issued
//! by the run it names, and no line is decided two ways; then the review
//! folder is built beside its destination and renamed into place, like a
//! run folder. Rejections and deferrals are recorded in the ledger, once.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use rust_xlsxwriter::Workbook;

use crate::config::{Lang, ReviewConfig};
use crate::domain::Status;
use crate::ingest::{self, Limits};
use crate::labels::{self, Counted};
use crate::ledger::{self, Entry, EntryKind, LedgerItem};
use crate::manifest::approval::{self, LineResult, Outcome as LineOutcome};
use crate::manifest::draft::{INDEX_FILE, Written, write_index};
use crate::manifest::review::{ReviewedCopy, ReviewedLine, read_reviewed};
use crate::output::{OutCell, new_workbook, save_atomically, write_table};
use crate::run_folder;

use super::Outcome;
use super::summary::{Summary, commands};

/// One row of a manifests folder's index.csv.
#[derive(Debug, Clone)]
struct Issued {
    batch: String,
    digest: String,
}

/// What was decided for one batch.
struct BatchReview {
    full: ReviewedCopy,
    copies: Vec<String>,
    results: Vec<LineResult>,
}

/// Runs `review`.
pub fn run(config: &ReviewConfig) -> Result<Outcome> {
    let copies = match read_copies(&config.files, config.lang) {
        Ok(c) => c,
        Err(refused) => {
            for e in &refused {
                eprintln!("error: {e:#}");
            }
            let (n, all) = (refused.len(), config.files.len());
            eprintln!(
                "{}",
                match config.lang {
                    Lang::Zh =>
                        format!("审核结果未读入：{all} 份副本中有 {n} 份被拒收；未写出任何文件。"),
                    Lang::En =>
                        format!("review stopped: {n} of {all} copies refused; nothing was written."),
                }
            );
            return Ok(Outcome::DataError);
        }
    };
    let as_of = copies[0].heading.as_of.clone();
    let run = config
        .run
        .clone()
        .unwrap_or_else(|| PathBuf::from("reports").join(&as_of));
    let lang = config.document_lang.unwrap_or(copies[0].lang);
    let mut batches = match merge_batches(&run, &copies) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e:#}");
            eprintln!(
                "{}",
                config.lang.pick(
                    "审核结果未读入；未写出任何文件。",
                    "review stopped; nothing was written."
                )
            );
            return Ok(Outcome::DataError);
        }
    };
    if !config.registers.is_empty() {
        drop_gone_or_held(config, &mut batches)?;
    }
    let out = config.out.clone().unwrap_or_else(|| review_folder(&run));
    if let Err(e) = run_folder::check_destination(&out, config.force) {
        eprintln!("error: {e:#}");
        return Ok(Outcome::DataError);
    }
    let mut finals = Vec::new();
    run_folder::build(&out, |dir| {
        finals = write_review(dir, &batches, lang)?;
        Ok(())
    })?;
    let recorded = record_in_ledger(&config.ledger, &batches)?;
    summary(&run, &out, &batches, &finals, recorded, config).print();
    Ok(Outcome::Success)
}

/// Reads every reviewed copy; the copies refused, if any.
fn read_copies(files: &[PathBuf], lang: Lang) -> Result<Vec<ReviewedCopy>, Vec<anyhow::Error>> {
    let mut copies = Vec::new();
    let mut refused = Vec::new();
    let warning = lang.pick(labels::WARNING.0, labels::WARNING.1);
    for f in files {
        match read_reviewed(f) {
            Ok(c) => {
                for w in &c.warnings {
                    eprintln!("{warning}{}: {w}", f.display());
                }
                copies.push(c);
            }
            Err(e) => refused.push(e),
        }
    }
    if refused.is_empty() && !copies.is_empty() {
        Ok(copies)
    } else {
        Err(refused)
    }
}

/// The review folder beside a run folder: `reports/2024-12-31-review`.
fn review_folder(run: &Path) -> PathBuf {
    let name = run
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "run".into());
    run.with_file_name(format!("{name}-review"))
}

/// The index of the run's manifests.
fn read_index(run: &Path) -> Result<Vec<Issued>> {
    let path = run.join("manifests").join(INDEX_FILE);
    let mut reader = csv::Reader::from_path(&path).with_context(|| {
        format!(
            "{}: cannot read it — is {} the run folder the manifests came from? (--run)",
            path.display(),
            run.display()
        )
    })?;
    let mut out = Vec::new();
    for record in reader.records() {
        let r = record.with_context(|| format!("{}: damaged", path.display()))?;
        out.push(Issued {
            batch: r.get(1).unwrap_or("").to_string(),
            digest: r.get(6).unwrap_or("").to_string(),
        });
    }
    Ok(out)
}

/// Checks every copy against the run's index and merges the copies of each
/// batch with the batch's full draft.
fn merge_batches(run: &Path, copies: &[ReviewedCopy]) -> Result<Vec<BatchReview>> {
    let index = read_index(run)?;
    let mut by_batch: BTreeMap<String, Vec<&ReviewedCopy>> = BTreeMap::new();
    for copy in copies {
        let batch = &copy.heading.batch;
        if !index
            .iter()
            .any(|i| i.digest == copy.digest && &i.batch == batch)
        {
            bail!(
                "{}: not a manifest this run issued (its digest is not in {}); give the run folder it came from with --run",
                copy.path.display(),
                run.join("manifests").join(INDEX_FILE).display()
            );
        }
        by_batch.entry(batch.clone()).or_default().push(copy);
    }
    let mut out = Vec::new();
    for (batch, copies) in by_batch {
        let full_path = run.join("manifests").join(format!("{batch}.xlsx"));
        let full = read_reviewed(&full_path)
            .with_context(|| format!("reading the issued batch {batch}"))?;
        let results = approval::merge(&full, &copies)?;
        out.push(BatchReview {
            full,
            copies: copies
                .iter()
                .map(|c| c.path.display().to_string())
                .collect(),
            results,
        });
    }
    Ok(out)
}

/// Drops every line whose holding is now on hold, or is gone from the
/// current registers (or cannot be found there without a doc_id).
fn drop_gone_or_held(config: &ReviewConfig, batches: &mut [BatchReview]) -> Result<()> {
    let read = ingest::ingest(
        &config.registers,
        &config.policy.vocabulary,
        &Limits::default(),
    );
    if let Some(e) = read.errors.first() {
        bail!("reading the current registers: {e}");
    }
    let t = &read.table;
    let ids = t.column("doc_id")?.str()?;
    let others = t.column(crate::fields::OTHER_NUMBERS_COLUMN)?.str()?;
    let hold = t.column("hold")?.bool()?;
    let status = crate::codes::Codes::of(t, "status_code")?;
    // By number as one document's: a hold on 京办发[2019]5号 holds the
    // line of 京办发〔2019〕5号. A row with a second number column
    // (收文编号 beside 发文编号) is held under both numbers, and a line
    // whose number has another is held by a hold on that one too.
    let key = crate::text::document_key;
    let mut held: BTreeMap<String, bool> = BTreeMap::new();
    let mut other_numbers: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for i in 0..t.height() {
        if let Some(id) = ids.get(i) {
            let on_hold = hold.get(i) == Some(true) || status.get(i) == Some(Status::Hold.code());
            let id = key(id);
            for other in crate::fields::other_numbers(others.get(i)).map(key) {
                if !other.is_empty() && other != id {
                    *held.entry(other.clone()).or_default() |= on_hold;
                    other_numbers.entry(id.clone()).or_default().push(other);
                }
            }
            *held.entry(id).or_default() |= on_hold;
        }
    }
    let held_under_another = |id: &str| {
        other_numbers
            .get(id)
            .is_some_and(|others| others.iter().any(|o| held.get(o) == Some(&true)))
    };
    for batch in batches {
        for r in &mut batch.results {
            let id = key(r.line.doc_id());
            let why = match held.get(&id) {
                _ if r.line.doc_id().is_empty() => {
                    Some("no doc_id to find it in the current registers")
                }
                None => Some("gone from the current registers"),
                Some(true) => Some("now on hold"),
                Some(false) if held_under_another(&id) => Some("now on hold"),
                Some(false) => None,
            };
            if let Some(why) = why {
                r.outcome = LineOutcome::Dropped(why.to_string());
            }
        }
    }
    Ok(())
}

/// Writes the final manifests (`final/`, with their index) and the review
/// summary into `dir`; returns (batch, final file) for each final written.
fn write_review(
    dir: &Path,
    batches: &[BatchReview],
    lang: Lang,
) -> Result<Vec<(String, Option<String>)>> {
    let finals_dir = dir.join("final");
    std::fs::create_dir_all(&finals_dir)?;
    let mut finals = Vec::new();
    let mut written = Vec::new();
    for b in batches {
        let batch = &b.full.heading.batch;
        let file = format!("{batch}-final.xlsx");
        match approval::write_final(&finals_dir.join(&file), &b.full, &b.results, lang)? {
            Some(digest) => {
                let (fin, _) = approval::final_batch(&b.full, &b.results);
                written.push(Written {
                    file: file.clone(),
                    batch: batch.clone(),
                    site: fin.site,
                    level: fin.level.clone(),
                    lines: fin.lines.len(),
                    copies: fin.copies(),
                    digest,
                });
                finals.push((batch.clone(), Some(file)));
            }
            None => finals.push((batch.clone(), None)),
        }
    }
    write_index(&finals_dir.join(INDEX_FILE), &written)?;
    write_summary_workbook(&dir.join("review-summary.xlsx"), batches, lang)?;
    Ok(finals)
}

/// The labels of the outcomes, in the order [`counts`] counts them.
fn outcome_labels(lang: Lang) -> [&'static str; 5] {
    [
        lang.pick("同意", "Approved"),
        lang.pick("不同意", "Rejected"),
        lang.pick("暂缓", "Deferred"),
        lang.pick("未审核", "Not reviewed"),
        lang.pick("已剔除", "Dropped"),
    ]
}

/// Counts of outcomes: approved, rejected, deferred, unreviewed, dropped.
fn counts<'a>(results: impl Iterator<Item = &'a LineResult>) -> [u64; 5] {
    let mut n = [0u64; 5];
    for r in results {
        let k = match r.outcome {
            LineOutcome::Approved => 0,
            LineOutcome::Rejected => 1,
            LineOutcome::Deferred => 2,
            LineOutcome::Unreviewed => 3,
            LineOutcome::Dropped(_) => 4,
        };
        n[k] += 1;
    }
    n
}

/// The review summary workbook: per batch, per reviewed copy, and every
/// line with its outcome.
fn write_summary_workbook(path: &Path, batches: &[BatchReview], lang: Lang) -> Result<()> {
    write_summary_sheets(path, batches, lang).with_context(|| crate::output::writing(path))
}

/// The review summary's sheets, saved.
fn write_summary_sheets(path: &Path, batches: &[BatchReview], lang: Lang) -> Result<()> {
    let mut wb = new_workbook()?;
    write_by_batch(&mut wb, batches, lang)?;
    write_by_copy(&mut wb, batches, lang)?;
    write_lines(&mut wb, batches, lang)?;
    save_atomically(&mut wb, path)
}

/// The file name of a reviewed copy, from its path as given.
fn copy_name(copy: &str) -> String {
    Path::new(copy)
        .file_name()
        .map_or(copy.to_string(), |n| n.to_string_lossy().into_owned())
}

/// The "By batch" sheet: each batch's lines, counted by outcome.
fn write_by_batch(wb: &mut Workbook, batches: &[BatchReview], lang: Lang) -> Result<()> {
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let mut headers = vec![l("批次", "Batch"), l("行数", "Lines")];
    headers.extend(outcome_labels(lang));
    let per_batch = batches.iter().map(|b| {
        let mut row = vec![
            OutCell::from(b.full.heading.batch.as_str()),
            OutCell::from(b.results.len() as u64),
        ];
        row.extend(counts(b.results.iter()).map(OutCell::from));
        row
    });
    write_table(wb, l("按批次", "By batch"), &headers, per_batch)
}

/// The "By reviewed copy" sheet: each copy's lines, counted by outcome.
fn write_by_copy(wb: &mut Workbook, batches: &[BatchReview], lang: Lang) -> Result<()> {
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let mut headers = vec![l("批次", "Batch"), l("审核副本", "Reviewed copy")];
    headers.extend(outcome_labels(lang));
    let per_copy = batches.iter().flat_map(|b| {
        b.copies.iter().map(move |copy| {
            let name = copy_name(copy);
            let mut row = vec![
                OutCell::from(b.full.heading.batch.as_str()),
                OutCell::from(name.as_str()),
            ];
            // A decided line counts for the copy its decision came from; a
            // line left blank, for every copy that left it blank.
            let of_copy = b
                .results
                .iter()
                .filter(|r| r.copy == name || (r.copy.is_empty() && r.in_copies.contains(&name)));
            row.extend(counts(of_copy).map(OutCell::from));
            row
        })
    });
    write_table(wb, l("按审核副本", "By reviewed copy"), &headers, per_copy)
}

/// The "Lines" sheet: every line with its outcome, comment and copy.
fn write_lines(wb: &mut Workbook, batches: &[BatchReview], lang: Lang) -> Result<()> {
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let lines = batches.iter().flat_map(|b| {
        b.results.iter().map(move |r| {
            vec![
                OutCell::from(b.full.heading.batch.as_str()),
                OutCell::from(r.line.field("no")),
                OutCell::from(r.line.doc_id()),
                OutCell::from(r.line.title.as_str()),
                OutCell::Text(r.outcome.label(lang)),
                OutCell::from(r.comment.as_str()),
                OutCell::from(r.copy.as_str()),
            ]
        })
    });
    write_table(
        wb,
        l("逐行", "Lines"),
        &[
            l("批次", "Batch"),
            l("序号", "No"),
            l("文件编号", "Doc No"),
            l("文件标题", "Title"),
            l("审核结果", "Outcome"),
            l("意见说明", "Comment"),
            l("审核副本", "Reviewed copy"),
        ],
        lines,
    )
}

/// Records each batch's rejected and deferred lines in the ledger, unless
/// the same review is recorded already; returns how many entries were
/// added.
fn record_in_ledger(path: &Path, batches: &[BatchReview]) -> Result<usize> {
    let today = chrono::Local::now().date_naive().to_string();
    let mut added = 0;
    for b in batches {
        for (kind, outcome) in [
            (EntryKind::Rejection, LineOutcome::Rejected),
            (EntryKind::Deferral, LineOutcome::Deferred),
        ] {
            let items: Vec<LedgerItem> = b
                .results
                .iter()
                .filter(|r| r.outcome == outcome)
                .map(|r| ledger_item(&r.line, &r.comment))
                .collect();
            if items.is_empty() {
                continue;
            }
            let entry = Entry {
                seq: 0,
                kind,
                batch: b.full.heading.batch.clone(),
                document_digest: b.full.digest.clone(),
                as_of: b.full.heading.as_of.clone(),
                date: today.clone(),
                site: String::new(),
                method: b.full.heading.level.clone(),
                witnesses: Vec::new(),
                items,
                prev: String::new(),
                hash: String::new(),
            };
            // Recording the same review twice adds nothing (a review run
            // again with other decisions is recorded anew); the check runs
            // under the ledger's lock, so two runs at once cannot both add.
            let result = ledger::append_checked(path, entry.clone(), |entries| {
                let recorded = entries.iter().any(|e| {
                    e.kind == kind
                        && e.batch == entry.batch
                        && e.document_digest == entry.document_digest
                        && e.items == entry.items
                });
                if recorded {
                    Err("already recorded".into())
                } else {
                    Ok(())
                }
            });
            match result {
                Ok(_) => added += 1,
                Err(ledger::LedgerError::Refused { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok(added)
}

/// A ledger item from a line of a manifest, with the reviewer's comment
/// ("" for none).
pub(super) fn ledger_item(line: &ReviewedLine, comment: &str) -> LedgerItem {
    let f = |name: &str| line.field(name).to_string();
    LedgerItem {
        doc_id: f("doc_id"),
        title_hash: f("title"),
        copies: f("copies").parse().unwrap_or(1),
        department: f("department"),
        source_file: f("source_file"),
        source_sheet: f("source_sheet"),
        source_row: f("source_row").parse().unwrap_or(0),
        comment: comment.to_string(),
        holding: crate::history::HoldingKey::ledger_field(&line.title),
    }
}

/// What is printed after a review: each batch's outcomes and final
/// manifest, then the summary.
fn summary(
    run: &Path,
    out: &Path,
    batches: &[BatchReview],
    finals: &[(String, Option<String>)],
    recorded: usize,
    config: &ReviewConfig,
) -> Summary {
    let lang = config.lang;
    let mut s = Summary::new(lang);
    let mut totals = [0u64; 5];
    for (b, (_, file)) in batches.iter().zip(finals) {
        let n = counts(b.results.iter());
        for (t, k) in totals.iter_mut().zip(n) {
            *t += k;
        }
        report_batch(&mut s, b, n, file.as_ref());
    }
    s.read(copies_read(run, batches, lang));
    for (label, n) in outcome_labels(lang).iter().zip(totals) {
        if n > 0 {
            s.decided(*label, n, Counted::Line);
        }
    }
    s.decides();
    let written = finals.iter().filter(|(_, f)| f.is_some()).count();
    s.written(review_written(out, written, lang));
    s.written(match lang {
        Lang::Zh => format!(
            "台账 {}：新增 {recorded} 条记录（不同意、暂缓）",
            config.ledger.display()
        ),
        Lang::En => format!(
            "the ledger {}: {} added (rejections, deferrals)",
            config.ledger.display(),
            labels::count(recorded as u64, Counted::Entry, lang)
        ),
    });
    attend_to_lines_left_out(&mut s, totals);
    next_after_review(&mut s, run, out, batches, finals, written);
    s
}

/// One batch in the report: its outcomes (`n`, as [`counts`] counts them)
/// and its final manifest, if any, then how many lines each reviewed copy
/// decided; a batch without a final manifest also needs attention.
fn report_batch(s: &mut Summary, b: &BatchReview, n: [u64; 5], file: Option<&String>) {
    let lang = s.lang();
    let sep = lang.pick(labels::CLAUSE_SEPARATOR.0, labels::CLAUSE_SEPARATOR.1);
    let parts: Vec<String> = outcome_labels(lang)
        .iter()
        .zip(n)
        .map(|(label, k)| format!("{label} {k}"))
        .collect();
    let lines = labels::count(b.results.len() as u64, Counted::Line, lang);
    let batch = &b.full.heading.batch;
    let report = s.report();
    let _ = write!(
        report,
        "  {batch}{}{lines} — {}",
        lang.pick("：", ": "),
        parts.join(sep)
    );
    let _ = match (file, lang) {
        (Some(f), _) => writeln!(report, " → final/{f}"),
        (None, Lang::Zh) => writeln!(report, " → 没有同意销毁的行：不出正式清单"),
        (None, Lang::En) => writeln!(report, " → no line approved: no final manifest"),
    };
    for copy in &b.copies {
        let name = copy_name(copy);
        let n = b.results.iter().filter(|r| r.copy == name).count() as u64;
        let _ = match lang {
            Lang::Zh => writeln!(report, "    {name}：决定了 {n} 行"),
            Lang::En => writeln!(
                report,
                "    {name}: {} decided",
                labels::count(n, Counted::Line, lang)
            ),
        };
    }
    if file.is_none() {
        s.attention(match lang {
            Lang::Zh => format!("{batch}：没有同意销毁的行，不出正式清单"),
            Lang::En => format!("{batch}: no line approved, so no final manifest"),
        });
    }
}

/// What was read: the reviewed copies, batches and lines, and the run.
fn copies_read(run: &Path, batches: &[BatchReview], lang: Lang) -> String {
    let copies: usize = batches.iter().map(|b| b.copies.len()).sum();
    let lines: usize = batches.iter().map(|b| b.results.len()).sum();
    match lang {
        Lang::Zh => format!(
            "{copies} 份审核副本，{}，{}（运行文件夹 {}）",
            labels::count(batches.len() as u64, Counted::Batch, lang),
            labels::count(lines as u64, Counted::Line, lang),
            run.display()
        ),
        Lang::En => format!(
            "{copies} reviewed {}, {}, {} (run {})",
            if copies == 1 { "copy" } else { "copies" },
            labels::count(batches.len() as u64, Counted::Batch, lang),
            labels::count(lines as u64, Counted::Line, lang),
            run.display()
        ),
    }
}

/// What was written: the review folder, with its `written` final
/// manifests and the summary workbook.
fn review_written(out: &Path, written: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!(
            "{}（final/ 中正式清单 {written} 份，review-summary.xlsx）",
            out.display()
        ),
        Lang::En => format!(
            "{} (final/ with {written} final {}, review-summary.xlsx)",
            out.display(),
            if written == 1 {
                "manifest"
            } else {
                "manifests"
            }
        ),
    }
}

/// The lines kept out of the final manifests that need attention (as
/// [`counts`] counts them over every batch): not reviewed, deferred,
/// dropped.
fn attend_to_lines_left_out(s: &mut Summary, totals: [u64; 5]) {
    let lang = s.lang();
    let [_, _, deferred, unreviewed, dropped] = totals;
    if unreviewed > 0 {
        s.attention(match lang {
            Lang::Zh => format!("{unreviewed} 行未审核：不进入正式清单，下次计划时会再列出"),
            Lang::En => format!(
                "{} not reviewed: kept out of the final manifests, planned again next time",
                labels::count(unreviewed, Counted::Line, lang)
            ),
        });
    }
    if deferred > 0 {
        s.attention(match lang {
            Lang::Zh => format!("{deferred} 行暂缓：已记入台账，下次计划时会再列出"),
            Lang::En => format!(
                "{} deferred: recorded in the ledger, planned again next time",
                labels::count(deferred, Counted::Line, lang)
            ),
        });
    }
    if dropped > 0 {
        s.attention(match lang {
            Lang::Zh => {
                format!("{dropped} 行已剔除（现已冻结或不在登记簿中），原因见 review-summary.xlsx")
            }
            Lang::En => format!(
                "{} dropped (now on hold or gone from the registers): review-summary.xlsx says why",
                labels::count(dropped, Counted::Line, lang)
            ),
        });
    }
}

/// What comes next: have the final manifests (`written` of them) signed
/// and confirm the first destroyed; with no final manifest, the run's
/// status.
fn next_after_review(
    s: &mut Summary,
    run: &Path,
    out: &Path,
    batches: &[BatchReview],
    finals: &[(String, Option<String>)],
    written: usize,
) {
    let lang = s.lang();
    let first = batches
        .iter()
        .zip(finals)
        .find_map(|(b, (_, f))| f.as_ref().map(|f| (b, f)));
    match first {
        Some((b, file)) => {
            s.attention(lang.pick(
                "正式清单须由委员会签字",
                "have the committee sign the final manifests",
            ));
            let path = out.join("final").join(file);
            s.next(
                commands::confirm_destruction(&path, b.full.heading.witnesses, lang),
                vec![commands::confirm_destruction_note(written, lang)],
            );
        }
        None => s.next(commands::status(run), Vec::new()),
    }
}
