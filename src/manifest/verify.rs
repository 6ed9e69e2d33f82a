//! `verify`: was a manifest changed after it was issued?
//!
//! A manifest keeps what was issued (heading and line items) in a hidden,
//! protected sheet and its digest in three places: the heading, the hidden
//! sheet and the folder's index.csv. Verification reads the file through
//! the same guards as any register, recomputes the digest of what was
//! issued, checks it against each place it is recorded, and compares the
//! printed heading and every visible line with what was issued, naming the
//! field, line or heading part that differs. The review columns are not
//! part of a line: filling them in is what a reviewer is asked to do.
//!
//! A long manifest continues on next sheets (`销毁清单 (2)` …, and its
//! hidden items on `_items (2)` …): every part is read, each part's heading
//! is checked, and the lines of all parts together are compared with what
//! was issued, a line on a later sheet named by its sheet and row.
//!
//! Without index.csv beside it (a copy sent back by a reviewer) a manifest
//! can only be checked for internal consistency: someone who rewrote the
//! hidden sheet and every digest inside the workbook would not be caught.
//! The report says so.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Cursor;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use calamine::{Data, Reader, Xlsx};

use super::batch::{
    EFFECTIVE_FIELD, FIELD_NAMES, HEADING_FIELDS, Heading, ITEMS_MAGIC, ITEMS_MAGIC_CELLS,
    SEGMENT_SEPARATOR, TITLE_FIELD, digest, title_hash,
};
use super::draft::{INDEX_FILE, ITEMS_HEAD_ROWS, ITEMS_SHEET, REDACTED};
use crate::config::Lang;
use crate::ingest::guard::{self, Format, Limits};
use crate::labels::{self, LINE_NUMBER, TOTAL};
use crate::output::frame::part_name;

/// What the folder's index.csv says of a manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IndexCheck {
    /// It records the same digest.
    Matches,
    /// It records another digest.
    Differs(String),
    /// It does not list this file.
    NotListed,
    /// There is no index.csv beside the manifest: internal consistency only.
    Absent,
}

/// The outcome for one manifest.
#[derive(Debug, Clone)]
pub struct Verified {
    /// The file.
    pub path: PathBuf,
    /// Its batch id.
    pub batch: String,
    /// The heading as issued (as-of date, draft or final …).
    pub heading: Heading,
    /// Lines issued.
    pub lines: usize,
    /// What the index says.
    pub index: IndexCheck,
    /// What differs; empty when intact.
    pub findings: Vec<String>,
}

impl Verified {
    /// Whether nothing differs.
    pub fn intact(&self) -> bool {
        self.findings.is_empty()
    }
}

/// A printed cell as text: numbers as written, text without the white
/// space around it (a reviewer's program may add some).
pub(crate) fn cell_text(d: &Data) -> String {
    match d {
        Data::String(s) => s.trim().to_string(),
        other => exact_text(other),
    }
}

/// A cell of an items sheet as text, exactly as written: an issued field
/// may begin or end with white space (a sheet named " 收文 "), and the
/// digest is of the field as it was.
fn exact_text(d: &Data) -> String {
    match d {
        Data::Float(f) => crate::ingest::cell::format_number(*f),
        Data::Int(i) => i.to_string(),
        other => other.to_string(),
    }
}

/// The code of a printed level (a label in either language, or a code);
/// other text as it is.
fn level_code(label: &str) -> String {
    labels::level_from_label(label).map_or(label.to_string(), |l| l.code().to_string())
}

