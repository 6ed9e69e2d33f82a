//! Writing the draft destruction manifests: one printable workbook per
//! batch (and per redacted or departmental copy), each keeping what was
//! issued in a hidden sheet, and the folder's `index.csv`.
//!
//! A batch longer than a sheet holds continues on next sheets: the printed
//! manifest as every printable list does ([`crate::output::printable`]),
//! the hidden items as `_items (2)` … ([`write_items_sheets`]), each
//! repeating the rows above the lines. [`super::verify`] reads every part.

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
use crate::output::frame::{MAX_DATA_ROWS, part_name};
use crate::output::names::UniqueNames;
use crate::output::printable::{Lines, Printable, PrintedLines, write_printable_split};
use crate::output::sheet_xml::{LineSheet, RowXml, SheetRows, SheetSlot, WorkbookRows};
use crate::output::{OutCell, new_workbook, write_atomically};

/// The sheet that keeps what was issued.
pub const ITEMS_SHEET: &str = "_items";
/// Rows of an items sheet above its lines: the format, digest, id and
/// title key; the heading's field names; the heading; the lines' field
/// names.
pub const ITEMS_HEAD_ROWS: usize = 4;
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
    write_document(path, &document, |_| Ok(None))
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
/// adds (a final manifest's appendix, whose lines it returns to be
/// written as the workbook is saved), then the hidden issued items — and returns its
/// digest. An error names the file and the sheet it was writing.
pub fn write_document<'m>(
    path: &Path,
    doc: &Document<'_>,
    more: impl FnOnce(&mut Workbook) -> Result<Option<PrintedLines<'m>>>,
) -> Result<String> {
    write_document_split(path, doc, more, MAX_DATA_ROWS)
}

/// [`write_document`] with `max_rows` the last row (0-based) of a sheet.
fn write_document_split<'m>(
    path: &Path,
    doc: &Document<'_>,
    more: impl FnOnce(&mut Workbook) -> Result<Option<PrintedLines<'m>>>,
    max_rows: usize,
) -> Result<String> {
    let lang = doc.lang;
    // The canonical lines, made once: digested, then written.
    let lines = Lines::Made(doc.batch.canonical(doc.key));
    let digest = super::batch::digest(&doc.heading.fields(), lines.iter());
    let mut wb = new_workbook()?;
    let mut rows = WorkbookRows::new();
    let sheets = |wb: &mut Workbook| -> Result<()> {
        let printable = printable(doc.batch, doc.heading, &digest, doc.redact, lang);
        let name = lang.pick("销毁清单", "Manifest");
        rows.add(write_printable_split(wb, name, printable, max_rows)?);
        if let Some(appendix) = more(wb)? {
            rows.add(appendix);
        }
        let key_cell = if doc.redact { "" } else { doc.key };
        let head = ItemsHead {
            first: [ITEMS_MAGIC, &digest, &doc.batch.id, key_cell],
            heading_names: &doc.heading.field_names(),
            heading: &doc.heading.fields(),
            field_names: &FIELD_NAMES,
        };
        rows.add(write_items_sheets(wb, &head, &lines, max_rows)?);
        Ok(())
    };
    sheets(&mut wb).with_context(|| crate::output::writing(path))?;
    rows.save(&mut wb, path)?;
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
    Printable {
        title: heading.title(lang),
        info: vec![
            heading.segments(lang).join(SEGMENT_SEPARATOR),
            format!(
                "{}: {digest}",
                l("清单摘要 SHA-256", "Manifest digest SHA-256")
            ),
            redacted_note(redact, lang).to_string(),
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

/// The note under a manifest's heading: what a copy without titles is
/// for; "" in a copy with titles.
pub(super) fn redacted_note(redact: bool, lang: Lang) -> &'static str {
    if redact {
        lang.pick(
            "本副本隐去文件标题，供销毁机构使用。",
            "Titles are withheld in this copy for the destruction facility.",
        )
    } else {
        ""
    }
}

/// The totals row: lines, copies and pages.
fn totals(batch: &Batch, lang: Lang) -> Vec<OutCell> {
    let pages: i64 = batch.lines.iter().map(|x| x.pages).sum();
    totals_row(batch.lines.len(), batch.copies(), pages, lang)
}

/// The cells of a totals row of `lines` lines, `copies` copies and `pages`
/// pages, as printed and as `verify` expects them.
pub(super) fn totals_row(lines: usize, copies: i64, pages: i64, lang: Lang) -> Vec<OutCell> {
    vec![
        OutCell::from(lang.pick(labels::TOTAL.0, labels::TOTAL.1)),
        OutCell::Text(match lang {
            Lang::Zh => format!("{lines} 件"),
            Lang::En => format!("{lines} lines"),
        }),
        OutCell::Blank,
        OutCell::Blank,
        OutCell::Blank,
        OutCell::Blank,
        OutCell::Number(copies as f64),
        OutCell::Number(pages as f64),
    ]
}

/// The printed signature block of a manifest: who prepared it, one line
/// per witness required, who approved it.
pub(super) fn signatures(witnesses: u32, lang: Lang) -> Vec<String> {
    let mut lines = vec![labels::signature_line(Signer::PreparedBy, lang)];
    lines.extend((1..=witnesses).map(|k| labels::witness_line(k, lang)));
    lines.push(labels::signature_line(Signer::ApprovedBy, lang));
    lines
}

/// What an items sheet holds above its lines ([`ITEMS_HEAD_ROWS`]).
pub(crate) struct ItemsHead<'a> {
    /// The first row: the format ([`ITEMS_MAGIC`] or the list's), the
    /// digest, the batch or list id and the title key (blank in a copy
    /// issued without titles).
    pub first: [&'a str; 4],
    /// The names of the heading's fields.
    pub heading_names: &'a [&'a str],
    /// The heading's fields.
    pub heading: &'a [String],
    /// The names of a line's fields.
    pub field_names: &'a [&'a str],
}

