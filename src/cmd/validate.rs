//! `clearance validate`: show how each register was understood before
//! anything is planned (SPEC §1 step 2).
//!
//! Prints, per sheet, the header found, each column's field, the row counts
//! and the first problems; `--out` also writes `validation.xlsx` with every
//! problem and `canonical.csv`, every row as it was read. Problems in
//! cells are findings, not failures: the command fails (exit 1) only when
//! a file cannot be read, and then writes nothing. The summary names the
//! plan to run next.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Result;

use crate::config::{Lang, ValidateConfig};
use crate::domain::Disposition;
use crate::ingest::{self, ColumnTarget, Ingested, Problem, Severity, SheetReport};
use crate::labels::{self, Counted};
use crate::output::{
    self,
    validation::{self, RejectedRow},
};
use crate::text::column_letters;

use super::Outcome;
use super::summary::{Summary, registers_attention, registers_command, registers_read};

/// Runs `validate`; prints the report and its summary to stdout and
/// errors to stderr.
pub fn run(config: &ValidateConfig) -> Result<Outcome> {
    let input = &config.input;
    let lang = input.lang;
    let progress = crate::progress::Progress::new(input.quiet, lang);
    progress.reading(input.files.len());
    let ingested = ingest::ingest(&input.files, &input.policy.vocabulary, &input.limits);
    progress.finish();
    let rejected = validation::rejected_rows(&ingested)?;
    let mut s = Summary::new(lang);
    s.report()
        .push_str(&render(&ingested, &rejected, config.show, lang));
    for error in &ingested.errors {
        eprintln!("error: {error}");
    }
    s.read(registers_read(&ingested.files, ingested.errors.len(), lang));
    let unreadable = !ingested.errors.is_empty();
    if unreadable {
        refuse(&mut s, &ingested, input.files.len());
    } else {
        write(&mut s, config.out.as_deref(), &ingested, &rejected)?;
    }
    attention(&mut s, &ingested);
    next(&mut s, config, unreadable);
    s.print();
    Ok(if unreadable {
        Outcome::DataError
    } else {
        Outcome::Success
    })
}

/// When some of the `files` could not be read: says so on stderr, and
/// each error needs attention.
fn refuse(s: &mut Summary, ingested: &Ingested, files: usize) {
    let lang = s.lang();
    eprintln!(
        "{}",
        match lang {
            Lang::Zh => format!(
                "{} 个文件中有 {} 个无法读取；未写出任何文件。",
                files,
                ingested.errors.len()
            ),
            Lang::En => format!(
                "{} of {} files could not be read; nothing was written.",
                ingested.errors.len(),
                files
            ),
        }
    );
    for error in &ingested.errors {
        s.attention(error.to_string());
    }
}

/// Writes validation.xlsx and canonical.csv into `out`, if given, and
/// says what was written.
fn write(
    s: &mut Summary,
    out: Option<&Path>,
    ingested: &Ingested,
    rejected: &[RejectedRow],
) -> Result<()> {
    let lang = s.lang();
    let Some(dir) = out else {
        s.written(lang.pick(
            "无（加 --out 文件夹 可写出 validation.xlsx 和 canonical.csv）",
            "nothing (--out DIR writes validation.xlsx and canonical.csv)",
        ));
        return Ok(());
    };
    let path = dir.join("validation.xlsx");
    validation::write(&path, ingested, rejected, lang)?;
    let csv = dir.join("canonical.csv");
    output::write_csv_atomically(&ingested.table, &csv)?;
    s.written(match lang {
        Lang::Zh => format!("{}（每个问题及其单元格）", path.display()),
        Lang::En => format!("{} (every problem with its cell)", path.display()),
    });
    s.written(match lang {
        Lang::Zh => format!("{}（读取的每一行）", csv.display()),
        Lang::En => format!("{} (every row as read)", csv.display()),
    });
    Ok(())
}

