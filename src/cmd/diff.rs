//! `clearance diff`: what changed between two run folders — the holdings
//! decided differently (disposition, destination or destruction method),
//! the old × new disposition matrix, and the holdings only one run has.
//! An office previews a new retention schedule this way (plan the same
//! registers twice, with two policies) and compares this year with last.
//!
//! How holdings are paired is [`crate::compare`]'s business; this command
//! writes diff.xlsx (summary, matrix, changed, only in old, only in new —
//! each a printable sheet, [`crate::output::printable`]) and prints the
//! comparison and the summary.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::compare::{
    self, Changes, Comparison, Counts, Holding, MatchedBy, Matrix, Pair, Run, RunError,
};
use crate::config::{DiffConfig, Lang};
use crate::labels::{self, Counted};
use crate::output::printable::{Printable, write_printable};
use crate::output::sheet_xml::WorkbookRows;
use crate::output::{OutCell, display_width, new_workbook};

use super::Outcome;
use super::summary::{Summary, commands};

/// Changed holdings printed on the terminal; the workbook has them all.
const SHOWN: usize = 20;

/// Runs `diff`.
pub fn run(config: &DiffConfig) -> Result<Outcome> {
    let lang = config.lang;
    let old = read(&config.old, lang)?;
    let new = read(&config.new, lang)?;
    for run in [&old, &new] {
        refuse_output_inside(&config.out, &run.dir, lang)?;
    }
    let comparison = compare::compare(old, new)?;
    let counts = comparison.counts();
    if !counts.balance() {
        bail!(
            "the counts of the comparison do not add up ({counts:?}); this is a bug in clearance diff"
        );
    }
    write_workbook(&config.out, &comparison, lang)?;
    summary(&comparison, &config.out, lang).print();
    Ok(Outcome::Success)
}

/// Reads a run folder, saying what to do when it is not one.
fn read(dir: &Path, lang: Lang) -> Result<Run> {
    let hint = lang.pick(
        "请给出 `clearance plan` 写出的运行文件夹（如 reports/2024-12-31）",
        "give a run folder written by `clearance plan` (e.g. reports/2024-12-31)",
    );
    compare::read_run(dir).map_err(|e| {
        anyhow::anyhow!(match (e, lang) {
            (RunError::NoFolder(d), Lang::Zh) => format!("{}：没有这个文件夹。{hint}", d.display()),
            (RunError::NoFolder(d), Lang::En) => format!("{}: no such folder; {hint}", d.display()),
            (RunError::NotAFolder(d), Lang::Zh) => {
                format!("{} 是文件，不是运行文件夹。{hint}", d.display())
            }
            (RunError::NotAFolder(d), Lang::En) => {
                format!("{} is a file, not a run folder; {hint}", d.display())
            }
            (RunError::Missing { dir, file }, Lang::Zh) => {
                format!("{} 不是运行文件夹（其中没有 {file}）。{hint}", dir.display())
            }
            (RunError::Missing { dir, file }, Lang::En) => {
                format!("{} is not a run folder (it has no {file}); {hint}", dir.display())
            }
            (RunError::Unreadable { path, detail, .. }, Lang::Zh) => format!(
                "{}：无法读取（{detail}）。文件可能已损坏或被改动：请用 `clearance plan` 重新生成这个运行文件夹",
                path.display()
            ),
            (RunError::Unreadable { path, detail, .. }, Lang::En) => format!(
                "{}: cannot read it ({detail}); it may be damaged or edited: write the run folder again with `clearance plan`",
                path.display()
            ),
        })
    })
}

