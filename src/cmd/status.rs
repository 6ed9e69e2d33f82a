//! `clearance status`: where this year's clearance stands — each
//! destruction batch drafted, reviewed, final, confirmed; each return and
//! transfer list confirmed or not; and what is still open.
//!
//! Everything is read from what the other commands wrote: the run folder's
//! manifests/index.csv and lists/index.csv, the review folder's
//! final/index.csv, the ledger, and the decisions' dispositions. A batch
//! or list counts as confirmed when the ledger holds an entry for its
//! digest (the final manifest's, or the list's), so a document confirmed
//! from another copy of the run is still recognised, and one changed
//! since is not. The summary names what is open and the command that
//! closes the first of it (next year's plan once nothing is).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use polars::prelude::*;

use chrono::{Datelike, NaiveDate};

use crate::config::{Lang, StatusConfig};
use crate::domain::Disposition;
use crate::labels::{self, Counted, Placeholder};
use crate::ledger::{self, Entry, EntryKind};
use crate::manifest::INDEX_FILE;
use crate::manifest::verify::verify_file;
use crate::run_folder::RunInfo;

use super::Outcome;
use super::summary::{Summary, commands, ledger_read, path_arg};

/// One row of an index.csv (manifests, finals or lists).
#[derive(Debug, Clone, Default)]
struct Indexed {
    file: String,
    id: String,
    kind: String,
    destination: String,
    lines: String,
    digest: String,
}

/// Reads an index.csv by column name; a missing file is an empty index.
fn read_index(path: &Path, id_column: &str) -> Result<Vec<Indexed>> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    let mut reader = csv::Reader::from_path(path)
        .with_context(|| format!("{}: cannot read it", path.display()))?;
    let headers = reader.headers()?.clone();
    let col = |n: &str| headers.iter().position(|h| h == n);
    let (file, id, kind, destination, lines, digest) = (
        col("file"),
        col(id_column),
        col("kind"),
        col("destination"),
        col("lines"),
        col("digest"),
    );
    let mut out = Vec::new();
    for record in reader.records() {
        let r = record.with_context(|| format!("{}: damaged", path.display()))?;
        let get = |c: Option<usize>| c.and_then(|c| r.get(c)).unwrap_or("").to_string();
        out.push(Indexed {
            file: get(file),
            id: get(id),
            kind: get(kind),
            destination: get(destination),
            lines: get(lines),
            digest: get(digest),
        });
    }
    Ok(out)
}

/// The newest run folder under `reports/` (by its as-of date).
fn newest_run(reports: &Path) -> Result<PathBuf> {
    let mut best: Option<(String, PathBuf)> = None;
    if let Ok(entries) = std::fs::read_dir(reports) {
        for e in entries.flatten() {
            let dir = e.path();
            if let Ok(info) = RunInfo::read(&dir)
                && best.as_ref().is_none_or(|(a, _)| info.as_of > *a)
            {
                best = Some((info.as_of, dir));
            }
        }
    }
    match best {
        Some((_, dir)) => Ok(dir),
        None => bail!(
            "no run folder in {} — run `clearance plan` first, or name the run folder",
            reports.display()
        ),
    }
}

/// The ledger entry that confirmed a document of this digest.
fn confirmed<'e>(entries: &'e [Entry], digest: &str) -> Option<&'e Entry> {
    entries
        .iter()
        .find(|e| e.kind.left_the_office() && e.document_digest == digest)
}

/// Something still open: what, and the command that closes it (if one
/// does).
struct Open {
    text: String,
    command: Option<String>,
}

/// Runs `status`.
pub fn run(config: &StatusConfig) -> Result<Outcome> {
    let run = match &config.run {
        Some(r) => r.clone(),
        None => newest_run(Path::new("reports"))?,
    };
    let info = RunInfo::read(&run)?;
    let entries = ledger::read(&config.ledger)?;
    let review = run.with_file_name(format!(
        "{}-review",
        run.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    ));
    let drafts = read_index(&run.join("manifests").join(INDEX_FILE), "batch")?;
    let finals = read_index(&review.join("final").join(INDEX_FILE), "batch")?;
    let lists = read_index(&run.join("lists").join(INDEX_FILE), "list")?;
    let dispositions = dispositions(&run)?;
    let lang = config.lang;
    let mut s = Summary::new(lang);
    let _ = writeln!(
        s.report(),
        "{}{} ({} {})",
        lang.pick("清理进度：", "Clearance status: "),
        run.display(),
        lang.pick("基准日期", "as of"),
        info.as_of
    );
    let mut open = Vec::new();
    let ctx = Shown {
        entries: &entries,
        run: &run,
        review: &review,
        lang,
    };
    write_batches(s.report(), &drafts, &finals, &ctx, &mut open);
    write_lists(s.report(), &lists, &ctx, &mut open);
    s.read(match lang {
        Lang::Zh => format!("运行文件夹 {}（基准日期 {}）", run.display(), info.as_of),
        Lang::En => format!("the run folder {} (as of {})", run.display(), info.as_of),
    });
    s.read(ledger_read(&config.ledger, entries.len(), lang));
    decided(&mut s, &dispositions, &mut open);
    attend_to_open(&mut s, &open);
    match open.iter().find_map(|o| o.command.clone()) {
        Some(command) => s.next(command, Vec::new()),
        None => s.next(
            next_year(&info.as_of, &config.ledger, &run, lang),
            Vec::new(),
        ),
    }
    s.print();
    Ok(Outcome::Success)
}