/// What needs attention: the problems found (and how many send their row
/// to REVIEW), then what of the registers was not read.
fn attention(s: &mut Summary, ingested: &Ingested) {
    let lang = s.lang();
    let problems = ingested.problems.len() as u64;
    if problems > 0 {
        let review = ingested
            .problems
            .iter()
            .filter(|p| p.severity == Severity::Review)
            .count();
        s.attention(match lang {
            Lang::Zh => format!(
                "{}：其中 {review} 个使该行转人工审核（待审核），其余记为异常、照常处理（--out 写出的 validation.xlsx 列出全部）",
                labels::count(problems, Counted::Problem, lang)
            ),
            Lang::En => format!(
                "{}: {review} send their row to REVIEW, the others are anomalies and the row is still planned (validation.xlsx, written with --out, lists them all)",
                labels::count(problems, Counted::Problem, lang)
            ),
        });
    }
    for line in registers_attention(&ingested.files, lang) {
        s.attention(line);
    }
}

/// The command to run next: `clearance plan` of the same registers and
/// policy; `clearance validate` again, once they are fixed, when some
/// could not be read.
fn next(s: &mut Summary, config: &ValidateConfig, again: bool) {
    let lang = s.lang();
    let command = registers_command(if again { "validate" } else { "plan" }, &config.input);
    let notes = if again {
        vec![
            lang.pick(
                "改正无法读取的文件之后再核对一次",
                "once the unreadable files are fixed",
            )
            .to_string(),
        ]
    } else {
        Vec::new()
    };
    s.next(command, notes);
}

/// The text report, one block per file and sheet.
pub fn render(ingested: &Ingested, rejected: &[RejectedRow], show: usize, lang: Lang) -> String {
    let mut out = String::new();
    for file in &ingested.files {
        let _ = match lang {
            Lang::Zh => writeln!(
                out,
                "{}（{}，{} 字节，sha256 {}）",
                file.path,
                file.format.name(),
                file.size,
                &file.sha256[..16]
            ),
            Lang::En => writeln!(
                out,
                "{} ({}, {} bytes, sha256 {})",
                file.path,
                file.format.name(),
                file.size,
                &file.sha256[..16]
            ),
        };
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
            render_sheet(&mut out, sheet, &found, show, lang);
        }
    }
    out
}

/// The problems and rejected rows of one sheet.
struct Found<'a> {
    problems: Vec<&'a Problem>,
    rejected: Vec<&'a RejectedRow>,
}

/// "row 14" / "第 14 行", padded for a column of them.
fn row_label(row: u32, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{:<11}", format!("第 {row} 行")),
        Lang::En => format!("row {row:<7}"),
    }
}

/// One sheet's block: its header and columns, its row counts and notes,
/// and the first `show` problems and rejected rows.
fn render_sheet(out: &mut String, sheet: &SheetReport, found: &Found<'_>, show: usize, lang: Lang) {
    let label = match (sheet.sheet.is_empty(), lang) {
        (true, _) => String::from("  (csv)"),
        (false, Lang::Zh) => format!("  工作表“{}”", sheet.sheet),
        (false, Lang::En) => format!("  sheet \"{}\"", sheet.sheet),
    };
    let Some((first, last)) = sheet.header_rows else {
        render_unread(out, &label, sheet, lang);
        return;
    };
    let _ = match (first == last, lang) {
        (true, Lang::Zh) => writeln!(out, "{label}：表头在第 {first} 行"),
        (false, Lang::Zh) => writeln!(out, "{label}：表头在第 {first}–{last} 行"),
        (true, Lang::En) => writeln!(out, "{label}: header at row {first}"),
        (false, Lang::En) => writeln!(out, "{label}: header at rows {first}–{last}"),
    };
    render_columns(out, sheet, lang);
    render_counts(out, sheet, lang);
    render_problems(out, &found.problems, show, lang);
    if !found.rejected.is_empty() {
        let (shown, all) = (found.rejected.len().min(show), found.rejected.len());
        let _ = match lang {
            Lang::Zh => writeln!(out, "    无法识别的行（显示 {shown} 行，共 {all} 行）："),
            Lang::En => writeln!(out, "    rejected ({shown} of {all}):"),
        };
        for r in found.rejected.iter().take(show) {
            let _ = writeln!(out, "      {} {}", row_label(r.row, lang), r.reason);
        }
    }
}