/// The manifests named by `paths`: files as given, folders searched for
/// `.xlsx` files (and their `manifests/` folder).
pub fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found = Vec::new();
            // A run folder's manifests are in manifests/ (plan.xlsx is not
            // one); a review folder's in final/.
            let dirs = if p.join("manifests").is_dir() {
                vec![p.join("manifests")]
            } else if p.join("final").is_dir() {
                vec![p.join("final")]
            } else {
                vec![p.clone()]
            };
            for dir in dirs {
                if let Ok(entries) = std::fs::read_dir(&dir) {
                    for e in entries.flatten() {
                        let path = e.path();
                        if path
                            .extension()
                            .is_some_and(|x| x.eq_ignore_ascii_case("xlsx"))
                        {
                            found.push(path);
                        }
                    }
                }
            }
            found.sort();
            if found.is_empty() {
                bail!("{}: no manifests (.xlsx) in this folder", p.display());
            }
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// What the index.csv beside a manifest records for it.
pub(crate) fn index_check(path: &Path, recorded: &str) -> Result<IndexCheck> {
    let Some(dir) = path.parent() else {
        return Ok(IndexCheck::Absent);
    };
    let index = dir.join(INDEX_FILE);
    if !index.is_file() {
        return Ok(IndexCheck::Absent);
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut reader = csv::Reader::from_path(&index)
        .with_context(|| format!("{}: cannot read it", index.display()))?;
    let headers = reader.headers()?.clone();
    let column = |n: &str| headers.iter().position(|h| h == n);
    let (Some(file_col), Some(digest_col)) = (column("file"), column("digest")) else {
        bail!(
            "{}: not a manifests index (no file or digest column)",
            index.display()
        );
    };
    for record in reader.records() {
        let record = record.with_context(|| format!("{}: damaged", index.display()))?;
        if record.get(file_col) == Some(name.as_str()) {
            let d = record.get(digest_col).unwrap_or("").to_string();
            return Ok(if d == recorded {
                IndexCheck::Matches
            } else {
                IndexCheck::Differs(d)
            });
        }
    }
    Ok(IndexCheck::NotListed)
}

/// The rows of sheet `sheet` as [`cell_text`] reads them (text trimmed):
/// a printed sheet's, or an items sheet's first row for its tag.
pub(crate) fn rows_of(
    wb: &mut Xlsx<Cursor<Vec<u8>>>,
    sheet: &str,
    path: &Path,
) -> Result<Vec<Vec<String>>> {
    rows_as(wb, sheet, path, cell_text)
}

/// The rows of sheet `sheet`, each cell made text by `text`.
fn rows_as(
    wb: &mut Xlsx<Cursor<Vec<u8>>>,
    sheet: &str,
    path: &Path,
    text: fn(&Data) -> String,
) -> Result<Vec<Vec<String>>> {
    let range = wb
        .worksheet_range(sheet)
        .with_context(|| format!("{}: reading {sheet}", path.display()))?;
    Ok(range.rows().map(|r| r.iter().map(text).collect()).collect())
}

/// Whether `name` is the items sheet or one it continues on (`_items (2)`
/// …).
pub(crate) fn is_items_sheet(name: &str) -> bool {
    name == ITEMS_SHEET
        || name
            .strip_prefix(ITEMS_SHEET)
            .and_then(|rest| rest.strip_prefix(" ("))
            .and_then(|rest| rest.strip_suffix(')'))
            .is_some_and(|n| n.parse::<usize>().is_ok())
}

/// The sheet `first` and the sheets it continues on (`first (2)` …, as
/// [`part_name`] names them), in order, as far as the workbook has them.
pub(crate) fn parts_of(names: &[String], first: &str) -> Vec<String> {
    (0..)
        .map(|k| part_name(first, k))
        .take_while(|name| names.contains(name))
        .collect()
}

/// The rows of the items sheet, the lines of every sheet it continues on
/// appended after its own (the rows above their lines left out), each
/// line as its fields. When the sheet's first cell is `one_cell_tag` (the
/// format that writes lines as one cell), a line is one cell holding its
/// fields as a JSON array of strings, or its fields in cells (a line too
/// long for one cell). A row whose only cell starts with `[` but is not
/// such an array is an error naming its sheet and row: the items were
/// damaged; any other row is taken as fields in cells, and an edit shows
/// in the digest. Under any other
/// first cell (a workbook written before lines were one cell), every line
/// is its fields in cells.
pub(crate) fn items_rows(
    wb: &mut Xlsx<Cursor<Vec<u8>>>,
    path: &Path,
    one_cell_tag: &str,
) -> Result<Vec<Vec<String>>> {
    let parts = parts_of(&wb.sheet_names(), ITEMS_SHEET);
    let mut rows = Vec::new();
    let mut one_cell = false;
    for (k, sheet) in parts.iter().enumerate() {
        let mut part = rows_as(wb, sheet, path, exact_text)?;
        if k == 0 {
            one_cell = part
                .first()
                .and_then(|r| r.first())
                .is_some_and(|c| c == one_cell_tag);
        }
        for (r, row) in part.iter_mut().enumerate().skip(ITEMS_HEAD_ROWS) {
            if let Some(fields) = line_cell(row).filter(|_| one_cell) {
                *row = serde_json::from_str(fields).map_err(|_| {
                    anyhow::anyhow!(
                        "{}: the issued items are damaged (sheet {sheet}, row {}: not a line)",
                        path.display(),
                        r + 1
                    )
                })?;
            }
        }
        let skip = if k == 0 { 0 } else { ITEMS_HEAD_ROWS };
        rows.extend(part.into_iter().skip(skip));
    }
    Ok(rows)
}

/// The text of a line written as one cell (a JSON array): the row's only
/// non-empty cell, its first, starting with `[`. A line in cells starts
/// with its number, never with `[`.
fn line_cell(row: &[String]) -> Option<&str> {
    let (first, rest) = row.split_first()?;
    (first.starts_with('[') && rest.iter().all(String::is_empty)).then_some(first.as_str())
}

/// The printed sheet (the first that holds no issued items) and the sheets
/// it continues on, each as its name and rows.
pub(crate) fn printed_parts(
    wb: &mut Xlsx<Cursor<Vec<u8>>>,
    path: &Path,
) -> Result<Vec<(String, Vec<Vec<String>>)>> {
    let names = wb.sheet_names();
    let first = names
        .iter()
        .find(|n| !is_items_sheet(n))
        .cloned()
        .unwrap_or_default();
    let mut parts = Vec::new();
    for sheet in parts_of(&names, &first) {
        let rows = rows_of(wb, &sheet, path)?;
        parts.push((sheet, rows));
    }
    if parts.is_empty() {
        // No printed sheet: reading it says so.
        parts.push((first.clone(), rows_of(wb, &first, path)?));
    }
    Ok(parts)
}

/// Opens a manifest through the same guards as a register.
pub(crate) fn open(path: &Path) -> Result<Xlsx<Cursor<Vec<u8>>>> {
    open_bytes(path, read_checked(path)?)
}

/// A manifest's bytes, read through the same guards as a register.
pub(crate) fn read_checked(path: &Path) -> Result<Vec<u8>> {
    let name = path.display().to_string();
    let limits = Limits::default();
    let bytes = guard::read_bytes(path, &name, &limits)?;
    let format = guard::check(&name, path, &bytes, &limits)?;
    if format != Format::Xlsx {
        bail!("{name}: not a clearance manifest (not an .xlsx workbook)");
    }
    Ok(bytes)
}

/// Opens the bytes [`read_checked`] read from `path` as a workbook.
pub(crate) fn open_bytes(path: &Path, bytes: Vec<u8>) -> Result<Xlsx<Cursor<Vec<u8>>>> {
    Xlsx::new(Cursor::new(bytes))
        .with_context(|| format!("{}: cannot open it as a workbook", path.display()))
}

/// Names every row and column of the printed sheets (`sheets`) that does
/// not print — hidden, or too low or narrow to show: a line whoever signs
/// the paper cannot see is not signed for.
pub(crate) fn check_hidden(bytes: &[u8], sheets: &[&str], findings: &mut Vec<String>) {
    for sheet in sheets {
        let Some(hidden) = crate::ingest::xlsx_hidden_parts(bytes, sheet) else {
            continue;
        };
        for row in hidden.rows {
            findings.push(format!(
                "sheet {sheet}: row {row} is hidden — it does not print"
            ));
        }
        if hidden.print_area {
            findings.push(format!(
                "sheet {sheet}: a print area is set — only part of it prints"
            ));
        }
        if let Some(first) = hidden.cells.first() {
            findings.push(format!(
                "sheet {sheet}: {} cell(s) do not print their value (white text, or a number format that hides it or shows other text), first {first}",
                hidden.cells.len()
            ));
        }
        for (first, last) in hidden.columns {
            let name = |c: u32| crate::text::column_letters(c.saturating_sub(1));
            let columns = if first == last {
                format!("column {}", name(first))
            } else {
                format!("columns {}–{}", name(first), name(last))
            };
            findings.push(format!(
                "sheet {sheet}: {columns} hidden — it does not print"
            ));
        }
    }
}

/// Verifies one manifest.
pub fn verify_file(path: &Path) -> Result<Verified> {
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| verify_inner(path)));
    read.unwrap_or_else(|_| bail!("{}: the workbook is damaged or unreadable", path.display()))
}