/// A run folder holds only what `plan` wrote (its `--force` refuses a
/// folder with other files): the workbook goes elsewhere.
fn refuse_output_inside(out: &Path, run: &Path, lang: Lang) -> Result<()> {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let (Ok(parent), Ok(run_dir)) = (std::fs::canonicalize(parent), std::fs::canonicalize(run))
    else {
        return Ok(());
    };
    if parent.starts_with(&run_dir) {
        bail!(match lang {
            Lang::Zh => format!(
                "{} 在运行文件夹 {} 之内：运行文件夹只存放 `clearance plan` 写出的文件。请用 --out 把比较结果写到别处",
                out.display(),
                run.display()
            ),
            Lang::En => format!(
                "{} is inside the run folder {}, which holds only what `clearance plan` wrote; choose another --out",
                out.display(),
                run.display()
            ),
        });
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// How values are shown.

/// A disposition code's label (the code itself when it is not one).
fn disposition(code: &str, lang: Lang) -> String {
    labels::disposition_code(code, lang).to_string()
}

/// Where a holding is: file, sheet (a CSV file has none) and row.
fn source(h: &Holding, lang: Lang) -> String {
    let sheet = match (h.source_sheet.is_empty(), lang) {
        (true, Lang::Zh) => " ".to_string(),
        (true, Lang::En) => String::new(),
        (false, Lang::Zh) => format!("［{}］", h.source_sheet),
        (false, Lang::En) => format!(" [{}]", h.source_sheet),
    };
    match lang {
        Lang::Zh => format!("{}{sheet}第 {} 行", h.source_file, h.source_row),
        Lang::En => format!("{}{sheet} row {}", h.source_file, h.source_row),
    }
}

/// Where a pair is: one place, or the old place → the new one.
fn pair_source(old: &Holding, new: &Holding, lang: Lang) -> String {
    let (a, b) = (source(old, lang), source(new, lang));
    if a == b { b } else { format!("{a} → {b}") }
}

/// The destruction method: level code, site, witnesses (blank for none).
fn method(h: &Holding, lang: Lang) -> String {
    let mut parts = Vec::new();
    if !h.destruction_level.is_empty() {
        parts.push(h.destruction_level.clone());
    }
    if !h.destruction_site.is_empty() {
        parts.push(labels::site(&h.destruction_site, lang).to_string());
    }
    if !h.witnesses.is_empty() {
        parts.push(match lang {
            Lang::Zh => format!("监销 {} 人", h.witnesses),
            Lang::En => format!("{} witness(es)", h.witnesses),
        });
    }
    parts.join(lang.pick("，", ", "))
}

/// A return destination as shown (blank for none).
fn destination(h: &Holding, lang: Lang) -> String {
    if h.destination.is_empty() {
        String::new()
    } else {
        labels::destination(&h.destination, lang).to_string()
    }
}

/// Each part of a pair's decisions that differs (disposition, destination,
/// destruction method, in that order): its label, its old value and its
/// new one.
fn differences(
    what: Changes,
    a: &Holding,
    b: &Holding,
    lang: Lang,
) -> Vec<(&'static str, String, String)> {
    let parts = [
        (
            what.disposition,
            lang.pick("处置", "disposition"),
            disposition(&a.disposition, lang),
            disposition(&b.disposition, lang),
        ),
        (
            what.destination,
            lang.pick("去向", "destination"),
            destination(a, lang),
            destination(b, lang),
        ),
        (
            what.method,
            lang.pick("销毁方式", "destruction method"),
            method(a, lang),
            method(b, lang),
        ),
    ];
    parts
        .into_iter()
        .filter(|(differs, ..)| *differs)
        .map(|(_, label, old, new)| (label, old, new))
        .collect()
}

/// What differs, in words.
fn what_changed(differences: &[(&str, String, String)], lang: Lang) -> String {
    let labels: Vec<&str> = differences.iter().map(|(label, ..)| *label).collect();
    labels.join(lang.pick("、", ", "))
}

/// How a pair was found, in words.
fn matched_by(by: MatchedBy, lang: Lang) -> &'static str {
    match by {
        MatchedBy::Position => lang.pick("来源位置", "position"),
        MatchedBy::DocId => lang.pick("文件编号", "doc_id"),
        MatchedBy::Title => lang.pick("文件标题", "title"),
    }
}

/// A column header of the plan's detail sheets (文件编号, 处置 …).
fn head(column: &str, lang: Lang) -> String {
    labels::detail_columns(lang)
        .into_iter()
        .find(|(c, _)| *c == column)
        .map_or_else(|| column.to_string(), |(_, label)| label.to_string())
}

/// The header of the old or new value of a column.
fn old_new(label: &str, new: bool, lang: Lang) -> String {
    match (lang, new) {
        (Lang::Zh, false) => format!("原{label}"),
        (Lang::Zh, true) => format!("新{label}"),
        (Lang::En, false) => format!("{label} (old)"),
        (Lang::En, true) => format!("{label} (new)"),
    }
}

/// One line about a run: folder, as-of date, policy.
fn run_line(run: &Run, new: bool, lang: Lang) -> String {
    let i = &run.info;
    match lang {
        Lang::Zh => format!(
            "{}：{}（基准日期 {}，政策 {}）",
            if new { "新运行" } else { "原运行" },
            run.dir.display(),
            i.as_of,
            i.policy
        ),
        Lang::En => format!(
            "{}: {} (as of {}, policy {})",
            if new { "new run" } else { "old run" },
            run.dir.display(),
            i.as_of,
            i.policy
        ),
    }
}

/// How holdings were paired, in one sentence.
fn matching_line(c: &Comparison, lang: Lang) -> String {
    if c.same_inputs {
        lang.pick(
            "两次读取的登记簿相同（SHA-256 一致）：按来源位置（文件、工作表、行号）对应",
            "Both runs read the same registers (equal SHA-256s): holdings matched by source position (file, sheet, row)",
        )
    } else {
        lang.pick(
            "两次读取的登记簿不同：按文件编号对应（同号多行时再看部门和标题），无编号的按文件标题（及部门）对应",
            "The runs read different registers: holdings matched by doc_id (department and title deciding among rows sharing one), rows without a doc_id by title (and department)",
        )
    }
    .to_string()
}

// ---------------------------------------------------------------------------
// The workbook.

/// The sheet names: summary, matrix, changed, only in old, only in new.
fn sheet_names(lang: Lang) -> [&'static str; 5] {
    match lang {
        Lang::Zh => ["比较概要", "处置对照", "有变化", "仅在原运行", "仅在新运行"],
        Lang::En => ["Summary", "Matrix", "Changed", "Only in old", "Only in new"],
    }
}

/// Writes diff.xlsx: every sheet a printable list (A4 landscape, one page
/// wide, the header row on every page).
fn write_workbook(path: &Path, c: &Comparison, lang: Lang) -> Result<()> {
    let names = sheet_names(lang);
    let mut wb = new_workbook()?;
    let sheets = [
        summary_sheet(c, lang),
        matrix_sheet(c, lang),
        changed_sheet(c, lang),
        only_sheet(c, false, lang),
        only_sheet(c, true, lang),
    ];
    // The headers are kept apart: the sheets' lines, written as the
    // workbook is saved, borrow them; the rest is moved, not copied.
    let (headers, parts): (Vec<Vec<String>>, Vec<_>) = sheets
        .into_iter()
        .map(|(title, info, headers, rows, totals)| (headers, (title, info, rows, totals)))
        .unzip();
    let mut lines = WorkbookRows::new();
    for ((name, headers), (title, info, rows, totals)) in names.iter().zip(&headers).zip(parts) {
        let printable = Printable {
            title,
            info,
            headers: headers.iter().map(String::as_str).collect(),
            rows: rows.into(),
            totals,
            review: false,
            batch_review: None,
            signatures: Vec::new(),
            footer: "clearance diff".to_string(),
            lang,
        };
        lines.add(
            write_printable(&mut wb, name, printable)
                .with_context(|| crate::output::writing(path))?,
        );
    }
    lines.save(&mut wb, path)
}

/// A sheet's parts: title, info lines, headers, rows, totals.
type Sheet = (
    String,
    Vec<String>,
    Vec<String>,
    Vec<Vec<OutCell>>,
    Vec<OutCell>,
);

fn count(n: usize) -> OutCell {
    OutCell::Number(n as f64)
}

/// The totals row of a list of `n` holdings.
fn totals(n: usize, lang: Lang) -> Vec<OutCell> {
    vec![
        OutCell::from(lang.pick(labels::TOTAL.0, labels::TOTAL.1)),
        OutCell::Text(match lang {
            Lang::Zh => format!("{n} 件"),
            Lang::En => format!("{n} holdings"),
        }),
    ]
}

/// The info lines of a sheet about both runs: each run, then `note`.
fn runs_info(c: &Comparison, note: String, lang: Lang) -> Vec<String> {
    vec![
        run_line(&c.old, false, lang),
        run_line(&c.new, true, lang),
        note,
    ]
}

/// The first headers of a list of holdings: line number, doc_id, title.
fn numbered_heads(lang: Lang) -> Vec<String> {
    vec![
        lang.pick(labels::LINE_NUMBER.0, labels::LINE_NUMBER.1)
            .to_string(),
        head("doc_id", lang),
        head("title", lang),
    ]
}

/// The headers of a decision: disposition, rule, reason, destination,
/// destruction method.
fn decision_heads(lang: Lang) -> [String; 5] {
    [
        head("disposition", lang),
        head("rule", lang),
        head("reason", lang),
        head("destination", lang),
        lang.pick("销毁方式", "Destruction method").to_string(),
    ]
}

/// A holding's decision as shown, in the order of [`decision_heads`].
fn decision(h: &Holding, lang: Lang) -> [String; 5] {
    [
        disposition(&h.disposition, lang),
        h.rule.clone(),
        h.reason.clone(),
        destination(h, lang),
        method(h, lang),
    ]
}

/// The summary: both runs side by side, then the counts.
fn summary_sheet(c: &Comparison, lang: Lang) -> Sheet {
    let l = |zh: &str, en: &str| lang.pick(zh, en).to_string();
    let mut rows = run_rows(c, lang);
    rows.extend(count_rows(c, lang));
    (
        l("两次运行的比较", "Comparison of two runs"),
        runs_info(c, matching_line(c, lang), lang),
        vec![
            l("项目", "Item"),
            l("原运行", "Old run"),
            l("新运行", "New run"),
        ],
        rows,
        Vec::new(),
    )
}

/// A row of the summary: a label, then what `f` says of each run.
fn side_by_side(c: &Comparison, label: String, f: impl Fn(&Run) -> String) -> Vec<OutCell> {
    vec![
        OutCell::Text(label),
        OutCell::Text(f(&c.old)),
        OutCell::Text(f(&c.new)),
    ]
}

/// A row of the summary: a label, then a count of each run.
fn counts_row(label: String, old: usize, new: usize) -> Vec<OutCell> {
    vec![OutCell::Text(label), count(old), count(new)]
}

/// The summary's rows about each run: folder, as-of date, office, policy
/// and registers read.
fn run_rows(c: &Comparison, lang: Lang) -> Vec<Vec<OutCell>> {
    let l = |zh: &str, en: &str| lang.pick(zh, en).to_string();
    let inputs = |r: &Run| {
        r.info
            .inputs
            .iter()
            .map(|i| format!("{} ({})", i.path, i.sha256.get(..12).unwrap_or(&i.sha256)))
            .collect::<Vec<_>>()
            .join(lang.pick("；", "; "))
    };
    vec![
        side_by_side(c, l("运行文件夹", "Run folder"), |r| {
            r.dir.display().to_string()
        }),
        side_by_side(c, l("基准日期", "As of"), |r| r.info.as_of.clone()),
        side_by_side(c, l("单位", "Office"), |r| r.info.unit.clone()),
        side_by_side(c, l("政策", "Policy"), |r| r.info.policy.clone()),
        side_by_side(c, l("政策 SHA-256", "Policy SHA-256"), |r| {
            r.info.policy_sha256.clone()
        }),
        side_by_side(
            c,
            l(
                "登记簿（SHA-256 前 12 位）",
                "Registers (SHA-256, first 12)",
            ),
            inputs,
        ),
    ]
}

/// The summary's rows of counts: holdings, paired, changed or not, only
/// in one run, and how the pairs were found.
fn count_rows(c: &Comparison, lang: Lang) -> Vec<Vec<OutCell>> {
    let l = |zh: &str, en: &str| lang.pick(zh, en).to_string();
    let n = c.counts();
    let by = |k: usize| n.by[k];
    vec![
        counts_row(l("文件（行）", "Holdings (rows)"), n.old_rows, n.new_rows),
        counts_row(l("两次都有", "In both runs"), n.matched, n.matched),
        counts_row(
            l("其中处置、去向或销毁方式有变化", "… decided differently"),
            n.changed,
            n.changed,
        ),
        counts_row(l("其中无变化", "… decided alike"), n.unchanged, n.unchanged),
        counts_row(l("仅在本运行", "Only in this run"), n.only_old, n.only_new),
        counts_row(l("按来源位置对应", "Matched by position"), by(0), by(0)),
        counts_row(l("按文件编号对应", "Matched by doc_id"), by(1), by(1)),
        counts_row(l("按文件标题对应", "Matched by title"), by(2), by(2)),
    ]
}

/// The matrix: old dispositions down, new ones across, with the holdings
/// only in one run in a column and a row of their own.
fn matrix_sheet(c: &Comparison, lang: Lang) -> Sheet {
    let l = |zh: &str, en: &str| lang.pick(zh, en).to_string();
    let m = c.matrix();
    let mut headers = vec![l("原＼新", "Old \\ New")];
    headers.extend(m.codes.iter().map(|d| disposition(d, lang)));
    headers.push(l("仅在原运行", "Only in old"));
    headers.push(lang.pick(labels::TOTAL.0, labels::TOTAL.1).to_string());
    let mut rows = Vec::new();
    for old in &m.codes {
        let mut row = vec![OutCell::Text(disposition(old, lang))];
        row.extend(m.codes.iter().map(|new| count(m.cell(old, new))));
        let only = m.only_old.get(old).copied().unwrap_or(0);
        row.push(count(only));
        let paired: usize = m.codes.iter().map(|new| m.cell(old, new)).sum();
        row.push(count(paired + only));
        rows.push(row);
    }
    let mut only_new = vec![OutCell::Text(l("仅在新运行", "Only in new"))];
    only_new.extend(
        m.codes
            .iter()
            .map(|d| count(m.only_new.get(d).copied().unwrap_or(0))),
    );
    only_new.push(OutCell::Blank);
    only_new.push(count(m.only_new.values().sum()));
    rows.push(only_new);
    let mut totals = vec![OutCell::from(lang.pick(labels::TOTAL.0, labels::TOTAL.1))];
    for new in &m.codes {
        let paired: usize = m.codes.iter().map(|old| m.cell(old, new)).sum();
        totals.push(count(paired + m.only_new.get(new).copied().unwrap_or(0)));
    }
    let only_old: usize = m.only_old.values().sum();
    totals.push(count(only_old));
    totals.push(count(c.pairs.len() + only_old + c.only_new.len()));
    (
        l(
            "处置对照：原运行（行）× 新运行（列）",
            "Dispositions: old run (rows) × new run (columns)",
        ),
        runs_info(
            c,
            l(
                "对角线上是处置未变的文件；行合计为原运行各处置的件数，列合计为新运行的",
                "The diagonal holds unchanged dispositions; row totals are the old run's counts, column totals the new run's",
            ),
            lang,
        ),
        headers,
        rows,
        totals,
    )
}

/// The holdings decided differently.
fn changed_sheet(c: &Comparison, lang: Lang) -> Sheet {
    let l = |zh: &str, en: &str| lang.pick(zh, en).to_string();
    let mut headers = numbered_heads(lang);
    headers.extend([
        l("来源", "Source"),
        l("对应依据", "Matched by"),
        l("变化", "Changed"),
    ]);
    for label in decision_heads(lang) {
        headers.push(old_new(&label, false, lang));
        headers.push(old_new(&label, true, lang));
    }
    let changed = c.changed();
    let rows = changed
        .iter()
        .enumerate()
        .map(|(k, (p, what))| changed_row(k + 1, c, *p, *what, lang))
        .collect();
    (
        l(
            "处置、去向或销毁方式有变化的文件",
            "Holdings decided differently (disposition, destination or destruction method)",
        ),
        runs_info(c, matching_line(c, lang), lang),
        headers,
        rows,
        totals(changed.len(), lang),
    )
}

/// One line of the changed sheet.
fn changed_row(no: usize, c: &Comparison, p: Pair, what: Changes, lang: Lang) -> Vec<OutCell> {
    let (a, b) = (&c.old.rows[p.old], &c.new.rows[p.new]);
    let text = |s: String| OutCell::Text(s);
    let mut row = vec![
        count(no),
        text(b.doc_id.clone()),
        text(b.title.clone()),
        text(pair_source(a, b, lang)),
        text(matched_by(p.by, lang).to_string()),
        text(what_changed(&differences(what, a, b, lang), lang)),
    ];
    for (old, new) in decision(a, lang).into_iter().zip(decision(b, lang)) {
        row.push(text(old));
        row.push(text(new));
    }
    row
}

/// The holdings only in the old run, or only in the new one.
fn only_sheet(c: &Comparison, new: bool, lang: Lang) -> Sheet {
    let (run, only) = if new {
        (&c.new, &c.only_new)
    } else {
        (&c.old, &c.only_old)
    };
    let mut headers = numbered_heads(lang);
    headers.extend([
        head("department", lang),
        lang.pick("来源", "Source").to_string(),
    ]);
    headers.extend(decision_heads(lang));
    let rows = only
        .iter()
        .enumerate()
        .map(|(k, i)| only_row(k + 1, &run.rows[*i], lang))
        .collect();
    let (title, hint) = only_title(new, lang);
    (
        title,
        vec![run_line(run, new, lang), hint, String::new()],
        headers,
        rows,
        totals(only.len(), lang),
    )
}

/// One line of a sheet of the holdings only in one run.
fn only_row(no: usize, h: &Holding, lang: Lang) -> Vec<OutCell> {
    let mut row = vec![
        count(no),
        OutCell::Text(h.doc_id.clone()),
        OutCell::Text(h.title.clone()),
        OutCell::Text(h.department.clone()),
        OutCell::Text(source(h, lang)),
    ];
    row.extend(decision(h, lang).into_iter().map(OutCell::Text));
    row
}

/// The title of a sheet of the holdings only in the old run (or the new
/// one), and the line saying what that means.
fn only_title(new: bool, lang: Lang) -> (String, String) {
    let l = |zh: &str, en: &str| lang.pick(zh, en).to_string();
    if new {
        (
            l("仅在新运行中的文件", "Holdings only in the new run"),
            l(
                "原运行中没有对应的文件：新登记的，或文件编号和标题都已改变",
                "No counterpart in the old run: newly registered, or both doc_id and title changed",
            ),
        )
    } else {
        (
            l("仅在原运行中的文件", "Holdings only in the old run"),
            l(
                "新运行中没有对应的文件：已不在登记簿上，或文件编号和标题都已改变",
                "No counterpart in the new run: no longer registered, or both doc_id and title changed",
            ),
        )
    }
}

// ---------------------------------------------------------------------------
// The terminal.

/// `s` right-aligned in `width` columns (a CJK character counts two).
fn pad(s: &str, width: usize) -> String {
    format!("{}{s}", " ".repeat(width.saturating_sub(display_width(s))))
}

/// `s` cut to about `width` columns.
fn clip(s: &str, width: usize) -> String {
    let mut out = String::new();
    let mut w = 0;
    for ch in s.chars() {
        let cw = display_width(ch.encode_utf8(&mut [0; 4]));
        if w + cw > width {
            out.push('…');
            return out;
        }
        w += cw;
        out.push(ch);
    }
    out
}

/// What the terminal shows: how holdings were paired, the counts, the
/// matrix and the first changed holdings; then the summary.
fn summary(c: &Comparison, out: &Path, lang: Lang) -> Summary {
    let mut summary = Summary::new(lang);
    let s = summary.report();
    let _ = writeln!(s, "{}", matching_line(c, lang));
    let _ = writeln!(s, "{}", counts_line(&c.counts(), lang));
    write_matrix(s, c, lang);
    write_changes(s, c, lang);
    summary.read(run_line(&c.old, false, lang));
    summary.read(run_line(&c.new, true, lang));
    summary.written(out.display().to_string());
    attention(&mut summary, c, out);
    summary.next(commands::status(&c.new.dir), Vec::new());
    summary
}

/// The counts in one sentence: holdings of each run, in both (changed or
/// not), only in one.
fn counts_line(n: &Counts, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!(
            "原运行 {} 件，新运行 {} 件：两次都有 {} 件（有变化 {}，无变化 {}），仅在原运行 {} 件，仅在新运行 {} 件",
            n.old_rows, n.new_rows, n.matched, n.changed, n.unchanged, n.only_old, n.only_new
        ),
        Lang::En => format!(
            "old run {} holdings, new run {}: {} in both ({} changed, {} unchanged), {} only in old, {} only in new",
            n.old_rows, n.new_rows, n.matched, n.changed, n.unchanged, n.only_old, n.only_new
        ),
    }
}

