//! A return or transfer list read back for `clearance confirm`: what it
//! hands over, checked against what was issued.
//!
//! A handover list keeps its heading and lines in a hidden sheet with their
//! digest, which `lists/index.csv` beside it records too. Reading one
//! recomputes the digest, compares it with the index, with the digest
//! printed above the lines, and compares every printed line's document
//! number and copies with the issued line, so that what is confirmed as
//! handed over is what the list said when it was issued. A long list
//! continues on next sheets, and so do its issued lines: every part is read
//! and checked.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use calamine::Reader;

use super::{HandoverKind, LIST_HEADING_FIELDS, LIST_LINE_FIELDS, LIST_MAGIC, is_list_tag};
use crate::config::Lang;
use crate::labels::{self, LINE_NUMBER, TOTAL};
use crate::manifest::draft::ITEMS_HEAD_ROWS;
use crate::manifest::verify::{
    IndexCheck, index_check, items_rows, open, open_bytes, printed_parts, read_checked, rows_of,
};
use crate::manifest::{ITEMS_SHEET, digest, title_hash};

/// A handover list as issued, read back.
#[derive(Debug, Clone)]
pub struct HandoverList {
    /// The file.
    pub path: PathBuf,
    /// Its digest (recorded and recomputed alike, else it is refused).
    pub digest: String,
    /// Return or transfer.
    pub kind: HandoverKind,
    /// The office.
    pub unit: String,
    /// The list's id (`2024-R-001`).
    pub id: String,
    /// The plan's as-of date.
    pub as_of: String,
    /// Where the holdings go.
    pub destination: String,
    /// The lines, as issued ([`LIST_LINE_FIELDS`]; the title as its keyed
    /// hash).
    pub lines: Vec<Vec<String>>,
    /// The titles as printed, one per line.
    pub titles: Vec<String>,
    /// What the index.csv beside it says.
    pub index: IndexCheck,
    /// The language it was printed in.
    pub lang: Lang,
}

impl HandoverList {
    /// Field `name` ([`LIST_LINE_FIELDS`]) of line `i`; blank when absent.
    pub fn field(&self, i: usize, name: &str) -> &str {
        LIST_LINE_FIELDS
            .iter()
            .position(|n| *n == name)
            .and_then(|f| self.lines.get(i).and_then(|l| l.get(f)))
            .map_or("", String::as_str)
    }
}

/// What a workbook offered to `confirm` holds: issued items of a return
/// or transfer list, issued items of a manifest, or none (not a document
/// clearance issued).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssuedKind {
    /// A return or transfer list.
    HandoverList,
    /// A destruction manifest (draft or final).
    Manifest,
    /// No issued items: plan.xlsx, a register, another workbook.
    None,
}

/// Which kind of issued document the workbook at `path` is.
pub fn issued_kind(path: &Path) -> Result<IssuedKind> {
    let mut wb = open(path)?;
    if !wb.sheet_names().iter().any(|n| n == ITEMS_SHEET) {
        return Ok(IssuedKind::None);
    }
    let rows = rows_of(&mut wb, ITEMS_SHEET, path)?;
    let list = rows
        .first()
        .and_then(|r| r.first())
        .is_some_and(|c| is_list_tag(c));
    Ok(if list {
        IssuedKind::HandoverList
    } else {
        IssuedKind::Manifest
    })
}

/// Reads a handover list and checks it is as issued; a list that is not,
/// or that is not a return or transfer list, is refused naming what
/// differs.
pub fn read_handover(path: &Path) -> Result<HandoverList> {
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_inner(path)));
    read.unwrap_or_else(|_| bail!("{}: the workbook is damaged or unreadable", path.display()))
}

/// [`read_handover`]'s work: reads the list and checks it is as issued.
fn read_inner(path: &Path) -> Result<HandoverList> {
    let name = path.display();
    let bytes = read_checked(path)?;
    let mut wb = open_bytes(path, bytes.clone())?;
    if !wb.sheet_names().iter().any(|n| n == ITEMS_SHEET) {
        bail!("{name}: not a return or transfer list made by clearance (no issued items inside)");
    }
    let items = items_rows(&mut wb, path, LIST_MAGIC)?;
    let head = items.first().cloned().unwrap_or_default();
    if !head.first().is_some_and(|tag| is_list_tag(tag)) {
        bail!("{name}: not a return or transfer list made by clearance");
    }
    let recorded = head.get(1).cloned().unwrap_or_default();
    let mut heading = items.get(2).cloned().unwrap_or_default();
    heading.resize(LIST_HEADING_FIELDS.len(), String::new());
    let lines = issued_lines(&items);
    let mut findings = Vec::new();
    let index = check_digest(path, &heading, &lines, &recorded, &mut findings)?;
    let Some(kind) = HandoverKind::from_code(&heading[3]) else {
        bail!(
            "{name}: not a return or transfer list (kind {:?})",
            heading[3]
        );
    };
    let shown = printed_parts(&mut wb, path)?;
    let key = head.get(3).cloned().unwrap_or_default();
    let (titles, lang) = check_shown(&shown, &lines, &recorded, &key, &mut findings);
    if let Some((_, rows)) = shown.last() {
        check_below_lines(rows, &lines, kind, lang, &mut findings);
    }
    let sheets: Vec<&str> = shown.iter().map(|(name, _)| name.as_str()).collect();
    crate::manifest::verify::check_hidden(&bytes, &sheets, &mut findings);
    if !findings.is_empty() {
        bail!(
            "{name}: changed since issue, so it cannot be confirmed: {}",
            findings.join("; ")
        );
    }
    let [unit, id, as_of, _, destination] = heading.try_into().unwrap_or_default();
    Ok(HandoverList {
        path: path.to_path_buf(),
        digest: recorded,
        kind,
        unit,
        id,
        as_of,
        destination,
        lines,
        titles,
        index,
        lang,
    })
}