fn verify_inner(path: &Path) -> Result<Verified> {
    let bytes = read_checked(path)?;
    let mut wb = open_bytes(path, bytes.clone())?;
    let issued = read_issued(&mut wb, path)?;
    let mut findings = Vec::new();
    let computed = digest(&issued.heading, &issued.lines);
    if computed != issued.digest {
        findings.push(format!(
            "the issued items do not match their digest {} (computed {computed})",
            issued.digest
        ));
    }
    let index = index_check(path, &issued.digest)?;
    match &index {
        IndexCheck::Differs(d) => findings.push(format!(
            "{INDEX_FILE} records digest {d}, the manifest {}",
            issued.digest
        )),
        IndexCheck::NotListed => findings.push(format!(
            "{INDEX_FILE} beside it does not list this manifest"
        )),
        IndexCheck::Matches | IndexCheck::Absent => {}
    }
    let shown = read_shown(&mut wb, path)?;
    let heading = Heading::from_fields(&issued.heading);
    let around = Around::of(&heading, &issued, shown.lang);
    let last = shown.parts.len() - 1;
    for (k, part) in shown.parts.iter().enumerate() {
        let mut found = Vec::new();
        check_heading(&heading, &part.rows, shown.lang, &mut found);
        check_shown_digest(&part.rows, part.header, &issued.digest, &mut found);
        around.check(part, k, k == last, &mut found);
        if k > 0 {
            for f in &mut found {
                *f = format!("sheet {}: {f}", part.sheet);
            }
        }
        findings.extend(found);
    }
    check_lines(&shown, &issued.lines, &issued.key, &mut findings);
    let sheets: Vec<&str> = shown.parts.iter().map(|p| p.sheet.as_str()).collect();
    check_hidden(&bytes, &sheets, &mut findings);
    Ok(Verified {
        path: path.to_path_buf(),
        batch: issued.batch,
        heading,
        lines: issued.lines.len(),
        index,
        findings,
    })
}