/// What needs attention: runs given the wrong way round, holdings decided
/// differently, holdings in one run only.
fn attention(summary: &mut Summary, c: &Comparison, out: &Path) {
    let lang = summary.lang();
    let n = c.counts();
    if c.old.info.as_of > c.new.info.as_of {
        summary.attention(match lang {
            Lang::Zh => format!(
                "原运行的基准日期（{}）晚于新运行（{}）：两个文件夹是否写反了？",
                c.old.info.as_of, c.new.info.as_of
            ),
            Lang::En => format!(
                "the old run's as-of date ({}) is later than the new run's ({}): are the folders the wrong way round?",
                c.old.info.as_of, c.new.info.as_of
            ),
        });
    }
    if n.changed > 0 {
        summary.attention(match lang {
            Lang::Zh => format!(
                "{} 件的决定有变化：逐件核对新旧理由（{} 的“{}”工作表）",
                n.changed,
                out.display(),
                sheet_names(lang)[2]
            ),
            Lang::En => format!(
                "{} decided differently: check each one's old and new reason (the {} sheet of {})",
                labels::count(n.changed as u64, Counted::Holding, lang),
                sheet_names(lang)[2],
                out.display()
            ),
        });
    }
    if n.only_old + n.only_new > 0 {
        summary.attention(match lang {
            Lang::Zh => format!(
                "只在一次运行中出现的文件：仅在原运行 {} 件，仅在新运行 {} 件（见“{}”“{}”工作表）",
                n.only_old,
                n.only_new,
                sheet_names(lang)[3],
                sheet_names(lang)[4]
            ),
            Lang::En => format!(
                "holdings in one run only: {} only in old, {} only in new (the {} and {} sheets)",
                n.only_old,
                n.only_new,
                sheet_names(lang)[3],
                sheet_names(lang)[4]
            ),
        });
    }
}

