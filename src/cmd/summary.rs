//! The closing summary every command prints, in one shape: what was read,
//! what was decided (disposition × count, where it applies), where the
//! outputs are, what needs a person's attention, and the command to run
//! next in the year's work — in the run's language.
//!
//! A command fills a [`Summary`] part by part (and, before it, the report
//! it prints, if any) and prints it once. The words are in
//! [`crate::labels`]; what is said of the registers read is shared by
//! `validate` and `plan` ([`registers_read`], [`registers_attention`]).

use std::fmt::Write as _;
use std::path::Path;

use crate::config::Lang;
use crate::ingest::{ColumnTarget, FileReport, SheetReport};
use crate::labels::{self, Counted, SummaryPart};
use crate::output::display_width;

/// A command's closing summary.
#[derive(Debug, Clone)]
pub struct Summary {
    lang: Lang,
    report: String,
    read: Vec<String>,
    decided: Option<Vec<(String, u64, Counted)>>,
    decided_note: Option<String>,
    written: Vec<String>,
    attention: Vec<String>,
    next: Option<(String, Vec<String>)>,
}

impl Summary {
    /// An empty summary in `lang`.
    pub fn new(lang: Lang) -> Summary {
        Summary {
            lang,
            report: String::new(),
            read: Vec::new(),
            decided: None,
            decided_note: None,
            written: Vec::new(),
            attention: Vec::new(),
            next: None,
        }
    }

    /// The language it is said in.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The command's report, printed before the summary.
    pub fn report(&mut self) -> &mut String {
        &mut self.report
    }

    /// A line of what was read.
    pub fn read(&mut self, line: impl Into<String>) {
        self.read.push(line.into());
    }

    /// One row of what was decided: a label and how many. The first call
    /// makes the "decided" part appear; commands that decide nothing never
    /// call it.
    pub fn decided(&mut self, label: impl Into<String>, n: u64, what: Counted) {
        self.decided
            .get_or_insert_with(Vec::new)
            .push((label.into(), n, what));
    }

    /// Makes the "decided" part appear, even if nothing is added to it.
    pub fn decides(&mut self) {
        self.decided.get_or_insert_with(Vec::new);
    }

    /// What the decisions were made as of, said in the part's heading
    /// (`决定（基准日期 2024-12-31）：`).
    pub fn decided_as_of(&mut self, as_of: impl std::fmt::Display) {
        self.decides();
        let words = self.lang.pick(labels::AS_OF.0, labels::AS_OF.1);
        self.decided_note = Some(match self.lang {
            Lang::Zh => format!("（{words} {as_of}）"),
            Lang::En => format!(" ({words} {as_of})"),
        });
    }

    /// A line of what was written (a path, with what it holds).
    pub fn written(&mut self, line: impl Into<String>) {
        self.written.push(line.into());
    }

    /// Something a person must look at.
    pub fn attention(&mut self, line: impl Into<String>) {
        self.attention.push(line.into());
    }

    /// The command to run next (`clearance …`, arguments quoted), with
    /// lines saying what to do first, if anything.
    pub fn next(&mut self, command: impl Into<String>, notes: Vec<String>) {
        self.next = Some((command.into(), notes));
    }

    /// The report, then the summary, as printed.
    pub fn render(&self) -> String {
        let lang = self.lang;
        let part = |p: SummaryPart| labels::summary_part(p, lang);
        let nothing = lang.pick(labels::NOTHING.0, labels::NOTHING.1);
        let mut out = self.report.clone();
        if !out.is_empty() {
            out.push('\n');
        }
        let _ = writeln!(out, "── {} ──", part(SummaryPart::Title));
        write_part(&mut out, part(SummaryPart::Read), &self.read, "", nothing);
        if let Some(decided) = &self.decided {
            let label_w = decided.iter().map(|(l, ..)| display_width(l)).max();
            let n_w = decided.iter().map(|(_, n, _)| n.to_string().len()).max();
            let rows: Vec<String> = decided
                .iter()
                .map(|(label, n, what)| {
                    let fill = label_w.unwrap_or(0) - display_width(label);
                    let counted = labels::count(*n, *what, lang);
                    let pad = n_w.unwrap_or(0) - n.to_string().len();
                    format!("{label}{}  {}{counted}", " ".repeat(fill), " ".repeat(pad))
                })
                .collect();
            let heading = match &self.decided_note {
                Some(note) => {
                    let word = part(SummaryPart::Decided).trim_end_matches(['：', ':', ' ']);
                    format!("{word}{note}{}", lang.pick("：", ": "))
                }
                None => part(SummaryPart::Decided).to_string(),
            };
            write_part(&mut out, &heading, &rows, "", nothing);
        }
        write_part(
            &mut out,
            part(SummaryPart::Written),
            &self.written,
            "",
            nothing,
        );
        write_part(
            &mut out,
            part(SummaryPart::Attention),
            &self.attention,
            "! ",
            nothing,
        );
        if let Some((command, notes)) = &self.next {
            let _ = writeln!(out, "{}{command}", part(SummaryPart::Next));
            for note in notes {
                let _ = writeln!(out, "  {note}");
            }
        }
        out
    }