/// Sets up sheets for what was issued, hidden and protected, for `verify`
/// and `confirm`, and returns their lines, written as the workbook is
/// saved ([`ItemsRows`]): the rows of `head`, then the canonical `lines` (titles as
/// keyed hashes), each line one cell holding its fields as a JSON array
/// of strings — one cell where a cell per field takes nine (a list's
/// line) or fourteen (a manifest's) — or, for a line too long for a
/// cell, its fields in cells, as every line was in workbooks written
/// before ([`super::verify::items_rows`] reads both). Past `max_rows`
/// (the last row of a sheet, 0-based) the lines continue on next sheets, `_items (2)` …, each repeating the rows
/// above the lines. An error names the sheet.
pub(crate) fn write_items_sheets<'l>(
    wb: &mut Workbook,
    head: &ItemsHead<'_>,
    lines: &'l Lines<'_, String>,
    max_rows: usize,
) -> Result<ItemsRows<'l>> {
    let per_sheet = (max_rows + 1).saturating_sub(ITEMS_HEAD_ROWS).max(1);
    let count = lines.len().div_ceil(per_sheet).max(1);
    let mut parts = Vec::with_capacity(count);
    for k in 0..count {
        let name = part_name(ITEMS_SHEET, k);
        let sheet = wb.worksheets().len();
        write_items_part(wb, &name, head).with_context(|| format!("sheet {name}"))?;
        parts.push(LineSheet {
            sheet,
            name,
            lines: k * per_sheet..((k + 1) * per_sheet).min(lines.len()),
        });
    }
    let columns = [
        head.first.len(),
        head.heading_names.len(),
        head.heading.len(),
        head.field_names.len(),
    ]
    .into_iter()
    .max()
    .unwrap_or(0);
    Ok(ItemsRows {
        lines,
        columns,
        parts,
    })
}

/// The lines of items sheets, written when their workbook is saved
/// ([`crate::output::sheet_xml::WorkbookRows`]).
pub(crate) struct ItemsRows<'l> {
    /// The lines.
    lines: &'l Lines<'l, String>,
    /// The columns of the rows above them: a line's fields in cells may
    /// take no more (the sheet's range is theirs).
    columns: usize,
    /// Its sheets.
    parts: Vec<LineSheet>,
}

impl SheetRows for ItemsRows<'_> {
    fn sheets(&self) -> Vec<SheetSlot> {
        self.parts
            .iter()
            .map(|p| p.slot(ITEMS_HEAD_ROWS as u32))
            .collect()
    }

    fn write_rows(&self, sheet: usize, xml: &mut RowXml<'_>) -> Result<()> {
        for (r, k) in self.parts[sheet].lines.clone().enumerate() {
            xml.start_row((r + ITEMS_HEAD_ROWS) as u32)?;
            let line = self.lines.line(k);
            let json = serde_json::to_string(&*line)?;
            if fits_a_cell(&json) {
                xml.text(0, &json)?;
            } else {
                if line.len() > self.columns {
                    anyhow::bail!(
                        "line {} has {} fields for {} columns",
                        k + 1,
                        line.len(),
                        self.columns
                    );
                }
                for (c, v) in line.iter().enumerate() {
                    xml.text(c as u16, v)?;
                }
            }
        }
        Ok(())
    }
}