/// The issued lines among the rows of the hidden items sheet: those below
/// its head that are not blank, each with every field of a list line.
fn issued_lines(items: &[Vec<String>]) -> Vec<Vec<String>> {
    items
        .iter()
        .skip(ITEMS_HEAD_ROWS)
        .filter(|r| !r.iter().all(String::is_empty))
        .map(|r| {
            let mut r = r.clone();
            r.resize(LIST_LINE_FIELDS.len(), String::new());
            r
        })
        .collect()
}

/// Compares the `recorded` digest with the one computed from the issued
/// heading and lines, and with what the index.csv beside the list says;
/// each difference is a finding. Returns what the index says.
fn check_digest(
    path: &Path,
    heading: &[String],
    lines: &[Vec<String>],
    recorded: &str,
    findings: &mut Vec<String>,
) -> Result<IndexCheck> {
    let computed = digest(heading, lines);
    if computed != recorded {
        findings.push(format!(
            "the issued items do not match their digest {recorded} (computed {computed})"
        ));
    }
    let index = index_check(path, recorded)?;
    match &index {
        IndexCheck::Differs(d) => {
            findings.push(format!("index.csv records digest {d}, the list {recorded}"))
        }
        IndexCheck::NotListed => findings.push("index.csv beside it does not list it".into()),
        IndexCheck::Matches | IndexCheck::Absent => {}
    }
    Ok(index)
}

/// Compares the printed list, every part of it, with the issued lines: the
/// digest above the lines of each part, and every line's number, document
/// number, title and copies. Returns the printed titles and the language.
fn check_shown(
    parts: &[(String, Vec<Vec<String>>)],
    lines: &[Vec<String>],
    recorded: &str,
    key: &str,
    findings: &mut Vec<String>,
) -> (Vec<String>, Lang) {
    let Some(printed) = read_printed(parts, recorded, findings) else {
        return (Vec::new(), Lang::Zh);
    };
    if printed.rows.len() != lines.len() {
        findings.push(format!(
            "it prints {} lines, {} were issued",
            printed.rows.len(),
            lines.len()
        ));
    }
    let titles = compare_lines(&printed, lines, key, findings);
    (titles, printed.lang)
}

/// Checks what the last sheet of a printed list shows below its lines:
/// the totals row of the issued lines, then the signature lines of its
/// kind, in order, and nothing else (a line printed below the signatures
/// is signed for with the rest).
fn check_below_lines(
    rows: &[Vec<String>],
    lines: &[Vec<String>],
    kind: HandoverKind,
    lang: Lang,
    findings: &mut Vec<String>,
) {
    let Some(totals) = rows
        .iter()
        .position(|r| r.first().is_some_and(|c| c == TOTAL.0 || c == TOTAL.1))
    else {
        findings.push("the totals row is missing".into());
        return;
    };
    let copies: i64 = lines
        .iter()
        .filter_map(|l| l.get(4).and_then(|c| c.trim().parse::<i64>().ok()))
        .sum();
    let expected = super::totals_text(lines.len(), copies, lang);
    let shown = rows[totals].get(1).map_or("", String::as_str);
    if shown != expected || rows[totals].iter().skip(2).any(|c| !c.is_empty()) {
        findings.push(format!(
            "the totals row reads {:?}, the issued lines give {expected:?}",
            rows[totals][1..].join(" ").trim()
        ));
    }
    let mut signatures = kind
        .signers()
        .iter()
        .map(|s| labels::signature_line(*s, lang));
    for (r, row) in rows.iter().enumerate().skip(totals + 1) {
        if row.iter().all(String::is_empty) {
            continue;
        }
        let expected = signatures.next();
        let first = row.first().map_or("", String::as_str);
        if Some(first) != expected.as_deref() || row.iter().skip(1).any(|c| !c.is_empty()) {
            findings.push(format!(
                "row {}: text added below the lines: {:?}",
                r + 1,
                row.join(" ").trim()
            ));
        }
    }
    let left: Vec<String> = signatures.collect();
    if !left.is_empty() {
        findings.push(format!("the signature block lacks {left:?}"));
    }
}

