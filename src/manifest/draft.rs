//! Writing the draft destruction manifests: one printable workbook per
//! batch (and per redacted or departmental copy), each keeping what was
//! issued in a hidden sheet, and the folder's `index.csv`.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use polars::prelude::*;
use rust_xlsxwriter::Workbook;

use super::batch::{
    Batch, FIELD_NAMES, Heading, ITEMS_MAGIC, LineItem, SEGMENT_SEPARATOR, batch_key, batches,
};
use crate::config::Lang;
use crate::domain::Site;
use crate::labels::{self, Signer};
use crate::output::names::UniqueNames;
use crate::output::printable::{Printable, write_printable};
use crate::output::{OutCell, new_workbook, save_atomically, write_atomically};

/// The sheet that keeps what was issued.
pub const ITEMS_SHEET: &str = "_items";
/// What a redacted title shows.
pub const REDACTED: &str = "〔标题已隐去 / title withheld〕";
/// The index of a manifests folder.
pub const INDEX_FILE: &str = "index.csv";
/// The department a departmental copy is named after when none was given.
const NO_DEPARTMENT: &str = "未填部门";

/// Options for the manifests and lists.
#[derive(Debug, Clone)]
pub struct ListOptions {
    /// The office's name.
    pub unit: String,
    /// The as-of date.
    pub as_of: NaiveDate,
    /// Labels' language.
    pub lang: Lang,
    /// Also write facility manifests with titles withheld.
    pub redact_titles: bool,
    /// Also write one copy of each manifest per department.
    pub split_by_department: bool,
    /// The run's title key ([`super::title_key`]).
    pub title_key: String,
}

/// One written manifest, for index.csv.
#[derive(Debug, Clone)]
pub struct Written {
    /// File name within manifests/.
    pub file: String,
    /// Batch id.
    pub batch: String,
    /// Where it is destroyed.
    pub site: Site,
    /// Level code.
    pub level: String,
    /// Lines.
    pub lines: usize,
    /// Copies.
    pub copies: i64,
    /// Digest.
    pub digest: String,
}

/// Writes every manifest of a plan into `dir` (the run folder's
/// `manifests/`), with `index.csv`.
pub fn write_manifests(
    dir: &Path,
    decisions: &DataFrame,
    opts: &ListOptions,
) -> Result<Vec<Written>> {
    std::fs::create_dir_all(dir)?;
    let mut names = UniqueNames::default();
    let mut written = Vec::new();
    for batch in batches(decisions, opts.as_of)? {
        for (file, copy, redact) in copies_of(&batch, opts, &mut names) {
            let digest = write_manifest(&dir.join(&file), &copy, opts, redact)?;
            written.push(Written {
                file,
                batch: copy.id.clone(),
                site: copy.site,
                level: copy.level.clone(),
                lines: copy.lines.len(),
                copies: copy.copies(),
                digest,
            });
        }
    }
    write_index(&dir.join(INDEX_FILE), &written)?;
    Ok(written)
}

/// The manifests written for one batch, as (file name, lines, titles
/// withheld): the batch itself, a copy without titles for the facility
/// (`--redact-titles`) and one copy per department (`--split-by`).
fn copies_of(
    batch: &Batch,
    opts: &ListOptions,
    names: &mut UniqueNames,
) -> Vec<(String, Batch, bool)> {
    let mut copies = vec![(names.file(&batch.id, ".xlsx"), batch.clone(), false)];
    if opts.redact_titles && batch.site == Site::Facility {
        let name = names.file(&format!("{}-redacted", batch.id), ".xlsx");
        copies.push((name, batch.clone(), true));
    }
    if opts.split_by_department {
        for (dep, part) in by_department(batch) {
            let name = names.file(&format!("{}-{dep}", batch.id), ".xlsx");
            copies.push((name, part, false));
        }
    }
    copies
}