/// The matrix of paired holdings, compactly: only the dispositions some
/// holding left or took, then one line for the rest (unchanged) and the
/// holdings only in one run.
fn write_matrix(s: &mut String, c: &Comparison, lang: Lang) {
    let m = c.matrix();
    let moved = |d: &str| {
        m.pairs
            .iter()
            .any(|((o, n), _)| o != n && (o == d || n == d))
    };
    let shown: Vec<&String> = m.codes.iter().filter(|d| moved(d)).collect();
    if shown.is_empty() {
        let _ = writeln!(
            s,
            "{}",
            lang.pick(
                "处置对照：两次都有的文件处置均未变。",
                "Dispositions: no holding in both runs changed its disposition."
            )
        );
    } else {
        let _ = writeln!(
            s,
            "{}",
            lang.pick(
                "处置对照（行：原运行，列：新运行；只列有变化的处置）：",
                "Dispositions (rows: old run, columns: new run; only those that changed):"
            )
        );
        write_moved(s, &m, &shown, lang);
        write_unchanged(s, &m, &shown, lang);
    }
    write_only(s, &m, lang);
}

/// The table of the dispositions `shown`: old down, new across, a dot for
/// no holding.
fn write_moved(s: &mut String, m: &Matrix, shown: &[&String], lang: Lang) {
    let labels: Vec<String> = shown.iter().map(|d| disposition(d, lang)).collect();
    let first = labels.iter().map(|l| display_width(l)).max().unwrap_or(0);
    let widths: Vec<usize> = labels.iter().map(|l| display_width(l).max(4)).collect();
    let mut line = format!("  {}", " ".repeat(first));
    for (label, w) in labels.iter().zip(&widths) {
        line.push_str("  ");
        line.push_str(&pad(label, *w));
    }
    let _ = writeln!(s, "{line}");
    for (o, label) in shown.iter().zip(&labels) {
        let mut line = format!("  {label}{}", " ".repeat(first - display_width(label)));
        for (n, w) in shown.iter().zip(&widths) {
            let v = m.cell(o, n);
            let v = if v == 0 {
                "·".to_string()
            } else {
                v.to_string()
            };
            line.push_str("  ");
            line.push_str(&pad(&v, *w));
        }
        let _ = writeln!(s, "{line}");
    }
}