/// The run's holdings by disposition, as decided; those a person still
/// has to see to (review, recall, appraise) are open.
fn decided(s: &mut Summary, dispositions: &[(Disposition, u64)], open: &mut Vec<Open>) {
    let lang = s.lang();
    s.decides();
    for (d, n) in dispositions {
        s.decided(labels::disposition(*d, lang), *n, Counted::Holding);
        if matches!(
            d,
            Disposition::Review | Disposition::Recall | Disposition::Appraise
        ) {
            open.push(Open {
                text: match lang {
                    Lang::Zh => format!("{n} 件{}", labels::disposition(*d, lang)),
                    Lang::En => {
                        format!("{} {}", labels::count(*n, Counted::Holding, lang), d.code())
                    }
                },
                command: None,
            });
        }
    }
}

/// Everything still open, each with the command that closes it, if one
/// does.
fn attend_to_open(s: &mut Summary, open: &[Open]) {
    let lang = s.lang();
    for o in open {
        s.attention(match &o.command {
            Some(c) => match lang {
                Lang::Zh => format!("{}（{c}）", o.text),
                Lang::En => format!("{} ({c})", o.text),
            },
            None => o.text.clone(),
        });
    }
}

/// Next year's plan, with the ledger and this run.
fn next_year(as_of: &str, ledger: &Path, run: &Path, lang: Lang) -> String {
    let next = NaiveDate::parse_from_str(as_of, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.with_year(d.year() + 1))
        .map_or_else(
            || labels::placeholder(Placeholder::Date, lang).to_string(),
            |d| d.to_string(),
        );
    format!(
        "clearance plan {} --as-of {next} --ledger {} --previous {}",
        labels::placeholder(Placeholder::Registers, lang),
        path_arg(ledger),
        path_arg(run)
    )
}

/// What the lines of the report are written with.
struct Shown<'a> {
    entries: &'a [Entry],
    run: &'a Path,
    review: &'a Path,
    lang: Lang,
}

/// One line per destruction batch: drafted, reviewed, final, confirmed.
fn write_batches(
    out: &mut String,
    drafts: &[Indexed],
    finals: &[Indexed],
    ctx: &Shown<'_>,
    open: &mut Vec<Open>,
) {
    let lang = ctx.lang;
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let _ = writeln!(out, "{}", l("销毁批次：", "Destruction batches:"));
    let mut batches: BTreeMap<&str, (Option<&Indexed>, Option<&Indexed>)> = BTreeMap::new();
    for d in drafts.iter().filter(|d| !d.id.is_empty()) {
        // Per-department and redacted copies share their batch's id.
        batches.entry(d.id.as_str()).or_default().0.get_or_insert(d);
    }
    for f in finals {
        batches.entry(f.id.as_str()).or_default().1 = Some(f);
    }
    for (batch, (draft, fin)) in &batches {
        let state = batch_state(batch, *draft, *fin, ctx, open);
        let lines = lines(draft.map_or("", |d| d.lines.as_str()), lang);
        let _ = writeln!(out, "  {batch}  {lines}  {state}");
    }
    if batches.is_empty() {
        let _ = writeln!(out, "  {}", l("（无）", "(none)"));
    }
}