/// A batch split by department, each part numbered from 1, in department
/// order; a blank department is named [`NO_DEPARTMENT`].
fn by_department(batch: &Batch) -> Vec<(String, Batch)> {
    let mut by_dep: BTreeMap<String, Vec<LineItem>> = BTreeMap::new();
    for line in &batch.lines {
        by_dep
            .entry(line.department.clone())
            .or_default()
            .push(line.clone());
    }
    by_dep
        .into_iter()
        .map(|(dep, mut lines)| {
            for (k, l) in lines.iter_mut().enumerate() {
                l.no = k as u32 + 1;
            }
            let dep = if dep.is_empty() {
                NO_DEPARTMENT.to_string()
            } else {
                dep
            };
            let part = Batch {
                lines,
                ..batch.clone()
            };
            (dep, part)
        })
        .collect()
}

/// Writes one manifest workbook for `batch` (titles withheld, and the title
/// key left out, when `redact`); returns its digest.
pub fn write_manifest(
    path: &Path,
    batch: &Batch,
    opts: &ListOptions,
    redact: bool,
) -> Result<String> {
    let heading = batch.heading(&opts.unit, opts.as_of);
    let key = batch_key(&opts.title_key, &batch.id);
    let document = Document {
        batch,
        heading: &heading,
        key: &key,
        redact,
        lang: opts.lang,
    };
    write_document(path, &document, |_| Ok(()))
}

/// What a manifest workbook is written from.
pub struct Document<'a> {
    /// Its lines.
    pub batch: &'a Batch,
    /// Its heading (draft or final).
    pub heading: &'a Heading,
    /// The key its titles are hashed under.
    pub key: &'a str,
    /// Whether titles are withheld (and the key left out).
    pub redact: bool,
    /// Labels' language.
    pub lang: Lang,
}

/// Writes a manifest workbook — the printed sheet, then whatever `more`
/// adds (a final manifest's appendix), then the hidden issued items — and
/// returns its digest.
pub fn write_document(
    path: &Path,
    doc: &Document<'_>,
    more: impl FnOnce(&mut Workbook) -> Result<()>,
) -> Result<String> {
    let lang = doc.lang;
    let digest = doc.batch.digest(doc.heading, doc.key);
    let mut wb = new_workbook()?;
    let printable = printable(doc.batch, doc.heading, &digest, doc.redact, lang);
    write_printable(&mut wb, lang.pick("销毁清单", "Manifest"), &printable)?;
    more(&mut wb)?;
    let key_cell = if doc.redact { "" } else { doc.key };
    write_items(&mut wb, doc.batch, doc.heading, &digest, doc.key, key_cell)?;
    save_atomically(&mut wb, path).with_context(|| format!("writing {}", path.display()))?;
    Ok(digest)
}

/// The printed manifest: heading, lines, totals and signatures.
fn printable(
    batch: &Batch,
    heading: &Heading,
    digest: &str,
    redact: bool,
    lang: Lang,
) -> Printable<'static> {
    let l = |zh: &'static str, en: &'static str| lang.pick(zh, en);
    let redacted_note = if redact {
        l(
            "本副本隐去文件标题，供销毁机构使用。",
            "Titles are withheld in this copy for the destruction facility.",
        )
    } else {
        ""
    };
    Printable {
        title: heading.title(lang),
        info: vec![
            heading.segments(lang).join(SEGMENT_SEPARATOR),
            format!(
                "{}: {digest}",
                l("清单摘要 SHA-256", "Manifest digest SHA-256")
            ),
            redacted_note.to_string(),
        ],
        headers: labels::manifest_headers(lang).to_vec(),
        rows: batch
            .lines
            .iter()
            .map(|x| line_cells(x, redact, lang))
            .collect(),
        totals: totals(batch, lang),
        review: !heading.is_final(),
        batch_review: Some(labels::batch_review_label(lang)),
        signatures: signatures(batch.witnesses, lang),
        footer: format!("{} {}  SHA-256 {digest}", l("批次", "Batch"), batch.id),
        lang,
    }
}

