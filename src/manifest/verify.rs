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
    EFFECTIVE_FIELD, FIELD_NAMES, HEADING_FIELDS, Heading, ITEMS_MAGIC, SEGMENT_SEPARATOR,
    TITLE_FIELD, digest, title_hash,
};
use super::draft::{INDEX_FILE, ITEMS_SHEET, REDACTED};
use crate::config::Lang;
use crate::ingest::guard::{self, Format, Limits};
use crate::labels::{self, LINE_NUMBER, TOTAL};

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

pub(crate) fn cell_text(d: &Data) -> String {
    match d {
        Data::Float(f) => crate::ingest::cell::format_number(*f),
        Data::Int(i) => i.to_string(),
        other => other.to_string().trim().to_string(),
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

pub(crate) fn rows_of(
    wb: &mut Xlsx<Cursor<Vec<u8>>>,
    sheet: &str,
    path: &Path,
) -> Result<Vec<Vec<String>>> {
    let range = wb
        .worksheet_range(sheet)
        .with_context(|| format!("{}: reading {sheet}", path.display()))?;
    Ok(range
        .rows()
        .map(|r| r.iter().map(cell_text).collect())
        .collect())
}

/// Opens a manifest through the same guards as a register.
pub(crate) fn open(path: &Path) -> Result<Xlsx<Cursor<Vec<u8>>>> {
    let name = path.display().to_string();
    let limits = Limits::default();
    let bytes = guard::read_bytes(path, &name, &limits)?;
    let checked = guard::check(&name, path, &bytes, &limits)?;
    if checked.format != Format::Xlsx {
        bail!("{name}: not a clearance manifest (not an .xlsx workbook)");
    }
    Xlsx::new(Cursor::new(bytes)).with_context(|| format!("{name}: cannot open it as a workbook"))
}

/// Verifies one manifest.
pub fn verify_file(path: &Path) -> Result<Verified> {
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| verify_inner(path)));
    read.unwrap_or_else(|_| bail!("{}: the workbook is damaged or unreadable", path.display()))
}

fn verify_inner(path: &Path) -> Result<Verified> {
    let mut wb = open(path)?;
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
    check_heading(
        &Heading::from_fields(&issued.heading),
        &shown.rows,
        shown.lang,
        &mut findings,
    );
    check_shown_digest(&shown, &issued.digest, &mut findings);
    check_lines(
        &shown.rows,
        shown.header,
        &issued.lines,
        &issued.key,
        &mut findings,
    );
    Ok(Verified {
        path: path.to_path_buf(),
        batch: issued.batch,
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
    let rows = rows_of(wb, ITEMS_SHEET, path)?;
    let head = rows.first().cloned().unwrap_or_default();
    if head.first().map(String::as_str) != Some(ITEMS_MAGIC) {
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
        .skip(4)
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

/// The printed sheet of a manifest.
pub(super) struct Shown {
    /// Its rows, as text.
    pub rows: Vec<Vec<String>>,
    /// The index of the header row of the lines.
    pub header: usize,
    /// The language it was printed in.
    pub lang: Lang,
}

/// Reads the printed sheet (the first that is not the items sheet) and
/// finds the header row of its lines.
pub(super) fn read_shown(wb: &mut Xlsx<Cursor<Vec<u8>>>, path: &Path) -> Result<Shown> {
    let name = wb
        .sheet_names()
        .into_iter()
        .find(|n| n != ITEMS_SHEET)
        .unwrap_or_default();
    let rows = rows_of(wb, &name, path)?;
    let header = rows
        .iter()
        .position(|r| {
            r.first()
                .is_some_and(|c| c == LINE_NUMBER.0 || c == LINE_NUMBER.1)
        })
        .with_context(|| format!("{}: the header row of the lines is missing", path.display()))?;
    let lang = if rows[header][0] == LINE_NUMBER.0 {
        Lang::Zh
    } else {
        Lang::En
    };
    Ok(Shown { rows, header, lang })
}

/// Compares the digest printed above the lines with the issued one.
fn check_shown_digest(shown: &Shown, recorded: &str, findings: &mut Vec<String>) {
    let printed = shown
        .rows
        .iter()
        .take(shown.header)
        .flatten()
        .find_map(|c| {
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
    if title != issued.title(lang) {
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

/// Compares every visible line with the issued one: lines added, repeated,
/// changed or removed.
fn check_lines(
    vrows: &[Vec<String>],
    header: usize,
    issued: &[Vec<String>],
    key: &str,
    findings: &mut Vec<String>,
) {
    let by_no: BTreeMap<String, &Vec<String>> = issued.iter().map(|r| (r[0].clone(), r)).collect();
    let mut seen = BTreeSet::new();
    for (k, row) in shown_lines(vrows, header) {
        let excel_row = k + 1;
        let first = row.first().cloned().unwrap_or_default();
        let Some(original) = by_no.get(&first) else {
            findings.push(format!(
                "row {excel_row}: line {first:?} ({}) was added",
                row.get(1).cloned().unwrap_or_default()
            ));
            continue;
        };
        if !seen.insert(first.clone()) {
            findings.push(format!("row {excel_row}: line {first} appears twice"));
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
        if fields[f] == original[f] {
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