/// What the hidden items sheet says was issued.
pub(super) struct Issued {
    /// The digest recorded with the items.
    pub digest: String,
    /// The batch id.
    pub batch: String,
    /// The title key (blank in a copy issued without titles).
    pub key: String,
    /// The heading's fields.
    pub heading: Vec<String>,
    /// The canonical lines.
    pub lines: Vec<Vec<String>>,
}

/// Reads the hidden items sheet.
pub(super) fn read_issued(wb: &mut Xlsx<Cursor<Vec<u8>>>, path: &Path) -> Result<Issued> {
    if !wb.sheet_names().iter().any(|n| n == ITEMS_SHEET) {
        bail!(
            "{}: not a clearance manifest (no issued items inside)",
            path.display()
        );
    }
    let rows = items_rows(wb, path, ITEMS_MAGIC)?;
    let head = rows.first().cloned().unwrap_or_default();
    if !head
        .first()
        .is_some_and(|tag| tag == ITEMS_MAGIC || tag == ITEMS_MAGIC_CELLS)
    {
        bail!(
            "{}: the issued items are not in a known format (made by another version of clearance?)",
            path.display()
        );
    }
    let cell = |i: usize| head.get(i).cloned().unwrap_or_default();
    // As many heading fields as there are names above them (a final
    // manifest's heading has more than a draft's).
    let names = rows
        .get(1)
        .map_or(0, |r| r.iter().filter(|n| !n.is_empty()).count())
        .max(HEADING_FIELDS.len());
    let mut heading = rows.get(2).cloned().unwrap_or_default();
    heading.resize(names, String::new());
    let lines = rows
        .iter()
        .skip(ITEMS_HEAD_ROWS)
        .map(|r| {
            let mut r = r.clone();
            r.resize(FIELD_NAMES.len(), String::new());
            r
        })
        .collect();
    Ok(Issued {
        digest: cell(1),
        batch: cell(2),
        key: cell(3),
        heading,
        lines,
    })
}