/// The visible cells of a manifest line.
fn line_cells(x: &LineItem, redact: bool, lang: Lang) -> Vec<OutCell> {
    let title = if redact { REDACTED } else { x.title.as_str() };
    vec![
        OutCell::Number(f64::from(x.no)),
        OutCell::Text(x.doc_id.clone()),
        OutCell::from(title),
        OutCell::Text(x.classification.clone()),
        OutCell::Text(labels::level_code(&x.effective, lang)),
        OutCell::Text(x.medium.clone()),
        OutCell::Number(x.copies as f64),
        OutCell::Number(x.pages as f64),
        OutCell::Text(x.department.clone()),
        OutCell::Text(x.source_file.clone()),
        OutCell::Text(x.source_sheet.clone()),
        OutCell::Number(f64::from(x.source_row)),
        OutCell::Text(x.rule.clone()),
        OutCell::Text(x.reason.clone()),
    ]
}

/// The totals row: lines, copies and pages.
fn totals(batch: &Batch, lang: Lang) -> Vec<OutCell> {
    let pages: i64 = batch.lines.iter().map(|x| x.pages).sum();
    vec![
        OutCell::from(lang.pick(labels::TOTAL.0, labels::TOTAL.1)),
        OutCell::Text(match lang {
            Lang::Zh => format!("{} 件", batch.lines.len()),
            Lang::En => format!("{} lines", batch.lines.len()),
        }),
        OutCell::Blank,
        OutCell::Blank,
        OutCell::Blank,
        OutCell::Blank,
        OutCell::Number(batch.copies() as f64),
        OutCell::Number(pages as f64),
    ]
}

/// The printed signature block of a manifest: who prepared it, one line
/// per witness required, who approved it.
fn signatures(witnesses: u32, lang: Lang) -> Vec<String> {
    let mut lines = vec![labels::signature_line(Signer::PreparedBy, lang)];
    lines.extend((1..=witnesses).map(|k| labels::witness_line(k, lang)));
    lines.push(labels::signature_line(Signer::ApprovedBy, lang));
    lines
}

/// Writes what was issued, hidden and protected, for `verify`: the format,
/// digest, batch and title key (`key_cell`, blank in a redacted copy);
/// the heading; the canonical lines, titles hashed under `key`.
fn write_items(
    wb: &mut Workbook,
    batch: &Batch,
    heading: &Heading,
    digest: &str,
    key: &str,
    key_cell: &str,
) -> Result<()> {
    let items = wb.add_worksheet();
    items.set_name(ITEMS_SHEET)?;
    for (c, v) in [ITEMS_MAGIC, digest, batch.id.as_str(), key_cell]
        .iter()
        .enumerate()
    {
        items.write_string(0, c as u16, *v)?;
    }
    for (c, name) in heading.field_names().iter().enumerate() {
        items.write_string(1, c as u16, *name)?;
    }
    for (c, v) in heading.fields().iter().enumerate() {
        items.write_string(2, c as u16, v)?;
    }
    for (c, name) in FIELD_NAMES.iter().enumerate() {
        items.write_string(3, c as u16, *name)?;
    }
    for (r, line) in batch.canonical(key).iter().enumerate() {
        for (c, v) in line.iter().enumerate() {
            items.write_string(r as u32 + 4, c as u16, v)?;
        }
    }
    items.set_hidden(true);
    items.protect();
    Ok(())
}

/// Writes a manifests folder's index: file, batch, site, level, lines, copies
/// and digest of every manifest in it.
pub fn write_index(path: &Path, written: &[Written]) -> Result<()> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "file", "batch", "site", "level", "lines", "copies", "digest",
    ])?;
    for x in written {
        w.write_record([
            x.file.clone(),
            x.batch.clone(),
            x.site.code().to_string(),
            x.level.clone(),
            x.lines.to_string(),
            x.copies.to_string(),
            x.digest.clone(),
        ])?;
    }
    let bytes = w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
    write_atomically(path, |f| Ok(std::io::Write::write_all(f, &bytes)?))
}