/// One items sheet with the rows of `head`, hidden and protected; its
/// lines are written by [`ItemsRows`].
fn write_items_part(wb: &mut Workbook, name: &str, head: &ItemsHead<'_>) -> Result<()> {
    let items = crate::output::add_streamed_sheet(wb)?;
    items.set_name(name)?;
    for (c, v) in head.first.iter().enumerate() {
        items.write_string(0, c as u16, *v)?;
    }
    for (c, name) in head.heading_names.iter().enumerate() {
        items.write_string(1, c as u16, *name)?;
    }
    for (c, v) in head.heading.iter().enumerate() {
        items.write_string(2, c as u16, v)?;
    }
    for (c, name) in head.field_names.iter().enumerate() {
        items.write_string(3, c as u16, *name)?;
    }
    items.set_hidden(true);
    items.protect();
    Ok(())
}

/// Whether `text` fits one cell: Excel holds at most 32,767 UTF-16 code
/// units (a character outside the BMP takes two), never more than the
/// text's UTF-8 bytes.
fn fits_a_cell(text: &str) -> bool {
    const MAX_CELL_UNITS: usize = 32_767;
    text.len() <= MAX_CELL_UNITS || text.encode_utf16().count() <= MAX_CELL_UNITS
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

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::Reader;

    /// A batch of `n` lines, one witness.
    fn batch(n: u32) -> Batch {
        Batch {
            id: "2024-D-001".into(),
            site: Site::Facility,
            level: "P-5".into(),
            witnesses: 1,
            lines: (1..=n)
                .map(|k| LineItem {
                    no: k,
                    doc_id: format!("D-{k:03}"),
                    title: format!("标题{k}"),
                    classification: "秘密".into(),
                    effective: "CONFIDENTIAL".into(),
                    medium: "纸".into(),
                    copies: 1,
                    pages: 3,
                    department: "办公室".into(),
                    source_file: "r.xlsx".into(),
                    source_sheet: "收文".into(),
                    source_row: k + 1,
                    rule: "R9".into(),
                    reason: "到期".into(),
                })
                .collect(),
        }
    }

    /// Replaces `from` by `to` in member `name` of the workbook at `path`.
    fn edit(path: &Path, name: &str, from: &str, to: &str) {
        let bytes = std::fs::read(path).unwrap();
        let mut zip = ::zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut out = ::zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let stored = ::zip::write::SimpleFileOptions::default()
            .compression_method(::zip::CompressionMethod::Stored);
        for i in 0..zip.len() {
            let mut member = zip.by_index(i).unwrap();
            let member_name = member.name().unwrap().to_string();
            let mut text = Vec::new();
            std::io::Read::read_to_end(&mut member, &mut text).unwrap();
            if member_name == name {
                let edited = String::from_utf8(text).unwrap();
                assert!(edited.contains(from), "{from} in {name}");
                text = edited.replace(from, to).into_bytes();
            }
            out.start_file(member_name, stored).unwrap();
            std::io::Write::write_all(&mut out, &text).unwrap();
        }
        std::fs::write(path, out.finish().unwrap().into_inner()).unwrap();
    }

    #[test]
    fn a_manifest_past_the_sheet_row_limit_continues_on_next_sheets_and_still_verifies() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("2024-D-001.xlsx");
        let b = batch(12);
        let as_of = NaiveDate::from_ymd_opt(2024, 12, 31).unwrap();
        let heading = b.heading("保密办公室", as_of);
        let doc = Document {
            batch: &b,
            heading: &heading,
            key: "k",
            redact: false,
            lang: Lang::Zh,
        };
        // Rows 0–4 heading and header, 3 lines, room for the totals, a blank
        // row and three signatures: 12 rows. The items: 4 rows above 9 lines.
        write_document_split(&path, &doc, |_| Ok(None), 12).unwrap();
        let book = crate::manifest::verify::open(&path).unwrap();
        assert_eq!(
            book.sheet_names(),
            [
                "销毁清单",
                "销毁清单 (2)",
                "销毁清单 (3)",
                "销毁清单 (4)",
                "_items",
                "_items (2)"
            ]
        );
        let verified = crate::manifest::verify::verify_file(&path).unwrap();
        assert!(verified.intact(), "{:?}", verified.findings);
        assert_eq!(verified.lines, 12);
        let read = crate::manifest::review::read_manifest(&path).unwrap();
        let doc_ids: Vec<&str> = read.lines.iter().map(|l| l.doc_id()).collect();
        let titles: Vec<&str> = read.lines.iter().map(|l| l.title.as_str()).collect();
        assert_eq!(
            doc_ids,
            (1..=12).map(|k| format!("D-{k:03}")).collect::<Vec<_>>()
        );
        assert_eq!(
            titles,
            (1..=12).map(|k| format!("标题{k}")).collect::<Vec<_>>()
        );
        // A line changed on a continuation sheet is caught.
        edit(&path, "xl/worksheets/sheet3.xml", ">D-008<", ">X-008<");
        let verified = crate::manifest::verify::verify_file(&path).unwrap();
        assert_eq!(
            verified.findings,
            ["line 8 (D-008): doc_id changed to \"X-008\", issued \"D-008\""]
        );
        // And so is a line of the issued items' continuation changed.
        edit(&path, "xl/worksheets/sheet6.xml", "\"D-010\"", "\"D-011\"");
        let verified = crate::manifest::verify::verify_file(&path).unwrap();
        assert!(
            verified.findings[0].starts_with("the issued items do not match their digest"),
            "{:?}",
            verified.findings
        );
    }

    /// Writes `b` as a draft manifest at `path`, in Chinese.
    fn write_batch(path: &Path, b: &Batch) -> String {
        let as_of = NaiveDate::from_ymd_opt(2024, 12, 31).unwrap();
        let heading = b.heading("保密办公室", as_of);
        let doc = Document {
            batch: b,
            heading: &heading,
            key: "k",
            redact: false,
            lang: Lang::Zh,
        };
        write_document(path, &doc, |_| Ok(None)).unwrap()
    }

    #[test]
    fn a_line_too_long_for_one_cell_is_issued_a_field_a_cell_and_still_verifies() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("2024-D-001.xlsx");
        let mut b = batch(3);
        // Each field fits a cell; the line as one JSON text would not (a
        // character outside the BMP counts two towards Excel's limit).
        b.lines[1].doc_id = "长".repeat(30_000);
        b.lines[1].reason = "𠀀".repeat(1_400);
        let digest = write_batch(&path, &b);
        let mut book = crate::manifest::verify::open(&path).unwrap();
        let items = book.worksheet_range(ITEMS_SHEET).unwrap();
        let cell = |r: usize, c: usize| items.get((r, c)).map(|d| d.to_string());
        assert!(cell(4, 0).unwrap().starts_with("[\"1\",\"D-001\""));
        assert_eq!(cell(5, 0).as_deref(), Some("2"));
        assert_eq!(cell(5, 1), Some("长".repeat(30_000)));
        assert!(cell(6, 0).unwrap().starts_with("[\"3\","));
        let verified = crate::manifest::verify::verify_file(&path).unwrap();
        assert!(verified.intact(), "{:?}", verified.findings);
        assert_eq!(verified.lines, 3);
        let read = crate::manifest::review::read_manifest(&path).unwrap();
        assert_eq!(read.lines[1].doc_id(), "长".repeat(30_000));
        assert_eq!(read.digest, digest);
    }

    #[test]
    fn a_damaged_issued_line_is_an_error_naming_its_sheet_and_row_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("2024-D-001.xlsx");
        write_batch(&path, &batch(3));
        // The printed sheet is sheet1, the items sheet2.
        edit(&path, "xl/worksheets/sheet2.xml", "[\"2\",", "[\"2\",,");
        let err = crate::manifest::verify::verify_file(&path).unwrap_err();
        assert_eq!(
            format!("{err:#}"),
            format!(
                "{}: the issued items are damaged (sheet _items, row 6: not a line)",
                path.display()
            )
        );
        assert!(crate::manifest::review::read_manifest(&path).is_err());
    }

    #[test]
    fn issued_lines_with_quotes_backslashes_escapes_and_wide_characters_verify_intact() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("2024-D-001.xlsx");
        let mut b = batch(3);
        b.lines[0].doc_id = "\"引\" \\ [x] _x0041_ &amp; <t> 𠀀".into();
        b.lines[1].department = "_x005F_x0041_".into();
        b.lines[2].reason = "]\",\"[".into();
        let digest = write_batch(&path, &b);
        let verified = crate::manifest::verify::verify_file(&path).unwrap();
        assert!(verified.intact(), "{:?}", verified.findings);
        let read = crate::manifest::review::read_manifest(&path).unwrap();
        assert_eq!(read.lines[0].doc_id(), b.lines[0].doc_id);
        assert_eq!(read.digest, digest);
    }

    #[test]
    fn a_cell_added_beside_an_issued_line_is_caught() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("2024-D-001.xlsx");
        write_batch(&path, &batch(3));
        // Line 2's row (Excel row 6) gets a second cell.
        edit(
            &path,
            "xl/worksheets/sheet2.xml",
            "</c></row><row r=\"7\"",
            "</c><c r=\"B6\" t=\"inlineStr\"><is><t>x</t></is></c></row><row r=\"7\"",
        );
        let verified = crate::manifest::verify::verify_file(&path).unwrap();
        assert!(
            verified.findings[0].starts_with("the issued items do not match their digest"),
            "{:?}",
            verified.findings
        );
    }

    #[test]
    fn a_manifest_names_the_one_cell_format_and_an_older_one_is_read_in_cells() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("2024-D-001.xlsx");
        let digest = write_batch(&path, &batch(2));
        let mut book = crate::manifest::verify::open(&path).unwrap();
        let items = book.worksheet_range(ITEMS_SHEET).unwrap();
        assert_eq!(
            items.get((0, 0)).map(|c| c.to_string()).as_deref(),
            Some(ITEMS_MAGIC)
        );
        // Under the earlier format's name, the one-cell lines are not
        // lines: the digest no longer matches.
        edit(
            &path,
            "xl/worksheets/sheet2.xml",
            ITEMS_MAGIC,
            super::super::ITEMS_MAGIC_CELLS,
        );
        let verified = crate::manifest::verify::verify_file(&path).unwrap();
        assert!(
            verified.findings[0].starts_with(&format!(
                "the issued items do not match their digest {digest}"
            )),
            "{:?}",
            verified.findings
        );
    }

    /// Text of up to twelve pieces drawn from ones that XML, JSON and
    /// Excel's `_xHHHH_` escapes each treat specially, by a seeded
    /// xorshift generator.
    fn tricky_text(state: &mut u64) -> String {
        const PIECES: [&str; 24] = [
            "a", "密", "𠀀", " ", "\t", "\n", "\r", "\"", "\\", "[", "]", ",", "_x0041_",
            "_x005F_", "&", "<", ">", "\u{1}", "\u{7f}", "\u{3000}", "=", "'", "{", ":",
        ];
        let mut next = || {
            *state ^= *state << 13;
            *state ^= *state >> 7;
            *state ^= *state << 17;
            *state
        };
        let n = next() % 13;
        (0..n).map(|_| PIECES[(next() % 24) as usize]).collect()
    }

    #[test]
    fn issued_lines_of_generated_tricky_text_verify_intact_and_read_back_as_written() {
        for seed in [1_u64, 42, 2024] {
            let mut state = seed;
            let mut b = batch(40);
            for line in &mut b.lines {
                line.doc_id = tricky_text(&mut state);
                // Titles are read trimmed from a register.
                line.title = format!("题{}", tricky_text(&mut state).trim());
                line.classification = tricky_text(&mut state);
                line.medium = tricky_text(&mut state);
                line.department = tricky_text(&mut state);
                line.source_sheet = tricky_text(&mut state);
                line.reason = tricky_text(&mut state);
            }
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("2024-D-001.xlsx");
            let digest = write_batch(&path, &b);
            let verified = crate::manifest::verify::verify_file(&path).unwrap();
            assert!(verified.intact(), "seed {seed}: {:?}", verified.findings);
            let mut book = crate::manifest::verify::open(&path).unwrap();
            let issued =
                crate::manifest::verify::items_rows(&mut book, &path, ITEMS_MAGIC).unwrap();
            let canonical = b.canonical("k");
            assert_eq!(issued[ITEMS_HEAD_ROWS..], canonical[..], "seed {seed}");
            assert_eq!(
                super::super::digest(
                    &b.heading("保密办公室", NaiveDate::from_ymd_opt(2024, 12, 31).unwrap())
                        .fields(),
                    &canonical
                ),
                digest
            );
        }
    }
}