/// The printed sheet of a manifest, with the sheets it continues on.
pub(super) struct Shown {
    /// Its parts, in order: the printed sheet, then its continuations.
    pub parts: Vec<ShownPart>,
    /// The language it was printed in.
    pub lang: Lang,
}

/// One sheet of a printed manifest.
pub(super) struct ShownPart {
    /// The sheet's name.
    pub sheet: String,
    /// Its rows, as text.
    pub rows: Vec<Vec<String>>,
    /// The index of the header row of the lines.
    pub header: usize,
}

/// Where a printed line is: a row (1-based) of the printed sheet, or of a
/// sheet it continues on.
#[derive(Debug, Clone, Copy)]
pub(super) struct Place<'a> {
    /// The continuation sheet; `None` for the printed sheet itself.
    pub sheet: Option<&'a str>,
    /// The row, 1-based.
    pub row: usize,
}

impl std::fmt::Display for Place<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.sheet {
            None => write!(f, "row {}", self.row),
            Some(sheet) => write!(f, "sheet {sheet}, row {}", self.row),
        }
    }
}

impl Shown {
    /// The printed lines of every part, in order, each with its place.
    pub fn lines(&self) -> impl Iterator<Item = (Place<'_>, &Vec<String>)> {
        self.parts.iter().enumerate().flat_map(|(k, part)| {
            let sheet = (k > 0).then_some(part.sheet.as_str());
            shown_lines(&part.rows, part.header)
                .map(move |(i, row)| (Place { sheet, row: i + 1 }, row))
        })
    }
}

/// Reads the printed sheet (the first that is not an items sheet) and the
/// sheets it continues on, and finds the header row of the lines on each.
pub(super) fn read_shown(wb: &mut Xlsx<Cursor<Vec<u8>>>, path: &Path) -> Result<Shown> {
    let mut parts = Vec::new();
    for (k, (sheet, rows)) in printed_parts(wb, path)?.into_iter().enumerate() {
        let header = rows
            .iter()
            .position(|r| {
                r.first()
                    .is_some_and(|c| c == LINE_NUMBER.0 || c == LINE_NUMBER.1)
            })
            .with_context(|| match k {
                0 => format!("{}: the header row of the lines is missing", path.display()),
                _ => format!(
                    "{}: the header row of the lines is missing on sheet {sheet}",
                    path.display()
                ),
            })?;
        parts.push(ShownPart {
            sheet,
            rows,
            header,
        });
    }
    let first = &parts[0];
    let lang = if first.rows[first.header][0] == LINE_NUMBER.0 {
        Lang::Zh
    } else {
        Lang::En
    };
    Ok(Shown { parts, lang })
}

/// Compares the digest printed above the lines (above row `header` of
/// `rows`) with the issued one.
fn check_shown_digest(
    rows: &[Vec<String>],
    header: usize,
    recorded: &str,
    findings: &mut Vec<String>,
) {
    let printed = rows.iter().take(header).flatten().find_map(|c| {
        c.contains("SHA-256")
            .then(|| c.rsplit(' ').next().unwrap_or("").trim().to_string())
    });
    if printed.as_deref() != Some(recorded) {
        findings.push(format!(
            "the heading shows digest {}, the issued items {recorded}",
            printed.unwrap_or_else(|| "(none)".into())
        ));
    }
}