/// Where a batch stands, from its draft and final manifest: destroyed,
/// final, reviewed without a final, or a draft. What is left to do is
/// added to `open`.
fn batch_state(
    batch: &str,
    draft: Option<&Indexed>,
    fin: Option<&Indexed>,
    ctx: &Shown<'_>,
    open: &mut Vec<Open>,
) -> String {
    let (entries, lang) = (ctx.entries, ctx.lang);
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let decided_without_final = draft.is_some_and(|d| {
        entries
            .iter()
            .any(|e| !e.kind.left_the_office() && e.batch == batch && e.document_digest == d.digest)
    });
    match (fin, fin.and_then(|f| confirmed(entries, &f.digest))) {
        (Some(_), Some(e)) => match lang {
            Lang::Zh => format!("已销毁（{}，台账第 {} 条）", e.date, e.seq),
            Lang::En => format!("destroyed ({}, ledger entry {})", e.date, e.seq),
        },
        (Some(f), None) => {
            let file = ctx.review.join("final").join(&f.file);
            // The witnesses the batch requires are in its heading.
            let witnesses = verify_file(&file).map_or(1, |v| v.heading.witnesses);
            open.push(Open {
                text: match lang {
                    Lang::Zh => format!("{batch}：正式清单待销毁后确认"),
                    Lang::En => format!("{batch}: final, to confirm once destroyed"),
                },
                command: Some(commands::confirm_destruction(&file, witnesses, lang)),
            });
            l("正式清单已出，待确认销毁", "final, not yet confirmed").to_string()
        }
        (None, _) if decided_without_final => {
            l("已审核，无同意销毁的行", "reviewed, no line approved").to_string()
        }
        (None, _) => {
            open.push(Open {
                text: match lang {
                    Lang::Zh => format!("{batch}：送审稿待审核"),
                    Lang::En => format!("{batch}: draft awaiting review"),
                },
                command: Some(commands::review(commands::REVIEWED, ctx.run)),
            });
            l("送审稿，待审核", "draft, awaiting review").to_string()
        }
    }
}

/// One line per return or transfer list: confirmed or not.
fn write_lists(out: &mut String, lists: &[Indexed], ctx: &Shown<'_>, open: &mut Vec<Open>) {
    let (entries, lang) = (ctx.entries, ctx.lang);
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let _ = writeln!(out, "{}", l("清退与移交：", "Returns and transfers:"));
    for list in lists {
        let kind = if list.kind == EntryKind::Transfer.code() {
            l("移交", "transfer")
        } else {
            l("清退", "return")
        };
        let unknown = list.destination == crate::plan::derive::UNKNOWN_DESTINATION;
        // The archive is named in the language of the run that wrote the
        // list; said here in the terminal's.
        let destination = if list.kind == EntryKind::Transfer.code() {
            lang.pick(labels::ARCHIVE.0, labels::ARCHIVE.1)
        } else {
            labels::destination(&list.destination, lang)
        };
        let state = match confirmed(entries, &list.digest) {
            _ if list.lines == "0" => l("无文件", "nothing to hand over").to_string(),
            Some(e) => match lang {
                Lang::Zh => format!("已交接（{}，台账第 {} 条）", e.date, e.seq),
                Lang::En => format!("handed over ({}, ledger entry {})", e.date, e.seq),
            },
            None => {
                open.push(Open {
                    text: match lang {
                        Lang::Zh => format!("{}：{kind}至 {destination} 待确认", list.id),
                        Lang::En => format!("{}: {kind} to {destination} to confirm", list.id),
                    },
                    command: Some(commands::confirm_handover(
                        &ctx.run.join("lists").join(&list.file),
                        unknown,
                        lang,
                    )),
                });
                l("待交接", "not yet handed over").to_string()
            }
        };
        let _ = writeln!(
            out,
            "  {}  {kind} {destination}  {}  {state}",
            list.id,
            lines(&list.lines, lang)
        );
    }
    if lists.is_empty() {
        let _ = writeln!(out, "  {}", l("（无）", "(none)"));
    }
}

/// An index's line count as the terminal says it.
fn lines(count: &str, lang: Lang) -> String {
    count.parse().map_or_else(
        |_| count.to_string(),
        |n| labels::count(n, Counted::Line, lang),
    )
}

/// The run's holdings by disposition, in the order of
/// [`Disposition::ALL`], from its decisions.
fn dispositions(run: &Path) -> Result<Vec<(Disposition, u64)>> {
    let path = run.join("decisions.parquet");
    let file = std::fs::File::open(&path)
        .with_context(|| format!("{}: cannot open it", path.display()))?;
    let df = ParquetReader::new(file)
        .with_columns(Some(vec!["disposition".to_string()]))
        .finish()
        .map_err(|e| anyhow::anyhow!("{}: cannot read it: {e}", path.display()))?;
    let codes = df.column("disposition")?.str()?;
    let mut counts: BTreeMap<Disposition, u64> = BTreeMap::new();
    for d in codes.iter().flatten().filter_map(Disposition::from_code) {
        *counts.entry(d).or_default() += 1;
    }
    Ok(Disposition::ALL
        .into_iter()
        .filter_map(|d| counts.get(&d).map(|n| (d, *n)))
        .collect())
}