/// One line for the holdings of the dispositions not `shown`, all
/// unchanged (nothing when there are none).
fn write_unchanged(s: &mut String, m: &Matrix, shown: &[&String], lang: Lang) {
    let rest: Vec<(String, usize)> = m
        .codes
        .iter()
        .filter(|d| !shown.contains(d))
        .map(|d| (disposition(d, lang), m.cell(d, d)))
        .filter(|(_, n)| *n > 0)
        .collect();
    if !rest.is_empty() {
        let total: usize = rest.iter().map(|(_, n)| n).sum();
        let parts: Vec<String> = rest.iter().map(|(d, n)| format!("{d} {n}")).collect();
        let _ = writeln!(
            s,
            "  {}",
            match lang {
                Lang::Zh => format!("其余 {total} 件处置未变：{}", parts.join("，")),
                Lang::En => format!("{total} more unchanged: {}", parts.join(", ")),
            }
        );
    }
}

/// A line each for the holdings only in the old run and only in the new
/// one, by disposition (none for a run with none).
fn write_only(s: &mut String, m: &Matrix, lang: Lang) {
    for (only, label) in [
        (&m.only_old, lang.pick("仅在原运行：", "only in old: ")),
        (&m.only_new, lang.pick("仅在新运行：", "only in new: ")),
    ] {
        if only.is_empty() {
            continue;
        }
        let parts: Vec<String> = m
            .codes
            .iter()
            .filter_map(|d| only.get(d).map(|k| format!("{} {k}", disposition(d, lang))))
            .collect();
        let _ = writeln!(s, "  {label}{}", parts.join(lang.pick("，", ", ")));
    }
}