/// Where the printed columns are, as the header row of the first part
/// shows them.
#[derive(Debug, Clone, Copy, Default)]
struct Columns {
    /// The document number's column.
    doc_id: Option<usize>,
    /// The title's column.
    title: Option<usize>,
    /// The copies' column.
    copies: Option<usize>,
}

/// The printed list, every part of it.
struct Printed<'p> {
    /// The language it was printed in.
    lang: Lang,
    /// Where its columns are.
    columns: Columns,
    /// Its printed lines, in order across the parts.
    rows: Vec<&'p Vec<String>>,
}

/// Reads the printed lines of every part, with the language and columns of
/// the first; a part without a header row, or whose heading shows another
/// digest than `recorded`, is a finding. `None` when the first part has no
/// header row.
fn read_printed<'p>(
    parts: &'p [(String, Vec<Vec<String>>)],
    recorded: &str,
    findings: &mut Vec<String>,
) -> Option<Printed<'p>> {
    let mut printed = Printed {
        lang: Lang::Zh,
        columns: Columns::default(),
        rows: Vec::new(),
    };
    for (k, (sheet, rows)) in parts.iter().enumerate() {
        let on = if k == 0 {
            String::new()
        } else {
            format!("sheet {sheet}: ")
        };
        let Some(header) = rows.iter().position(|r| {
            r.first()
                .is_some_and(|c| c == LINE_NUMBER.0 || c == LINE_NUMBER.1)
        }) else {
            findings.push(format!("{on}the header row of the lines is missing"));
            if k == 0 {
                return None;
            }
            continue;
        };
        if k == 0 {
            (printed.lang, printed.columns) = columns(&rows[header]);
        }
        if let Some(finding) = printed_digest_finding(&rows[..header], recorded) {
            findings.push(format!("{on}{finding}"));
        }
        printed.rows.extend(
            rows.iter()
                .skip(header + 1)
                .take_while(|r| !r.first().is_some_and(|c| c == TOTAL.0 || c == TOTAL.1))
                .filter(|r| !r.iter().all(String::is_empty)),
        );
    }
    Some(printed)
}

/// The language and the columns of a printed list, from its header row.
fn columns(header: &[String]) -> (Lang, Columns) {
    let lang = if header[0] == LINE_NUMBER.0 {
        Lang::Zh
    } else {
        Lang::En
    };
    let column = |name: &str| {
        let label = labels::list_column(name, lang);
        header.iter().position(|h| h == label)
    };
    let columns = Columns {
        doc_id: column("doc_id"),
        title: column("title"),
        copies: column("copies"),
    };
    (lang, columns)
}

/// Whether the digest printed in a part's heading (the rows above its
/// header row) differs from the `recorded` one.
fn printed_digest_finding(heading: &[Vec<String>], recorded: &str) -> Option<String> {
    let printed_digest = heading.iter().flatten().find_map(|c| {
        c.contains("SHA-256")
            .then(|| c.rsplit(' ').next().unwrap_or("").to_string())
    });
    (printed_digest.as_deref() != Some(recorded)).then(|| {
        format!(
            "the heading shows digest {}, the issued items {recorded}",
            printed_digest.unwrap_or_else(|| "(none)".into())
        )
    })
}

/// Compares each printed line with the issued line of its place: its
/// number, document number, copies and title. Returns the printed titles.
fn compare_lines(
    printed: &Printed<'_>,
    lines: &[Vec<String>],
    key: &str,
    findings: &mut Vec<String>,
) -> Vec<String> {
    let cell = |r: &[String], c: Option<usize>| c.and_then(|c| r.get(c)).cloned();
    let mut titles = Vec::new();
    for (k, line) in lines.iter().enumerate() {
        let Some(row) = printed.rows.get(k) else {
            break;
        };
        let no = &line[0];
        if row.first() != Some(no) {
            findings.push(format!(
                "line {no}: printed as line {:?}",
                row.first().cloned().unwrap_or_default()
            ));
        }
        for (col, issued, what) in [
            (printed.columns.doc_id, &line[1], "doc_id"),
            (printed.columns.copies, &line[4], "copies"),
        ] {
            let shown = cell(row, col).unwrap_or_default();
            // A printed cell is read without the white space around it.
            if shown != issued.trim() {
                findings.push(format!(
                    "line {no}: {what} changed to {shown:?}, issued {issued:?}"
                ));
            }
        }
        let title = cell(row, printed.columns.title).unwrap_or_default();
        if title_hash(key, &title) != line[2] {
            findings.push(format!("line {no}: the title was changed"));
        }
        titles.push(title);
    }
    titles
}