/// A sheet without a register header: why, and the rows left unread.
fn render_unread(out: &mut String, label: &str, sheet: &SheetReport, lang: Lang) {
    let note = match (sheet.note.as_deref(), lang) {
        (Some("no register header found") | None, Lang::Zh) => "未找到登记簿表头",
        (Some("empty sheet"), Lang::Zh) => "空工作表",
        (Some(note), _) => note,
        (None, Lang::En) => "not read",
    };
    let _ = match (sheet.unread_rows, lang) {
        (0, Lang::Zh) => writeln!(out, "{label}：{note}"),
        (0, Lang::En) => writeln!(out, "{label}: {note}"),
        (n, Lang::Zh) => writeln!(
            out,
            "{label}：{note} — {n} 行非空行未读取（如果这是登记簿，请把它的列名加入政策文件的 [aliases]）"
        ),
        (n, Lang::En) => writeln!(
            out,
            "{label}: {note} — {n} non-empty rows not read (add the column names to the policy's [aliases] if this is a register)"
        ),
    };
}

/// Each column: its letter, its header and the field it was read into.
fn render_columns(out: &mut String, sheet: &SheetReport, lang: Lang) {
    let kept = lang.pick("原样保留", "kept as is");
    for c in &sheet.columns {
        let target = match &c.target {
            ColumnTarget::Field(f) => format!("→ {f}"),
            ColumnTarget::Kept(_) => match (&c.note, lang) {
                (Some(note), Lang::Zh) => format!("{kept}（{note}）"),
                (Some(note), Lang::En) => format!("{kept} ({note})"),
                (None, _) => kept.to_string(),
            },
        };
        let header = if c.header.is_empty() {
            lang.pick("（无表头）", "(no header)")
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
fn render_counts(out: &mut String, sheet: &SheetReport, lang: Lang) {
    let (data, rejected, skipped, above, counted) = (
        sheet.data_rows,
        sheet.rejected_rows,
        sheet.skipped_rows,
        sheet.preamble_rows,
        sheet.nonempty_rows,
    );
    let _ = match (sheet.balances(), lang) {
        (balances, Lang::Zh) => writeln!(
            out,
            "    数据 {data} 行（其中无法识别 {rejected} 行），跳过 {skipped} 行，表头以上 {above} 行；非空行共 {counted} 行，{}",
            if balances {
                "全部有着落"
            } else {
                "未能全部对上"
            }
        ),
        (balances, Lang::En) => writeln!(
            out,
            "    {data} data rows ({rejected} rejected), {skipped} skipped, {above} above the header; {counted} non-empty rows counted, {}",
            if balances {
                "all accounted for"
            } else {
                "NOT all accounted for"
            }
        ),
    };
    for note in &sheet.notes {
        let _ = writeln!(out, "    ! {note}");
    }
    if !sheet.merged_fills.is_empty() {
        let cols: Vec<String> = sheet
            .merged_fills
            .iter()
            .map(|(c, n)| format!("{} ×{n}", column_letters(*c)))
            .collect();
        let filled = sheet.merged_fills.values().sum::<u64>();
        let _ = match lang {
            Lang::Zh => writeln!(
                out,
                "    合并单元格：{filled} 个空单元格取了向下合并区域的值（{}）",
                cols.join("，")
            ),
            Lang::En => writeln!(
                out,
                "    merged cells: {filled} blank cells took the value of a range merged down over them ({})",
                cols.join(", ")
            ),
        };
    }
}

/// The first `show` problems of a sheet.
fn render_problems(out: &mut String, problems: &[&Problem], show: usize, lang: Lang) {
    if problems.is_empty() {
        return;
    }
    let (shown, all) = (problems.len().min(show), problems.len());
    let _ = match lang {
        Lang::Zh => writeln!(out, "    问题（显示 {shown} 个，共 {all} 个）："),
        Lang::En => writeln!(out, "    problems ({shown} of {all}):"),
    };
    for p in problems.iter().take(show) {
        let effect = match (p.severity, lang) {
            (Severity::Review, _) => {
                format!("[{}]", labels::disposition(Disposition::Review, lang))
            }
            (Severity::Anomaly, Lang::Zh) => "[异常]".to_string(),
            (Severity::Anomaly, Lang::En) => "[anomaly]".to_string(),
        };
        let _ = writeln!(
            out,
            "      {} {}{} {:<18} \"{}\": {} {effect}",
            row_label(p.row, lang),
            column_letters(p.column),
            p.row,
            p.field.key(),
            p.raw,
            p.message,
        );
        if !p.hint.is_empty() {
            let _ = writeln!(out, "        {}", p.hint);
        }
    }
}
