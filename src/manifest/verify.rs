//! `verify`: was a manifest changed after it was issued?
//!
//! A manifest keeps its issued line items in a hidden, protected sheet and
//! its digest in three places (the heading, the hidden sheet, index.csv).
//! Verification recomputes the digest of the issued items, checks it
//! against each place it is recorded, and compares every visible line with
//! the issued one, naming each line changed, added or removed and the field
//! that differs. The review columns are not part of a line: filling them in
//! is what a reviewer is asked to do.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use calamine::{Data, Reader, open_workbook_auto};

use super::{FIELD_NAMES, ITEMS_MAGIC, ITEMS_SHEET, REDACTED, digest, title_hash};
use crate::config::Lang;
use crate::output::plan_workbook::level_label;

/// The outcome for one manifest.
#[derive(Debug, Clone)]
pub struct Verified {
    /// The file.
    pub path: PathBuf,
    /// Its batch id.
    pub batch: String,
    /// Lines issued.
    pub lines: usize,
    /// What differs; empty when intact.
    pub findings: Vec<String>,
}

impl Verified {
    /// Whether nothing differs.
    pub fn intact(&self) -> bool {
        self.findings.is_empty()
    }
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Float(f) => crate::ingest::cell::format_number(*f),
        Data::Int(i) => i.to_string(),
        other => other.to_string().trim().to_string(),
    }
}

fn level_code(label: &str) -> String {
    use crate::domain::Level;
    for level in Level::ALL {
        if label == level_label(level, Lang::Zh)
            || label == level_label(level, Lang::En)
            || label == level.code()
        {
            return level.code().to_string();
        }
    }
    label.to_string()
}

/// The manifests named by `paths`: files as given, folders searched for
/// `.xlsx` files (and their `manifests/` folder).
pub fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found = Vec::new();
            for dir in [p.clone(), p.join("manifests")] {
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

/// Digests recorded in an index.csv beside the manifest (or in its
/// folder's parent `manifests/`), by file name.
fn index_digest(path: &Path) -> Option<String> {
    let dir = path.parent()?;
    let text = std::fs::read_to_string(dir.join("index.csv")).ok()?;
    let name = path.file_name()?.to_string_lossy().into_owned();
    text.lines().skip(1).find_map(|line| {
        let fields: Vec<&str> = line.split(',').collect();
        (fields.first().map(|f| f.trim_matches('"')) == Some(name.as_str()))
            .then(|| fields.last().unwrap_or(&"").to_string())
    })
}

/// Verifies one manifest.
pub fn verify_file(path: &Path) -> Result<Verified> {
    let mut wb = open_workbook_auto(path)
        .with_context(|| format!("{}: cannot open it as a workbook", path.display()))?;
    let names = wb.sheet_names();
    if !names.iter().any(|n| n == ITEMS_SHEET) {
        bail!(
            "{}: not a clearance manifest (no issued items inside)",
            path.display()
        );
    }
    let items = wb
        .worksheet_range(ITEMS_SHEET)
        .with_context(|| format!("{}: reading the issued items", path.display()))?;
    let rows: Vec<Vec<String>> = items
        .rows()
        .map(|r| r.iter().map(cell_text).collect())
        .collect();
    let head = rows.first().cloned().unwrap_or_default();
    if head.first().map(String::as_str) != Some(ITEMS_MAGIC) {
        bail!(
            "{}: the issued items are not in a known format",
            path.display()
        );
    }
    let recorded = head.get(1).cloned().unwrap_or_default();
    let batch = head.get(2).cloned().unwrap_or_default();
    let issued: Vec<Vec<String>> = rows
        .iter()
        .skip(2)
        .map(|r| {
            let mut r = r.clone();
            r.resize(FIELD_NAMES.len(), String::new());
            r
        })
        .collect();
    let mut findings = Vec::new();
    let computed = digest(&issued);
    if computed != recorded {
        findings.push(format!(
            "the issued items do not match their digest {recorded} (computed {computed})"
        ));
    }
    if let Some(index) = index_digest(path)
        && index != recorded
    {
        findings.push(format!(
            "index.csv records digest {index}, the manifest {recorded}"
        ));
    }

    let visible_name = names
        .iter()
        .find(|n| *n != ITEMS_SHEET)
        .cloned()
        .unwrap_or_default();
    let visible = wb
        .worksheet_range(&visible_name)
        .with_context(|| format!("{}: reading {visible_name}", path.display()))?;
    let vrows: Vec<Vec<String>> = visible
        .rows()
        .map(|r| r.iter().map(cell_text).collect())
        .collect();
    let shown_digest = vrows.iter().flatten().find_map(|c| {
        c.contains("SHA-256")
            .then(|| c.rsplit(' ').next().unwrap_or("").trim().to_string())
    });
    if shown_digest.as_deref() != Some(recorded.as_str()) {
        findings.push(format!(
            "the heading shows digest {}, the issued items {recorded}",
            shown_digest.unwrap_or_else(|| "(none)".into())
        ));
    }
    let header = vrows
        .iter()
        .position(|r| matches!(r.first().map(String::as_str), Some("序号" | "No")))
        .with_context(|| format!("{}: the header row of the lines is missing", path.display()))?;
    let by_no: BTreeMap<String, &Vec<String>> = issued.iter().map(|r| (r[0].clone(), r)).collect();
    let mut seen = std::collections::BTreeSet::new();
    for (k, row) in vrows.iter().enumerate().skip(header + 1) {
        let first = row.first().cloned().unwrap_or_default();
        if matches!(first.as_str(), "合计" | "Total") {
            break;
        }
        if row.iter().take(FIELD_NAMES.len()).all(String::is_empty) {
            continue;
        }
        let excel_row = k + 1;
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
        let mut fields: Vec<String> = row.iter().take(FIELD_NAMES.len()).cloned().collect();
        fields.resize(FIELD_NAMES.len(), String::new());
        fields[2] = if fields[2] == REDACTED {
            original[2].clone()
        } else {
            title_hash(&fields[2])
        };
        fields[4] = level_code(&fields[4]);
        for (f, name) in FIELD_NAMES.iter().enumerate() {
            if fields[f] != original[f] {
                let shown = if f == 2 {
                    row.get(2).cloned().unwrap_or_default()
                } else {
                    fields[f].clone()
                };
                let was = if f == 4 {
                    crate::domain::Level::from_code(&original[f]).map_or(original[f].clone(), |l| {
                        level_label(l, Lang::Zh).to_string()
                    })
                } else if f == 2 {
                    "(the issued title)".to_string()
                } else {
                    original[f].clone()
                };
                findings.push(format!(
                    "line {first} ({}): {name} changed to {shown:?}, issued {was:?}",
                    original[1]
                ));
            }
        }
    }
    for (no, original) in &by_no {
        if !seen.contains(no) {
            findings.push(format!("line {no} ({}) was removed", original[1]));
        }
    }
    Ok(Verified {
        path: path.to_path_buf(),
        batch,
        lines: issued.len(),
        findings,
    })
}
