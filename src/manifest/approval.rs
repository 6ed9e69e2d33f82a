//! The committee's review, merged and applied (SPEC §1 step 5): every line
//! of a batch gets one outcome from the reviewed copies (approved, rejected,
//! deferred, not reviewed, or dropped because its holding is now on hold or
//! gone), and the approved lines become the final manifest — renumbered,
//! under a new digest that covers its heading and lines and names the
//! draft's digest, marked 正式 / Final, with an appendix of every line left
//! out and why. A rejected, deferred, unreviewed or dropped line never
//! reaches a final manifest.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Result, bail};
use rust_xlsxwriter::Workbook;

use super::batch::{Batch, Heading, LineItem, ManifestKind};
use super::draft::{Document, write_document};
use super::review::{ReviewedCopy, ReviewedLine};
use crate::config::Lang;
use crate::domain::Site;
use crate::labels::{self, ReviewChoice};
use crate::output::OutCell;
use crate::output::printable::{Printable, PrintedLines, write_printable};

/// What became of one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Approved: it goes into the final manifest.
    Approved,
    /// Rejected by the committee.
    Rejected,
    /// Deferred by the committee.
    Deferred,
    /// Nobody decided.
    Unreviewed,
    /// Left out whatever the committee said: its holding is now on hold or
    /// gone from the registers (the reason).
    Dropped(String),
}

impl Outcome {
    /// How the outcome is printed.
    pub fn label(&self, lang: Lang) -> String {
        let l = |zh: &str, en: &str| lang.pick(zh, en).to_string();
        match self {
            Outcome::Approved => l("同意", "Approved"),
            Outcome::Rejected => l("不同意", "Rejected"),
            Outcome::Deferred => l("暂缓", "Deferred"),
            Outcome::Unreviewed => l("未审核", "Not reviewed"),
            Outcome::Dropped(why) => match lang {
                Lang::Zh => format!("已剔除：{why}"),
                Lang::En => format!("Dropped: {why}"),
            },
        }
    }
}

/// One line of a batch with its outcome.
#[derive(Debug, Clone)]
pub struct LineResult {
    /// The line as issued in the full draft.
    pub line: ReviewedLine,
    /// Its outcome.
    pub outcome: Outcome,
    /// The reviewer's comment.
    pub comment: String,
    /// The reviewed copy its decision came from.
    pub copy: String,
    /// Every reviewed copy that holds the line (decided or not).
    pub in_copies: Vec<String>,
}

/// Merges the decisions of every reviewed copy of one batch into one
/// outcome per line of the full draft. Two copies that decide one line
/// differently are an error naming both files and the line.
pub fn merge(full: &ReviewedCopy, copies: &[&ReviewedCopy]) -> Result<Vec<LineResult>> {
    let mut decided: BTreeMap<(String, String, String), (ReviewChoice, String, String)> =
        BTreeMap::new();
    let mut holders: BTreeMap<(String, String, String), Vec<String>> = BTreeMap::new();
    for copy in copies {
        let name = file_name(&copy.path);
        for line in &copy.lines {
            holders.entry(line.key()).or_default().push(name.clone());
            let Some(decision) = line.decision else {
                continue;
            };
            match decided.get(&line.key()) {
                Some((other, _, file)) if *other != decision => bail!(
                    "line {} ({}) is decided twice: {} in {file}, {} in {name}",
                    line.field("no"),
                    line.doc_id(),
                    labels::review_choice(*other, Lang::Zh),
                    labels::review_choice(decision, Lang::Zh),
                ),
                Some(_) => {}
                None => {
                    decided.insert(line.key(), (decision, line.comment.clone(), name.clone()));
                }
            }
        }
    }
    Ok(full
        .lines
        .iter()
        .map(|line| {
            let (outcome, comment, copy) = match decided.get(&line.key()) {
                Some((choice, comment, file)) => {
                    (outcome_of(*choice), comment.clone(), file.clone())
                }
                None => (Outcome::Unreviewed, String::new(), String::new()),
            };
            LineResult {
                line: line.clone(),
                outcome,
                comment,
                copy,
                in_copies: holders.get(&line.key()).cloned().unwrap_or_default(),
            }
        })
        .collect())
}