/// Compares the printed title and heading line with the issued heading,
/// naming each part that differs.
fn check_heading(issued: &Heading, vrows: &[Vec<String>], lang: Lang, findings: &mut Vec<String>) {
    let cell = |r: usize| {
        vrows
            .get(r)
            .and_then(|row| row.first())
            .cloned()
            .unwrap_or_default()
    };
    let title = cell(0);
    // Read trimmed; a unit's name issued untrimmed by an earlier version.
    if title != issued.title(lang).trim() {
        findings.push(format!(
            "heading: unit changed — the title reads {title:?}, issued {:?}",
            issued.title(lang)
        ));
    }
    let line = cell(1);
    let shown: Vec<&str> = line.split(SEGMENT_SEPARATOR).collect();
    let expected = issued.segments(lang);
    // Segment k shows heading field k + 1 (the unit is in the title); a
    // final manifest's last segment shows the draft's digest.
    let names = issued.field_names();
    for (k, want) in expected.iter().enumerate() {
        let got = shown.get(k).copied().unwrap_or("");
        if got != want {
            let name = names.get(k + 1).filter(|_| k + 1 < HEADING_FIELDS.len());
            findings.push(format!(
                "heading: {} changed to {got:?}, issued {want:?}",
                name.copied().unwrap_or("draft_digest")
            ));
        }
    }
    if shown.len() > expected.len() {
        findings.push(format!(
            "heading: text added: {:?}",
            shown[expected.len()..].join(SEGMENT_SEPARATOR)
        ));
    }
}

/// What a printed manifest shows besides its heading's first lines and
/// its lines, as issued: the note under the heading, the whole-batch
/// review label (a draft's first sheet), the totals row and the signature
/// block (the last sheet). Anything else printed is text added.
struct Around {
    /// The note under the heading (a copy without titles), or "".
    note: &'static str,
    /// The whole-batch review label of a draft, left of its review cells.
    batch_label: Option<&'static str>,
    /// The totals row, as text.
    totals: Vec<String>,
    /// The signature lines.
    signatures: Vec<String>,
}

impl Around {
    fn of(heading: &Heading, issued: &Issued, lang: Lang) -> Around {
        let sum = |f: usize| -> i64 {
            issued
                .lines
                .iter()
                .filter_map(|l| l.get(f).and_then(|v| v.trim().parse::<i64>().ok()))
                .sum()
        };
        let totals = super::draft::totals_row(issued.lines.len(), sum(6), sum(7), lang)
            .into_iter()
            .map(|c| match c {
                crate::output::OutCell::Text(t) => t,
                crate::output::OutCell::Number(n) => crate::text::format_number(n),
                _ => String::new(),
            })
            .collect();
        Around {
            note: super::draft::redacted_note(issued.key.is_empty(), lang),
            batch_label: (!heading.is_final()).then(|| labels::batch_review_label(lang)),
            totals,
            signatures: super::draft::signatures(heading.witnesses, lang),
        }
    }