    /// Prints the report and the summary on stdout.
    pub fn print(&self) {
        print!("{}", self.render());
    }
}

/// One part: on its heading's line when it has one line, else below it,
/// indented (each line marked with `mark`); `nothing` when empty.
fn write_part(out: &mut String, heading: &str, lines: &[String], mark: &str, nothing: &str) {
    // A heading such as "read: " or "读取：" is followed by its one line;
    // on a line of its own it ends without the space.
    match lines {
        [] => {
            let _ = writeln!(out, "{heading}{nothing}");
        }
        [one] if mark.is_empty() => {
            let _ = writeln!(out, "{heading}{one}");
        }
        _ => {
            let _ = writeln!(out, "{}", heading.trim_end());
            for line in lines {
                let _ = writeln!(out, "  {mark}{line}");
            }
        }
    }
}

/// Text as it is typed in a command: in double quotes when it holds a
/// space or a character a shell reads.
///
/// ```
/// use clearance::cmd::summary::shell_arg;
/// assert_eq!(shell_arg("reports/2024-12-31"), "reports/2024-12-31");
/// assert_eq!(shell_arg("my reports"), "\"my reports\"");
/// ```
pub fn shell_arg(text: &str) -> String {
    let special = |c: char| c.is_whitespace() || "\"'`$&|;<>()[]{}*?!#~\\".contains(c);
    if !text.is_empty() && !text.chars().any(special) {
        text.to_string()
    } else {
        format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// A path as it is typed in a command.
pub fn path_arg(path: &Path) -> String {
    shell_arg(&path.display().to_string())
}

/// `clearance SUBCOMMAND` over the registers (and policy file) of `input`,
/// as the user would type it: the next command after `validate` or a
/// stopped `plan`.
pub fn registers_command(subcommand: &str, input: &crate::config::InputConfig) -> String {
    let mut command = format!("clearance {subcommand}");
    for file in &input.files {
        command.push(' ');
        command.push_str(&path_arg(file));
    }
    if let Some(policy) = &input.policy_file {
        command.push_str(" --policy ");
        command.push_str(&path_arg(policy));
    }
    command
}

/// The `*.xlsx` files of a folder, as typed in a command (the pattern
/// left for the shell to expand).
pub fn xlsx_in(dir: &Path) -> String {
    format!("{}/*.xlsx", path_arg(dir).trim_end_matches('/'))
}

/// The commands of the year's work that a summary names as the next one,
/// with real paths and placeholders for what the person fills in.
pub mod commands {
    use std::path::Path;

    use super::path_arg;
    use crate::config::Lang;
    use crate::labels::{Placeholder, placeholder};

    /// The folder the committee's reviewed copies are put in.
    pub const REVIEWED: &str = "reviewed/*.xlsx";

    /// `clearance review REVIEWED… --run RUN`.
    pub fn review(reviewed: &str, run: &Path) -> String {
        format!("clearance review {reviewed} --run {}", path_arg(run))
    }

    /// `clearance confirm FINAL --date … --site … --witness …` (one
    /// `--witness` per witness the batch requires, at least one).
    pub fn confirm_destruction(file: &Path, witnesses: u32, lang: Lang) -> String {
        let name = placeholder(Placeholder::Name, lang);
        let mut out = format!(
            "clearance confirm {} --date {} --site {}",
            path_arg(file),
            placeholder(Placeholder::Date, lang),
            placeholder(Placeholder::Site, lang)
        );
        for _ in 0..witnesses.max(1) {
            out.push_str(" --witness ");
            out.push_str(name);
        }
        out
    }

    /// `clearance confirm LIST --date … --receiver …` (and `--site …` when
    /// the list's destination is unknown).
    pub fn confirm_handover(file: &Path, destination_unknown: bool, lang: Lang) -> String {
        let mut out = format!(
            "clearance confirm {} --date {} --receiver {}",
            path_arg(file),
            placeholder(Placeholder::Date, lang),
            placeholder(Placeholder::Name, lang)
        );
        if destination_unknown {
            out.push_str(" --site ");
            out.push_str(placeholder(Placeholder::Unit, lang));
        }
        out
    }

    /// What to know before confirming the first of `finals` final
    /// manifests: after the destruction, once for each.
    pub fn confirm_destruction_note(finals: usize, lang: Lang) -> String {
        match (finals, lang) {
            (0 | 1, Lang::Zh) => "销毁之后".to_string(),
            (0 | 1, Lang::En) => "after the destruction".to_string(),
            (n, Lang::Zh) => format!("销毁之后，每份正式清单各确认一次（共 {n} 份）"),
            (n, Lang::En) => {
                format!("after the destruction; once for each of the {n} final manifests")
            }
        }
    }

    /// `clearance status RUN`.
    pub fn status(run: &Path) -> String {
        format!("clearance status {}", path_arg(run))
    }
}

/// The ledger read: `台账 FILE，N 条记录` / `the ledger FILE, N entries`.
pub fn ledger_read(path: &Path, entries: usize, lang: Lang) -> String {
    format!(
        "{} {}{}{}",
        lang.pick(labels::LEDGER.0, labels::LEDGER.1),
        path.display(),
        lang.pick(labels::CLAUSE_SEPARATOR.0, labels::CLAUSE_SEPARATOR.1),
        labels::count(entries as u64, Counted::Entry, lang)
    )
}

/// A file and sheet as the terminal names them: `file [sheet]`, or the
/// file alone for a CSV file.
pub fn sheet_name(file: &str, sheet: &str) -> String {
    if sheet.is_empty() {
        file.to_string()
    } else {
        format!("{file} [{sheet}]")
    }
}

/// Joins items of a list in the language's way.
pub fn join(items: &[String], lang: Lang) -> String {
    items.join(lang.pick(labels::LIST_SEPARATOR.0, labels::LIST_SEPARATOR.1))
}

/// What was read of the registers: files, sheets, data rows, and the rows
/// skipped and not read; whether every sheet balances.
pub fn registers_read(files: &[FileReport], unreadable: usize, lang: Lang) -> String {
    let sheets: Vec<&SheetReport> = files.iter().flat_map(|f| &f.sheets).collect();
    let sum = |f: fn(&SheetReport) -> u64| sheets.iter().map(|s| f(s)).sum::<u64>();
    let data = sum(|s| s.data_rows);
    let skipped = sum(|s| s.skipped_nonempty);
    let above = sum(|s| s.preamble_rows);
    let unread = sum(|s| s.unread_rows);
    let balances = sheets.iter().all(|s| s.balances());
    let c = |n: u64, what| labels::count(n, what, lang);
    let sep = lang.pick(labels::CLAUSE_SEPARATOR.0, labels::CLAUSE_SEPARATOR.1);
    let mut parts = vec![
        c(files.len() as u64, Counted::File),
        c(sheets.len() as u64, Counted::Sheet),
    ];
    if unreadable > 0 {
        parts.push(match lang {
            Lang::Zh => format!("另有 {unreadable} 个文件无法读取"),
            Lang::En => format!("{unreadable} more unreadable"),
        });
    }
    parts.push(match lang {
        Lang::Zh => format!(
            "数据 {data} 行（另跳过 {skipped} 行，表头以上 {above} 行，未读取 {unread} 行）"
        ),
        Lang::En => format!(
            "{data} data {} ({skipped} more skipped, {above} above the header, {unread} not read)",
            if data == 1 { "row" } else { "rows" }
        ),
    });
    let check = match (balances, lang) {
        (true, Lang::Zh) => "；每个工作表的行数都已核对无误",
        (true, Lang::En) => "; every sheet's rows are accounted for",
        (false, Lang::Zh) => "；有工作表的行数对不上",
        (false, Lang::En) => "; NOT every sheet's rows are accounted for",
    };
    format!("{}{check}", parts.join(sep))
}

/// What needs attention in the registers read: sheets not read, columns
/// kept as they are (not read into a field), each sheet's notes, rows
/// rejected.
pub fn registers_attention(files: &[FileReport], lang: Lang) -> Vec<String> {
    let mut out = Vec::new();
    for file in files {
        for sheet in &file.sheets {
            let name = sheet_name(&file.path, &sheet.sheet);
            out.extend(sheet_not_read(&name, sheet, lang));
            out.extend(columns_kept(&name, sheet, lang));
            for note in &sheet.notes {
                out.push(match lang {
                    Lang::Zh => format!("{name}：{note}"),
                    Lang::En => format!("{name}: {note}"),
                });
            }
            out.extend(rows_rejected(&name, sheet, lang));
        }
    }
    out
}

/// A sheet `name` without a register header, and its rows not read.
fn sheet_not_read(name: &str, sheet: &SheetReport, lang: Lang) -> Option<String> {
    if !sheet.not_read() {
        return None;
    }
    Some(match lang {
        Lang::Zh => format!(
            "{name}：未找到登记簿表头，{} 行非空行未读取（如果这是登记簿，请把它的列名加入政策文件的 [aliases]）",
            sheet.unread_rows
        ),
        Lang::En => format!(
            "{name}: no register header found, {} non-empty rows not read (if it is a register, add its column names to the policy's [aliases])",
            sheet.unread_rows
        ),
    })
}

/// The columns of sheet `name` kept as they are, by letter and header.
fn columns_kept(name: &str, sheet: &SheetReport, lang: Lang) -> Option<String> {
    let kept: Vec<String> = sheet
        .columns
        .iter()
        .filter(|c| matches!(c.target, ColumnTarget::Kept(_)))
        .map(|c| {
            let letter = crate::text::column_letters(c.index);
            if c.header.is_empty() {
                letter
            } else {
                format!("{letter} {}", c.header)
            }
        })
        .collect();
    if kept.is_empty() {
        return None;
    }
    let n = labels::count(kept.len() as u64, Counted::Column, lang);
    Some(match lang {
        Lang::Zh => format!(
            "{name}：{n}未识别，原样保留、不参与决定（{}）",
            join(&kept, lang)
        ),
        Lang::En => format!(
            "{name}: {n} not recognised, kept as they are and not used to decide ({})",
            join(&kept, lang)
        ),
    })
}

/// The rows of sheet `name` rejected (neither doc_id nor title), if any.
fn rows_rejected(name: &str, sheet: &SheetReport, lang: Lang) -> Option<String> {
    if sheet.rejected_rows == 0 {
        return None;
    }
    Some(match lang {
        Lang::Zh => format!(
            "{name}：{} 行无法识别（既无文件编号也无标题）：在登记簿中补上后重新运行",
            sheet.rejected_rows
        ),
        Lang::En => format!(
            "{name}: {} rejected (neither doc_id nor title): complete them in the register and run again",
            labels::count(sheet.rejected_rows, Counted::Row, lang)
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_part_is_said_and_one_line_parts_share_their_heading_line() {
        let mut s = Summary::new(Lang::En);
        s.read("1 file");
        s.decided("DESTROY", 11, Counted::Holding);
        s.decided("REVIEW", 2, Counted::Holding);
        s.next("clearance status", vec!["first this".into()]);
        let text = s.render();
        assert_eq!(
            text,
            "── summary ──\nread: 1 file\ndecided:\n  DESTROY  11 holdings\n  REVIEW    2 holdings\nwritten: nothing\nneeds attention: nothing\nnext: clearance status\n  first this\n"
        );
        let mut s = Summary::new(Lang::Zh);
        s.report().push_str("报告\n");
        s.written("reports/x");
        s.attention("一");
        s.attention("二");
        assert_eq!(
            s.render(),
            "报告\n\n── 小结 ──\n读取：无\n写出：reports/x\n需要注意：\n  ! 一\n  ! 二\n"
        );
    }

    #[test]
    fn shell_arguments_are_quoted_when_a_shell_would_read_them() {
        assert_eq!(
            shell_arg("清退清单-市委办公室.xlsx"),
            "清退清单-市委办公室.xlsx"
        );
        assert_eq!(shell_arg("a b"), "\"a b\"");
        assert_eq!(shell_arg(""), "\"\"");
        assert_eq!(xlsx_in(Path::new("reviewed/")), "reviewed/*.xlsx");
    }
}