/// The first changed holdings, each with its old and new decision.
fn write_changes(s: &mut String, c: &Comparison, lang: Lang) {
    let changed = c.changed();
    if changed.is_empty() {
        let _ = writeln!(
            s,
            "{}",
            lang.pick(
                "两次运行对共有文件的决定相同：没有变化。",
                "The two runs decided every holding they share alike: nothing changed."
            )
        );
        return;
    }
    let _ = writeln!(s, "{}", changes_heading(changed.len(), lang));
    for (k, (p, what)) in changed.iter().take(SHOWN).enumerate() {
        let (a, b) = (&c.old.rows[p.old], &c.new.rows[p.new]);
        write_change(s, k + 1, a, b, *what, lang);
    }
    if changed.len() > SHOWN {
        let _ = writeln!(
            s,
            "  {}",
            match lang {
                Lang::Zh => format!("……其余 {} 件见工作簿", changed.len() - SHOWN),
                Lang::En => format!("… {} more in the workbook", changed.len() - SHOWN),
            }
        );
    }
}

/// The heading of the changed holdings: how many, and how many are shown.
fn changes_heading(n: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh if n > SHOWN => format!("有变化的文件（共 {n} 件，前 {SHOWN} 件）："),
        Lang::Zh => format!("有变化的文件（共 {n} 件）："),
        Lang::En if n > SHOWN => {
            format!("Holdings decided differently ({n}, the first {SHOWN}):")
        }
        Lang::En => format!("Holdings decided differently ({n}):"),
    }
}

/// A value as the terminal shows it: "(none)" when blank.
fn or_none(v: String, lang: Lang) -> String {
    if v.is_empty() {
        lang.pick("（无）", "(none)").to_string()
    } else {
        v
    }
}

/// Changed holding `no`: which it is and where, each part that differs
/// (old → new), and the old and new rule and reason.
fn write_change(s: &mut String, no: usize, a: &Holding, b: &Holding, what: Changes, lang: Lang) {
    let _ = writeln!(
        s,
        "  {no}. {} {}  {}",
        or_none(b.doc_id.clone(), lang),
        clip(&b.title, 40),
        pair_source(a, b, lang)
    );
    let colon = lang.pick("：", ": ");
    for (label, old, new) in differences(what, a, b, lang) {
        let _ = writeln!(
            s,
            "     {label}{colon}{} → {}",
            or_none(old, lang),
            or_none(new, lang)
        );
    }
    for (label, h) in [(lang.pick("原", "old"), a), (lang.pick("新", "new"), b)] {
        let _ = writeln!(s, "     {label}{colon}{} {}", h.rule, h.reason);
    }
}