    /// Checks part `k` of a printed manifest (`last` when it is the last).
    fn check(&self, part: &ShownPart, k: usize, last: bool, findings: &mut Vec<String>) {
        let rows = &part.rows;
        let text = |r: usize, c: usize| -> &str {
            rows.get(r)
                .and_then(|row| row.get(c))
                .map_or("", String::as_str)
        };
        let review_col = FIELD_NAMES.len();
        // Above the header: the first column's lines (the title, the
        // heading line and the digest are checked on their own), the
        // label of a draft's whole-batch review and its review cells.
        for (r, row) in rows.iter().enumerate().take(part.header) {
            for (c, cell) in row.iter().enumerate() {
                let expected = match (r, c) {
                    (0..=2, 0) => continue,
                    (3, 0) => self.note,
                    (3, c) if c == review_col - 1 && k == 0 => self.batch_label.unwrap_or(""),
                    // The whole-batch decision and comment cells.
                    (3, c)
                        if (c == review_col || c == review_col + 1)
                            && k == 0
                            && self.batch_label.is_some() =>
                    {
                        continue;
                    }
                    _ => "",
                };
                if cell != expected {
                    findings.push(added_or_changed(r, c, cell, expected));
                }
            }
        }
        let totals = rows
            .iter()
            .enumerate()
            .skip(part.header + 1)
            .find(|(_, row)| row.first().is_some_and(|c| c == TOTAL.0 || c == TOTAL.1))
            .map(|(r, _)| r);
        let Some(totals) = totals else {
            if last {
                findings.push("the totals row is missing".to_string());
            }
            return;
        };
        if !last {
            findings.push(format!(
                "row {}: a totals row on a sheet the lines continue from",
                totals + 1
            ));
        }
        let width = rows[totals].len().max(self.totals.len());
        for c in 0..width {
            let expected = self.totals.get(c).map_or("", String::as_str);
            if text(totals, c) != expected {
                findings.push(format!(
                    "the totals row: {} reads {:?}, the issued lines give {expected:?}",
                    cell_name(totals, c),
                    text(totals, c)
                ));
            }
        }
        // Below the totals: the signature lines, in order, and nothing else.
        let mut signatures = self.signatures.iter();
        for (r, row) in rows.iter().enumerate().skip(totals + 1) {
            if row.iter().all(String::is_empty) {
                continue;
            }
            let expected = signatures.next().map_or("", String::as_str);
            for (c, cell) in row.iter().enumerate() {
                let expected = if c == 0 { expected } else { "" };
                if cell != expected {
                    findings.push(added_or_changed(r, c, cell, expected));
                }
            }
        }
        let left: Vec<&String> = signatures.collect();
        if !left.is_empty() {
            findings.push(format!(
                "the signature block lacks {}",
                left.iter()
                    .map(|s| format!("{s:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
}

/// A cell's name, `C7`, from its 0-based row and column.
fn cell_name(r: usize, c: usize) -> String {
    format!("{}{}", crate::text::column_letters(c as u32), r + 1)
}

/// A finding for a printed cell that reads `cell` where `expected` was
/// issued.
fn added_or_changed(r: usize, c: usize, cell: &str, expected: &str) -> String {
    if expected.is_empty() {
        format!("{}: text added: {cell:?}", cell_name(r, c))
    } else if cell.is_empty() {
        format!("{}: {expected:?} was removed", cell_name(r, c))
    } else {
        format!("{}: reads {cell:?}, issued {expected:?}", cell_name(r, c))
    }
}

/// Compares every visible line, on every part, with the issued one: lines
/// added, repeated, changed or removed.
fn check_lines(shown: &Shown, issued: &[Vec<String>], key: &str, findings: &mut Vec<String>) {
    let by_no: BTreeMap<String, &Vec<String>> = issued.iter().map(|r| (r[0].clone(), r)).collect();
    let mut seen = BTreeSet::new();
    for (place, row) in shown.lines() {
        let first = row.first().cloned().unwrap_or_default();
        let Some(original) = by_no.get(&first) else {
            findings.push(format!(
                "{place}: line {first:?} ({}) was added",
                row.get(1).cloned().unwrap_or_default()
            ));
            continue;
        };
        if !seen.insert(first.clone()) {
            findings.push(format!("{place}: line {first} appears twice"));
            continue;
        }
        check_line(row, original, key, findings);
    }
    for (no, original) in &by_no {
        if !seen.contains(no) {
            findings.push(format!("line {no} ({}) was removed", original[1]));
        }
    }
}

/// The printed lines, with their index among the rows: after the header,
/// up to the totals row, blank rows left out.
pub(super) fn shown_lines(
    vrows: &[Vec<String>],
    header: usize,
) -> impl Iterator<Item = (usize, &Vec<String>)> {
    vrows
        .iter()
        .enumerate()
        .skip(header + 1)
        .take_while(|(_, row)| !row.first().is_some_and(|c| c == TOTAL.0 || c == TOTAL.1))
        .filter(|(_, row)| !row.iter().take(FIELD_NAMES.len()).all(String::is_empty))
}

/// Compares one printed line with the issued one, field by field, naming
/// each field that differs.
fn check_line(row: &[String], original: &[String], key: &str, findings: &mut Vec<String>) {
    let mut fields: Vec<String> = row.iter().take(FIELD_NAMES.len()).cloned().collect();
    fields.resize(FIELD_NAMES.len(), String::new());
    let shown_title = fields[TITLE_FIELD].clone();
    fields[TITLE_FIELD] = match (key.is_empty(), shown_title == REDACTED) {
        // A copy issued without titles shows none.
        (true, true) => original[TITLE_FIELD].clone(),
        (true, false) => "(a title written into a copy issued without titles)".into(),
        (false, _) => title_hash(key, &shown_title),
    };
    fields[EFFECTIVE_FIELD] = level_code(&fields[EFFECTIVE_FIELD]);
    for (f, name) in FIELD_NAMES.iter().enumerate() {
        // A printed cell is read without the white space around it.
        if fields[f] == original[f] || (f != TITLE_FIELD && fields[f] == original[f].trim()) {
            continue;
        }
        let (shown, was) = match f {
            TITLE_FIELD => (shown_title.clone(), "(the issued title)".to_string()),
            EFFECTIVE_FIELD => (
                fields[f].clone(),
                labels::level_code(&original[f], Lang::Zh),
            ),
            _ => (fields[f].clone(), original[f].clone()),
        };
        findings.push(format!(
            "line {} ({}): {name} changed to {shown:?}, issued {was:?}",
            original[0], original[1]
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A printed part: title, heading, digest, a blank row, the header row,
    /// then `lines` (number, doc_id).
    fn part(sheet: &str, lines: &[(&str, &str)]) -> ShownPart {
        let mut rows = vec![
            vec!["title".to_string()],
            vec!["heading".to_string()],
            vec!["SHA-256 d".to_string()],
            vec![String::new()],
            vec![LINE_NUMBER.0.to_string(), "文件编号".to_string()],
        ];
        rows.extend(
            lines
                .iter()
                .map(|(no, id)| vec![no.to_string(), id.to_string()]),
        );
        ShownPart {
            sheet: sheet.to_string(),
            rows,
            header: 4,
        }
    }

    #[test]
    fn a_line_on_a_continuation_sheet_is_named_by_its_sheet_and_row() {
        let shown = Shown {
            parts: vec![
                part("销毁清单", &[("1", "D-1"), ("9", "D-9")]),
                part("销毁清单 (2)", &[("2", "D-2"), ("2", "D-2"), ("7", "D-7")]),
            ],
            lang: Lang::Zh,
        };
        let places: Vec<String> = shown.lines().map(|(p, _)| p.to_string()).collect();
        assert_eq!(
            places,
            [
                "row 6",
                "row 7",
                "sheet 销毁清单 (2), row 6",
                "sheet 销毁清单 (2), row 7",
                "sheet 销毁清单 (2), row 8"
            ]
        );
        let issued: Vec<Vec<String>> = [("1", "D-1"), ("2", "D-2"), ("3", "D-3")]
            .iter()
            .map(|(no, id)| {
                let mut line = vec![String::new(); FIELD_NAMES.len()];
                line[0] = no.to_string();
                line[1] = id.to_string();
                line
            })
            .collect();
        let mut findings = Vec::new();
        check_lines(&shown, &issued, "", &mut findings);
        let not_fields: Vec<&String> = findings
            .iter()
            .filter(|f| !f.starts_with("line 1 ") && !f.starts_with("line 2 "))
            .collect();
        assert_eq!(
            not_fields,
            [
                "row 7: line \"9\" (D-9) was added",
                "sheet 销毁清单 (2), row 7: line 2 appears twice",
                "sheet 销毁清单 (2), row 8: line \"7\" (D-7) was added",
                "line 3 (D-3) was removed"
            ]
        );
    }

    #[test]
    fn only_the_items_sheet_and_its_continuations_are_items_sheets() {
        assert!(is_items_sheet("_items"));
        assert!(is_items_sheet("_items (2)"));
        assert!(!is_items_sheet("_items (x)"));
        assert!(!is_items_sheet("销毁清单 (2)"));
        let names = ["销毁清单", "销毁清单 (2)", "附录", "销毁清单 (4)"].map(String::from);
        assert_eq!(parts_of(&names, "销毁清单"), ["销毁清单", "销毁清单 (2)"]);
    }
}