fn outcome_of(choice: ReviewChoice) -> Outcome {
    match choice {
        ReviewChoice::Approve => Outcome::Approved,
        ReviewChoice::Reject => Outcome::Rejected,
        ReviewChoice::Defer => Outcome::Deferred,
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// A line item of the final manifest, from an approved line.
fn line_item(line: &ReviewedLine, no: u32) -> LineItem {
    let f = |i: usize| line.fields.get(i).cloned().unwrap_or_default();
    LineItem {
        no,
        doc_id: f(1),
        title: line.title.clone(),
        classification: f(3),
        effective: f(4),
        medium: f(5),
        copies: f(6).parse().unwrap_or(1),
        pages: f(7).parse().unwrap_or(0),
        department: f(8),
        source_file: f(9),
        source_sheet: f(10),
        source_row: f(11).parse().unwrap_or(0),
        rule: f(12),
        reason: f(13),
    }
}

/// The final manifest of a batch: its approved lines renumbered, under a
/// final heading naming the draft's digest.
pub fn final_batch(full: &ReviewedCopy, results: &[LineResult]) -> (Batch, Heading) {
    let lines: Vec<LineItem> = results
        .iter()
        .filter(|r| r.outcome == Outcome::Approved)
        .enumerate()
        .map(|(k, r)| line_item(&r.line, k as u32 + 1))
        .collect();
    let draft = &full.heading;
    let heading = Heading {
        kind: ManifestKind::Final {
            draft_digest: full.digest.clone(),
        },
        ..draft.clone()
    };
    let batch = Batch {
        id: draft.batch.clone(),
        site: Site::from_code(&draft.site).unwrap_or(Site::Facility),
        level: draft.level.clone(),
        witnesses: draft.witnesses,
        lines,
    };
    (batch, heading)
}

/// Writes the final manifest of a batch with its appendix; returns its
/// digest, or `None` (and writes nothing) when no line was approved.
pub fn write_final(
    path: &Path,
    full: &ReviewedCopy,
    results: &[LineResult],
    lang: Lang,
) -> Result<Option<String>> {
    let (batch, heading) = final_batch(full, results);
    if batch.lines.is_empty() {
        return Ok(None);
    }
    let document = Document {
        batch: &batch,
        heading: &heading,
        key: &full.key,
        redact: false,
        lang,
    };
    let left_out: Vec<&LineResult> = results
        .iter()
        .filter(|r| r.outcome != Outcome::Approved)
        .collect();
    let digest = write_document(path, &document, |wb| {
        write_appendix(wb, &heading, &left_out, lang).map(Some)
    })?;
    Ok(Some(digest))
}

/// The appendix of a final manifest: every line left out, with its outcome
/// and comment; its lines are written as the workbook is saved.
fn write_appendix<'a>(
    wb: &mut Workbook,
    heading: &Heading,
    left_out: &[&LineResult],
    lang: Lang,
) -> Result<PrintedLines<'a>> {
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let printable = Printable {
        title: match lang {
            Lang::Zh => format!("{} 批次 {} 未列入正式清单的行", heading.unit, heading.batch),
            Lang::En => format!(
                "{} batch {}: lines left out of the final manifest",
                heading.unit, heading.batch
            ),
        },
        info: vec![String::new(), String::new(), String::new()],
        headers: vec![
            l("序号", "No"),
            l("文件编号", "Doc No"),
            l("文件标题", "Title"),
            l("原标密级", "Classification"),
            l("份数", "Copies"),
            l("来源文件", "Source file"),
            l("工作表", "Sheet"),
            l("行号", "Row"),
            l("审核结果", "Outcome"),
            l("意见说明", "Comment"),
        ],
        rows: appendix_rows(left_out, lang).into(),
        totals: vec![
            OutCell::from(lang.pick(labels::TOTAL.0, labels::TOTAL.1)),
            OutCell::Text(match lang {
                Lang::Zh => format!("{} 件", left_out.len()),
                Lang::En => format!("{} lines", left_out.len()),
            }),
        ],
        review: false,
        batch_review: None,
        signatures: Vec::new(),
        footer: String::new(),
        lang,
    };
    write_printable(wb, l("附录", "Appendix"), printable)
}

/// The appendix's rows: each line left out, numbered anew, with its outcome
/// and comment.
fn appendix_rows(left_out: &[&LineResult], lang: Lang) -> Vec<Vec<OutCell>> {
    left_out
        .iter()
        .enumerate()
        .map(|(k, r)| {
            let f = |i: usize| r.line.fields.get(i).cloned().unwrap_or_default();
            vec![
                OutCell::Number(k as f64 + 1.0),
                OutCell::Text(f(1)),
                OutCell::Text(r.line.title.clone()),
                OutCell::Text(f(3)),
                OutCell::Number(f(6).parse().unwrap_or(1.0)),
                OutCell::Text(f(9)),
                OutCell::Text(f(10)),
                OutCell::Number(f(11).parse().unwrap_or(0.0)),
                OutCell::Text(r.outcome.label(lang)),
                OutCell::Text(r.comment.clone()),
            ]
        })
        .collect()
}
